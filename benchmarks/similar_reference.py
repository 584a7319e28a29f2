"""Reference rankings for benchmarks/bench_search.py's similar-case part, run on the same index
and queries as the engine (not used by the application):

- `before_top_cases`: the similar-case engine as it was before cross-validated ranking and exact
  pruning (git history of cases/search/semantic.py): every query-closure term scored over
  the candidates sharing a term of IC >= 3 (at most 50,000, so not exact), no pruning bound;
- `ic_overlap_top_cases`: the plain baseline, IC-weighted overlap of observed closures (simGIC),
  one vectorised add per query term over every case of the pool.
"""

from __future__ import annotations

import numpy as np
from pyroaring import BitMap

from cases.search.semantic import Ontology, Profile


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
