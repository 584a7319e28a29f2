"""The similar-case ranking's fast scoring (cases/search/similar_rank.py) against a straightforward
scorer written from the definitions (sets per case, no bitmaps), and against the engine before
the rewrite (benchmarks/similar_reference.py): same scores, same top cases, on random ontologies
and cases. No database."""

from __future__ import annotations

import numpy as np
import pytest
from pyroaring import BitMap

from benchmarks.similar_reference import previous_top_cases
from cases.search import similar_rank
from cases.search.semantic import Ontology, Profile
from cases.search.similar_rank import DEFAULT_WEIGHTS, Weights, score_parts, top_cases
from tests.search.builders import toy_phenotype_index


def _random_ontology(rng: np.random.Generator, size: int) -> Ontology:
    """A DAG over 1..size (parents have smaller ids) with IC that never falls from a term to its
    descendants, as IC from annotation counts behaves: a random step of 0 to 1.5 in halves, so
    that terms often share an IC exactly (top_cases groups them) and a few near the root have none."""
    ancestors: dict[int, set[int]] = {1: {1}}
    ic = {1: 0.0}
    for term in range(2, size + 1):
        parents = rng.choice(np.arange(1, term), size=min(term - 1, int(rng.integers(1, 3))), replace=False)
        ancestors[term] = {term}.union(*(ancestors[p] for p in parents.tolist()))
        ic[term] = max(ic[p] for p in parents.tolist()) + float(rng.integers(0, 4)) * 0.5
    return Ontology(ic, ancestors)


def _random_profile(rng: np.random.Generator, ontology: Ontology, terms: int) -> Profile:
    universe = np.array(sorted(ontology.ancestors))
    present = set(rng.choice(universe, size=int(rng.integers(1, terms)), replace=False).tolist())
    excluded = set(rng.choice(universe, size=int(rng.integers(0, 3)), replace=False).tolist())
    return Profile(present, excluded - ontology.closure(present))


def reference_score(ontology: Ontology, query: Profile, case: Profile, weights: Weights) -> float:
    """similar_rank's score of one case, from its module docstring, one term at a time."""
    ic = ontology.ic
    query_observed = ontology.closure(query.present)
    query_mentioned = query_observed | ontology.closure(query.excluded)
    observed = ontology.closure(case.present)
    excluded_only = ontology.closure(case.excluded) - observed
    agree = disagree = 0.0
    for term in query_mentioned:
        weight = ic.get(term, 0.0)
        if weight <= 1e-9:
            continue
        if term in query_observed:
            agree += weight if term in observed else 0.0
            disagree += weight if term in excluded_only else 0.0
        else:
            agree += weight if term in excluded_only else 0.0
            disagree += weight if term in observed else 0.0
    mentioned_ic = sum(ic[t] for t in query_mentioned)
    case_mentioned_ic = sum(ic[t] for t in observed | ontology.closure(case.excluded))
    union = mentioned_ic + case_mentioned_ic - agree - disagree
    examined = agree / union if union > 1e-9 else 0.0
    present_ic = sum(ic.get(t, 0.0) for t in query.present)
    coverage = 0.0
    for q in query.present:
        held = [ic[a] for a in ontology.ancestors[q] if a in observed and ic[a] > 1e-9]
        coverage += max(held, default=0.0)
    coverage = coverage / present_ic if present_ic else 0.0
    conflicts = sum(ic[a] for q in query.present for a in ontology.ancestors[q] if a in case.excluded)
    conflicts += sum(ic[e] for e in query.excluded if e in observed)
    conflicts = conflicts / mentioned_ic if mentioned_ic else conflicts
    observed_part = 0.0
    if weights.observed:
        shared = sum(ic[t] for t in query_observed & observed)
        union_observed = sum(ic[t] for t in query_observed | observed)
        observed_part = shared / union_observed if union_observed > 1e-9 else 0.0
    return (
        examined
        + weights.coverage * coverage
        + weights.observed * observed_part
        - weights.conflict * conflicts
    )


@pytest.fixture(params=[1, 2, 3])
def world(request):
    rng = np.random.default_rng(request.param)
    ontology = _random_ontology(rng, 80)
    cases = {
        case_id: _random_profile(rng, ontology, 8)
        for case_id in rng.choice(3000, 300, replace=False).tolist()
    }
    return rng, ontology, cases, toy_phenotype_index(ontology, cases)


def test_scores_match_the_definition(world):
    rng, ontology, cases, index = world
    for weights in (DEFAULT_WEIGHTS, Weights(coverage=0.5, observed=0.3, conflict=1.0)):
        for _ in range(3):
            query = _random_profile(rng, ontology, 6)
            parts = score_parts(ontology, index, query, BitMap(cases))
            expected = [reference_score(ontology, query, cases[c], weights) for c in parts.ids.tolist()]
            assert parts.scores(weights) == pytest.approx(expected, abs=1e-12)


def _reference_ranking(ontology, cases, query, pool, weights=DEFAULT_WEIGHTS) -> list[tuple[int, float]]:
    """Every case of the pool with a positive score, best first (ties: newer id)."""
    scored = [(reference_score(ontology, query, cases[c], weights), c) for c in pool]
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [(c, s) for s, c in scored if s > 1e-9]


def _same_top(found: list[tuple[int, float]], ranking: list[tuple[int, float]], limit: int) -> bool:
    """The reference's top `limit`: same scores, and the same cases wherever a score is not
    shared by another case (the scorers add in different orders, so exact ties may come out in
    either order)."""
    found = [(c, s) for c, s in found if s > 1e-9]
    expected = ranking[:limit]
    if len(found) != len(expected):
        return False
    scores = [s for _, s in ranking]
    for (case, score), (expected_case, expected_score) in zip(found, expected, strict=True):
        if abs(score - expected_score) > 1e-9:
            return False
        tied = sum(abs(expected_score - other) <= 1e-9 for other in scores) > 1
        if not tied and case != expected_case:
            return False
    return True


@pytest.mark.parametrize("small_stages", [False, True])
def test_top_cases_same_as_full_scoring_and_as_the_previous_engine(world, monkeypatch, small_stages):
    rng, ontology, cases, index = world
    if small_stages:
        # Stages of a few candidates, so that growing, the bound and the cap all come into play
        monkeypatch.setattr(similar_rank, "MIN_CANDIDATES", 10)
        monkeypatch.setattr(similar_rank, "CANDIDATES_PER_HIT", 1)
        monkeypatch.setattr(similar_rank, "MAX_CANDIDATES", 150)
    exact = 0
    for _ in range(12):
        query = _random_profile(rng, ontology, 6)
        pool = BitMap(c for c in cases if rng.random() < 0.9)
        limit = int(rng.choice([1, 5, 20]))
        fast = top_cases(ontology, index, query, pool, limit=limit)
        assert fast == previous_top_cases(ontology, index, query, pool, limit=limit)
        # Only the cap may stop short of the exact top (and only with small stages)
        exact += _same_top(fast, _reference_ranking(ontology, cases, query, pool), limit)
    assert exact == 12 or (small_stages and exact >= 5)


def test_top_cases_is_exact_without_the_cap(world, monkeypatch):
    """Small stages but no cap: the bound alone must prove the top, whatever stage it stops at."""
    rng, ontology, cases, index = world
    monkeypatch.setattr(similar_rank, "MIN_CANDIDATES", 5)
    monkeypatch.setattr(similar_rank, "CANDIDATES_PER_HIT", 1)
    monkeypatch.setattr(similar_rank, "GROWTH", 2)
    for _ in range(12):
        query = _random_profile(rng, ontology, 6)
        limit = int(rng.choice([1, 3, 10]))
        fast = top_cases(ontology, index, query, BitMap(cases), limit=limit)
        assert _same_top(fast, _reference_ranking(ontology, cases, query, cases), limit)
