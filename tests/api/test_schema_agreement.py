"""Issue 14 F9: the OpenAPI schema and the API's behaviour agree on bounds, blanks, who may call
what, and types; and every error response a client can get is documented with the error body."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import make_full_case, token_client


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_limit_parameter_declares_the_bounds_the_api_enforces(schema):
    limits = [
        (path, parameter["schema"])
        for path, _method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("limit", "failures_limit")
    ]
    assert len(limits) >= 5
    for path, parameter_schema in limits:
        assert parameter_schema.get("minimum") == 1, path
        assert parameter_schema.get("maximum"), path


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/cases/", "/api/terms/?q=calc&", "/api/cases/export/csv/"])
def test_limit_zero_is_refused_as_the_schema_says(client, path):
    separator = "" if path.endswith("&") else "?"
    response = client.get(f"{path}{separator}limit=0")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "limit"


@pytest.mark.django_db
def test_terms_blank_q_is_an_empty_result_and_missing_q_an_error(client, schema):
    assert client.get("/api/terms/?q=").json() == {"results": []}
    assert client.get("/api/terms/?q=%20").status_code == 200
    assert client.get("/api/terms/").status_code == 400
    (q,) = [p for p in schema["paths"]["/api/terms/"]["get"]["parameters"] if p["name"] == "q"]
    assert q["required"] is True and "minLength" not in q["schema"]


@pytest.mark.django_db
def test_similar_match_is_documented_open_and_json_only(client, schema):
    operation = schema["paths"]["/api/similar/"]["post"]
    assert {} in operation["security"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    make_full_case()
    response = client.post(
        "/api/similar/",
        data=json.dumps({"features": [{"id": "HP:0003761"}]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    form = client.post("/api/similar/", data={"features": "HP:0003761"})
    assert form.status_code == 415


def test_writes_are_documented_as_needing_a_token(schema):
    operation = schema["paths"]["/api/reports/"]["post"]
    assert operation["security"] == [{"tokenAuth": []}]
    assert {"401", "403", "413"} <= set(operation["responses"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"text": "A 30-year-old man with fever.", "filename": 0},
        {"text": 5},
        {"text": "A 30-year-old man.", "citation": {"title": 1}},
        {"text": "A 30-year-old man.", "citation": {"authors": [1, 2]}},
    ],
)
def test_non_string_values_are_refused_where_the_schema_says_string(body):
    writer = token_client(username="typed-writer", permissions=("cases.add_report",))
    response = writer.post("/api/reports/", body, format="json")
    assert response.status_code == 400, response.content
    assert "string" in response.json()["error"]["message"].lower()


def test_uploads_are_binary_in_multipart(schema):
    content = schema["paths"]["/api/reports/"]["post"]["requestBody"]["content"]
    name = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][name]["properties"]["file"] == {
        **schema["components"]["schemas"][name]["properties"]["file"],
        "type": "string",
        "format": "binary",
    }


def test_every_error_response_has_the_error_body(schema):
    checked = 0
    for path, method, operation in _operations(schema):
        if path.startswith("/mme/"):
            continue  # the Matchmaker Exchange specification's own error shape
        assert "429" in operation["responses"], (method, path)
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)
                checked += 1
    assert checked >= 30
