"""CaseSearch: the one query/filter object shared by the HTML search page and the REST API.

Built from a mapping of parameters (a QueryDict or a dict): `q` in the query language plus the
explicit filters the facet sidebar adds (`sex`, `age_min`, `age_max`, `drug`, `outcome`, `hpo`,
`disease`, `lang`, `year_min`, `year_max`; `hpo`, `disease`, `drug`, `outcome` may repeat and then
all must hold) and `sort` (relevance | year | -year). The query and the filters are evaluated over
the in-memory bitmap index (cases/search/index.py); facets are counted from the filtered id set.
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from pyroaring import BitMap

from cases.models import OUTCOME_CODES
from cases.search.fulltext import fulltext_case_ids
from cases.search.index import SearchIndex, get_index
from cases.search.query import (
    And,
    Field,
    Node,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Words,
    parse_field,
    parse_query,
)
from cases.search.vocabulary import Concept, Vocabulary, get_vocabulary, normalise
from vocab.languages import has_cjk

SORTS = ("relevance", "year", "-year")
MULTI_PARAMS = ("hpo", "disease", "drug", "outcome")
PARAMS = (
    "q",
    "sex",
    "age_min",
    "age_max",
    "drug",
    "outcome",
    "hpo",
    "disease",
    "lang",
    "year_min",
    "year_max",
    "sort",
)
AGE_BANDS = [(0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 130)]
FACET_LIMIT = 15
# Facet features: very general terms ("Abnormality of the skin") say nothing about a result set.
MIN_FACET_IC = 1.5
OUTCOME_NAMES = {code: name for name, code in OUTCOME_CODES.items()}
FACET_CACHE_SIZE = 256  # result sets whose facet counts each process remembers
# id(SearchIndex) -> {(change stamp, vocabulary, active filters, result bitmap): facets}
_facet_cache: dict[int, dict[tuple, dict]] = {}


@dataclass(frozen=True)
class FacetValue:
    key: str  # the parameter value that refines by this value
    label: str
    count: int
    label_zh: str = ""
    param: str = ""  # which parameter `key` goes into


@dataclass
class SearchResult:
    total: int
    case_ids: list[int]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # How the free words of the query were understood, for "calcinosis → HP:0003761 Calcinosis"
    interpretation: list[dict] = field(default_factory=list)
    elapsed_ms: float = 0.0


@dataclass
class _Item:
    """One resolved positive item of the query, for relevance ranking."""

    bitmap: BitMap
    weight: float


class _Evaluator:
    def __init__(self, index: SearchIndex, vocabulary: Vocabulary, universe: BitMap) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.universe = universe
        self.items: list[_Item] = []
        self.interpretation: list[dict] = []
        self._fulltext_cache: dict[tuple[str, bool], BitMap] = {}

    # --- concepts -------------------------------------------------------------------------------

    def concept_bitmap(self, concept: Concept) -> BitMap:
        family = {"term": self.index.term, "disease": self.index.disease, "agent": self.index.agent}[
            concept.kind
        ]
        return family.get(concept.id) or BitMap()

    def concept_weight(self, concept: Concept) -> float:
        if concept.kind == "term":
            return max(self.vocabulary.term_ic.get(concept.id, 1.0), 0.5)
        return 4.0 if concept.kind == "disease" else 3.0

    def concepts_bitmap(self, concepts: list[Concept], text: str, negated: bool) -> BitMap:
        bitmap = BitMap.union(*(self.concept_bitmap(c) for c in concepts)) if concepts else BitMap()
        if not negated:
            self.items.append(_Item(bitmap, max(self.concept_weight(c) for c in concepts)))
        self.interpretation.append(
            {
                "text": text,
                "negated": negated,
                "concepts": [
                    {"kind": c.kind, "code": c.code, "label": c.label, "label_zh": c.label_zh, "via": c.via}
                    for c in concepts
                ],
            }
        )
        return bitmap

    def fulltext(self, text: str, *, phrase: bool, negated: bool) -> BitMap:
        key = (text, phrase)
        if key not in self._fulltext_cache:
            self._fulltext_cache[key] = BitMap(fulltext_case_ids(text, phrase=phrase))
        bitmap = self._fulltext_cache[key]
        if not negated:
            self.items.append(_Item(bitmap, 2.0))
        self.interpretation.append({"text": text, "negated": negated, "fulltext": True, "concepts": []})
        return bitmap

    # --- words ----------------------------------------------------------------------------------

    def words(self, node: Words, negated: bool) -> BitMap:
        concepts = self.vocabulary.lookup(node.text)
        if concepts:
            return self.concepts_bitmap(concepts, node.text, negated)
        if node.quoted:
            return self.fulltext(node.text, phrase=True, negated=negated)
        parts = self.segment(node.text)
        bitmaps = []
        for text, found in parts:
            if found:
                bitmaps.append(self.concepts_bitmap(found, text, negated))
            else:
                bitmaps.append(self.fulltext(text, phrase=False, negated=negated))
        if not bitmaps:
            return BitMap()
        return BitMap.intersection(*bitmaps) if len(bitmaps) > 1 else bitmaps[0]

    def segment(self, text: str) -> list[tuple[str, list[Concept]]]:
        """Split a run of words into the longest vocabulary names (greedy from the left); words
        with no name become full-text parts. Chinese runs are segmented by characters."""
        tokens = text.split()
        parts: list[tuple[str, list[Concept]]] = []
        pending: list[str] = []

        def flush() -> None:
            if pending:
                parts.append((" ".join(pending), []))
                pending.clear()

        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + self.vocabulary.max_words), i, -1):
                candidate = " ".join(tokens[i:j])
                found = self.vocabulary.lookup(candidate)
                if found:
                    flush()
                    parts.append((candidate, found))
                    i = j
                    break
            else:
                token = tokens[i]
                if has_cjk(token):
                    flush()
                    parts.extend(self.segment_cjk(token))
                else:
                    pending.append(token)
                i += 1
        flush()
        return parts

    def segment_cjk(self, token: str) -> list[tuple[str, list[Concept]]]:
        parts: list[tuple[str, list[Concept]]] = []
        unmatched = ""
        i = 0
        longest = self.vocabulary.max_cjk_chars
        while i < len(token):
            for j in range(min(len(token), i + longest), i + 1, -1):  # names of 2+ characters
                found = self.vocabulary.lookup(token[i:j])
                if found:
                    if unmatched:
                        parts.append((unmatched, []))
                        unmatched = ""
                    parts.append((token[i:j], found))
                    i = j
                    break
            else:
                unmatched += token[i]
                i += 1
        if unmatched:
            parts.append((unmatched, []))
        return parts

    # --- fields ---------------------------------------------------------------------------------

    def field(self, node: Field, negated: bool) -> BitMap:
        index, vocabulary = self.index, self.vocabulary
        value_position = node.position + len(node.name) + 1
        if node.name == "sex":
            return index.sex.get(node.value) or BitMap()
        if node.name in ("age", "year"):
            family = index.age if node.name == "age" else index.year
            low = node.low if node.low is not None else -1
            high = node.high if node.high is not None else 10_000
            chosen = [bitmap for key, bitmap in family.items() if low <= key <= high]
            return BitMap.union(*chosen) if chosen else BitMap()
        if node.name == "lang":
            return index.language.get(node.value) or BitMap()
        if node.name == "outcome":
            return index.outcome.get(OUTCOME_CODES[node.value]) or BitMap()
        if node.name == "text":
            return self.fulltext(node.value, phrase=" " in node.value, negated=negated)
        if node.name == "drug":
            concepts = [c for c in vocabulary.lookup(node.value) if c.kind == "agent"]
            if not concepts:
                raise QuerySyntaxError(f"unknown drug {node.value!r}", value_position)
            return self.concepts_bitmap(concepts, node.value, negated)
        if node.name == "disease":
            disease_id = vocabulary.disease_by_code.get(node.value.upper())
            concepts = (
                [vocabulary.diseases[disease_id]]
                if disease_id is not None
                else [c for c in vocabulary.lookup(node.value) if c.kind == "disease"]
            )
            if not concepts:
                raise QuerySyntaxError(f"unknown disease {node.value!r}", value_position)
            return self.concepts_bitmap(concepts, node.value, negated)
        if node.name in ("hpo", "excluded"):
            concepts = self.terms_for(node.value)
            if not concepts:
                raise QuerySyntaxError(f"unknown HPO term {node.value!r}", value_position)
            if node.name == "hpo":
                return self.concepts_bitmap(concepts, node.value, negated)
            # Explicitly excluded: the case excludes the term or a more general one ("no
            # calcinosis" also rules out calcinosis cutis).
            bitmaps = []
            for concept in concepts:
                for ancestor in vocabulary.term_ancestors.get(concept.id, (concept.id,)):
                    if ancestor in index.excluded:
                        bitmaps.append(index.excluded[ancestor])
            self.interpretation.append(
                {
                    "text": node.value,
                    "negated": negated,
                    "excluded": True,
                    "concepts": [{"kind": c.kind, "code": c.code, "label": c.label} for c in concepts],
                }
            )
            return BitMap.union(*bitmaps) if bitmaps else BitMap()
        raise QuerySyntaxError(f"unknown field {node.name!r}", node.position)

    def terms_for(self, value: str) -> list[Concept]:
        vocabulary = self.vocabulary
        match = re.fullmatch(r"(?i)(?:hp:)?(\d{1,7})", value.strip())
        if match:
            term_id = int(match.group(1))
            return [vocabulary.terms[term_id]] if term_id in vocabulary.terms else []
        return [c for c in vocabulary.lookup(value) if c.kind == "term"]

    # --- tree -----------------------------------------------------------------------------------

    def evaluate(self, node: Node, negated: bool = False) -> BitMap:
        if isinstance(node, And):
            result = None
            for child in node.children:
                bitmap = self.evaluate(child, negated)
                result = bitmap.copy() if result is None else result & bitmap
            return result if result is not None else BitMap()
        if isinstance(node, Or):
            return BitMap.union(*(self.evaluate(child, negated) for child in node.children))
        if isinstance(node, Not):
            return self.universe - self.evaluate(node.child, not negated)
        if isinstance(node, Words):
            return self.words(node, negated)
        if isinstance(node, Field):
            return self.field(node, negated)
        raise TypeError(node)


def _as_lists(params: Mapping) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name in PARAMS:
        if hasattr(params, "getlist"):
            values = params.getlist(name)
        else:
            raw = params.get(name)
            values = [] if raw is None else list(raw) if isinstance(raw, list | tuple) else [raw]
        values = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
        if values:
            result[name] = values
    return result


class CaseSearch:
    """Parse and validate the parameters once; `execute` runs them for a user.

    `errors` maps a parameter name to a message; for `q` the QuerySyntaxError itself is kept in
    `query_error` (message and character position) so a page can point at the spot.
    """

    def __init__(self, params: Mapping | None = None) -> None:
        self.params = _as_lists(params or {})
        self.errors: dict[str, str] = {}
        self.query_error: QuerySyntaxError | None = None
        self.query: Query = Query(text="", root=None)
        self.filters: list[tuple[str, str, Field]] = []  # (param, raw value, node)
        self.sort = "relevance"
        self._parse()

    # --- validation ---------------------------------------------------------------------------

    def _parse(self) -> None:
        q = " ".join(self.params.get("q", []))
        try:
            self.query = parse_query(q)
        except QuerySyntaxError as error:
            self.query_error = error
            self.errors["q"] = str(error)
        for name in ("sex", "lang"):
            for value in self.params.get(name, [])[:1]:
                self._filter(name, name, value)
        for name in MULTI_PARAMS:
            for value in self.params.get(name, []):
                self._filter(name, name, value)
        for field_name in ("age", "year"):
            low = self.params.get(f"{field_name}_min", [""])[0]
            high = self.params.get(f"{field_name}_max", [""])[0]
            if low or high:
                for param, value in ((f"{field_name}_min", low), (f"{field_name}_max", high)):
                    if value and not value.isdigit():
                        self.errors[param] = f"{param} must be a whole number, not {value!r}"
                if not any(p in self.errors for p in (f"{field_name}_min", f"{field_name}_max")):
                    self._filter(
                        f"{field_name}_min" if low else f"{field_name}_max", field_name, f"{low}-{high}"
                    )
        sort = self.params.get("sort", ["relevance"])[0]
        if sort not in SORTS:
            self.errors["sort"] = f"sort must be one of {', '.join(SORTS)}"
        else:
            self.sort = sort

    def _filter(self, param: str, field_name: str, value: str) -> None:
        try:
            node = parse_field(field_name, value, 0)
        except QuerySyntaxError as error:
            self.errors[param] = error.message
            return
        self.filters.append((param, value, node))

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def raise_if_invalid(self) -> None:
        if self.query_error is not None:
            raise self.query_error
        if self.errors:
            param, message = next(iter(self.errors.items()))
            raise QuerySyntaxError(f"{param}: {message}", 0)

    @property
    def is_empty(self) -> bool:
        return self.query.empty and not self.filters

    # --- evaluation ---------------------------------------------------------------------------

    def matching(self, *, user) -> tuple[BitMap, _Evaluator, SearchIndex]:
        """The bitmap of visible cases matching query and filters."""
        self.raise_if_invalid()
        vocabulary = get_vocabulary()
        index = get_index()
        with index.lock:
            universe = index.visible(user)
            evaluator = _Evaluator(index, vocabulary, universe)
            result = universe
            if self.query.root is not None:
                try:
                    result = result & evaluator.evaluate(self.query.root)
                except QuerySyntaxError as error:
                    # Well-formed but naming nothing known (drug:unknownium): same treatment
                    self.query_error = error
                    self.errors["q"] = str(error)
                    raise
            for param, _value, node in self.filters:
                try:
                    bitmap = evaluator.field(node, False)
                except QuerySyntaxError as error:
                    self.errors[param] = error.message
                    raise QuerySyntaxError(f"{param}: {error.message}", 0) from None
                result = result & bitmap
        return result, evaluator, index

    def execute(self, *, user, offset: int = 0, limit: int = 20, facets: bool = True) -> SearchResult:
        started = time.perf_counter()
        offset = max(int(offset), 0)
        limit = max(min(int(limit), 1000), 0)
        result, evaluator, index = self.matching(user=user)
        with index.lock:
            page = self._order(result, evaluator, index, offset + limit)[offset : offset + limit]
            facet_values = self._cached_facets(result, index, evaluator.vocabulary) if facets else {}
        return SearchResult(
            total=len(result),
            case_ids=page,
            facets=facet_values,
            interpretation=evaluator.interpretation,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def all_ids(self, *, user) -> list[int]:
        """Every matching id in result order (cohort summaries and CSV export)."""
        result, evaluator, index = self.matching(user=user)
        with index.lock:
            return self._order(result, evaluator, index, len(result))

    # --- ordering -----------------------------------------------------------------------------

    def _order(self, result: BitMap, evaluator: _Evaluator, index: SearchIndex, needed: int) -> list[int]:
        if not result or needed <= 0:
            return []
        ids = np.frombuffer(result.to_array(), dtype=np.uint32).astype(np.int64)
        years = index.year_of[ids].astype(np.int64) if len(index.year_of) else np.zeros(len(ids), np.int64)
        if self.sort == "relevance":
            scores = np.zeros(len(ids), dtype=np.int64)
            if evaluator.items:
                dense = np.zeros(int(ids[-1]) + 1, dtype=np.float32)
                for item in evaluator.items:
                    hits = item.bitmap & result
                    if hits:
                        dense[np.frombuffer(hits.to_array(), dtype=np.uint32)] += item.weight
                scores = np.rint(dense[ids] * 100).astype(np.int64)
            reviewed = index.status.get("curated", BitMap()) | index.status.get("published", BitMap())
            bonus = np.zeros(len(ids), dtype=np.int64)
            reviewed_hits = reviewed & result
            if reviewed_hits:
                bonus[np.searchsorted(ids, np.frombuffer(reviewed_hits.to_array(), dtype=np.uint32))] = 1
            # score | reviewed | year | id, most significant first, in one int64 key
            keys = (np.minimum(scores, (1 << 19) - 1) << 43) | (bonus << 42) | (years << 31) | ids
        elif self.sort == "-year":
            keys = (years << 31) | ids
        else:  # oldest first; unknown years last
            keys = ((2100 - np.where(years == 0, -1, years)) << 31) | ((1 << 31) - 1 - ids)
        top = np.argpartition(-keys, needed - 1)[:needed] if needed < len(keys) else np.arange(len(keys))
        top = top[np.argsort(-keys[top], kind="stable")]
        return ids[top].tolist()

    # --- facets -------------------------------------------------------------------------------

    def _cached_facets(
        self, result: BitMap, index: SearchIndex, vocabulary: Vocabulary
    ) -> dict[str, list[FacetValue]]:
        """Facets of a result set, remembered until the index changes.

        Counting is most of the cost of a query, and the same result sets come back all the time
        (the front page, paging through one search, popular queries). The key holds the index's
        change stamp, so any case written since makes every older entry unreachable; the result
        set is keyed by its serialized bitmap, so two spellings of one query share an entry."""
        active = tuple(sorted((param, str(node.value)) for param, _value, node in self.filters))
        key = (index.seen_seq, id(vocabulary), active, result.serialize())
        cache = _facet_cache.setdefault(id(index), {})
        found = cache.get(key)
        if found is None:
            found = self._facets(result, index, vocabulary)
            if len(cache) >= FACET_CACHE_SIZE:
                cache.pop(next(iter(cache)))  # oldest first: insertion order
            cache[key] = found
        else:
            cache[key] = cache.pop(key)  # most recently used moves to the end
        return {name: list(values) for name, values in found.items()}  # callers get their own lists

    def _facets(
        self, result: BitMap, index: SearchIndex, vocabulary: Vocabulary
    ) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        active_hpo = {node.value for param, _, node in self.filters if param == "hpo"}
        active_disease = {node.value.upper() for param, _, node in self.filters if param == "disease"}
        active_drug = {normalise(node.value) for param, _, node in self.filters if param == "drug"}
        candidates = _facet_candidates(index, vocabulary)

        if len(result) <= EXACT_FACETS_UP_TO:
            # A small result set: PostgreSQL counts its few arrays faster than scanning every
            # value's bitmap (whose sizes cannot bound small counts early).
            counts = _exact_counts(result)

            def top(family: str, k: int) -> list[tuple[int, int]]:
                allowed = candidates["keep"][family]
                rows = [(count, value) for value, count in counts[family].items() if allowed(value)]
                rows.sort(key=lambda row: (-row[0], row[1]))
                return [(value, count) for count, value in rows[:k]]
        else:
            sampled: dict[str, dict[int, int]] = {}
            broad = len(result) >= BROAD_SHARE * max(len(index.all), 1)

            def top(family: str, k: int) -> list[tuple[int, int]]:
                # Broad results: scanning values in size order stops after a few dozen bitmaps.
                # Below ~10% of the cases the sizes bound the counts too late to pay off.
                if broad:
                    found = _top_counts(result, candidates[family], k, budget=SCAN_BUDGET)
                    if found is not None:
                        return found
                # The sizes did not bound the counts soon enough (a result of a few thousand
                # among a million): take the values present in an even sample of the result as
                # candidates and count those exactly.
                if not sampled:
                    sampled.update(_exact_counts(_even_sample(result, SAMPLE_SIZE)))
                allowed = candidates["keep"][family]
                family_map = getattr(index, family)
                # A value seen once in the sample is rare in the result: not a top value
                seen = sampled[family]
                floor = 2 if len(result) > SAMPLE_SIZE and len(seen) > SAMPLED_CANDIDATES else 1
                likely = sorted(
                    (
                        (n, value)
                        for value, n in seen.items()
                        if n >= floor and allowed(value) and value in family_map
                    ),
                    reverse=True,
                )[:SAMPLED_CANDIDATES]
                exact = [(result.intersection_cardinality(family_map[value]), value) for _, value in likely]
                exact.sort(key=lambda row: (-row[0], row[1]))
                return [(value, count) for count, value in exact[:k] if count]

        # Features: the most frequent informative terms of the result set. A general term
        # counted exactly as often as a more specific one already shown adds nothing: skipped.
        chosen: list[FacetValue] = []
        chosen_ids: list[int] = []
        for term_id, count in top("term", FACET_LIMIT * 2):
            concept = vocabulary.terms[term_id]
            if concept.code in active_hpo:
                continue
            if any(
                term_id in vocabulary.term_ancestors.get(other, ()) and value.count == count
                for other, value in zip(chosen_ids, chosen, strict=True)
            ):
                continue
            chosen.append(FacetValue(concept.code, concept.label, count, concept.label_zh, "hpo"))
            chosen_ids.append(term_id)
            if len(chosen) >= FACET_LIMIT:
                break
        facets["features"] = chosen
        diagnoses = []
        for disease_id, count in top("disease", FACET_LIMIT + len(active_disease)):
            concept = vocabulary.diseases[disease_id]
            if concept.code.upper() not in active_disease:
                diagnoses.append(FacetValue(concept.code, concept.label, count, concept.label_zh, "disease"))
        facets["diagnoses"] = diagnoses[:FACET_LIMIT]
        treatments = []
        for agent_id, count in top("agent", FACET_LIMIT + len(active_drug)):
            concept = vocabulary.agents[agent_id]
            if normalise(concept.code) not in active_drug:
                treatments.append(FacetValue(concept.code, concept.label, count, concept.label_zh, "drug"))
        facets["treatments"] = treatments[:FACET_LIMIT]
        facets["outcomes"] = [
            FacetValue(OUTCOME_NAMES[code], OUTCOME_NAMES[code], count, "", "outcome")
            for code in sorted(index.outcome)
            if code in OUTCOME_NAMES and (count := result.intersection_cardinality(index.outcome[code]))
        ]
        facets["sex"] = [
            FacetValue(sex, sex.capitalize(), count, "", "sex")
            for sex in ("female", "male", "other", "unknown")
            if (count := result.intersection_cardinality(index.sex.get(sex) or BitMap()))
        ]
        age_counts = {age: result.intersection_cardinality(bitmap) for age, bitmap in index.age.items()}
        bands = []
        for low, high in AGE_BANDS:
            count = sum(c for age, c in age_counts.items() if low <= age <= high)
            if count:
                label = f"{low}+" if high >= 130 else f"{low}–{high}"
                bands.append(FacetValue(f"{low}-{high}", label, count, "", "age"))
        facets["age"] = bands
        facets["language"] = sorted(
            (
                FacetValue(language, _language_label(language), count, "", "lang")
                for language, bitmap in index.language.items()
                if language and (count := result.intersection_cardinality(bitmap))
            ),
            key=lambda value: -value.count,
        )
        facets["year"] = sorted(
            (
                FacetValue(str(year), str(year), count, "", "year")
                for year, bitmap in index.year.items()
                if (count := result.intersection_cardinality(bitmap))
            ),
            key=lambda value: value.key,
            reverse=True,
        )[:30]
        return facets


def _language_label(code: str) -> str:
    return {
        "en": "English",
        "zh": "Chinese",
        "ja": "Japanese",
        "de": "German",
        "fr": "French",
        "es": "Spanish",
    }.get(code, code)


def _top_counts(
    result: BitMap, candidates: list[tuple[int, int, BitMap]], k: int, budget: int | None = None
) -> list[tuple[int, int]] | None:
    """The k values with the most cases in `result`, exactly, most first (ties: larger overall).

    Candidates come sorted by their overall size, and a value can never count more cases of the
    result than it has overall: once k counts are at least the next candidate's size, nothing
    further can enter the top k. On broad result sets this stops after a few dozen bitmaps.
    With a `budget`, gives up (None) after that many bitmaps without reaching the bound."""
    heap: list[tuple[int, int, int]] = []  # (count, -position, key): position breaks ties
    for position, (size, key, bitmap) in enumerate(candidates):
        if len(heap) >= k and heap[0][0] >= size:
            break
        if budget is not None and position >= budget:
            return None
        count = result.intersection_cardinality(bitmap)
        if not count:
            continue
        if len(heap) < k:
            heapq.heappush(heap, (count, -position, key))
        elif count > heap[0][0]:
            heapq.heapreplace(heap, (count, -position, key))
    return [(key, count) for count, _, key in sorted(heap, reverse=True)]


_candidate_cache: dict[str, tuple] = {}
EXACT_FACETS_UP_TO = 300
SCAN_BUDGET = 600  # bitmaps scanned before falling back to sampled candidates
BROAD_SHARE = 0.1  # result sets at least this share of all cases scan; smaller ones sample
SAMPLE_SIZE = 300
SAMPLED_CANDIDATES = 120


def _even_sample(result: BitMap, size: int) -> BitMap:
    ids = np.frombuffer(result.to_array(), dtype=np.uint32)
    if len(ids) <= size:
        return result
    return BitMap(ids[np.linspace(0, len(ids) - 1, size).astype(np.int64)].tolist())


def _exact_counts(result: BitMap) -> dict[str, dict[int, int]]:
    """Value counts of a small result set, per family, from its stored arrays (one round trip)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH chosen AS MATERIALIZED (SELECT term_ids, disease_ids, agent_ids FROM cases_case"
            " WHERE id = ANY(%s::int8[]))"
            " SELECT 1, value, count(*) FROM chosen, unnest(term_ids) AS value GROUP BY value"
            " UNION ALL SELECT 2, value, count(*) FROM chosen, unnest(disease_ids) AS value GROUP BY value"
            " UNION ALL SELECT 3, value, count(*) FROM chosen, unnest(agent_ids) AS value GROUP BY value",
            ["{" + ",".join(map(str, result)) + "}"],
        )
        counts: dict[str, dict[int, int]] = {"term": {}, "disease": {}, "agent": {}}
        names = {1: "term", 2: "disease", 3: "agent"}
        for family, value, count in cursor.fetchall():
            counts[names[family]][value] = count
    return counts


def _facet_candidates(index: SearchIndex, vocabulary: Vocabulary) -> dict[str, list[tuple[int, int, BitMap]]]:
    """Facet values of the index as (size, key, bitmap), largest first; cached per index state.
    Features are restricted to informative phenotype terms (IC ≥ MIN_FACET_IC)."""
    key = (id(index), index.seen_seq, id(vocabulary))
    cached = _candidate_cache.get("facets")
    if cached is not None and cached[0] == key:
        return cached[1]

    def ranked(family: dict, keep) -> list[tuple[int, int, BitMap]]:
        rows = [(len(bitmap), value, bitmap) for value, bitmap in family.items() if keep(value) and bitmap]
        rows.sort(key=lambda row: (-row[0], row[1]))
        return rows

    keep = {
        "term": lambda t: (
            vocabulary.term_phenotype.get(t, False) and vocabulary.term_ic.get(t, 0.0) >= MIN_FACET_IC
        ),
        "disease": lambda d: d in vocabulary.diseases,
        "agent": lambda a: a in vocabulary.agents,
    }
    candidates = {family: ranked(getattr(index, family), keep[family]) for family in keep}
    candidates["keep"] = keep
    _candidate_cache["facets"] = (key, candidates)
    return candidates
