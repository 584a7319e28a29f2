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

Finding the top cases exactly at a million cases: every part but coverage is one vectorised add
per query term over arrays indexed by case id (a term most cases hold is subtracted from the few
that lack it instead), and so is an upper bound of each case's coverage. Coverage itself, a
descent of each query feature's ancestors, is computed only for the cases whose other parts plus
that bound reach the k-th best score without coverage: the result is the same as scoring
everyone in full.
"""

from __future__ import annotations

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
        # For the coverage bound: a term's IC above its most informative proper ancestor, times
        # how many observed query features have the term as an ancestor
        self.coverage_step: dict[int, float] = {}
        for present in self.present:
            for term in ontology.ancestors.get(present, {present}):
                self.coverage_step[term] = self.coverage_step.get(term, 0.0) + _step(ontology, term)


def _step(ontology: Ontology, term: int) -> float:
    """IC of `term` above its most informative proper ancestor (never negative: IC grows
    towards the leaves)."""
    ic = ontology.ic.get(term, 0.0)
    above = max((ontology.ic.get(a, 0.0) for a in ontology.ancestors.get(term, ()) if a != term), default=0.0)
    return max(ic - above, 0.0)


def _ids(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32)


def score_parts(ontology: Ontology, index: PhenotypeIndex, query: Profile, pool: BitMap) -> Parts:
    """The score parts of every case in `pool`."""
    q = _Query(ontology, query)
    parts = _agreement(q, index, pool)
    parts.coverage = _coverage(q, index, pool)
    return parts


def _agreement(q: _Query, index: PhenotypeIndex, pool: BitMap) -> Parts:
    """Every part but coverage, for every case of `pool`, on arrays indexed by case id: one
    vectorised add per query term (for a term most of the pool holds, a subtraction from the few
    that lack it), no per-case work."""
    ic = q.ontology.ic
    ids = _ids(pool).astype(np.int64)
    size = len(index.observed_ic)  # arrays by case id, as the index's own
    # Agreement over what both examined: terms both observe, and terms both only exclude (the term
    # or a descendant). A term one observes and the other only excludes was examined by both: it
    # counts in the union (`opposed`) but never as agreement.
    shared_observed, shared_excluded, opposed = np.zeros(size), np.zeros(size), np.zeros(size)
    # Σ coverage_step of the shared observed terms: along any chain of ancestors from a query
    # feature's most informative common ancestor with a case up to the root the steps add up to
    # that ancestor's IC, and the case holds the whole chain, so this bounds Σ IC(MICA)
    coverage_bound = np.zeros(size)
    # Added to every case, then taken from those lacking it (terms most of the pool holds)
    common = common_bound = 0.0
    half = len(pool) // 2
    for term in q.mentioned:
        weight = ic.get(term, 0.0)
        if weight <= 1e-9:
            continue
        has = index.term.get(term, _EMPTY)
        excluded_only = index.excluded_closure.get(term, _EMPTY) - has
        if term in q.observed:
            step = q.coverage_step.get(term, 0.0)
            if len(has) > half:
                common += weight
                common_bound += step
                lacking = pool - has
                if lacking:
                    positions = _ids(lacking)
                    shared_observed[positions] -= weight
                    if step:
                        coverage_bound[positions] -= step
            elif has:
                positions = _ids(has)
                shared_observed[positions] += weight
                if step:
                    coverage_bound[positions] += step
            if excluded_only:
                opposed[_ids(excluded_only)] += weight
        else:
            if excluded_only:
                shared_excluded[_ids(excluded_only)] += weight
            if has:
                opposed[_ids(has)] += weight
    conflicts = np.zeros(size)
    for present in q.present:
        for ancestor in q.ontology.ancestors.get(present, {present}):
            hits = index.excluded.get(ancestor)
            if hits:
                conflicts[_ids(hits)] += ic.get(ancestor, 0.0)
    for excluded in q.excluded:
        hits = index.term.get(excluded)
        if hits:
            conflicts[_ids(hits)] += ic.get(excluded, 0.0)
    # From here on, only the pool's cases (bitmaps may hold ids beyond the pool's largest)
    observed_shared = shared_observed[ids] + common
    excluded_shared, opposed, conflicts = shared_excluded[ids], opposed[ids], conflicts[ids]
    union_mentioned = q.mentioned_ic + index.mentioned_ic[ids] - observed_shared - excluded_shared - opposed
    union_observed = q.observed_ic + index.observed_ic[ids] - observed_shared
    m = len(ids)
    examined = np.divide(
        observed_shared + excluded_shared, union_mentioned, out=np.zeros(m), where=union_mentioned > 1e-9
    )
    observed = np.divide(observed_shared, union_observed, out=np.zeros(m), where=union_observed > 1e-9)
    shared_before = np.maximum(observed_shared + excluded_shared + opposed - conflicts, 0.0)
    bound = (coverage_bound[ids] + common_bound) / q.present_ic if q.present_ic else np.zeros(m)
    return Parts(
        ids,
        np.minimum(bound, 1.0),  # coverage's upper bound until _coverage computes it
        examined,
        observed,
        conflicts / q.mentioned_ic if q.mentioned_ic else conflicts,
        np.divide(shared_before, union_mentioned, out=np.zeros(m), where=union_mentioned > 1e-9),
    )


def _coverage(q: _Query, index: PhenotypeIndex, candidates: BitMap) -> np.ndarray:
    """Coverage of each case of `candidates` (in id order)."""
    ic = q.ontology.ic
    ids = _ids(candidates)
    coverage = np.zeros(len(ids))
    for present in q.present:
        # Descend the ancestors by IC: each case takes the first (most informative) it holds
        best = np.zeros(len(ids))
        remaining = candidates.copy()
        for ancestor in q.ontology.by_ic.get(present, (present,)):
            weight = ic.get(ancestor, 0.0)
            if weight <= 1e-9 or not remaining:
                break
            hits = index.term.get(ancestor, _EMPTY) & remaining
            if hits:
                best[np.searchsorted(ids, _ids(hits))] = weight
                remaining -= hits
        coverage += best
    return coverage / q.present_ic if q.present_ic else coverage


def _best(ids: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
    if len(ids) == 0:
        return []
    top = np.argpartition(-scores, limit - 1)[:limit] if len(ids) > limit else np.arange(len(ids))
    order = sorted(top.tolist(), key=lambda k: (-scores[k], -ids[k]))
    return [(int(ids[k]), float(scores[k])) for k in order if scores[k] > 0]


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
    id), exactly as if every case of the pool were scored in full.

    Coverage is the costly part (a descent of each query feature's ancestors). Every other part,
    and an upper bound of coverage, is computed for the whole pool first; the `limit`-th best of
    the partial scores is a floor for the final `limit`-th score, and only cases whose partial
    score plus their coverage bound reaches that floor can enter the top: coverage is computed
    for them alone."""
    q = _Query(ontology, query)
    if not (q.present or q.excluded) or not pool:
        return []
    parts = _agreement(q, index, pool)
    coverage_bound, parts.coverage = parts.coverage, np.zeros(len(parts.ids))
    partial = parts.scores(weights)
    if len(partial) > limit:
        floor = np.partition(partial, len(partial) - limit)[len(partial) - limit]
        # A little slack for float rounding: a case exactly at the floor must stay in
        reach = partial + weights.coverage * coverage_bound >= floor - 1e-9
    else:
        reach = np.ones(len(partial), dtype=bool)
    ids = parts.ids[reach]
    coverage = _coverage(q, index, BitMap(ids.astype(np.uint32)))
    return _best(ids, partial[reach] + weights.coverage * coverage, limit)
