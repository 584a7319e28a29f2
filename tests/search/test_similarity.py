"""Similar cases: IC-weighted semantic similarity with explanations and excluded features."""

from __future__ import annotations

from cases.search import similar_to_case, similar_to_features
from cases.search.semantic import Ontology, Profile, score_exact


def test_similar_to_case_ranks_shared_specific_features_first(registry, anonymous):
    hits = similar_to_case(case_id=registry["crest"].pk, user=anonymous)
    ranked = [hit.case_id for hit in hits]
    assert registry["crest"].pk not in ranked
    assert registry["rejected"].pk not in ranked  # not visible to the public
    # The Raynaud case shares Raynaud and sclerodactyly but excludes calcinosis and fever, which the
    # Chinese case has: the dermatomyositis case (calcinosis + Raynaud) ranks above it.
    assert ranked.index(registry["dermato"].pk) < ranked.index(registry["raynaud"].pk)
    dermato = hits[ranked.index(registry["dermato"].pk)]
    pairs = {(m.query_term, m.case_term) for m in dermato.matches}
    assert ("HP:0003761", "HP:0003761") in pairs and ("HP:0030880", "HP:0030880") in pairs
    raynaud = hits[ranked.index(registry["raynaud"].pk)]
    assert {c.case_term for c in raynaud.conflicts} == {"HP:0003761", "HP:0001945"}
    assert all(hit.score > 0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_similar_matches_through_common_ancestors(registry, anonymous):
    # Query "fever" + "skin ulcer": the cutis case has the more specific low-grade fever and digital ulcer
    hits = similar_to_features(features=[("HP:0001945", True), ("HP:0200042", True)], user=anonymous)
    top = hits[0]
    assert top.case_id in {registry["crest"].pk, registry["cutis"].pk}
    cutis = next(hit for hit in hits if hit.case_id == registry["cutis"].pk)
    by_query = {m.query_term: m for m in cutis.matches}
    assert by_query["HP:0001945"].case_term == "HP:0011134"
    assert by_query["HP:0001945"].common_ancestor == "HP:0001945"
    assert by_query["HP:0200042"].case_term == "HP:0031917"


def test_excluded_query_feature_counts_against(registry, anonymous):
    with_fever = similar_to_features(features=[("HP:0030880", True)], user=anonymous)
    without_fever = similar_to_features(
        features=[("HP:0030880", True), ("HP:0001945", False)], user=anonymous
    )
    score = {hit.case_id: hit.score for hit in with_fever}
    score_excl = {hit.case_id: hit.score for hit in without_fever}
    crest, raynaud = registry["crest"].pk, registry["raynaud"].pk
    # The Chinese case has fever: excluding fever in the query drops it below the Raynaud case
    assert crest in score and raynaud in score
    assert score_excl.get(crest, 0) < score_excl[raynaud]
    assert (
        any(
            c.kind == "query excluded, case observed"
            for hit in without_fever
            if hit.case_id == crest
            for c in hit.conflicts
        )
        or crest not in score_excl
    )


def test_score_is_symmetric_best_match_average():
    # A toy ontology: 1 root, 2 < 1, 3 < 2, 4 < 2, 5 < 1
    ontology = Ontology(
        {1: 0.0, 2: 1.0, 3: 3.0, 4: 2.5, 5: 2.0}, {1: [1], 2: [1, 2], 3: [1, 2, 3], 4: [1, 2, 4], 5: [1, 5]}
    )
    query = Profile({3}, set())
    same = score_exact(ontology, query, Profile({3}, set()))
    sibling = score_exact(ontology, query, Profile({4}, set()))
    unrelated = score_exact(ontology, query, Profile({5}, set()))
    assert same.score == 3.0
    assert sibling.score == 1.0 and sibling.matches[0].common_ancestor == 2
    assert unrelated.score == 0.0
    conflicting = score_exact(ontology, query, Profile({3}, {2}))
    assert conflicting.score < same.score and conflicting.conflicts[0].case_term == 2
