"""No page or endpoint that lists cases runs a query per case: the number of queries for 8 cases
equals the number for 2 (an N+1 would add one or more per case). Each listed case carries every
kind of fact, so a relation read per row without its prefetch shows up."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import vocabulary_version as vocabulary_version_module
from tests.api.conftest import make_full_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTINGS = [
    "/?q=calcinosis",
    "/cohort/?q=calcinosis",
    "/cohort/cases.csv?q=calcinosis",
    "/api/cases/?q=calcinosis",
    "/api/cases/?q=calcinosis&include=facts",
    "/api/cases/export/csv/?q=calcinosis",
    "/api/cases/export/phenopackets/?q=calcinosis",
    "/admin/cases/case/",
]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a streamed body queries while it is read
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_listings_query_a_fixed_number_of_times_whatever_the_number_of_cases(monkeypatch):
    # The vocabulary stamp is read on every use, not at most every 2 s: otherwise whether a request
    # includes that one read depends on how long the cases took to make (the suite under load).
    monkeypatch.setattr(vocabulary_version_module, "CHECK_INTERVAL", 0.0)
    staff = UserFactory(username="counting-staff", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    for _ in range(2):
        make_full_case()
    for url in LISTINGS:
        _queries(client, url)  # caches warm (vocabulary, search index, session)
    few = {url: _queries(client, url) for url in LISTINGS}
    for _ in range(6):
        make_full_case()
    for url in LISTINGS:
        _queries(client, url)  # new cases may add vocabulary rows: caches rebuild here, not below
    many = {url: _queries(client, url) for url in LISTINGS}
    grown = {url: (few[url], many[url]) for url in LISTINGS if many[url] > few[url]}
    assert not grown, f"queries grew with the number of cases (2 cases, 8 cases): {grown}"
