"""HPO semantics without Django: the ontology (information content and ancestor closures by
integer id), query and case profiles, the explanation of a match (most informative common
ancestors and conflicts) and the excluded-closure bitmaps. The ranking itself is
cases/search/similar_rank.py; cases/search/similarity.py runs it on the bitmap index and
benchmarks/eval_similarity.py on phenopackets loaded from a file.

Each hit is explained per query feature by its most informative common ancestor (MICA) with the
case's features (Resnik), and its conflicts are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyroaring import BitMap


@dataclass(frozen=True)
class TermMatch:
    query_term: int
    case_term: int
    common_ancestor: int
    ic: float


@dataclass(frozen=True)
class TermConflict:
    query_term: int
    case_term: int
    # "query observed, case excluded" or "query excluded, case observed"
    kind: str
    ic: float


class Ontology:
    """IC and ancestor closures of HPO terms by integer id (HP:0003761 -> 3761)."""

    def __init__(self, ic: Mapping[int, float], ancestors: Mapping[int, Iterable[int]]) -> None:
        self.ic = dict(ic)
        self.ancestors: dict[int, frozenset[int]] = {t: frozenset(a) | {t} for t, a in ancestors.items()}
        # Ancestors in decreasing IC: the first one a case holds is the MICA
        self.by_ic: dict[int, tuple[int, ...]] = {
            t: tuple(sorted(a, key=lambda x: (-self.ic.get(x, 0.0), x))) for t, a in self.ancestors.items()
        }

    def closure(self, terms: Iterable[int]) -> set[int]:
        result: set[int] = set()
        for term in terms:
            result |= self.ancestors.get(term, {term})
        return result

    def leaves(self, closure: Iterable[int]) -> set[int]:
        """The most specific terms of a closure (what a case was annotated with)."""
        closure = set(closure)
        general: set[int] = set()
        for term in closure:
            general |= self.ancestors.get(term, frozenset()) - {term}
        return closure - general

    def mica(self, term: int, other_closure: set[int]) -> tuple[int, float]:
        for ancestor in self.by_ic.get(term, (term,)):
            if ancestor in other_closure:
                return ancestor, self.ic.get(ancestor, 0.0)
        return 0, 0.0


@dataclass
class Profile:
    present: set[int]
    excluded: set[int]


def explain(ontology: Ontology, query: Profile, case: Profile) -> tuple[list[TermMatch], list[TermConflict]]:
    """Which query feature matched which case feature (through their MICA), and the conflicts.
    `case.present` are the case's annotated terms, not the closure."""
    case_closure = ontology.closure(case.present)
    matches: list[TermMatch] = []
    for q in query.present:
        ancestor, ic = ontology.mica(q, case_closure)
        if ic > 0:
            # The case feature that carries the common ancestor: the most specific one
            carriers = [t for t in case.present if ancestor in ontology.ancestors.get(t, {t})]
            case_term = max(carriers, key=lambda t: ontology.ic.get(t, 0.0)) if carriers else ancestor
            matches.append(TermMatch(q, case_term, ancestor, ic))
    conflicts: list[TermConflict] = []
    for q in query.present:
        for excluded in sorted(case.excluded):
            if excluded in ontology.ancestors.get(q, {q}):
                conflicts.append(
                    TermConflict(q, excluded, "query observed, case excluded", ontology.ic.get(excluded, 0.0))
                )
    for excluded in sorted(query.excluded):
        if excluded in case_closure:
            carriers = [t for t in case.present if excluded in ontology.ancestors.get(t, {t})]
            conflicts.append(
                TermConflict(
                    excluded,
                    carriers[0] if carriers else excluded,
                    "query excluded, case observed",
                    ontology.ic.get(excluded, 0.0),
                )
            )
    matches.sort(key=lambda m: -m.ic)
    return matches, conflicts


def excluded_closure(ontology: Ontology, excluded: Mapping[int, BitMap]) -> dict[int, BitMap]:
    """term -> cases that exclude the term or one of its descendants."""
    result: dict[int, BitMap] = {}
    for term, bitmap in excluded.items():
        if not bitmap:
            continue
        for ancestor in ontology.ancestors.get(term, {term}):
            if ancestor in result:
                result[ancestor] |= bitmap
            else:
                result[ancestor] = bitmap.copy()
    return result
