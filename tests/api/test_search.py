"""GET /api/cases/: the search language, filters, facets, cursor pagination, sort, query count."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.api.pagination import Cursor, query_fingerprint
from cases.models import Case, Term
from cases.services import case_refresh_search_columns
from tests.api.conftest import make_full_case
from tests.factories import CaseFactory, PhenotypicFeatureFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


def make_cases(count: int, *, hpo_id: str = "HP:0003761", sex: str = "female", **report) -> list[Case]:
    term = Term.objects.get(hpo_id=hpo_id)
    cases = []
    for index in range(count):
        case = CaseFactory(
            sex=sex, age_years=20 + index % 50, **{f"report__{k}": v for k, v in report.items()}
        )
        PhenotypicFeatureFactory(case=case, term=term)
        cases.append(case_refresh_search_columns(case=case))
    return cases


def test_query_language_filters_and_facets(client):
    calcinosis = make_full_case()
    make_cases(2, hpo_id="HP:0001945", sex="male")
    response = client.get("/api/cases/", {"q": "calcinosis"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [case["id"] for case in body["results"]] == [calcinosis.pk]
    result = body["results"][0]
    assert result["citation"]["pmid"] == "31234567"
    assert {f["hpo_id"] for f in result["features"]} == {"HP:0003761", "HP:0030880", "HP:0001945"}
    assert result["diagnoses"][0]["code"] == "ORPHA:220402"
    facets = body["facets"]
    assert {"features", "diagnoses", "treatments", "outcomes", "sex", "age", "language", "year"} <= set(
        facets
    )
    assert facets["sex"] == [
        {"value": "female", "label": "Female", "label_zh": "", "param": "sex", "count": 1}
    ]
    assert facets["treatments"][0]["value"] == "prednisone" and facets["treatments"][0]["param"] == "drug"

    everyone = client.get("/api/cases/").json()
    assert everyone["count"] == 3
    assert {row["value"]: row["count"] for row in everyone["facets"]["sex"]} == {"female": 1, "male": 2}
    males = client.get("/api/cases/", {"sex": "male"}).json()
    assert males["count"] == 2 and all(case["sex"] == "male" for case in males["results"])
    assert client.get("/api/cases/", {"drug": "prednisone"}).json()["count"] == 1
    assert client.get("/api/cases/", {"q": "-fever"}).json()["count"] == 1  # excluded fever, not absent


def test_facets_can_be_left_out(client):
    make_cases(2)
    body = client.get("/api/cases/", {"facets": "false"}).json()
    assert body["count"] == 2 and body["facets"] == {}


def test_same_answer_as_the_shared_search_object(client):
    """The API does not filter on its own: it lists exactly what CaseSearch returns."""
    from cases.api.parameters import build_search

    make_full_case()
    make_cases(3, hpo_id="HP:0001945", sex="male")
    params = {"q": "fever | calcinosis", "sex": ["male"]}
    expected = build_search(params).execute(user=None, offset=0, limit=50, facets=False)
    body = client.get("/api/cases/", {**params, "limit": 50}).json()
    assert [case["id"] for case in body["results"]] == expected.case_ids
    assert body["count"] == expected.total


def test_bad_query_says_what_and_where(client):
    response = client.get("/api/cases/", {"q": "calcinosis + (fever"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "query_syntax"
    assert error["field"] == "q"
    assert isinstance(error["position"], int) and 0 <= error["position"] <= len("calcinosis + (fever")
    assert error["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"sort": "sideways"}, "sort"),
        ({"age_min": "old"}, "age_min"),
    ],
)
def test_bad_parameters_are_400_with_the_field(client, params, field):
    response = client.get("/api/cases/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert error["code"] in ("invalid", "query_syntax")


def test_cursor_pagination_walks_every_case_once(client):
    cases = make_cases(7)
    seen, url, pages = [], "/api/cases/?limit=3&sort=-year", 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 7
        seen += [case["id"] for case in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(case.pk for case in cases) and len(seen) == len(set(seen))


def test_cursor_is_stable_when_cases_are_added_ahead(client):
    make_cases(6)
    first = client.get("/api/cases/", {"limit": 3, "sort": "-year"}).json()
    # Newer cases sort first: without realignment the next page would repeat cases.
    make_cases(2, year=2030)
    second = client.get(first["next"]).json()
    first_ids = {case["id"] for case in first["results"]}
    assert not first_ids & {case["id"] for case in second["results"]}
    assert len(second["results"]) == 3


def test_previous_link_goes_back(client):
    make_cases(5)
    first = client.get("/api/cases/", {"limit": 2}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [c["id"] for c in back["results"]] == [c["id"] for c in first["results"]]


def test_forged_or_foreign_cursor_is_rejected(client):
    make_cases(3)
    body = client.get("/api/cases/", {"limit": 1, "q": "calcinosis"}).json()
    cursor = parse_qs(urlparse(body["next"]).query)["cursor"][0]
    # The cursor belongs to q=calcinosis, not to another query.
    other = client.get("/api/cases/", {"limit": 1, "q": "fever", "cursor": cursor})
    assert other.status_code == 400 and other.json()["error"]["code"] == "invalid_cursor"
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    response = client.get("/api/cases/", {"limit": 1, "q": "calcinosis", "cursor": tampered})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_cursor"
    assert client.get("/api/cases/", {"cursor": "garbage"}).status_code == 400
    # A well-signed cursor for the same query is accepted whatever the page size.
    good = Cursor(1, None, query_fingerprint({"q": ["calcinosis"]})).encode()
    assert client.get("/api/cases/", {"q": "calcinosis", "cursor": good, "limit": 2}).status_code == 200


def test_public_does_not_see_rejected_cases_in_lists(client, staff_client):
    visible = make_cases(1)[0]
    rejected = CaseFactory(status=Case.Status.REJECTED)
    case_refresh_search_columns(case=rejected)
    assert [c["id"] for c in client.get("/api/cases/").json()["results"]] == [visible.pk]
    assert client.get("/api/cases/").json()["count"] == 1
    assert staff_client.get("/api/cases/").json()["count"] == 2


def _queries(client, limit: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/cases/", {"limit": limit, "q": "calcinosis"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == limit
    return len(captured)


def test_list_query_count_does_not_grow_with_page_size(client):
    for case in make_cases(30):
        TreatmentFactory(case=case)
    client.get("/api/cases/", {"limit": 1})  # the search loads its vocabulary cache once
    # The search index and vocabulary occasionally re-check the database (a change stamp moved, a
    # cache aged out), adding a query to whichever request happens to come then; the fewest over
    # two requests is the endpoint's own count. An N+1 would add ~28 queries to the large page.
    small = min(_queries(client, 2), _queries(client, 2))
    large = min(_queries(client, 30), _queries(client, 30))
    assert small == large


def test_list_follows_a_change_of_visibility_rules(client, settings):
    machine = make_cases(1)[0]
    published = make_cases(1)[0]
    Case.objects.filter(pk=published.pk).update(status=Case.Status.PUBLISHED)
    assert {c["id"] for c in client.get("/api/cases/").json()["results"]} == {machine.pk, published.pk}
    settings.PUBLIC_CURATED_ONLY = True
    assert [c["id"] for c in client.get("/api/cases/").json()["results"]] == [published.pk]
