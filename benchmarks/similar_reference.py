"""Reference rankings for benchmarks/bench_search.py's similar-case part, run on the same index
and queries as the engine (not used by the application):

- `before_top_cases`: the similar-case engine as it was before cross-validated ranking and exact
  pruning (git history of cases/search/semantic.py): every query-closure term scored over
  the candidates sharing a term of IC >= 3 (at most 50,000, so not exact), no pruning bound;
- `previous_top_cases`: the cross-validated engine as it was before its scoring was rewritten for
  speed (commit 573415d of cases/search/similar_rank.py: dense sums by case id, every stage
  rescored): the new one must return the same top cases (tests/search/test_similar_fast.py);
- `ic_overlap_top_cases`: the plain baseline, IC-weighted overlap of observed closures (simGIC),
  one vectorised add per query term over every case of the pool.
"""

from __future__ import annotations

import numpy as np
from pyroaring import BitMap

from cases.search import similar_rank as rank
from cases.search.semantic import Ontology, Profile
from cases.search.similar_rank import (
    _EMPTY,
    DEFAULT_WEIGHTS,
    Parts,
    PhenotypeIndex,
    Weights,
    _agreeing,
    _best,
    _Query,
)


def ic_overlap_top_cases(ontology: Ontology, index, query: Profile, pool: BitMap, *, limit: int):
    closure = ontology.closure(query.present)
    shared = np.zeros(len(index.observed_ic))
    for term in closure:
        weight = ontology.ic.get(term, 0.0)
        bitmap = index.term.get(term)
        if weight > 0 and bitmap:
            shared[np.frombuffer(bitmap.to_array(), dtype=np.uint32)] += weight
    ids = np.frombuffer(pool.to_array(), dtype=np.uint32).astype(np.int64)
    query_ic = sum(ontology.ic.get(t, 0.0) for t in closure)
    union = query_ic + index.observed_ic[ids] - shared[ids]
    scores = np.divide(shared[ids], union, out=np.zeros(len(ids)), where=union > 0)
    top = np.argpartition(-scores, limit - 1)[:limit] if len(ids) > limit else np.arange(len(ids))
    order = sorted(top.tolist(), key=lambda k: (-scores[k], -ids[k]))
    return [(int(ids[k]), float(scores[k])) for k in order if scores[k] > 0]


# --- the engine before (verbatim from the project's history, names kept) --------------------------

W_OBSERVED = 0.3
CANDIDATE_MIN_IC = 3.0
MAX_CANDIDATES = 50_000
W_CONFLICT = 1.0


def _ids(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32)


def score_cases(ontology: Ontology, index, query: Profile, pool: BitMap) -> tuple[np.ndarray, np.ndarray]:
    """(case ids, scores) of every case in `pool`."""
    if not pool or not (query.present or query.excluded):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    observed = ontology.closure(query.present)
    mentioned = observed | ontology.closure(query.excluded)
    size = pool.max() + 1
    pool_size = len(pool)
    # shared_observed: Σ IC of the query's observed closure that a case observes too;
    # extra: what the mentioned closures share beyond that, so each big bitmap is added once
    shared_observed = np.zeros(size)
    extra = np.zeros(size)
    base = 0.0
    empty = BitMap()
    for term in mentioned:
        ic = ontology.ic.get(term, 0.0)
        if ic <= 1e-6:
            continue
        has = index.term.get(term, empty) & pool
        excluded_only = (index.excluded_closure.get(term, empty) & pool) - has
        if term in observed:
            if len(has) * 2 > pool_size:
                # General terms hold most cases: add to everyone, take back from the few without
                base += ic
                rest = pool - has
                if rest:
                    shared_observed[_ids(rest)] -= ic
            elif has:
                shared_observed[_ids(has)] += ic
        elif has:
            extra[_ids(has)] += ic
        if excluded_only:
            extra[_ids(excluded_only)] += ic
    penalty = np.zeros(size)
    for q in query.present:
        for ancestor in ontology.ancestors.get(q, {q}):
            bitmap = index.excluded.get(ancestor)
            if bitmap:
                hits = bitmap & pool
                if hits:
                    penalty[_ids(hits)] += ontology.ic.get(ancestor, 0.0)
    for excluded in query.excluded:
        bitmap = index.term.get(excluded)
        if bitmap:
            hits = bitmap & pool
            if hits:
                penalty[_ids(hits)] += ontology.ic.get(excluded, 0.0)
    ids = _ids(pool).astype(np.int64)
    query_mentioned = sum(ontology.ic.get(t, 0.0) for t in mentioned)
    query_observed = sum(ontology.ic.get(t, 0.0) for t in observed)
    inter_o = shared_observed[ids] + base
    inter_m = inter_o + extra[ids]
    union_m = query_mentioned + index.mentioned_ic[ids] - inter_m
    union_o = query_observed + index.observed_ic[ids] - inter_o
    # A contradicted term was examined by both reports but does not count as shared: take its IC
    # back out of the examined overlap before the penalty applies.
    conflicts = penalty[ids]
    scores = np.divide(
        np.maximum(inter_m - conflicts, 0.0), union_m, out=np.zeros(len(ids)), where=union_m > 1e-9
    )
    scores += W_OBSERVED * np.divide(inter_o, union_o, out=np.zeros(len(ids)), where=union_o > 1e-9)
    if query_mentioned > 0:
        scores -= W_CONFLICT * conflicts / query_mentioned
    return ids, scores


def before_top_cases(
    ontology: Ontology, index, query: Profile, pool: BitMap, *, limit: int
) -> list[tuple[int, float]]:
    """The `limit` best (case id, score) pairs with a positive score, best first (ties: newer id).

    Only cases sharing at least one specific term (IC ≥ CANDIDATE_MIN_IC) with what the query
    examined can rank near the top, so scoring is restricted to them when there are enough:
    at 100k+ cases this skips most of the pool for the price of a few bitmap unions."""
    specific = [
        term
        for term in ontology.closure(query.present) | ontology.closure(query.excluded)
        if ontology.ic.get(term, 0.0) >= CANDIDATE_MIN_IC
    ]
    if specific:
        # Most specific terms first; stop adding once the candidates are plenty (a million
        # cases would otherwise put most of them in reach through moderately specific terms)
        specific.sort(key=lambda t: -ontology.ic.get(t, 0.0))
        empty = BitMap()
        candidates = BitMap()
        for term in specific:
            candidates |= (index.term.get(term, empty) | index.excluded_closure.get(term, empty)) & pool
            if len(candidates) >= MAX_CANDIDATES:
                break
        if len(candidates) >= max(limit * 10, 200):
            pool = candidates
    ids, scores = score_cases(ontology, index, query, pool)
    if len(ids) == 0:
        return []
    top = np.argpartition(-scores, limit - 1)[:limit] if len(ids) > limit else np.arange(len(ids))
    order = sorted(top.tolist(), key=lambda k: (-scores[k], -ids[k]))
    return [(int(ids[k]), float(scores[k])) for k in order if scores[k] > 0]


# --- the cross-validated engine before its scoring was rewritten for speed (names kept) ----------


def previous_parts(q: _Query, index: PhenotypeIndex, candidates: BitMap) -> Parts:
    """Score parts of the candidates. Sums go into arrays indexed by case id, as the index's own
    (no lookup of positions), and are read at the candidates' ids at the end."""
    ic = q.ontology.ic
    ids = _ids(candidates).astype(np.int64)
    size = len(index.observed_ic)
    # Agreement over what both examined: terms both observe, and terms both only exclude (the term
    # or a descendant). A term one observes and the other only excludes was examined by both: it
    # counts in the union (`opposed`) but never as agreement.
    shared_observed, shared_excluded, opposed = np.zeros(size), np.zeros(size), np.zeros(size)
    for term in q.mentioned:
        weight = ic.get(term, 0.0)
        if weight <= 1e-9:
            continue
        has = index.term.get(term, _EMPTY) & candidates
        excluded_only = (index.excluded_closure.get(term, _EMPTY) & candidates) - has
        if term in q.observed:
            agree, disagree = (shared_observed, has), (opposed, excluded_only)
        else:
            agree, disagree = (shared_excluded, excluded_only), (opposed, has)
        for target, bitmap in (agree, disagree):
            if bitmap:
                target[_ids(bitmap)] += weight
    conflicts = np.zeros(size)
    for present in q.present:
        for ancestor in q.ontology.ancestors.get(present, {present}):
            hits = index.excluded.get(ancestor, _EMPTY) & candidates
            if hits:
                conflicts[_ids(hits)] += ic.get(ancestor, 0.0)
    for excluded in q.excluded:
        hits = index.term.get(excluded, _EMPTY) & candidates
        if hits:
            conflicts[_ids(hits)] += ic.get(excluded, 0.0)
    coverage = np.zeros(size)
    for present in q.present:
        # Descend the ancestors by IC: each case takes the first (most informative) it holds
        remaining = candidates.copy()
        for ancestor in q.ontology.by_ic.get(present, (present,)):
            weight = ic.get(ancestor, 0.0)
            if weight <= 1e-9 or not remaining:
                break
            hits = index.term.get(ancestor, _EMPTY) & remaining
            if hits:
                coverage[_ids(hits)] += weight
                remaining -= hits
    shared_observed, shared_excluded, opposed = shared_observed[ids], shared_excluded[ids], opposed[ids]
    conflicts, coverage, m = conflicts[ids], coverage[ids], len(ids)
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


def previous_top_cases(
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
    rank.MAX_CANDIDATES candidates."""
    q = _Query(ontology, query)
    if not q.by_ic or not pool:
        return []
    target = max(limit * rank.CANDIDATES_PER_HIT, rank.MIN_CANDIDATES)
    candidates = BitMap()
    # Terms of the same IC go in together, so that the bound's threshold is exact
    groups: list[list[int]] = []
    for term in q.by_ic:
        if groups and ontology.ic[term] == ontology.ic[groups[-1][0]]:
            groups[-1].append(term)
        else:
            groups.append([term])
    position = 0
    while True:
        full = False
        while position < len(groups) and len(candidates) < target:
            grown = candidates | BitMap.union(*(_agreeing(q, index, t) for t in groups[position])) & pool
            if candidates and len(grown) > rank.MAX_CANDIDATES:
                full = True  # one general term can hold most cases: never let it in whole
                break
            candidates = grown
            position += 1
        parts = previous_parts(q, index, candidates)
        best = _best(parts.ids, parts.scores(weights), limit)
        if position >= len(groups):
            return best  # every case sharing anything with the query was scored
        theta = ontology.ic[groups[position][0]]
        if len(best) == limit and best[-1][1] > q.bound(theta, weights):
            return best
        if full or len(candidates) >= rank.MAX_CANDIDATES:
            return best
        target = min(target * rank.GROWTH, rank.MAX_CANDIDATES)
