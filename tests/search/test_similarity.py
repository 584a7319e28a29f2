"""Similar cases: IC-weighted semantic similarity with explanations and excluded features."""

from __future__ import annotations

import pytest
from pyroaring import BitMap

from cases.models import PhenotypicFeature
from cases.search import similar_to_case, similar_to_features
from cases.search.semantic import Ontology, Profile, explain
from cases.search.similar_rank import DEFAULT_WEIGHTS, score_parts, top_cases
from cases.services import case_refresh_search_columns
from tests.search.builders import toy_phenotype_index


def test_similar_to_case_ranks_and_explains(registry, anonymous):
    hits = similar_to_case(case_id=registry["crest"].pk, user=anonymous)
    ranked = [hit.case_id for hit in hits]
    assert registry["crest"].pk not in ranked
    assert registry["rejected"].pk not in ranked  # not visible to the public
    # The two CREST-like English cases (calcinosis + Raynaud; Raynaud + sclerodactyly) come before
    # the calcinosis cutis case
    assert set(ranked[:2]) == {registry["dermato"].pk, registry["raynaud"].pk}
    assert ranked[2] == registry["cutis"].pk
    dermato = hits[ranked.index(registry["dermato"].pk)]
    pairs = {(m.query_term, m.case_term) for m in dermato.matches}
    assert ("HP:0003761", "HP:0003761") in pairs and ("HP:0030880", "HP:0030880") in pairs
    assert dermato.matches[0].query_term_label == "Calcinosis"
    raynaud = hits[ranked.index(registry["raynaud"].pk)]
    assert {c.case_term for c in raynaud.conflicts} == {"HP:0003761", "HP:0001945"}
    assert all(hit.score > 0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_excluded_features_of_a_case_count_against_it(registry, anonymous):
    def raynaud_score() -> float:
        hits = similar_to_case(case_id=registry["crest"].pk, user=anonymous)
        return next(hit.score for hit in hits if hit.case_id == registry["raynaud"].pk)

    with_exclusions = raynaud_score()
    # Without its "no calcinosis, no fever" the Raynaud case is a better match for the CREST case
    PhenotypicFeature.objects.filter(case=registry["raynaud"], excluded=True).update(rejected=True)
    case_refresh_search_columns(case=registry["raynaud"])
    assert raynaud_score() > with_exclusions


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


def test_ic_weighted_closure_overlap_and_conflicts():
    # A toy ontology: 1 root, 2 < 1, 3 < 2, 4 < 2, 5 < 1
    ontology = Ontology(
        {1: 0.0, 2: 1.0, 3: 3.0, 4: 2.5, 5: 2.0}, {1: [1], 2: [1, 2], 3: [1, 2, 3], 4: [1, 2, 4], 5: [1, 5]}
    )
    cases = {
        1: Profile({3}, set()),  # same
        2: Profile({4}, set()),  # sibling: shares 2
        3: Profile({5}, set()),  # unrelated
        4: Profile({4}, {3}),  # the sibling, explicitly without the query's feature
    }
    index = toy_phenotype_index(ontology, cases)
    parts = score_parts(ontology, index, Profile({3}, set()), BitMap(cases))
    score = dict(zip(parts.ids.tolist(), parts.scores().tolist(), strict=True))
    coverage = dict(zip(parts.ids.tolist(), parts.coverage.tolist(), strict=True))
    assert score[1] == pytest.approx(1.0 + DEFAULT_WEIGHTS.coverage)  # identical, the query fully covered
    assert score[1] > score[2] > score[3] == 0.0
    # Coverage: the sibling explains IC(2) of the query's IC(3); examined: IC(2) / IC({2, 3, 4})
    assert coverage[2] == pytest.approx(1.0 / 3.0)
    assert score[2] == pytest.approx(1.0 / 6.5 + DEFAULT_WEIGHTS.coverage / 3.0)
    # Case 4 examined term 3 too, but contradicts it: that can never raise its score
    assert score[4] < score[2]
    best = top_cases(ontology, index, Profile({3}, set()), BitMap(cases), limit=2)
    assert [case_id for case_id, _ in best] == [1, 2]
    matches, conflicts = explain(ontology, Profile({3}, set()), cases[2])
    assert (matches[0].case_term, matches[0].common_ancestor) == (4, 2)
    _, conflicts = explain(ontology, Profile({3}, set()), cases[4])
    assert conflicts[0].case_term == 3 and conflicts[0].kind == "query observed, case excluded"


def test_a_case_is_never_in_its_own_list_and_publications_can_be_left_out(registry, anonymous):
    from cases.models import Case, Report

    crest = registry["crest"]
    features = [("HP:0003761", True), ("HP:0030880", True)]
    everyone = [hit.case_id for hit in similar_to_features(features=features, user=anonymous)]
    dermato = Case.objects.select_related("report").get(pk=registry["dermato"].pk)
    Report.objects.filter(pk=dermato.report_id).update(pmid="11112222")
    assert dermato.pk in everyone
    without = similar_to_features(features=features, user=anonymous, exclude_publications=["PMID:11112222"])
    assert dermato.pk not in [hit.case_id for hit in without]
    # The same paper ingested again as another report: left out with other_publications_only
    Report.objects.filter(pk=crest.report_id).update(pmid="11112222")
    own = [hit.case_id for hit in similar_to_case(case_id=crest.pk, user=anonymous)]
    assert crest.pk not in own and dermato.pk in own
    others = [
        hit.case_id for hit in similar_to_case(case_id=crest.pk, user=anonymous, other_publications_only=True)
    ]
    assert crest.pk not in others and dermato.pk not in others


def test_similar_page_leaves_out_the_case_it_came_from_and_lists_warnings(client, registry):
    crest = registry["crest"]
    response = client.get(
        "/similar/", {"features": "HP:0003761, HP:0030880, HP:0001275, HP:9999999", "case": crest.pk}
    )
    html = response.content.decode()
    assert f'data-case-id="{crest.pk}"' not in html
    assert "HP:0001275" in html and "alternative id of HP:0001250" in html
    assert "HP:9999999" in html and "not scored" in html
