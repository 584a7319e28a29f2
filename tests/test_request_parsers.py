"""registry/parsers.py: the default request parsers of every API endpoint answer an oversized or
too deeply nested body with 413 or 400 naming the limit, never a 500."""

from __future__ import annotations

import json

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from registry.parsers import MAX_DEPTH, too_deep


class Echo(APIView):
    """An endpoint with the project's defaults (parsers, error handler), no authentication."""

    authentication_classes: list = []
    permission_classes: list = []

    def post(self, request):
        return Response({"kind": type(request.data).__name__, "size": len(request.data)})


class BigEcho(Echo):
    max_json_body = 10_000
    max_json_body_setting = "ECHO_LIMIT"


def post(view, body: bytes, content_type: str = "application/json"):
    request = APIRequestFactory().generic("POST", "/echo/", body, content_type=content_type)
    response = view.as_view()(request)
    response.render()
    return response.status_code, json.loads(response.content)


def test_json_within_the_limits_is_parsed(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    assert post(Echo, json.dumps({"a": [1, 2, {"b": 3}]}).encode()) == (200, {"kind": "dict", "size": 1})
    assert post(BigEcho, json.dumps(["x" * 5_000]).encode()) == (200, {"kind": "list", "size": 1})


def test_a_body_over_the_limit_is_413_naming_the_setting(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    status, body = post(Echo, json.dumps(["x" * 5_000]).encode())
    assert status == 413 and body["error"]["code"] == "too_large"
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in body["error"]["message"] and "1,000" in body["error"]["message"]
    status, body = post(BigEcho, json.dumps(["x" * 20_000]).encode())
    assert status == 413 and "ECHO_LIMIT" in body["error"]["message"]
    status, body = post(Echo, b"a=" + b"x" * 5_000, "application/x-www-form-urlencoded")
    assert status == 413 and "DATA_UPLOAD_MAX_MEMORY_SIZE" in body["error"]["message"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_400(depth: int) -> None:
    status, body = post(Echo, b"[" * depth + b"]" * depth)
    assert status == 400 and "nested too deeply" in body["error"]["message"]


def test_malformed_json_is_400() -> None:
    status, body = post(Echo, b'{"a": ')
    assert status == 400 and body["error"]["message"].startswith("malformed JSON")


def test_depth_is_measured_without_recursion() -> None:
    nested: list = []
    for _ in range(50_000):
        nested = [nested]
    assert too_deep(nested, 100) and not too_deep([[1], {"a": [2]}], 3) and too_deep([[[1]]], 2)


@pytest.mark.django_db
def test_similar_match_refuses_a_deep_or_huge_body_without_a_500(client) -> None:
    """F1/F2 on the open endpoint an anonymous client can reach: POST /api/similar/."""
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.generic("POST", "/api/similar/", deep, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]["message"]
    # Over Django's 2.5 MB default (DATA_UPLOAD_MAX_MEMORY_SIZE)
    huge = json.dumps({"features": [{"id": "HP:0003761", "observed": True}] * 80_000}).encode()
    assert len(huge) > 2_621_440
    response = client.generic("POST", "/api/similar/", huge, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["error"]["message"]
