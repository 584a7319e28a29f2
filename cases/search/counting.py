"""Facet counts of a result set, from the bitmap index: each counted facet (facets/, in sidebar
order) counts its own values, and facets over large vocabularies (HPO terms, diseases, agents)
ask `Counting.top` for their most frequent values, which picks the cheapest exact strategy:

- a small result (≤ EXACT_FACETS_UP_TO cases): PostgreSQL unnests its few stored arrays in one
  round trip, faster than scanning every value's bitmap;
- a broad result (≥ BROAD_SHARE of all cases): values are scanned in order of overall size and
  the scan stops once the sizes bound the counts (a few dozen bitmaps);
- in between: the values seen in an even sample of the result are the candidates, counted exactly.

Counts are remembered per result set until the index changes (`facet_counts`): the same result
sets come back all the time (the front page, paging through one search, popular queries).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
from django.db import connection
from pyroaring import BitMap

from cases.search.facets import FACETS, Facet, FacetValue
from cases.search.index import SearchIndex
from cases.search.syntax import Field
from cases.search.vocabulary import Vocabulary

__all__ = ["FacetValue", "facet_counts"]

EXACT_FACETS_UP_TO = 300
SCAN_BUDGET = 600  # bitmaps scanned before falling back to sampled candidates
BROAD_SHARE = 0.1  # result sets at least this share of all cases scan; smaller ones sample
SAMPLE_SIZE = 300
SAMPLED_CANDIDATES = 120
FACET_CACHE_SIZE = 256  # result sets whose facet counts each process remembers
# id(SearchIndex) -> {(change stamp, vocabulary, facets, active filters, result bitmap): facets}
_facet_cache: dict[int, dict[tuple, dict]] = {}
_candidate_cache: dict[str, tuple] = {}


def facet_counts(
    result: BitMap, index: SearchIndex, vocabulary: Vocabulary, filters: list[Field]
) -> dict[str, list[FacetValue]]:
    """{counts key: values} of every counted facet over `result`; `filters` are the active
    parameter filters (their values are left out of their own facet). Remembered until the
    index changes: the key holds the index's change stamp, so a case written since makes every
    older entry unreachable; the result set is keyed by its serialized bitmap, so two spellings
    of one query share an entry."""
    active = tuple(sorted((node.name, str(node.value)) for node in filters))
    key = (index.seen_seq, id(vocabulary), FACETS.version, active, result.serialize())
    cache = _facet_cache.setdefault(id(index), {})
    found = cache.get(key)
    if found is None:
        counting = Counting(result, index, vocabulary)
        found = {
            facet.counts_key: facet.count(
                result, counting, [node for node in filters if node.name == facet.name]
            )
            for facet in FACETS.counted()
        }
        if len(cache) >= FACET_CACHE_SIZE:
            cache.pop(next(iter(cache)))  # oldest first: insertion order
        cache[key] = found
    else:
        cache[key] = cache.pop(key)  # most recently used moves to the end
    return {name: list(values) for name, values in found.items()}  # callers get their own lists


class Counting:
    """What a facet's `count` may use for one result set (facets/base.py, `Counting`)."""

    def __init__(self, result: BitMap, index: SearchIndex, vocabulary: Vocabulary) -> None:
        self.result = result
        self.index = index
        self.vocabulary = vocabulary
        # Without the in-memory index (fallback.py) only the stored arrays can be counted
        self.exact = len(result) <= EXACT_FACETS_UP_TO or not index.in_memory
        self.broad = len(result) >= BROAD_SHARE * max(len(index.all), 1)
        self._exact_counts: dict[str, dict[int, int]] | None = None
        self._sampled: dict[str, dict[int, int]] | None = None

    def family(self, name: str) -> Mapping[Hashable, BitMap]:
        return self.index.family(name)

    def top(self, facet: Facet, k: int) -> list[tuple[int, int]]:
        """The k values of `facet` with the most cases in the result, (value, count), most first."""
        candidates = _facet_candidates(self.index, self.vocabulary)
        family_name = facet.column.family
        allowed = candidates.keep[family_name]
        if self.exact:
            if self._exact_counts is None:
                self._exact_counts = _exact_counts(self.result, candidates.columns)
            rows = [
                (count, value) for value, count in self._exact_counts[family_name].items() if allowed(value)
            ]
            rows.sort(key=lambda row: (-row[0], row[1]))
            return [(value, count) for count, value in rows[:k]]
        # Broad results: scanning values in size order stops after a few dozen bitmaps. Below
        # ~10% of the cases the sizes bound the counts too late to pay off.
        if self.broad:
            found = _top_counts(self.result, candidates.ranked[family_name], k, budget=SCAN_BUDGET)
            if found is not None:
                return found
        # The sizes did not bound the counts soon enough (a result of a few thousand among a
        # million): take the values present in an even sample of the result as candidates and
        # count those exactly.
        if self._sampled is None:
            self._sampled = _exact_counts(_even_sample(self.result, SAMPLE_SIZE), candidates.columns)
        family = self.index.family(family_name)
        # A value seen once in the sample is rare in the result: not a top value
        seen = self._sampled[family_name]
        floor = 2 if len(self.result) > SAMPLE_SIZE and len(seen) > SAMPLED_CANDIDATES else 1
        likely = sorted(
            ((n, value) for value, n in seen.items() if n >= floor and allowed(value) and value in family),
            reverse=True,
        )[:SAMPLED_CANDIDATES]
        exact = [(self.result.intersection_cardinality(family[value]), value) for _, value in likely]
        exact.sort(key=lambda row: (-row[0], row[1]))
        return [(value, count) for count, value in exact[:k] if count]


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


def _even_sample(result: BitMap, size: int) -> BitMap:
    ids = np.frombuffer(result.to_array(), dtype=np.uint32)
    if len(ids) <= size:
        return result
    return BitMap(ids[np.linspace(0, len(ids) - 1, size).astype(np.int64)].tolist())


def _exact_counts(result: BitMap, columns: dict[str, str]) -> dict[str, dict[int, int]]:
    """Value counts of a small result set per family ({family: column}), from the stored arrays
    of its cases (one round trip)."""
    counts: dict[str, dict[int, int]] = {family: {} for family in columns}
    if not columns:
        return counts
    families = list(columns)
    quoted = [connection.ops.quote_name(columns[family]) for family in families]
    # Column names come from the facet declarations, never from a request.
    sql = (
        f"WITH chosen AS MATERIALIZED (SELECT {', '.join(quoted)} FROM cases_case"  # noqa: S608
        " WHERE id = ANY(%s::int8[])) "
        + " UNION ALL ".join(
            f"SELECT {number}, value, count(*) FROM chosen, unnest({column}) AS value GROUP BY value"  # noqa: S608
            for number, column in enumerate(quoted)
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["{" + ",".join(map(str, result)) + "}"])
        for number, value, count in cursor.fetchall():
            counts[families[number]][value] = count
    return counts


class _Candidates:
    """The values of each top-k family, largest first, and which of them may be counted."""

    def __init__(self) -> None:
        self.ranked: dict[str, list[tuple[int, int, BitMap]]] = {}
        self.keep: dict[str, Callable[[Any], bool]] = {}
        self.columns: dict[str, str] = {}  # family -> Case column, for exact counts


def _facet_candidates(index: SearchIndex, vocabulary: Vocabulary) -> _Candidates:
    """Candidates of every counted facet that asks for top values (`keeps`), as (size, value,
    bitmap) largest first; cached per index state, vocabulary and facet set."""
    key = (id(index), index.seen_seq, id(vocabulary), FACETS.version)
    cached = _candidate_cache.get("facets")
    if cached is not None and cached[0] == key:
        return cached[1]
    candidates = _Candidates()
    for facet in FACETS.counted():
        keeps = getattr(facet, "keeps", None)
        if keeps is None or facet.column is None:
            continue
        family_name = facet.column.family
        keep = keeps(vocabulary)
        rows = (
            [
                (len(bitmap), value, bitmap)
                for value, bitmap in index.family(family_name).items()
                if keep(value) and bitmap
            ]
            if index.in_memory
            else []
        )
        rows.sort(key=lambda row: (-row[0], row[1]))
        candidates.ranked[family_name] = rows
        candidates.keep[family_name] = keep
        candidates.columns[family_name] = facet.column.name
    _candidate_cache["facets"] = (key, candidates)
    return candidates
