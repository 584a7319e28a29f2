"""Autocomplete over the vocabularies in both languages, and cohort summaries."""

from __future__ import annotations

from cases.search import CaseSearch, autocomplete, cohort_summary


def test_autocomplete_english_chinese_and_ids(db):
    english = autocomplete("calcino")
    assert english[0]["id"] == "HP:0003761" and english[0]["kind"] == "term"
    assert english[0]["label_zh"]
    chinese = autocomplete("钙质")
    assert "HP:0003761" in [hit["id"] for hit in chinese]
    assert any(hit["language"] == "zh" for hit in chinese)
    by_id = autocomplete("HP:000376")
    assert "HP:0003761" in [hit["id"] for hit in by_id]
    drugs = autocomplete("diltia")
    assert drugs[0] == {**drugs[0], "kind": "agent", "id": "diltiazem"}
    assert autocomplete("") == []
    assert len(autocomplete("a", limit=3)) == 3


def test_cohort_summary_counts_treatment_outcomes(registry, anonymous):
    ids = [registry[name].pk for name in ("crest", "cutis", "dermato", "raynaud")]
    summary = cohort_summary(ids)
    assert summary["total"] == 4
    rows = {row["agent"]: row for row in summary["treatments"]}
    assert rows["diltiazem"]["cases"] == 2
    assert rows["diltiazem"]["outcomes"]["improved"] == 1 and rows["diltiazem"]["outcomes"]["stable"] == 1
    assert rows["nifedipine"]["outcomes"]["improved"] == 1
    assert rows["prednisone"]["outcomes"]["improved"] == 1
    assert summary["sex"] == {"female": 3, "male": 1, "other": 0, "unknown": 0}
    bands = {band["band"]: band["count"] for band in summary["age"]}
    assert bands["30–39"] == 1 and bands["40–49"] == 1 and bands["60–69"] == 1
    assert summary["age_unknown"] == 0


def test_cohort_of_a_search(registry, anonymous):
    ids = CaseSearch({"q": "raynaud phenomenon"}).all_ids(user=anonymous)
    summary = cohort_summary(ids)
    assert summary["total"] == 3
    assert {row["agent"] for row in summary["treatments"]} == {"diltiazem", "nifedipine"}


def test_cohort_summary_restricted_to_what_the_user_may_see(registry, anonymous, staff):
    ids = [case.pk for case in registry.values()]
    assert cohort_summary(ids)["total"] == 5
    assert cohort_summary(ids, user=anonymous)["total"] == 4  # not the rejected case
    assert cohort_summary(ids, user=staff)["total"] == 5
