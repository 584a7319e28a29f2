"""The MONDO disease hierarchy, its OMIM/Orphanet cross-references and Chinese names.

Read from the files shipped in vocab/data/ (a subset of the Mondo Disease Ontology, Monarch
Initiative, CC BY 4.0; Chinese names of China's first national rare-disease list; see README.md
there). One MONDO concept stands for the OMIM and Orphanet entries it is an exact match of, so a
diagnosis coded ORPHA:90291 and one coded MONDO:0005100 are the same disease, and a search for it
also finds its more specific diseases (`descendants`).

Memory: 23,745 diseases with ~25 ancestors each. Concepts are positions 0…n-1 in arrays sorted by
MONDO number, and parents, ancestor and descendant closures are index arrays in CSR form (one
offsets array, one flat array of positions), not sets of strings. Names stay strings; they are the
data. `benchmarks/bench_vocab.py` measures the load time and memory.

Data caveats the API keeps visible instead of hiding:
- Several ORPHA (and a few OMIM) ids are exact matches of one MONDO concept (many to one);
  `xrefs()` lists them all. A code matched by several concepts resolves with every candidate
  listed and `ambiguous` set (none in the shipped release, but MONDO allows it).
- Short all-capital synonyms ("SSc", "PSS") and names that several diseases share are ambiguous
  in free text: `Synonym.ambiguous`, `NameMatch.ambiguous`.
- About 380 recent concepts have no parent (`parents()` is empty); they are their own roots.
- An unknown code is never dropped: `resolve()` keeps it with `mondo_id=None`.

No Django imports here.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from vocab.data import (
    DISEASES,
    DISEASES_ZH,
    add_to_index,
    csr_rows,
    dag_closures,
    load_cached,
    read_tsv,
    source_stamp,
    split_list,
)
from vocab.languages.chinese_script import lookup_key

CACHE_FORMAT = 1
SOURCE = "Mondo Disease Ontology, Monarch Initiative (subset), release 2026-08-04"
ROOT = "MONDO:0000001"  # "disease"

# Spellings of code prefixes seen in phenopackets, Orphanet exports and hand-written input.
_PREFIXES = {
    "MONDO": "MONDO",
    "OMIM": "OMIM",
    "MIM": "OMIM",
    "OMIMPS": "OMIMPS",
    "ORPHA": "ORPHA",
    "ORPHANET": "ORPHA",
    "ORDO": "ORPHA",
    "DOID": "DOID",
    "ICD10CM": "ICD10CM",
    "ICD10WHO": "ICD10WHO",
}
_CODE_RE = re.compile(r"^\s*([A-Za-z0-9]+)[:_]\s*(\S+?)\s*$")

# Kinds of name, stored in the low two bits of a name-index entry (position * 4 + kind).
LABEL, SYNONYM, ZH_LABEL, ZH_SYNONYM = range(4)
KIND_NAMES = ("label", "synonym", "zh_label", "zh_synonym")


def is_abbreviation(name: str) -> bool:
    """Short all-capital names ("SSc", "PSS", "CMS-TA"): abbreviations that mean other things in
    free text. One token of at most 6 characters with at least two capitals, no fewer capitals than
    lower-case letters."""
    if len(name) > 6 or any(ch.isspace() for ch in name):
        return False
    upper = sum(ch.isupper() for ch in name)
    return upper >= 2 and upper >= sum(ch.islower() for ch in name)


def normalise_code(code: str) -> str:
    """'Orphanet:558' → 'ORPHA:558', 'mim:154700' → 'OMIM:154700', 'MONDO:5100' → 'MONDO:0005100'.
    Anything else comes back stripped, unchanged."""
    match = _CODE_RE.match(code)
    if not match:
        return code.strip()
    prefix = _PREFIXES.get(match.group(1).upper())
    if prefix is None:
        return code.strip()
    local = match.group(2)
    if prefix == "MONDO" and local.isdigit():
        local = f"{int(local):07d}"
    return f"{prefix}:{local}"


def mondo_number(mondo_id: str) -> int:
    """MONDO:0005100 -> 5100, the integer for denormalised search arrays."""
    return int(mondo_id.split(":", 1)[1])


def mondo_id(number: int) -> str:
    return f"MONDO:{number:07d}"


@dataclass(frozen=True, slots=True)
class Synonym:
    text: str
    ambiguous: bool  # an abbreviation, or a name another disease also carries


@dataclass(frozen=True, slots=True)
class Disease:
    id: str
    label: str
    synonyms: tuple[Synonym, ...]
    parents: tuple[str, ...]
    xrefs: tuple[str, ...]  # OMIM:…, ORPHA:…, OMIMPS:…, DOID:…, ICD10CM:…, ICD10WHO:…
    zh_label: str | None
    zh_synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiseaseResolution:
    code: str  # the code as given (prefix spelling normalised); always kept
    mondo_id: str | None  # the concept, None when the loaded release does not know the code
    candidates: tuple[str, ...] = ()  # every concept the code maps to, `mondo_id` first
    via: str = "unknown"  # "mondo" (a MONDO id), "xref" (an exact-match code), "unknown"

    @property
    def known(self) -> bool:
        return self.mondo_id is not None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class NameMatch:
    mondo_id: str
    kind: str  # "label", "synonym", "zh_label", "zh_synonym"
    ambiguous: bool


class _Names:
    """Look-ups by name, for classes with a `name_index`."""

    __slots__ = ()
    name_index: dict[str, int | tuple[int, ...]]

    def _entries(self, key: str) -> tuple[int, ...]:
        found = self.name_index.get(key)
        if found is None:
            return ()
        return (found,) if isinstance(found, int) else found

    def _shared(self, name: str) -> bool:
        return len({entry >> 2 for entry in self._entries(lookup_key(name))}) > 1

    def is_shared_name(self, text: str) -> bool:
        """Whether several concepts carry `text` as a name (the `ambiguous` of `name_matches`
        without the abbreviation test, and without building the matches)."""
        return self._shared(text)


@dataclass(slots=True)
class DiseaseNames(_Names):
    """The names of the diseases and how many lie below each (`disease_names()`): what a matcher's
    vocabulary reads, without the closures' lists, the codes' index and the cache that
    `load_diseases()` builds for searches. Positions are those of `DiseaseOntology`."""

    numbers: array
    labels: list[str]
    synonyms: list[tuple[str, ...]]
    chinese: dict[int, tuple[str, tuple[str, ...]]]
    descendant_counts: list[int]  # strict descendants, as len(DiseaseOntology.descendants(…)) - 1
    name_index: dict[str, int | tuple[int, ...]]


@dataclass(slots=True)
class DiseaseOntology(_Names):
    source: str
    numbers: array  # MONDO numbers, ascending; position = concept index
    labels: list[str]
    synonyms: list[tuple[str, ...]]
    xref_lists: list[tuple[str, ...]]
    parent_offsets: array
    parent_index: array
    ancestor_offsets: array  # strict ancestors (the concept itself is not stored)
    ancestor_index: array
    descendant_offsets: array  # strict descendants
    descendant_index: array
    depth: array  # fewest is_a steps up to a concept with no parent
    xref_to_index: dict[str, int | tuple[int, ...]]
    name_index: dict[str, int | tuple[int, ...]]  # lookup_key(name) -> position * 4 + kind
    chinese: dict[int, tuple[str, tuple[str, ...]]]  # position -> (label, synonyms)

    # ---- identity ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.numbers)

    def __contains__(self, disease_id: object) -> bool:
        return isinstance(disease_id, str) and self._position(disease_id) is not None

    def _position(self, disease_id: str) -> int | None:
        disease_id = normalise_code(disease_id)
        if not disease_id.startswith("MONDO:"):
            return None
        try:
            number = mondo_number(disease_id)
        except ValueError:
            return None
        position = bisect_left(self.numbers, number)
        if position < len(self.numbers) and self.numbers[position] == number:
            return position
        return None

    def ids(self) -> Iterator[str]:
        """Every MONDO id of the release, in MONDO number order."""
        return (mondo_id(number) for number in self.numbers)

    def _id(self, position: int) -> str:
        return mondo_id(self.numbers[position])

    def _ids(self, positions) -> tuple[str, ...]:
        return tuple(mondo_id(self.numbers[p]) for p in positions)

    # ---- one concept ------------------------------------------------------------------------
    def get(self, disease_id: str) -> Disease | None:
        position = self._position(disease_id)
        if position is None:
            return None
        zh_label, zh_synonyms = self.chinese.get(position, (None, ()))
        return Disease(
            id=self._id(position),
            label=self.labels[position],
            synonyms=tuple(
                Synonym(text, is_abbreviation(text) or self._shared(text)) for text in self.synonyms[position]
            ),
            parents=self.parents(self._id(position)),
            xrefs=self.xref_lists[position],
            zh_label=zh_label,
            zh_synonyms=zh_synonyms,
        )

    def label(self, disease_id: str) -> str | None:
        position = self._position(disease_id)
        return None if position is None else self.labels[position]

    def zh_label(self, disease_id: str) -> str | None:
        position = self._position(disease_id)
        return None if position is None else self.chinese.get(position, (None, ()))[0]

    def xrefs(self, disease_id: str, prefix: str | None = None) -> tuple[str, ...]:
        """Exact-match codes of a concept, optionally of one prefix ("OMIM", "ORPHA")."""
        position = self._position(disease_id)
        if position is None:
            return ()
        codes = self.xref_lists[position]
        return codes if prefix is None else tuple(c for c in codes if c.startswith(prefix + ":"))

    # ---- codes ------------------------------------------------------------------------------
    def resolve(self, code: str) -> DiseaseResolution:
        """The MONDO concept of an OMIM, ORPHA, OMIMPS, DOID, ICD-10 or MONDO code. An unknown code
        comes back as given (prefix spelling normalised) with `mondo_id=None`: never lost."""
        cleaned = normalise_code(code)
        position = self._position(cleaned)
        if position is not None:
            return DiseaseResolution(cleaned, cleaned, (cleaned,), "mondo")
        found = self.xref_to_index.get(cleaned)
        if found is None:
            return DiseaseResolution(cleaned, None)
        candidates = self._ids((found,) if isinstance(found, int) else found)
        return DiseaseResolution(cleaned, candidates[0], candidates, "xref")

    def mondo_ids_for_xref(self, code: str) -> tuple[str, ...]:
        found = self.xref_to_index.get(normalise_code(code))
        if found is None:
            return ()
        return self._ids((found,) if isinstance(found, int) else found)

    # ---- hierarchy --------------------------------------------------------------------------
    def _related(self, offsets: array, flat: array, disease_id: str, include_self: bool) -> list[int]:
        position = self._position(disease_id)
        if position is None:
            return []
        own = [position] if include_self else []
        return own + list(flat[offsets[position] : offsets[position + 1]])

    def parents(self, disease_id: str) -> tuple[str, ...]:
        return self._ids(self._related(self.parent_offsets, self.parent_index, disease_id, False))

    def ancestors(self, disease_id: str, *, include_self: bool = True) -> tuple[str, ...]:
        """Every concept above `disease_id` (is_a, transitively), itself first when asked."""
        return self._ids(self._related(self.ancestor_offsets, self.ancestor_index, disease_id, include_self))

    def descendants(self, disease_id: str, *, include_self: bool = True) -> tuple[str, ...]:
        """Every concept below `disease_id`: what a search for it should also find."""
        return self._ids(
            self._related(self.descendant_offsets, self.descendant_index, disease_id, include_self)
        )

    def ancestor_numbers(self, disease_id: str, *, include_self: bool = True) -> list[int]:
        """MONDO numbers (5100 for MONDO:0005100) of `ancestors`, for integer search arrays."""
        related = self._related(self.ancestor_offsets, self.ancestor_index, disease_id, include_self)
        return [self.numbers[p] for p in related]

    def descendant_numbers(self, disease_id: str, *, include_self: bool = True) -> list[int]:
        """MONDO numbers of `descendants`, for integer search arrays."""
        related = self._related(self.descendant_offsets, self.descendant_index, disease_id, include_self)
        return [self.numbers[p] for p in related]

    def is_a(self, disease_id: str, ancestor_id: str) -> bool:
        """Whether `disease_id` is `ancestor_id` or lies below it."""
        child, ancestor = (
            self._position(disease_id),
            self._position(ancestor_id),
        )
        if child is None or ancestor is None:
            return False
        if child == ancestor:
            return True
        start, end = self.ancestor_offsets[child], self.ancestor_offsets[child + 1]
        found = bisect_left(self.ancestor_index, ancestor, start, end)
        return found < end and self.ancestor_index[found] == ancestor

    def depth_of(self, disease_id: str) -> int | None:
        """Fewest is_a steps from the concept up to a concept with no parent (the root "disease"
        or an unplaced recent concept): the level at which facets roll up."""
        position = self._position(disease_id)
        return None if position is None else self.depth[position]

    # ---- names ------------------------------------------------------------------------------
    def name_matches(self, text: str) -> tuple[NameMatch, ...]:
        """Concepts with `text` as label or synonym, English or Chinese (either script), best
        first: labels before synonyms. Ambiguous: an abbreviation, or several concepts."""
        entries = self._entries(lookup_key(text))
        several = len({entry >> 2 for entry in entries}) > 1
        abbreviation = is_abbreviation(text.strip())
        ranked = sorted(entries, key=lambda entry: (entry & 3) % 2)  # labels (0, 2) first
        return tuple(
            NameMatch(self._id(entry >> 2), KIND_NAMES[entry & 3], several or abbreviation)
            for entry in ranked
        )

    def ids_for_name(self, text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(match.mondo_id for match in self.name_matches(text)))

    def names(self) -> Iterator[tuple[str, str, str]]:
        """(name, MONDO id, kind) for every indexed name, for building matchers and autocomplete."""
        for position, label in enumerate(self.labels):
            disease_id = self._id(position)
            yield label, disease_id, "label"
            for synonym in self.synonyms[position]:
                yield synonym, disease_id, "synonym"
            if position in self.chinese:
                zh_label, zh_synonyms = self.chinese[position]
                yield zh_label, disease_id, "zh_label"
                for synonym in zh_synonyms:
                    yield synonym, disease_id, "zh_synonym"

    def summary(self) -> dict[str, int]:
        prefixes: dict[str, int] = {}
        for codes in self.xref_lists:
            for code in codes:
                prefixes[code.split(":", 1)[0]] = prefixes.get(code.split(":", 1)[0], 0) + 1
        several = {
            prefix: sum(1 for codes in self.xref_lists if sum(c.startswith(prefix + ":") for c in codes) > 1)
            for prefix in ("OMIM", "ORPHA")
        }
        return {
            "diseases": len(self),
            "without_parent": sum(
                1 for p in range(len(self)) if self.parent_offsets[p] == self.parent_offsets[p + 1]
            ),
            "ancestor_links": len(self.ancestor_index),
            "omim_xrefs": prefixes.get("OMIM", 0),
            "orpha_xrefs": prefixes.get("ORPHA", 0),
            "concepts_with_several_omim": several["OMIM"],
            "concepts_with_several_orpha": several["ORPHA"],
            "codes_with_several_concepts": sum(
                1 for v in self.xref_to_index.values() if not isinstance(v, int)
            ),
            "chinese_names": len(self.chinese),
        }


def _read() -> tuple[list[dict[str, str]], array, dict[str, int], list[list[int]]]:
    """The rows in MONDO number order, their numbers, each id's position and each one's parents."""
    rows = sorted(read_tsv(DISEASES), key=lambda row: mondo_number(row["id"]))
    numbers = array("I", (mondo_number(row["id"]) for row in rows))
    position_of = {row["id"]: position for position, row in enumerate(rows)}
    parents = [[position_of[p] for p in split_list(row["parent_ids"]) if p in position_of] for row in rows]
    return rows, numbers, position_of, parents


def _index_names(
    rows: list[dict[str, str]], position_of: dict[str, int]
) -> tuple[list[tuple[str, ...]], dict[int, tuple[str, tuple[str, ...]]], dict[str, int | tuple[int, ...]]]:
    """Each row's synonyms, the Chinese names by position, and the index of every name."""
    name_index: dict[str, int | tuple[int, ...]] = {}
    synonyms = []
    for position, row in enumerate(rows):
        own_synonyms = tuple(dict.fromkeys(split_list(row["synonyms"])))
        synonyms.append(own_synonyms)
        add_to_index(name_index, lookup_key(row["label"]), position * 4 + LABEL)
        for synonym in own_synonyms:
            add_to_index(name_index, lookup_key(synonym), position * 4 + SYNONYM)
    chinese: dict[int, tuple[str, tuple[str, ...]]] = {}
    for row in read_tsv(DISEASES_ZH):
        position = position_of.get(row["id"].strip())
        if position is None or not row["zh_label"].strip():
            continue  # a name for a concept the extract lacks has nothing to attach to
        zh_synonyms = tuple(split_list(row.get("zh_synonyms", "")))
        chinese[position] = (row["zh_label"].strip(), zh_synonyms)
        add_to_index(name_index, lookup_key(row["zh_label"]), position * 4 + ZH_LABEL)
        for synonym in zh_synonyms:
            add_to_index(name_index, lookup_key(synonym), position * 4 + ZH_SYNONYM)
    return synonyms, chinese, name_index


def descendant_counts(parents: list[list[int]]) -> list[int]:
    """How many concepts lie below each (the lengths of `dag_closures`' descendants), without the
    closures: each concept's descendants are one int used as a bit set, handed up to its parents
    once every child's has reached it, an OR per is_a link. A cycle, which an ontology should not
    have, leaves concepts unreached: then the closures decide."""
    waiting = [0] * len(parents)  # children not yet handed up
    for own in parents:
        for parent in own:
            waiting[parent] += 1
    below = [0] * len(parents)
    counts = [0] * len(parents)
    ready = [node for node, count in enumerate(waiting) if not count]
    reached = 0
    while ready:
        node = ready.pop()
        reached += 1
        counts[node] = below[node].bit_count()
        handed = below[node] | (1 << node)
        below[node] = 0  # no longer needed: only the parents' sets grow from here
        for parent in parents[node]:
            below[parent] |= handed
            waiting[parent] -= 1
            if not waiting[parent]:
                ready.append(parent)
    if reached < len(parents):
        return [len(descendants) for descendants in dag_closures(parents)[1]]
    return counts


def disease_names() -> DiseaseNames:
    """The names and descendant counts, read from the files now (no cache): for a reader that
    reads them once and keeps what it derives (the pipeline's vocabulary build)."""
    rows, numbers, position_of, parents = _read()
    synonyms, chinese, name_index = _index_names(rows, position_of)
    return DiseaseNames(
        numbers=numbers,
        labels=[row["label"] for row in rows],
        synonyms=synonyms,
        chinese=chinese,
        descendant_counts=descendant_counts(parents),
        name_index=name_index,
    )


def _build() -> DiseaseOntology:
    rows, numbers, position_of, parents = _read()
    ancestors, descendants, depth = dag_closures(parents)
    xref_to_index: dict[str, int | tuple[int, ...]] = {}
    xref_lists = []
    for position, row in enumerate(rows):
        codes = tuple(dict.fromkeys(normalise_code(code) for code in split_list(row["xrefs"])))
        xref_lists.append(codes)
        for code in codes:
            add_to_index(xref_to_index, code, position)
    synonyms, chinese, name_index = _index_names(rows, position_of)
    parent_offsets, parent_index = csr_rows(parents)
    ancestor_offsets, ancestor_index = csr_rows(ancestors)
    descendant_offsets, descendant_index = csr_rows(descendants)
    return DiseaseOntology(
        source=SOURCE,
        numbers=numbers,
        labels=[row["label"] for row in rows],
        synonyms=synonyms,
        xref_lists=xref_lists,
        parent_offsets=parent_offsets,
        parent_index=parent_index,
        ancestor_offsets=ancestor_offsets,
        ancestor_index=ancestor_index,
        descendant_offsets=descendant_offsets,
        descendant_index=descendant_index,
        depth=array("h", depth),
        xref_to_index=xref_to_index,
        name_index=name_index,
        chinese=chinese,
    )


@lru_cache(maxsize=1)
def load_diseases() -> DiseaseOntology:
    """The disease ontology, built once per machine and then read from the pickle cache."""
    stamp = source_stamp([DISEASES, DISEASES_ZH], f"format={CACHE_FORMAT}")
    return load_cached(f"diseases-v{CACHE_FORMAT}", stamp, _build)
