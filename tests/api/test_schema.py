"""Schemathesis against /api/schema/: generated requests for every operation of the schema (reads,
the similar-case match, report submission, the Matchmaker Exchange match), answered by the WSGI
application on the test database. Each response must not
be a server error and must match the schema (status code, content type, headers, body).

Bounded: a few examples per operation, no shrinking phase, a fixed seed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_full_case
from tests.factories import CaseFactory, UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The query language cannot be described by the schema (any string is a valid `q` there, but the
# parser rejects "((" with a documented 400), so schemathesis' "valid data must be accepted" and
# "invalid data must be rejected" checks do not apply; the checks above do.
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_data(db) -> Iterator[dict]:
    case = make_full_case()
    CaseFactory(sex="male")
    staff = UserFactory(username="schema-staff", is_staff=True, is_superuser=True)
    # The raw WSGI handler closes the database connection after each request (Django's test client
    # turns that off); the test's transaction lives on that connection, so keep it open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"case": case, "token": Token.objects.create(user=staff).key}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


# Loaded when the module is collected (the schema view needs no database). The lazy
# `schemathesis.pytest.from_fixture` loader does not work with pytest 9 (it rewrites node ids).
SCHEMA = load_schema()
read_api = SCHEMA.include(method="GET")
# Job status is for the submitting client only (the ingestion API answers 401 to anyone else).
public_read_api = read_api.exclude(path_regex="^/api/jobs/")
match_api = SCHEMA.include(path="/api/similar/", method="POST")
submit_api = SCHEMA.include(path="/api/reports/", method="POST")
mme_api = SCHEMA.include(path="/mme/match", method="POST")


def test_every_operation_is_exercised():
    """A new operation must be added to one of the generated tests below."""
    covered = {
        (operation.method.upper(), operation.path)
        for api in (read_api, match_api, submit_api, mme_api)
        for operation in (result.ok() for result in api.get_all_operations())
    }
    documented = {
        (method.upper(), path)
        for path, methods in SCHEMA.raw_schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert documented == covered


@read_api.parametrize()
@BOUNDED
def test_read_operations_conform(case, api_data):
    case.call_and_validate(headers={"Authorization": f"Token {api_data['token']}"}, checks=CHECKS)


@public_read_api.parametrize()
@BOUNDED
def test_read_operations_conform_for_anonymous_clients(case, api_data):
    case.call_and_validate(checks=CHECKS)


@match_api.parametrize()
@BOUNDED
def test_similar_match_conforms(case, api_data):
    case.call_and_validate(checks=CHECKS)


@submit_api.parametrize()
@BOUNDED
def test_report_submission_conforms(case, api_data):
    # Stored and queued (the queueing waits for a commit that the test's transaction never makes)
    case.call_and_validate(headers={"Authorization": f"Token {api_data['token']}"}, checks=CHECKS)


@mme_api.parametrize()
@BOUNDED
def test_mme_match_conforms(case, api_data):
    case.call_and_validate(headers={"X-Auth-Token": api_data["token"]}, checks=CHECKS)


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases/{id}/",
        "/api/cases/{id}/similar/",
        "/api/cases/{id}/phenopacket/",
    ],
)
def test_existing_case_responses_match_the_schema(path, api_data):
    """Generated ids rarely exist; check the documented 200 bodies for a real case too."""
    case = SCHEMA[path]["GET"].Case(path_parameters={"id": api_data["case"].pk})
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200


def test_search_with_facets_matches_the_schema(api_data):
    case = SCHEMA["/api/cases/"]["GET"].Case(query={"q": "calcinosis", "limit": 1})
    response = case.call_and_validate(checks=CHECKS)
    assert response.json()["facets"]["features"]
    bad = SCHEMA["/api/cases/"]["GET"].Case(query={"q": "calcinosis + ("})
    assert bad.call_and_validate(checks=CHECKS).status_code == 400
