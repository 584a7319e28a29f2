"""The API served by gunicorn (another process, committed data): search, detail, phenopacket and
the docs' local assets over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.api.conftest import make_full_case
from tests.factories import CaseFactory


def fetch(url: str, data: bytes | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture
def served_case(live_db):
    case = make_full_case()
    CaseFactory(sex="male")
    return case


def test_api_over_http(served_case, live_site):
    status, body, _ = fetch(f"{live_site}/api/cases/?q=calcinosis&limit=5")
    assert status == 200
    page = json.loads(body)
    assert page["count"] == 1 and page["results"][0]["id"] == served_case.pk
    assert page["results"][0]["url"] == f"{live_site}/api/cases/{served_case.pk}/"

    status, body, _ = fetch(f"{live_site}/api/cases/{served_case.pk}/phenopacket/")
    assert status == 200 and json.loads(body)["metaData"]["phenopacketSchemaVersion"] == "2.0"

    match = json.dumps({"features": [{"id": "HP:0003761", "observed": True}]}).encode()
    status, body, _ = fetch(f"{live_site}/api/similar/", data=match)
    assert status == 200 and json.loads(body)["results"][0]["case"]["id"] == served_case.pk

    status, body, content_type = fetch(f"{live_site}/api/cases/?q=%28calcinosis")
    assert status == 400 and content_type.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "query_syntax"

    status, body, _ = fetch(f"{live_site}/api/docs/")
    assert status == 200
    status, _, _ = fetch(f"{live_site}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert status == 200
