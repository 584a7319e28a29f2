"""Similar-case ranking over HPO, without Django: the score of a case for a query, and the top
cases found exactly without scoring every case.

A query and a case are each observed and excluded HPO terms. The score adds three parts, each
between 0 and 1, all with IC (information content) from the HPO disease annotations:

    score = W_COVERAGE · coverage + examined − W_CONFLICT · conflicts (+ W_OBSERVED · observed)

- coverage: how much of the query the case explains, query → case only. Each observed query
  feature counts the IC of its most informative common ancestor with the case's observed features
  (Resnik best match), and the sum is divided by the query's own IC: a case that has every query
  feature scores 1 whatever else it has. This is the part a clinician asks for ("does this case
  have what my patient has?") and it does not depend on how many features the case's curator
  listed.
- examined: IC-weighted agreement (simGIC) over the ancestor closures of everything each report
  examined, observed or explicitly excluded: Σ IC of the terms both observe or both exclude, over
  Σ IC of all the terms either examined. Two reports that looked for the same findings and agree
  on them were written about similar patients; normalising by the union penalises cases with a
  lot the query lacks. A term one side observes and the other excludes is in the union but never
  agrees, so a contradiction can never raise a score.
- conflicts: Σ IC of explicit contradictions (the query observes q while the case excludes q or a
  more general term; the query excludes e while the case has e or something more specific) over
  Σ IC of what the query examined.

The weights were chosen by cross-validation with folds by publication on the phenopacket-store
cases (benchmarks/eval_similarity.py: tuned on four folds of papers, measured on the fifth; the
chosen weights are the same in every fold). See that script for the figures.

Finding the top cases exactly without scoring everyone: for a case that holds none of the query's
terms of IC > θ (in its observed closure, or as an excluded term or descendant), every part has an
upper bound that only depends on θ. Candidates are the cases holding the query's most
informative terms, added from the most informative down; once the k-th best candidate beats the
bound of everyone else, no other case can enter the top k, so the rest is never scored. With IC
from the registry's own frequencies (registry_ic) the most informative terms are the rarest, so
the first candidates are few. The search stops at MAX_CANDIDATES even without that proof.

Scoring works in the candidates' own positions (never arrays the size of the registry), one
bitmap intersection per distinct query term; a term most candidates hold (the general ones) is
applied through the few that lack it. The stages' candidates depend on no score, so the first
stage is scored alone and, when its top is not proven, every later stage's candidates at once.
The sums are added in the same order as the plain loop kept in benchmarks/similar_reference.py,
so the scores, and the top cases, are the same to the last bit (tests/search/test_similar_fast.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pyroaring import BitMap

from cases.search.semantic import Ontology, Profile


@dataclass(frozen=True)
class Weights:
    coverage: float = 0.25
    observed: float = 0.0
    conflict: float = 0.1


DEFAULT_WEIGHTS = Weights()
# First stage of candidates: this many per requested hit (at least MIN_CANDIDATES); each further
# stage takes GROWTH times more, until the bound proves the top k or every sharing case is in.
CANDIDATES_PER_HIT = 50
MIN_CANDIDATES = 2_000
# Past this many candidates the search stops growing them and returns the best among them (the
# cases sharing the query's rarest terms) even if the bound has not proven them the top: at a
# million cases scoring more costs more than the target time. On the phenopacket evaluation the
# bound always proves the top first (eval_similarity.py: "agrees with full scoring").
MAX_CANDIDATES = 20_000
PRIOR_CASES = 1_000  # weight of the HPO annotations in registry_ic, in cases
GROWTH = 4
_EMPTY = BitMap()


class PhenotypeIndex(Protocol):
    """What ranking needs of an index; SearchIndex and the evaluation script provide it."""

    term: Mapping[int, BitMap]  # cases whose observed closure holds the term
    excluded: Mapping[int, BitMap]  # cases that explicitly exclude the term
    excluded_closure: Mapping[int, BitMap]  # cases that exclude the term or a descendant
    observed_ic: np.ndarray  # Σ IC of each case's observed closure, by case id
    mentioned_ic: np.ndarray  # Σ IC of the closure of observed ∪ excluded, by case id


@dataclass
class Parts:
    """The score parts of each of `ids` (sorted case ids)."""

    ids: np.ndarray
    coverage: np.ndarray
    examined: np.ndarray
    observed: np.ndarray
    conflicts: np.ndarray
    # The ranking before cross-validation credited opposed terms and then took the conflicts'
    # IC back out; kept so that benchmarks/eval_similarity.py can compare against it.
    examined_before: np.ndarray | None = None

    def scores(self, weights: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
        scores = self.examined + weights.coverage * self.coverage
        if weights.observed:
            scores = scores + weights.observed * self.observed
        if weights.conflict:
            scores = scores - weights.conflict * self.conflicts
        return scores


class _Query:
    """The query's closures and IC sums, computed once per query."""

    def __init__(self, ontology: Ontology, query: Profile) -> None:
        ic = ontology.ic
        self.ontology = ontology
        self.present = sorted(query.present)
        self.excluded = sorted(query.excluded)
        self.observed = ontology.closure(query.present)
        self.mentioned = self.observed | ontology.closure(query.excluded)
        self.observed_ic = sum(ic.get(t, 0.0) for t in self.observed)
        self.mentioned_ic = sum(ic.get(t, 0.0) for t in self.mentioned)
        self.present_ic = sum(ic.get(t, 0.0) for t in self.present)
        # Terms that make a case a candidate, most informative first (with IC from the registry's
        # own frequencies, the most informative terms are the rarest: few candidates each)
        self.by_ic = sorted((t for t in self.mentioned if ic.get(t, 0.0) > 1e-9), key=lambda t: (-ic[t], t))

    def bound(self, theta: float, weights: Weights) -> float:
        """Highest score a case can reach holding none of the query's terms of IC > theta."""
        ic = self.ontology.ic
        below = [t for t in self.mentioned if ic.get(t, 0.0) <= theta]
        examined = sum(ic.get(t, 0.0) for t in below) / self.mentioned_ic if self.mentioned_ic else 0.0
        observed_ic = sum(ic.get(t, 0.0) for t in below if t in self.observed)
        observed = observed_ic / self.observed_ic if self.observed_ic else 0.0
        coverage = 0.0
        if self.present_ic:
            for q in self.present:
                ancestors = self.ontology.by_ic.get(q, (q,))
                coverage += next((ic.get(a, 0.0) for a in ancestors if ic.get(a, 0.0) <= theta), 0.0)
            coverage /= self.present_ic
        return examined + weights.coverage * coverage + weights.observed * observed


def registry_ic(ontology: Ontology, term_cases: Mapping[int, BitMap], total: int) -> dict[int, float]:
    """Information content from the registry's own cases: -ln of the share of cases whose
    observed closure holds the term, with the HPO annotations' share (`ontology.ic`) as a prior
    worth PRIOR_CASES cases, so that a small registry (or a term every case of it has) still
    weighs terms sensibly. At scale the registry's frequencies dominate: rare terms are then few
    cases each, which keeps the candidate sets of top_cases small. Cross-validation ranks as well
    with it as with the HPO annotations' IC alone (benchmarks/eval_similarity.py --ic)."""
    denominator = max(total, 0) + PRIOR_CASES
    result = {}
    for term, hpo_ic in ontology.ic.items():
        count = len(term_cases.get(term, _EMPTY))
        result[term] = -math.log((count + PRIOR_CASES * math.exp(-hpo_ic)) / denominator)
    return result


def _ids(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32)


def score_parts(ontology: Ontology, index: PhenotypeIndex, query: Profile, candidates: BitMap) -> Parts:
    """The score parts of every case in `candidates`."""
    return _parts(_Query(ontology, query), index, candidates)


class _Held:
    """The candidates holding something, as positions among the candidates; when they are most
    of them, as the positions of those that do not (`complement`), which costs less to find and
    to apply: general terms are held by nearly every candidate."""

    __slots__ = ("complement", "count", "positions")

    def __init__(self, positions: np.ndarray, complement: bool, count: int) -> None:
        self.positions, self.complement, self.count = positions, complement, count


_NOBODY = _Held(np.zeros(0, dtype=np.int32), False, 0)


class _Candidates:
    """Case ids -> positions among the candidates (sorted ids), only as large as the ids."""

    def __init__(self, candidates: BitMap) -> None:
        self.bitmap = candidates
        self.ids = _ids(candidates).astype(np.int64)
        self.size = len(self.ids)
        self.position = np.empty(int(self.ids[-1]) + 1 if self.size else 0, dtype=np.int32)
        self.position[self.ids] = np.arange(self.size, dtype=np.int32)
        self._dense = np.empty(self.size)

    def held(self, bitmap: BitMap | None, minus: BitMap | None = None) -> _Held:
        """The candidates in `bitmap` (and not in `minus`)."""
        if not bitmap:
            return _NOBODY
        hits = bitmap & self.bitmap
        if minus and hits:
            hits -= minus
        count = len(hits)
        if not count:
            return _NOBODY
        if 2 * count > self.size:
            return _Held(self.position[_ids(self.bitmap - hits)], True, count)
        return _Held(self.position[_ids(hits)], False, count)

    def add(self, target: np.ndarray, held: _Held, weight: float) -> None:
        """target[holders] += weight. Adding 0.0 to the others leaves them as they were to the
        bit, so the dense form gives the same sums."""
        if not held.complement:
            target[held.positions] += weight
            return
        dense = self._dense
        dense.fill(weight)
        dense[held.positions] = 0.0
        target += dense

    def assign(self, target: np.ndarray, held: _Held, weight: float) -> None:
        """target[holders] = weight."""
        if not held.complement:
            target[held.positions] = weight
            return
        kept = target[held.positions]
        target.fill(weight)
        target[held.positions] = kept


def _parts(q: _Query, index: PhenotypeIndex, candidates: BitMap) -> Parts:
    """Score parts of the candidates, in the candidates' own positions (no array the size of the
    registry), one intersection per distinct query term (shared by the sums, the conflicts and
    the coverage), and sums added term by term in the same order as the plain loop of
    benchmarks/similar_reference.py, so the scores are the same to the last bit (whatever the
    candidates are scored with, at once or in stages: a candidate's parts depend on it alone)."""
    ic = q.ontology.ic
    among = _Candidates(candidates)
    ids, m = among.ids, among.size
    if m == 0:
        empty = np.zeros(0)
        return Parts(ids, empty, empty, empty, empty, empty)
    holding: dict[int, _Held] = {}  # term -> the candidates observing it

    def has(term: int) -> _Held:
        found = holding.get(term)
        if found is None:
            found = holding[term] = among.held(index.term.get(term))
        return found

    # Agreement over what both examined: terms both observe, and terms both only exclude (the term
    # or a descendant). A term one observes and the other only excludes was examined by both: it
    # counts in the union (`opposed`) but never as agreement.
    shared_observed, shared_excluded, opposed = np.zeros(m), np.zeros(m), np.zeros(m)
    for term in q.mentioned:
        weight = ic.get(term, 0.0)
        if weight <= 1e-9:
            continue
        observing = has(term)
        excluded_only = _NOBODY
        closure = index.excluded_closure.get(term)
        if closure:
            excluded_only = among.held(closure, index.term[term] if observing.count else None)
        if term in q.observed:
            agree, agree_with, disagree_with = shared_observed, observing, excluded_only
        else:
            agree, agree_with, disagree_with = shared_excluded, excluded_only, observing
        if agree_with.count:
            among.add(agree, agree_with, weight)
        if disagree_with.count:
            among.add(opposed, disagree_with, weight)
    conflicts = np.zeros(m)
    excluding: dict[int, _Held] = {}
    for present in q.present:
        for ancestor in q.ontology.ancestors.get(present, {present}):
            hits = excluding.get(ancestor)
            if hits is None:
                hits = excluding[ancestor] = among.held(index.excluded.get(ancestor))
            if hits.count:
                among.add(conflicts, hits, ic.get(ancestor, 0.0))
    for excluded in q.excluded:
        hits = has(excluded)
        if hits.count:
            among.add(conflicts, hits, ic.get(excluded, 0.0))
    coverage = np.zeros(m)
    best = np.zeros(m)
    for present in q.present:
        # Each case takes its most informative ancestor of the query feature: written from the
        # least informative up, so the most informative one a case holds is written last.
        ancestors = []
        for ancestor in q.ontology.by_ic.get(present, (present,)):
            weight = ic.get(ancestor, 0.0)
            if weight <= 1e-9:
                break
            ancestors.append((ancestor, weight))
        if not ancestors:
            continue
        best.fill(0.0)
        for ancestor, weight in reversed(ancestors):
            hits = has(ancestor)
            if hits.count:
                among.assign(best, hits, weight)
        coverage += best
    if q.present_ic:
        coverage /= q.present_ic
    union_mentioned = q.mentioned_ic + index.mentioned_ic[ids] - shared_observed - shared_excluded - opposed
    union_observed = q.observed_ic + index.observed_ic[ids] - shared_observed
    agreement = shared_observed + shared_excluded
    examined = np.divide(agreement, union_mentioned, out=np.zeros(m), where=union_mentioned > 1e-9)
    observed = np.divide(shared_observed, union_observed, out=np.zeros(m), where=union_observed > 1e-9)
    shared_before = np.maximum(shared_observed + shared_excluded + opposed - conflicts, 0.0)
    return Parts(
        ids,
        coverage,
        examined,
        observed,
        conflicts / q.mentioned_ic if q.mentioned_ic else conflicts,
        np.divide(shared_before, union_mentioned, out=np.zeros(m), where=union_mentioned > 1e-9),
    )


def _best(ids: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    if len(ids) == 0:
        return []
    top = np.argpartition(-scores, limit - 1)[:limit] if len(ids) > limit else np.arange(len(ids))
    order = sorted(top.tolist(), key=lambda k: (-scores[k], -ids[k]))
    return [(int(ids[k]), float(scores[k])) for k in order if scores[k] > 0]


def _agreeing(q: _Query, index: PhenotypeIndex, term: int) -> BitMap:
    """The cases whose agreement with the query includes `term`: they observe it, if the query
    does; else they exclude it (or a descendant) and do not observe it. Cases that oppose the
    query on the term gain nothing from it and need not be candidates for it."""
    has = index.term.get(term, _EMPTY)
    if term in q.observed:
        return has
    return index.excluded_closure.get(term, _EMPTY) - has


def top_cases(
    ontology: Ontology,
    index: PhenotypeIndex,
    query: Profile,
    pool: BitMap,
    *,
    limit: int,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[tuple[int, float]]:
    """The `limit` best (case id, score) of `pool` with a positive score, best first (ties: newer
    id): exactly as if every case of the pool were scored, unless proving it would take more than
    MAX_CANDIDATES candidates."""
    q = _Query(ontology, query)
    if not q.by_ic or not pool:
        return []
    target = max(limit * CANDIDATES_PER_HIT, MIN_CANDIDATES)
    candidates = BitMap()
    # Terms of the same IC go in together, so that the bound's threshold is exact
    groups: list[list[int]] = []
    for term in q.by_ic:
        if groups and ontology.ic[term] == ontology.ic[groups[-1][0]]:
            groups[-1].append(term)
        else:
            groups.append([term])
    # The stages' candidates do not depend on any score: only whether the search stops after a
    # stage does (the bound). So they are drawn up first, the first stage is scored (it often
    # proves the top on its own), and if it does not, every later stage's candidates at once.
    stages: list[tuple[BitMap, float | None]] = []
    position = 0
    while True:
        full = False
        while position < len(groups) and len(candidates) < target:
            grown = candidates | BitMap.union(*(_agreeing(q, index, t) for t in groups[position])) & pool
            if candidates and len(grown) > MAX_CANDIDATES:
                full = True  # one general term can hold most cases: never let it in whole
                break
            candidates = grown
            position += 1
        last = position >= len(groups) or full or len(candidates) >= MAX_CANDIDATES
        # The bound past this stage: None when the search stops here whatever the scores
        stages.append((candidates, None if last else q.bound(ontology.ic[groups[position][0]], weights)))
        if last:
            break
        target = min(target * GROWTH, MAX_CANDIDATES)
    first = _parts(q, index, stages[0][0])
    ids, scores = first.ids, first.scores(weights)
    best = _best(ids, scores, limit)
    if _proven(best, limit, stages[0][1]):
        return best
    rest = _parts(q, index, stages[-1][0] - stages[0][0])
    ids = np.concatenate((ids, rest.ids))
    scores = np.concatenate((scores, rest.scores(weights)))
    entered = np.concatenate((np.zeros(len(first.ids), dtype=np.int32), _stage_of(rest.ids, stages)))
    order = np.argsort(ids, kind="stable")  # in id order, as if each stage were scored at once
    ids, scores, entered = ids[order], scores[order], entered[order]
    for stage, (_, bound) in enumerate(stages[1:], start=1):
        within = entered <= stage
        best = _best(ids[within], scores[within], limit)
        if _proven(best, limit, bound):
            return best
    return best


def _proven(best: list[tuple[int, float]], limit: int, bound: float | None) -> bool:
    """Whether the search stops with `best`: the last stage, or the bound proves the top."""
    return bound is None or (len(best) == limit and best[-1][1] > bound)


def _stage_of(ids: np.ndarray, stages: list[tuple[BitMap, float | None]]) -> np.ndarray:
    """The first stage (from the second on) whose candidates hold each id."""
    entered = np.full(len(ids), len(stages) - 1, dtype=np.int32)
    for stage in range(len(stages) - 2, 0, -1):
        inside = np.frombuffer(stages[stage][0].to_array(), dtype=np.uint32)
        entered[np.isin(ids, inside, assume_unique=True)] = stage
    return entered
