"""Genes and variants in the search, the similar-case filter, the pages, the API, the admin and
the Matchmaker Exchange endpoint: `gene:FBN1`, `variant:c.1585C>T`, the genes facet, the `gene`
filter of similar cases, and MME genomicFeatures matched by gene."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token

from cases.models import Case, Diagnosis, Disease, Gene, Variant
from cases.search import CaseSearch, QuerySyntaxError
from cases.services import case_refresh_search_columns
from tests.factories import UserFactory
from tests.search.builders import make_case

pytestmark = pytest.mark.django_db

MME = "application/vnd.ga4gh.matchmaker.v1.0+json"
CONTACT = {"name": "Dr. Example", "href": "mailto:clinic@example.org"}
MARFAN_TEXT = "A 25-year-old woman with arachnodactyly. FBN1 c.1585C>T (p.Arg529*) was heterozygous."


def with_genetics(case: Case, *, genes=(), variants=()) -> Case:
    for hgnc_id, symbol in genes:
        Gene.objects.create(case=case, hgnc_id=hgnc_id, symbol=symbol, in_hgnc=True)
    for fields in variants:
        Variant.objects.create(case=case, **fields)  # save() derives the search keys
    case_refresh_search_columns(case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def genetic_registry() -> dict[str, Case]:
    marfan = with_genetics(
        make_case(text=MARFAN_TEXT, features=[("HP:0001166", "arachnodactyly")]),
        variants=[
            {
                "gene_symbol": "FBN1",
                "gene_hgnc_id": "HGNC:3603",
                "hgvs_c": "NM_000138.5:c.1585C>T",
                "hgvs_p": "p.(Arg529*)",
                "zygosity": "heterozygous",
                "pathogenicity": "pathogenic",
            }
        ],
    )
    loeys = with_genetics(
        make_case(text="A boy with arachnodactyly and a TGFBR2 variant.", features=[("HP:0001166", None)]),
        genes=[("HGNC:11773", "TGFBR2")],
    )
    rejected = with_genetics(
        make_case(text="A girl with arachnodactyly; FBN1 was considered.", features=[("HP:0001166", None)]),
        genes=[("HGNC:3603", "FBN1")],
    )
    Gene.objects.filter(case=rejected).update(rejected=True, rejected_reason="not this patient")
    case_refresh_search_columns(case=rejected)
    plain = make_case(text="A man with arachnodactyly.", features=[("HP:0001166", None)])
    return {"marfan": marfan, "loeys": loeys, "rejected": rejected, "plain": plain}


def _ids(cases: dict, *names: str) -> set[int]:
    return {cases[name].pk for name in names}


def _found(params: dict, user) -> set[int]:
    return set(CaseSearch(params).execute(user=user).case_ids)


def test_gene_search_by_symbol_id_and_parameter(genetic_registry, anonymous):
    cases = genetic_registry
    assert cases["marfan"].gene_ids == [3603]  # the variant's gene
    assert cases["rejected"].gene_ids == []  # a rejected gene is no gene of the case
    for query in ("gene:FBN1", "gene:fbn1", "gene:HGNC:3603"):
        assert _found({"q": query}, anonymous) == _ids(cases, "marfan"), query
    assert _found({"q": "gene:FBN1 | gene:TGFBR2"}, anonymous) == _ids(cases, "marfan", "loeys")
    assert _found({"q": "arachnodactyly", "gene": "TGFBR2"}, anonymous) == _ids(cases, "loeys")
    assert _found({"q": "arachnodactyly + -gene:FBN1"}, anonymous) == _ids(
        cases, "loeys", "rejected", "plain"
    )
    with pytest.raises(QuerySyntaxError, match="unknown gene"):
        CaseSearch({"q": "gene:NOTAGENE99"}).execute(user=anonymous)


def test_variant_search_in_any_spelling(genetic_registry, anonymous):
    marfan = _ids(genetic_registry, "marfan")
    for query in (
        "variant:c.1585C>T",
        "variant:NM_000138.5:c.1585C>T",
        "variant:FBN1:c.1585C>T",
        "variant:p.R529X",
        "variant:p.Arg529Ter",
        'variant:"p.(Arg529*)"',
    ):
        assert _found({"q": query}, anonymous) == marfan, query
    assert _found({"q": "variant:c.1586C>T"}, anonymous) == set()
    assert _found({"q": "variant:TGFBR2:c.1585C>T"}, anonymous) == set()
    assert _found({"variant": "c.1585C>T"}, anonymous) == marfan


def test_genes_facet_counts_and_refines(genetic_registry, client, anonymous):
    counted = CaseSearch({"q": "arachnodactyly"}).execute(user=anonymous).facets["genes"]
    assert sorted((value.key, value.count, value.param) for value in counted) == [
        ("FBN1", 1, "gene"),
        ("TGFBR2", 1, "gene"),
    ]
    html = client.get("/", {"q": "arachnodactyly"}).content.decode()
    assert "<h4>Genes</h4>" in html and 'data-param="gene" data-key="FBN1"' in html
    body = client.get("/api/cases/", {"q": "arachnodactyly", "gene": "FBN1"}).json()
    assert body["count"] == 1
    assert body["facets"]["genes"] == []  # the active filter's own value is left out of its facet
    body = client.get("/api/cases/", {"q": "arachnodactyly"}).json()
    assert {row["value"]: row["count"] for row in body["facets"]["genes"]} == {"FBN1": 1, "TGFBR2": 1}


def _post_json(client, body: dict):
    return client.post("/api/similar/", json.dumps(body), content_type="application/json")


def test_similar_cases_filtered_by_gene(genetic_registry, client):
    features = {"features": [{"id": "HP:0001166", "observed": True}], "limit": 10}
    response = _post_json(client, {**features, "gene": ["FBN1"]})
    assert response.status_code == 200
    assert [row["case"]["id"] for row in response.json()["results"]] == [genetic_registry["marfan"].pk]
    unfiltered = _post_json(client, features).json()["results"]
    assert len(unfiltered) == 4
    bad = _post_json(client, {**features, "gene": ["NOTAGENE99"]})
    assert bad.status_code == 400 and "gene" in json.dumps(bad.json())
    page = client.get("/similar/", {"features": "HP:0001166", "gene": "HGNC:11773"}).content.decode()
    assert f'href="/cases/{genetic_registry["loeys"].pk}/"' in page
    assert f'href="/cases/{genetic_registry["marfan"].pk}/"' not in page


def test_case_page_api_and_admin_show_genes_and_variants(genetic_registry, client, admin_client):
    marfan = genetic_registry["marfan"]
    disease = Disease.objects.first()
    diagnosis = Diagnosis.objects.create(case=marfan, disease=disease)
    Variant.objects.filter(case=marfan).update(diagnosis=diagnosis)
    page = client.get(f"/cases/{marfan.pk}/").content.decode()
    assert "Variants" in page and "NM_000138.5:c.1585C&gt;T" in page and "Heterozygous" in page
    detail = client.get(f"/api/cases/{marfan.pk}/").json()
    (variant,) = detail["variants"]
    assert (variant["gene_symbol"], variant["hgvs_p"], variant["acmg"]) == (
        "FBN1",
        "p.(Arg529*)",
        "pathogenic",
    )
    assert variant["diagnosis"]["code"] == disease.code
    loeys = client.get(f"/api/cases/{genetic_registry['loeys'].pk}/").json()
    assert [(g["symbol"], g["hgnc_id"], g["in_hgnc"]) for g in loeys["genes"]] == [
        ("TGFBR2", "HGNC:11773", True)
    ]
    admin = admin_client.get(f"/admin/cases/case/{marfan.pk}/change/").content.decode()
    assert 'name="variants-0-hgvs_c"' in admin and 'value="NM_000138.5:c.1585C&gt;T"' in admin


def _mme_post(body: dict):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="match_mme"))
    token = Token.objects.create(user=user).key
    return Client().post(
        "/mme/match", data=json.dumps(body), content_type=MME, HTTP_ACCEPT=MME, HTTP_X_AUTH_TOKEN=token
    )


def test_mme_matches_genomic_features_by_gene(genetic_registry):
    by_gene = _mme_post(
        {"patient": {"id": "P1", "contact": CONTACT, "genomicFeatures": [{"gene": {"id": "FBN1"}}]}}
    )
    assert by_gene.status_code == 200, by_gene.content
    results = by_gene.json()["results"]
    assert [r["patient"]["id"] for r in results] == [str(genetic_registry["marfan"].pk)]
    assert results[0]["patient"]["genomicFeatures"] == [{"gene": {"id": "FBN1"}, "zygosity": 1}]
    both = _mme_post(
        {
            "patient": {
                "id": "P2",
                "contact": CONTACT,
                "features": [{"id": "HP:0001166", "observed": "yes"}],
                "genomicFeatures": [{"gene": {"id": "HGNC:11773"}}],
            }
        }
    ).json()["results"]
    # A shared gene counts as much as the phenotype: the TGFBR2 case ranks first.
    assert both[0]["patient"]["id"] == str(genetic_registry["loeys"].pk)
    assert both[0]["score"]["patient"] > both[1]["score"]["patient"]
