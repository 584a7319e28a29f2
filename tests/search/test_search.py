"""CaseSearch over the bitmap index: vocabulary resolution in both languages, descendants,
exclusion, full text, filters, visibility, ordering and facet counts."""

from __future__ import annotations

import pytest
from django.db.models import Count

from cases.models import Case
from cases.search import CaseSearch, QuerySyntaxError


def ids(registry: dict, *names: str) -> set[int]:
    return {registry[name].pk for name in names}


def run(params, user, **kwargs):
    return CaseSearch(params).execute(user=user, **kwargs)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("calcinosis + anti-Scl-70", {"crest"}),
        ("钙质沉着 + 抗Scl-70抗体", {"crest"}),
        ("calcinosis anti-Scl-70", {"crest"}),  # juxtaposed: segmented into two names
        ("calcinosis", {"crest", "dermato"}),
        ("fever", {"crest", "cutis"}),  # low-grade fever is a descendant of fever
        ("skin ulcer", {"crest", "cutis"}),  # so is digital ulcer of skin ulcer
        ("发热", {"crest", "cutis"}),
        ("-calcinosis", {"cutis", "raynaud"}),
        ("NOT calcinosis + sex:female", {"raynaud"}),
        ("excluded:calcinosis", {"raynaud"}),
        ('excluded:"low-grade fever"', {"raynaud"}),  # excluding fever rules out its descendants
        ("raynaud phenomenon | fever", {"crest", "cutis", "dermato", "raynaud"}),
        ("(calcinosis | sclerodactyly) + sex:female + age:50-70", {"dermato", "raynaud"}),
        ("diltiazem", {"crest", "dermato"}),
        ("drug:nifedipine", {"raynaud"}),
        ("crest syndrome", {"crest"}),
        ("disease:ORPHA:220402", {"crest"}),
        ("outcome:improved", {"crest", "cutis", "raynaud"}),
        ("lang:zh", {"crest"}),
        ("year:2010-2016", {"crest", "dermato"}),
        ("hpo:HP:0003761 -fever", {"dermato"}),
        ("入院", {"crest"}),  # full text in Chinese (bigram index + substring check)
        ("钙化", {"crest", "cutis", "dermato"}),  # inside names: 钙化灶, 皮肤钙化… (and descendants)
        ("elbows", {"cutis"}),  # full text in English
        ('"skin ulcer improved"', set()),  # phrase not in any text
        ("elbows calcinosis cutis", {"cutis"}),  # unresolved word -> text, AND the term
    ],
)
def test_queries(registry, anonymous, q, expected):
    result = run({"q": q}, anonymous)
    assert set(result.case_ids) == ids(registry, *expected), q
    assert result.total == len(expected)


def test_rejected_cases_only_for_staff(registry, anonymous, staff):
    assert registry["rejected"].pk not in run({"q": "calcinosis"}, anonymous).case_ids
    assert registry["rejected"].pk in run({"q": "calcinosis"}, staff).case_ids


def test_public_curated_only(registry, anonymous, settings):
    settings.PUBLIC_CURATED_ONLY = True
    assert set(run({}, anonymous).case_ids) == ids(registry, "cutis", "raynaud")


def test_merged_duplicates_hidden_from_public(registry, anonymous, staff):
    Case.objects.filter(pk=registry["dermato"].pk).update(merged_into=registry["crest"])
    assert registry["dermato"].pk not in run({"q": "calcinosis"}, anonymous).case_ids
    assert registry["dermato"].pk in run({"q": "calcinosis"}, staff).case_ids


def test_filters_combine_with_query_and_repeat(registry, anonymous):
    result = run({"q": "calcinosis", "sex": "female", "age_min": "50", "lang": "en"}, anonymous)
    assert set(result.case_ids) == ids(registry, "dermato")
    both = run({"hpo": ["HP:0030880", "HP:0011838"]}, anonymous)
    assert set(both.case_ids) == ids(registry, "crest", "raynaud")
    assert set(run({"year_min": "2015", "year_max": "2018"}, anonymous).case_ids) == ids(
        registry, "crest", "cutis"
    )


def test_invalid_parameters_are_reported_not_raised_at_construction(registry, anonymous):
    search = CaseSearch({"q": "calcinosis +", "age_min": "abc", "sort": "random"})
    assert not search.is_valid
    assert search.query_error.position == 12
    assert set(search.errors) == {"q", "age_min", "sort"}
    with pytest.raises(QuerySyntaxError):
        search.execute(user=anonymous)


def test_unknown_names_in_fields_say_where(registry, anonymous):
    with pytest.raises(QuerySyntaxError) as caught:
        run({"q": "calcinosis + drug:unobtainium"}, anonymous)
    assert caught.value.position == len("calcinosis + drug:")
    assert "unknown drug" in caught.value.message


def test_relevance_prefers_more_matching_items_then_reviewed(registry, anonymous):
    result = run({"q": "sclerodactyly | anti-Scl-70 | raynaud phenomenon"}, anonymous)
    # The Chinese case matches all three items, the Raynaud case two, dermatomyositis one
    assert result.case_ids[:3] == [registry["crest"].pk, registry["raynaud"].pk, registry["dermato"].pk]


def test_sort_by_year_and_pagination(registry, anonymous):
    newest = run({"sort": "-year"}, anonymous).case_ids
    assert newest == [registry[n].pk for n in ("cutis", "crest", "dermato", "raynaud")]
    oldest = run({"sort": "year"}, anonymous).case_ids
    assert oldest == list(reversed(newest))
    page2 = run({"sort": "-year"}, anonymous, offset=2, limit=2)
    assert page2.case_ids == newest[2:4] and page2.total == 4


def test_facet_counts_match_the_database(registry, anonymous):
    result = run({"q": "calcinosis | calcinosis cutis | raynaud phenomenon"}, anonymous)
    matching = Case.objects.filter(pk__in=result.case_ids)
    facets = result.facets
    assert {v.key: v.count for v in facets["sex"]} == dict(
        matching.values_list("sex").annotate(n=Count("id"))
    )
    assert {v.key: v.count for v in facets["language"]} == dict(
        matching.values_list("language").annotate(n=Count("id"))
    )
    assert {v.key: v.count for v in facets["year"]} == {
        str(year): n for year, n in matching.values_list("year").annotate(n=Count("id"))
    }
    features = {v.key: v.count for v in facets["features"]}
    assert features["HP:0030880"] == 3  # Raynaud: crest, dermato, raynaud
    assert features["HP:0003761"] == 2  # calcinosis
    assert features["HP:0001945"] == 2  # fever, counting the low-grade fever of the cutis case
    treatments = {v.key: v.count for v in facets["treatments"]}
    assert treatments == {"diltiazem": 2, "prednisone": 1, "nifedipine": 1}
    outcomes = {v.key: v.count for v in facets["outcomes"]}
    assert outcomes == {"improved": 3, "stable": 1}
    ages = {v.key: v.count for v in facets["age"]}
    assert ages == {"30-39": 1, "40-49": 1, "50-59": 1, "60-69": 1}
    assert {v.key for v in facets["diagnoses"]} == {"ORPHA:220402"}


def test_facets_leave_out_the_active_filter(registry, anonymous):
    result = run({"hpo": "HP:0030880"}, anonymous)
    assert "HP:0030880" not in {v.key for v in result.facets["features"]}
    assert result.total == 3


def test_interpretation_explains_resolution(registry, anonymous):
    result = run({"q": "钙质沉着 + 入院"}, anonymous)
    parts = {part["text"]: part for part in result.interpretation}
    assert parts["钙质沉着"]["concepts"][0]["code"] == "HP:0003761"
    assert parts["入院"].get("fulltext") is True


@pytest.mark.parametrize("path", ["exact", "scan", "sampled"])
def test_facet_strategies_agree(registry, anonymous, monkeypatch, path):
    # Small results are counted by SQL, broad ones by scanning bitmaps in size order, and
    # mid-size ones among a million from candidates seen in a sample: the same counts here.
    from cases.search import counting

    if path != "exact":
        monkeypatch.setattr(counting, "EXACT_FACETS_UP_TO", 0)
    if path == "sampled":
        monkeypatch.setattr(counting, "SCAN_BUDGET", 0)
    facets = run({"q": "calcinosis | calcinosis cutis | raynaud phenomenon"}, anonymous).facets
    assert {v.key: v.count for v in facets["treatments"]} == {
        "diltiazem": 2,
        "prednisone": 1,
        "nifedipine": 1,
    }
    features = {v.key: v.count for v in facets["features"]}
    assert features["HP:0030880"] == 3 and features["HP:0003761"] == 2 and features["HP:0001945"] == 2
    assert [v.key for v in facets["diagnoses"]] == ["ORPHA:220402"]
