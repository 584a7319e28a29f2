"""Similar cases (by case and Matchmaker-style by features) and term autocomplete."""

from __future__ import annotations

import pytest

from cases.models import Case, Term
from cases.services import case_refresh_search_columns
from tests.api.conftest import make_full_case
from tests.factories import CaseFactory, PhenotypicFeatureFactory

pytestmark = pytest.mark.django_db


def case_with(*hpo_ids: str, excluded: tuple[str, ...] = (), **fields) -> Case:
    case = CaseFactory(**fields)
    for hpo_id in hpo_ids:
        PhenotypicFeatureFactory(case=case, term=Term.objects.get(hpo_id=hpo_id))
    for hpo_id in excluded:
        PhenotypicFeatureFactory(case=case, term=Term.objects.get(hpo_id=hpo_id), excluded=True)
    return case_refresh_search_columns(case=case)


def test_match_by_features_ranks_and_explains(client):
    near = make_full_case()  # calcinosis cutis, Raynaud; no fever
    far = case_with("HP:0001250")  # seizure
    response = client.post(
        "/api/similar/",
        {
            "features": [{"id": "HP:0003761", "observed": True}, {"id": "HP:0030880", "observed": True}],
            "sex": "female",
            "age": 40,
            "limit": 5,
        },
        format="json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["case"]["id"] == near.pk
    assert results[0]["score"] > 0
    scores = [hit["score"] for hit in results]
    assert scores == sorted(scores, reverse=True)
    assert far.pk not in [hit["case"]["id"] for hit in results[:1]]
    top = results[0]
    assert top["case"]["citation"]["pmid"] == "31234567"
    assert top["case"]["citation"]["doi"] == "10.1000/example.123"
    assert [d["code"] for d in top["case"]["diagnoses"]] == ["ORPHA:220402"]
    matched = {m["query_term"] for m in top["explanation"]["matches"]}
    assert {"HP:0003761", "HP:0030880"} <= matched
    assert all(m["common_ancestor"].startswith("HP:") for m in top["explanation"]["matches"])


def test_match_reports_conflicts(client):
    make_full_case()  # excludes fever
    response = client.post(
        "/api/similar/",
        {"features": [{"id": "HP:0003761"}, {"id": "HP:0001945", "observed": True}]},
        format="json",
    )
    conflicts = response.json()["results"][0]["explanation"]["conflicts"]
    assert [c["query_term"] for c in conflicts] == ["HP:0001945"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "features"),
        ({"features": []}, "features"),
        (
            {"features": [{"id": "HP:0003761"}], "exclude_publications": ["Smith 2019"]},
            "exclude_publications",
        ),
        (
            {"features": [{"id": "HP:0003761"}, {"id": "HP:0001945", "observed": "perhaps"}]},
            "features.1.observed",
        ),
        ({"features": [{"id": "HP:0003761"}], "limit": 0}, "limit"),
        ({"features": [{"id": "HP:0003761"}], "sex": "robot"}, "sex"),
        ({"features": [{"id": "HP:0003761"}], "age": -3}, "age"),
    ],
)
def test_match_bad_input_names_the_field(client, body, field):
    response = client.post("/api/similar/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_match_rejects_malformed_json(client):
    response = client.post("/api/similar/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_similar_to_a_case(client):
    query = make_full_case()
    twin = case_with("HP:0003761", "HP:0030880")
    other = case_with("HP:0001250")
    response = client.get(f"/api/cases/{query.pk}/similar/", {"limit": 5})
    assert response.status_code == 200
    ids = [hit["case"]["id"] for hit in response.json()["results"]]
    assert ids[0] == twin.pk
    assert query.pk not in ids
    assert other.pk not in ids[:1]


def test_similar_never_returns_cases_the_caller_may_not_see(client, staff_client):
    query = case_with("HP:0003761")
    hidden = case_with("HP:0003761", status=Case.Status.REJECTED)
    public_ids = [
        hit["case"]["id"] for hit in client.get(f"/api/cases/{query.pk}/similar/").json()["results"]
    ]
    assert hidden.pk not in public_ids
    assert client.get(f"/api/cases/{hidden.pk}/similar/").status_code == 404
    staff_ids = [
        hit["case"]["id"] for hit in staff_client.get(f"/api/cases/{query.pk}/similar/").json()["results"]
    ]
    assert hidden.pk in staff_ids


def test_terms_autocomplete_english_and_chinese(client):
    english = client.get("/api/terms/", {"q": "calcinos"}).json()["results"]
    assert any(hit["id"] == "HP:0003761" and hit["kind"] == "term" for hit in english)
    calcinosis = next(hit for hit in english if hit["id"] == "HP:0003761")
    assert calcinosis["query"] == "hpo:HP:0003761"
    chinese = client.get("/api/terms/", {"q": "雷诺"}).json()["results"]
    assert any(hit["id"] == "HP:0030880" and hit["language"] == "zh" for hit in chinese)
    drugs = client.get("/api/terms/", {"q": "泼尼松"}).json()["results"]
    assert any(hit["kind"] == "agent" and hit["id"] == "prednisone" for hit in drugs)
    assert len(client.get("/api/terms/", {"q": "a", "limit": 3}).json()["results"]) <= 3


# (A blank `q` is an empty result, as the schema documents: tests/api/test_schema_agreement.py.)
@pytest.mark.parametrize("params", [{}, {"q": "x", "limit": "51"}, {"q": "x" * 201}])
def test_terms_bad_input(client, params):
    response = client.get("/api/terms/", params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] in ("q", "limit")


def test_unknown_and_obsolete_ids_are_listed_never_refused(client):
    seizure = case_with("HP:0001250")
    body = {
        "features": [
            {"id": "HP:0001275"},  # alt id of Seizure
            {"id": "HP:0003114"},  # obsolete, replaced by HP:0001626
            {"id": "HP:9999999"},  # unknown to the release
            {"id": "HP:9999998"},
            {"id": "calcinosis"},  # not an id at all
        ]
    }
    response = client.post("/api/similar/", body, format="json")
    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload["results"][0]["case"]["id"] == seizure.pk
    warnings = {w["id"]: w for w in payload["warnings"]}
    assert (
        warnings["HP:0001275"]["status"] == "alt_id" and warnings["HP:0001275"]["current_id"] == "HP:0001250"
    )
    assert warnings["HP:0003114"]["status"] == "replaced"
    assert {warnings[i]["status"] for i in ("HP:9999999", "HP:9999998", "calcinosis")} == {"ignored"}


def test_publications_left_out_and_own_case_never_listed(client):
    query = make_full_case()  # PMID 31234567
    twin = make_full_case()  # another report of the same PMID
    other = case_with("HP:0003761", "HP:0030880")
    features = {"features": [{"id": "HP:0003761"}, {"id": "HP:0030880"}]}
    ids = [h["case"]["id"] for h in client.post("/api/similar/", features, format="json").json()["results"]]
    assert {query.pk, twin.pk, other.pk} <= set(ids)
    body = {**features, "exclude_publications": ["PMID:31234567"]}
    ids = [h["case"]["id"] for h in client.post("/api/similar/", body, format="json").json()["results"]]
    assert query.pk not in ids and twin.pk not in ids and other.pk in ids
    own = [h["case"]["id"] for h in client.get(f"/api/cases/{query.pk}/similar/").json()["results"]]
    assert query.pk not in own and twin.pk in own
    others = client.get(f"/api/cases/{query.pk}/similar/", {"other_publications_only": "true"}).json()
    assert [h["case"]["id"] for h in others["results"]] == [other.pk]
    response = client.get(f"/api/cases/{query.pk}/similar/", {"exclude_publications": "nonsense"})
    assert response.status_code == 400
