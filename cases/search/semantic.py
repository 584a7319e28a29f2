"""Phenotype semantic similarity over HPO, without Django: used by cases/search/similarity.py on the
bitmap index and by benchmarks/eval_similarity.py on phenopackets loaded from a file.

Score of a case for a query (both: observed and excluded HPO terms):

- Resnik best-match average: each query feature q is matched to the most informative common
  ancestor (MICA) it shares with any feature of the case, and each case feature to the query;
  the two averages of IC(MICA) are averaged. Common ancestors are read from ancestor closures, so
  "calcinosis cutis" in the query matches "calcinosis" in a case through their MICA.
- Conflicts count against a match: the query observes q while the case explicitly excludes q or
  a more general term of it, or the query excludes e while the case has e (or something more
  specific). Agreement on an excluded feature counts a little in favour.

Ranking is two-staged so that 100k+ cases answer in milliseconds: stage 1 computes the query→case
half and the conflicts for every case at once from per-term bitmaps (a case gets, for each q, the
IC of the first ancestor of q — in decreasing IC — whose bitmap holds it); stage 2 re-scores the
best few hundred exactly with the symmetric formula and explains each match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from pyroaring import BitMap

CONFLICT_WEIGHT = 0.6
EXCLUDED_AGREEMENT_WEIGHT = 0.15
STAGE1_MIN_IC = 0.8  # ancestors less informative than this add too little to rank candidates
CANDIDATES = 300


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


@dataclass
class Scored:
    case_id: int
    score: float
    matches: list[TermMatch] = field(default_factory=list)
    conflicts: list[TermConflict] = field(default_factory=list)


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


def stage1(
    ontology: Ontology,
    query: Profile,
    term_bitmaps: Mapping[int, BitMap],
    excluded_bitmaps: Mapping[int, BitMap],
    universe: BitMap,
    *,
    skip: BitMap | None = None,
    candidates: int = CANDIDATES,
) -> list[int]:
    """Ids of the cases most likely to score best (query→case half of BMA minus conflicts)."""
    pool = universe - skip if skip else universe
    if not pool or not (query.present or query.excluded):
        return []
    size = pool.max() + 1
    score = np.zeros(size, dtype=np.float32)
    n_query = max(len(query.present), 1)
    for q in query.present:
        claimed = BitMap()
        for ancestor in ontology.by_ic.get(q, (q,)):
            ic = ontology.ic.get(ancestor, 0.0)
            if ic < STAGE1_MIN_IC:
                break
            bitmap = term_bitmaps.get(ancestor)
            if not bitmap:
                continue
            new = (bitmap & pool) - claimed
            if new:
                score[np.frombuffer(new.to_array(), dtype=np.uint32)] += ic / n_query
                claimed |= new
    penalty_scale = CONFLICT_WEIGHT / max(len(query.present) + len(query.excluded), 1)
    for q in query.present:
        for ancestor in ontology.ancestors.get(q, {q}):
            bitmap = excluded_bitmaps.get(ancestor)
            if bitmap:
                hits = bitmap & pool
                if hits:
                    score[np.frombuffer(hits.to_array(), dtype=np.uint32)] -= (
                        ontology.ic.get(ancestor, 0.0) * penalty_scale
                    )
    for excluded in query.excluded:
        bitmap = term_bitmaps.get(excluded)
        if bitmap:
            hits = bitmap & pool
            if hits:
                score[np.frombuffer(hits.to_array(), dtype=np.uint32)] -= (
                    ontology.ic.get(excluded, 0.0) * penalty_scale
                )
    ids = np.frombuffer(pool.to_array(), dtype=np.uint32)
    values = score[ids]
    if len(ids) > candidates:
        top = np.argpartition(-values, candidates - 1)[:candidates]
    else:
        top = np.arange(len(ids))
    return ids[top].astype(np.int64).tolist()


def score_exact(ontology: Ontology, query: Profile, case: Profile, *, explain: bool = True) -> Scored:
    """The symmetric score of one case (present = the case's annotated terms, not the closure)."""
    query_closure = ontology.closure(query.present)
    case_closure = ontology.closure(case.present)
    matches: list[TermMatch] = []
    forward = 0.0
    for q in query.present:
        ancestor, ic = ontology.mica(q, case_closure)
        forward += ic
        if explain and ic > 0:
            # Which case feature carries the common ancestor: the most specific one
            carriers = [t for t in case.present if ancestor in ontology.ancestors.get(t, {t})]
            case_term = max(carriers, key=lambda t: ontology.ic.get(t, 0.0)) if carriers else ancestor
            matches.append(TermMatch(q, case_term, ancestor, ic))
    backward = sum(ontology.mica(t, query_closure)[1] for t in case.present)
    if query.present and case.present:
        bma = 0.5 * (forward / len(query.present) + backward / len(case.present))
    else:
        bma = 0.0
    conflicts: list[TermConflict] = []
    for q in query.present:
        for excluded in case.excluded:
            if excluded in ontology.ancestors.get(q, {q}):
                conflicts.append(
                    TermConflict(q, excluded, "query observed, case excluded", ontology.ic.get(excluded, 0.0))
                )
    for excluded in query.excluded:
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
    agreement = 0.0
    if query.excluded and case.excluded:
        case_excluded_closure = ontology.closure(case.excluded)
        for excluded in query.excluded:
            if excluded in case_excluded_closure:
                agreement += ontology.ic.get(excluded, 0.0)
    denominator = max(len(query.present) + len(query.excluded), 1)
    score = (
        bma
        - CONFLICT_WEIGHT * sum(c.ic for c in conflicts) / denominator
        + EXCLUDED_AGREEMENT_WEIGHT * agreement / denominator
    )
    matches.sort(key=lambda m: -m.ic)
    return Scored(0, score, matches, conflicts)


def rank(
    ontology: Ontology,
    query: Profile,
    candidates: Mapping[int, Profile],
    *,
    limit: int,
    explain: bool = True,
) -> list[Scored]:
    scored = []
    for case_id, profile in candidates.items():
        result = score_exact(ontology, query, profile, explain=explain)
        result.case_id = case_id
        scored.append(result)
    scored.sort(key=lambda s: (-s.score, -s.case_id))
    return scored[:limit]
