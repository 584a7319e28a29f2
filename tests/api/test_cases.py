"""Case detail, phenopacket, stats, docs: content, visibility, error shape."""

from __future__ import annotations

import json

import pytest
from google.protobuf.json_format import Parse
from phenopackets.schema.v2 import Phenopacket

from cases.facts import FACT_KINDS
from cases.models import Case, PhenotypicFeature
from tests.api.conftest import REPORT_TEXT, make_full_case
from tests.factories import CaseFactory, PhenotypicFeatureFactory

pytestmark = pytest.mark.django_db


def test_case_detail_has_every_fact_with_evidence_provenance_and_citation(client, full_case):
    response = client.get(f"/api/cases/{full_case.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == full_case.pk
    assert body["sex"] == "female" and body["age_years"] == 40
    assert body["citation"]["pmid"] == "31234567"
    assert body["citation"]["doi"] == "10.1000/example.123"
    assert body["age_evidence"] == {"start": 2, "end": 13}
    features = {f["hpo_id"]: f for f in body["phenotypic_features"]}
    assert features["HP:0001945"]["excluded"] is True
    calcinosis = features["HP:0003761"]
    start, end = calcinosis["evidence"]["start"], calcinosis["evidence"]["end"]
    assert REPORT_TEXT[start:end] == calcinosis["evidence"]["text"] == "calcinosis cutis"
    assert calcinosis["provenance"]["source"] == "machine"
    assert calcinosis["provenance"]["locked"] is False
    assert [d["code"] for d in body["diagnoses"]] == ["ORPHA:220402"]
    assert {m["analyte"] for m in body["measurements"]} == {"anti-Scl-70", "IgG"}
    (treatment,) = body["treatments"]
    assert treatment["agent"] == "prednisone" and treatment["agent_code"] == "H02AB07"
    assert treatment["dose"] == 60 and treatment["route"] == "oral"
    assert body["outcomes"][0]["direction"] == "improved"
    assert body["phenopacket_url"].endswith(f"/api/cases/{full_case.pk}/phenopacket/")


def test_case_detail_hides_rejected_facts_and_names_the_curator(client, full_case, django_user_model):
    curator = django_user_model.objects.create_user("curator1", password="a-long-pass-123")
    PhenotypicFeature.objects.filter(case=full_case, term__hpo_id="HP:0001945").update(rejected=True)
    PhenotypicFeature.objects.filter(case=full_case, term__hpo_id="HP:0003761").update(
        provenance="curator", locked=True, edited_by=curator
    )
    body = client.get(f"/api/cases/{full_case.pk}/").json()
    features = {f["hpo_id"]: f for f in body["phenotypic_features"]}
    assert "HP:0001945" not in features
    assert features["HP:0003761"]["provenance"] == {
        **features["HP:0003761"]["provenance"],
        "source": "curator",
        "locked": True,
        "edited_by": "curator1",
    }


def test_case_detail_query_count_is_fixed(client, django_assert_num_queries):
    case = make_full_case()
    # case+report, then one query per kind of fact
    with django_assert_num_queries(1 + len(FACT_KINDS)):
        assert client.get(f"/api/cases/{case.pk}/").status_code == 200


def test_rejected_case_is_invisible_to_the_public_but_not_to_staff(client, staff_client):
    case = CaseFactory(status=Case.Status.REJECTED)
    response = client.get(f"/api/cases/{case.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/cases/{case.pk}/phenopacket/").status_code == 404
    assert staff_client.get(f"/api/cases/{case.pk}/").status_code == 200


def test_public_curated_only_setting_limits_anonymous_reads(client, settings):
    machine = CaseFactory(status=Case.Status.MACHINE)
    published = CaseFactory(status=Case.Status.PUBLISHED)
    settings.PUBLIC_CURATED_ONLY = True
    assert client.get(f"/api/cases/{machine.pk}/").status_code == 404
    assert client.get(f"/api/cases/{published.pk}/").status_code == 200


def test_unknown_case_is_a_json_404(client):
    response = client.get("/api/cases/999999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_phenopacket_endpoint_returns_a_valid_phenopacket(client, full_case):
    response = client.get(f"/api/cases/{full_case.pk}/phenopacket/")
    assert response.status_code == 200
    packet = Parse(json.dumps(response.json()), Phenopacket())
    assert {f.type.id for f in packet.phenotypic_features} == {"HP:0003761", "HP:0030880", "HP:0001945"}


def test_stats_counts_visible_cases_and_top_facts(client, staff_client, full_case):
    CaseFactory(status=Case.Status.REJECTED)
    body = client.get("/api/stats/").json()
    assert body["cases"] == 1
    assert body["reports"] == 1
    assert body["by_sex"] == [{"value": "female", "label": "Female", "count": 1}]
    features = {row["value"]: row["count"] for row in body["top_features"]}
    assert {"HP:0003761", "HP:0030880"} <= set(features)  # with informative ancestors, as facets do
    assert "HP:0001945" not in features  # excluded fever is not a feature the case has
    assert set(features.values()) == {1}
    assert body["by_status"] == [{"value": "machine", "label": "Machine-extracted", "count": 1}]
    assert body["top_agents"][0] == {"value": "prednisone", "label": "prednisone", "count": 1}
    assert body["top_diagnoses"][0]["value"] == "ORPHA:220402"
    assert body["vocabulary"]["hpo_terms"] > 10_000
    assert staff_client.get("/api/stats/").json()["cases"] == 2


def test_writes_to_read_only_endpoints_are_refused(client, full_case, staff_client):
    anonymous = client.delete(f"/api/cases/{full_case.pk}/")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    # Authenticated, but the route has no write: 405 in the same error shape.
    response = staff_client.delete(f"/api/cases/{full_case.pk}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_bad_token_is_rejected(client):
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/stats/")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "message": "Invalid token."}


def test_docs_and_schema_are_served_with_local_assets(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    for path in (
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/cases/{id}/similar/",
        "/api/similar/",
        "/api/terms/",
    ):
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in html
    asset = client.get(bundle)  # served by the app itself (whitenoise), no CDN
    assert asset.status_code == 200
    assert b"".join(asset.streaming_content if asset.streaming else [asset.content])[:200]


def test_fast_list_serialisation_matches_the_documented_serializer(rf, full_case):
    """Result lists come from the one summary builder the pages use too (one query); they must equal
    the serializer the OpenAPI schema documents."""
    from cases.api.loading import cases_in_order, summary_prefetches
    from cases.api.results import summary_payloads
    from cases.api.serializers import CaseSummarySerializer
    from cases.summaries import case_summaries

    PhenotypicFeature.objects.filter(case=full_case, term__hpo_id="HP:0001945").update(rejected=True)
    PhenotypicFeatureFactory(case=full_case, term=None, label="an uncoded finding")
    request = rf.get("/api/cases/")
    (case,) = cases_in_order([full_case.pk], user=None, prefetches=summary_prefetches())
    documented = CaseSummarySerializer(case, context={"request": request}).data
    built = summary_payloads(case_summaries(case_ids=[full_case.pk], user=None), request=request)
    assert built == [documented]
    assert json.dumps(built[0]) == json.dumps(documented)  # same keys in the same order
    assert len(documented["features"]) == 2
