"""Issue 12 item 5: a client generated from the OpenAPI schema by openapi-python-client (not written
from our serializers) can upload a file, ask for similar cases with one JSON body and read the
documented error bodies. It talks to the WSGI application over httpx, on the test database."""

from __future__ import annotations

import importlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from tests.api.conftest import make_full_case
from tests.factories import UserFactory

pytest.importorskip("openapi_python_client")
httpx = pytest.importorskip("httpx")

GENERATOR = shutil.which("openapi-python-client") or str(
    Path(sys.executable).with_name("openapi-python-client")
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package generated from the schema the application serves."""
    from drf_spectacular.generators import SchemaGenerator

    folder = tmp_path_factory.mktemp("openapi_client")
    schema = folder / "schema.json"
    schema.write_text(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: registry_client\n")
    command = [GENERATOR, "generate", "--path", str(schema), "--config", str(config), "--meta", "none"]
    subprocess.run(
        [*command, "--output-path", str(folder / "registry_client")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # openapi-python-client 0.29 writes `Unset` into the signature of an operation whose body has
    # two content types (multipart or JSON, as POST /api/reports/) without importing it; add the
    # import rather than give up either way of submitting.
    for module in (folder / "registry_client" / "api").rglob("*.py"):
        source = module.read_text()
        if "| Unset" in source and "import Response, UNSET\n" in source:
            module.write_text(source.replace("import Response, UNSET\n", "import Response, UNSET, Unset\n"))
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"registry_client.{name}")
    finally:
        sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m.startswith("registry_client")]:
            del sys.modules[module]


@pytest.fixture
def connection_kept(db):
    # The raw WSGI handler closes the database connection after each request (Django's test client
    # turns that off); the test's transaction lives on that connection, so keep it open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _client(generated, token: str | None = None):
    client_module = generated("client")
    headers = {"Authorization": f"Token {token}"} if token else {}
    client = client_module.AuthenticatedClient(base_url="http://testserver", token=token or "")
    client.set_httpx_client(
        httpx.Client(
            transport=httpx.WSGITransport(app=get_wsgi_application()),
            base_url="http://testserver",
            headers=headers,
        )
    )
    return client


def test_generated_client_uploads_a_file(generated, connection_kept):
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    user = UserFactory(username="client-uploader")
    user.user_permissions.add(Permission.objects.get(codename="add_report"))
    token = Token.objects.create(user=user).key
    reports_create = generated("api.ingestion.reports_create")
    models = generated("models")
    types = generated("types")
    upload = models.FileSubmissionRequest(
        file=types.File(
            payload=io.BytesIO(b"A 40-year-old woman had calcinosis cutis."),
            file_name="report.txt",
            mime_type="text/plain",
        )
    )
    response = reports_create.sync_detailed(client=_client(generated, token), body=upload)
    assert response.status_code == 202, response.content
    receipt = response.parsed
    assert isinstance(receipt, models.IngestReceipt)
    assert receipt.jobs[0].filename == "report.txt"
    # Without a token: the documented error body, parsed
    anonymous = reports_create.sync_detailed(client=_client(generated), body=upload)
    assert anonymous.status_code == 401
    assert isinstance(anonymous.parsed, models.Error) and anonymous.parsed.error.message


def test_generated_client_matches_similar_cases_with_one_json_body(generated, connection_kept):
    case = make_full_case()
    similar_match = generated("api.api.similar_match")
    models = generated("models")
    body = models.SimilarRequestRequest(
        features=[
            models.SimilarFeatureRequest(id="HP:0003761", observed=True),
            models.SimilarFeatureRequest(id="HP:0030880", observed=True),
        ],
        limit=5,
    )
    response = similar_match.sync_detailed(client=_client(generated), body=body)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, models.SimilarResponse)
    assert case.pk in [hit.case.id for hit in response.parsed.results]


def test_generated_client_reads_search_errors_and_bounds(generated, connection_kept):
    cases_search = generated("api.api.cases_search")
    models = generated("models")
    bad = cases_search.sync_detailed(client=_client(generated), q="calcinosis + (")
    assert bad.status_code == 400
    assert isinstance(bad.parsed, models.Error)
    assert bad.parsed.error.code == "query_syntax" and bad.parsed.error.position == 13
    ok = cases_search.sync_detailed(
        client=_client(generated), q="calcinosis", age_min=30, age_max=50, limit=1
    )
    assert ok.status_code == 200 and isinstance(ok.parsed, models.CaseListResponse)
