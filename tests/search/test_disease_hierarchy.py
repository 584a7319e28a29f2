"""The MONDO disease hierarchy in search: a disease finds its more specific diseases by any of its
codes or names (English or Chinese), facets and the cohort roll up, and the stored closure follows
the shipped ontology."""

from __future__ import annotations

import pytest

from cases.models import Case, Disease
from cases.search import CaseSearch
from cases.search.cohort import cohort_summary
from vocab.diseases import load_diseases

from .builders import make_case, make_crest_zh


@pytest.fixture
def ssc(db) -> dict:
    limited = make_crest_zh()  # diagnosed ORPHA:220402, limited cutaneous systemic sclerosis
    diffuse = make_case(
        text="A 48-year-old woman with diffuse cutaneous systemic sclerosis and digital ulcers.",
        features=[("HP:0031917", "digital ulcers")],
        diagnoses=[("ORPHA:220393", "diffuse cutaneous systemic sclerosis")],
        title="Diffuse cutaneous systemic sclerosis",
    )
    differential = make_case(
        text="A 35-year-old woman with Raynaud phenomenon; systemic sclerosis was considered.",
        features=[("HP:0030880", "Raynaud phenomenon")],
        title="Raynaud only",
    )
    differential.diagnoses.create(
        disease=Disease.objects.get(code="ORPHA:90291"), status="differential", label="systemic sclerosis"
    )
    from cases.services import case_refresh_search_columns

    case_refresh_search_columns(case=differential)
    return {"limited": limited, "diffuse": diffuse, "differential": differential}


def found(q: str, user) -> set[int]:
    return set(CaseSearch({"q": q}).execute(user=user, limit=100).case_ids)


@pytest.mark.parametrize(
    "q",
    [
        "systemic sclerosis",
        "系统性硬化症",
        "disease:ORPHA:90291",
        "disease:MONDO:0005100",
        'disease:"systemic sclerosis"',
        "disease:Orphanet:90291",
        "connective tissue disorder",
    ],
)
def test_a_disease_finds_its_more_specific_diseases(ssc, anonymous, q):
    assert found(q, anonymous) == {ssc["limited"].pk, ssc["diffuse"].pk}, q


def test_a_specific_disease_does_not_find_its_siblings_or_parents(ssc, anonymous):
    assert found("disease:ORPHA:220402", anonymous) == {ssc["limited"].pk}
    assert found("disease:ORPHA:220393", anonymous) == {ssc["diffuse"].pk}
    # By its MONDO code as well as its Orphanet code
    assert found("disease:MONDO:0016358", anonymous) == {ssc["limited"].pk}


def test_stored_closure_holds_every_code_of_each_ancestor(ssc):
    stored = set(Case.objects.get(pk=ssc["limited"].pk).disease_ids)
    codes = set(Disease.objects.filter(pk__in=stored).values_list("code", flat=True))
    assert {"ORPHA:220402", "MONDO:0016358", "ORPHA:90291", "MONDO:0005100", "MONDO:0000001"} <= codes
    assert "ORPHA:220393" not in codes  # a sibling is not an ancestor
    assert Case.objects.get(pk=ssc["differential"].pk).disease_ids == []


def test_facets_and_cohort_roll_up(ssc, anonymous):
    result = CaseSearch({"q": "systemic sclerosis"}).execute(user=anonymous)
    diagnoses = {value.key: value.count for value in result.facets["diagnoses"]}
    assert diagnoses["ORPHA:90291"] == 2
    assert diagnoses["ORPHA:220402"] == 1 and diagnoses["ORPHA:220393"] == 1
    # Ancestors counted as often as systemic sclerosis add nothing; MONDO's top groupings never show
    assert "ORPHA:801" not in diagnoses  # scleroderma, the parent, also 2
    assert not {"MONDO:0000001", "ORPHA:377788", "MONDO:0700096"} & set(diagnoses)
    assert len(result.facets["diagnoses"]) == 3
    cohort = cohort_summary(result.case_ids)
    rows = [(row["code"], row["cases"]) for row in cohort["diagnoses"]]
    assert rows[0] == ("ORPHA:90291", 2)
    assert sorted(rows[1:]) == [("ORPHA:220393", 1), ("ORPHA:220402", 1)]
    assert cohort["diagnoses"][0]["label_zh"] == "系统性硬化症"


def test_only_the_limited_form_shows_alone(ssc, anonymous):
    result = CaseSearch({"disease": "ORPHA:220402"}).execute(user=anonymous)
    assert result.facets["diagnoses"] == []  # the active filter itself, and its ancestors: same count


def test_disease_rows_follow_the_ontology(db):
    ontology = load_diseases()
    row = Disease.objects.get(code="ORPHA:220402")
    assert row.mondo_id == "MONDO:0016358"
    assert row.depth == ontology.depth_of("MONDO:0016358")
    parents = set(Disease.objects.filter(pk__in=row.parent_ids).values_list("mondo_id", flat=True))
    assert parents == set(ontology.parents("MONDO:0016358"))
    ancestors = set(Disease.objects.filter(pk__in=row.ancestor_ids).values_list("mondo_id", flat=True))
    assert ancestors == set(ontology.ancestors("MONDO:0016358"))
    mondo = Disease.objects.get(code="MONDO:0005100")
    assert "ORPHA:90291" in mondo.xrefs
    assert Disease.objects.filter(code__startswith="MONDO:").count() == len(ontology)


def test_refresh_rewrites_columns_from_diagnoses(ssc):
    from cases.services import cases_refresh_disease_closure

    expected = Case.objects.get(pk=ssc["diffuse"].pk).disease_ids
    Case.objects.filter(pk=ssc["diffuse"].pk).update(disease_ids=[])
    assert cases_refresh_disease_closure() >= 1
    assert Case.objects.get(pk=ssc["diffuse"].pk).disease_ids == expected
    assert cases_refresh_disease_closure() == 0  # nothing to rewrite: no case is stamped again
