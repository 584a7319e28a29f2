"""POST /api/reports/ and GET /api/jobs/{id}/ through DRF, against the real test database."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import IngestJob, Report
from ingest import services
from tests.ingest.conftest import SAMPLES_DIR, make_zip

pytestmark = pytest.mark.django_db

TEXT = "A 52-year-old woman with calcinosis and Raynaud phenomenon. Anti-Scl-70 antibody was positive."


@pytest.fixture
def client(django_user_model) -> APIClient:
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("client", password="a-long-test-password-123")
    user.user_permissions.add(Permission.objects.get(codename="add_report", content_type__app_label="cases"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    api.user = user
    return api


def test_submit_text_with_citation(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/reports/",
            {"text": TEXT, "citation": {"title": "A case", "pmid": "123", "year": 2021}},
            format="json",
        )
    assert response.status_code == 202, response.content
    assert len(callbacks) == 1
    body = response.json()
    assert response["Location"] == body["job"] and body["job"].endswith(f"/api/jobs/{body['jobs'][0]['id']}/")
    job = IngestJob.objects.get(pk=body["jobs"][0]["id"])
    assert (job.status, job.created_by, job.report.pmid, job.report.year) == (
        "queued",
        client.user,
        "123",
        2021,
    )
    assert bytes(job.report.raw) == TEXT.encode()

    services.job_run(job_id=job.pk)
    detail = client.get(body["job"]).json()
    assert detail["status"] == "done" and detail["report"] == job.report_id and len(detail["cases"]) == 1


def test_submit_file_and_duplicate(client) -> None:
    data = (SAMPLES_DIR / "zh-lupus-nephritis.txt").read_bytes()
    first = client.post("/api/reports/", {"file": SimpleUploadedFile("lupus.txt", data)}, format="multipart")
    again = client.post("/api/reports/", {"file": SimpleUploadedFile("again.txt", data)}, format="multipart")
    assert first.status_code == again.status_code == 202
    assert again.json()["jobs"][0]["status"] == "duplicate"
    assert again.json()["jobs"][0]["report"] == first.json()["jobs"][0]["report"]


def test_submit_phenopacket_body_kept_byte_for_byte(client) -> None:
    body = (SAMPLES_DIR / "phenopacket-crest.json").read_bytes()
    response = client.generic("POST", "/api/reports/", body, content_type="application/json")
    assert response.status_code == 202, response.content
    job = IngestJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert bytes(job.report.raw) == body and job.report.format == "phenopacket"


def test_submit_zip_gives_a_job_per_member_and_a_bad_zip_one_failed_job(client) -> None:
    data = make_zip({"a.txt": TEXT.encode(), "b.txt": b"A 3-year-old boy with fever."})
    response = client.post("/api/reports/", {"file": SimpleUploadedFile("two.zip", data)}, format="multipart")
    assert response.status_code == 202
    assert [job["filename"] for job in response.json()["jobs"]] == ["two.zip/a.txt", "two.zip/b.txt"]
    evil = make_zip({"../../x.txt": b"x"})
    response = client.post(
        "/api/reports/", {"file": SimpleUploadedFile("evil.zip", evil)}, format="multipart"
    )
    job = response.json()["jobs"][0]
    assert job["status"] == "failed" and "path traversal" in job["error"]
    assert bytes(Report.objects.get(pk=job["report"]).raw) == evil


def test_authentication_required_and_jobs_private(client, django_user_model) -> None:
    anonymous = APIClient()
    assert anonymous.post("/api/reports/", {"text": TEXT}, format="json").status_code in (401, 403)
    job = services.report_receive(data=b"A 3-year-old boy with fever.", filename="x.txt", queue=False)
    assert anonymous.get(f"/api/jobs/{job.pk}/").status_code in (401, 403)
    assert client.get(f"/api/jobs/{job.pk}/").status_code == 404  # not this client's job
    staff = django_user_model.objects.create_user("staff", password="a-long-test-password-123", is_staff=True)
    anonymous.force_authenticate(staff)
    assert anonymous.get(f"/api/jobs/{job.pk}/").json()["id"] == job.pk


def test_submitting_needs_a_token_with_the_add_report_permission(client, django_user_model) -> None:
    unprivileged = django_user_model.objects.create_user("reader", password="a-long-test-password-123")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=unprivileged).key}")
    assert api.post("/api/reports/", {"text": TEXT}, format="json").status_code == 403
    session = APIClient(enforce_csrf_checks=False)
    session.force_login(client.user)  # the permission, but through a browser session, not a token
    assert session.post("/api/reports/", {"text": TEXT}, format="json").status_code == 403
    assert client.post("/api/reports/", {"text": TEXT}, format="json").status_code == 202


def test_bad_requests_say_what_is_wrong(client) -> None:
    response = client.generic("POST", "/api/reports/", b'{"text": ', content_type="application/json")
    assert response.status_code == 400 and "malformed JSON" in json.dumps(response.json())
    response = client.post("/api/reports/", {"citation": {"year": 1500}}, format="json")
    assert response.status_code == 400 and "text" in json.dumps(response.json())


def test_openapi_schema_documents_the_ingestion_endpoints(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    if response.status_code == 404:
        pytest.skip("the schema view (cases/api) is not wired yet")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    post = schema["paths"]["/api/reports/"]["post"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert "202" in post["responses"]
    assert "/api/jobs/{id}/" in schema["paths"]


def test_oversize_upload_refused_and_over_max_becomes_failed_job(client, settings) -> None:
    settings.INGEST_MAX_BYTES = 50
    settings.INGEST_MAX_ZIP_TOTAL_BYTES = 100
    huge = SimpleUploadedFile("huge.txt", b"a" * 101)
    assert client.post("/api/reports/", {"file": huge}, format="multipart").status_code == 413
    big = SimpleUploadedFile("big.txt", b"a" * 80)
    response = client.post("/api/reports/", {"file": big}, format="multipart")
    assert response.status_code == 202
    job = IngestJob.objects.get(pk=response.json()["jobs"][0]["id"])
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "over the limit of 50 bytes" in job.error
    assert bytes(job.report.raw) == b"a" * 80


def test_admin_lists_errors_and_retries_failed_jobs(django_user_model, settings) -> None:
    from django.test import Client

    admin_user = django_user_model.objects.create_superuser(
        "boss", "boss@example.org", "a-long-test-password-123"
    )
    browser = Client()
    browser.force_login(admin_user)
    settings.INGEST_MAX_BYTES = 10
    job = services.report_receive(data=b"A 3-year-old boy with fever.", filename="x.txt", queue=False)
    services.job_run(job_id=job.pk)
    page = browser.get("/admin/cases/ingestjob/")
    assert page.status_code == 200 and "over the limit of 10 bytes" in page.content.decode()
    settings.INGEST_MAX_BYTES = 1000
    response = browser.post(
        "/admin/cases/ingestjob/", {"action": "retry_jobs", "_selected_action": [job.pk]}, follow=True
    )
    assert response.status_code == 200 and "1 job(s) queued again" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "queued" and job.error == ""


def test_a_json_report_larger_than_django_s_form_limit_is_accepted(client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    packet = json.loads((SAMPLES_DIR / "phenopacket-crest.json").read_text())
    packet["metaData"]["padding"] = "x" * 150_000  # a big report, as sent
    body = json.dumps(packet).encode()
    response = client.generic("POST", "/api/reports/", body, content_type="application/json")
    assert response.status_code == 202, response.content
    job = IngestJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert bytes(job.report.raw) == body and job.report.format == "phenopacket"
    text = {"text": TEXT + " " + "More history. " * 10_000}
    response = client.post("/api/reports/", text, format="json")
    assert response.status_code == 202, response.content


def test_a_json_body_over_the_report_limit_is_413_naming_it(client, settings) -> None:
    settings.INGEST_MAX_BYTES = 1_000
    body = json.dumps({"text": "a" * 100_000}).encode()
    response = client.generic("POST", "/api/reports/", body, content_type="application/json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "INGEST_MAX_BYTES" in error["message"] and f"{1_000 + 64 * 1024:,}" in error["message"]


def test_deeply_nested_json_is_a_400_not_a_500(client) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.generic("POST", "/api/reports/", deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]
    # Deep but within what Python parses: refused by the explicit limit, before any recursion.
    deep = b'{"text": "x", "citation": ' + b"[" * 150 + b"]" * 150 + b"}"
    response = client.generic("POST", "/api/reports/", deep, content_type="application/json")
    assert response.status_code == 400 and "100 levels" in response.json()["error"]["message"]
    upload = SimpleUploadedFile("a.txt", TEXT.encode())
    citation = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/reports/", {"file": upload, "citation": citation}, format="multipart")
    assert response.status_code == 400 and "nested too deeply" in json.dumps(response.json())


def test_batch_status_counts_jobs_and_lists_failures(client, django_user_model) -> None:
    members = {f"ok-{n}.txt": f"A {20 + n}-year-old man with fever.".encode() for n in range(3)}
    members |= {f"broken-{n}.json": f'{{"id": "{n}", '.encode() for n in range(4)}
    members["what.exe"] = b"MZ a program"
    members["copy.txt"] = members["ok-0.txt"]
    response = client.post(
        "/api/reports/", {"file": SimpleUploadedFile("up.zip", make_zip(members))}, format="multipart"
    )
    assert response.status_code == 202
    receipt = response.json()
    batch_url = receipt["batch_url"]
    assert batch_url.endswith(f"/api/batches/{receipt['batch']}/")

    status = client.get(batch_url).json()
    assert status["counts"] == {"queued": 7, "running": 0, "done": 0, "failed": 1, "duplicate": 1}
    assert (status["total"], status["finished"]) == (9, False)
    assert [(f["filename"], "unsupported file type" in f["error"]) for f in status["failures"]] == [
        ("up.zip/what.exe", True)
    ]
    for job in receipt["jobs"]:
        if job["status"] == "queued":
            services.job_run(job_id=job["id"])
    status = client.get(batch_url).json()
    assert status["counts"] == {"queued": 0, "running": 0, "done": 3, "failed": 5, "duplicate": 1}
    assert status["finished"] is True and status["failures_next"] is None
    broken = {job["id"] for job in receipt["jobs"] if job["filename"].startswith("up.zip/broken")}
    assert {f["id"] for f in status["failures"] if "malformed JSON" in f["error"]} == broken
    assert client.get(status["failures"][0]["url"]).json()["status"] == "failed"

    # Failures a page at a time, following failures_next.
    page = client.get(batch_url, {"failures_limit": 2}).json()
    seen = [f["id"] for f in page["failures"]]
    while page["failures_next"]:
        page = client.get(page["failures_next"]).json()
        seen += [f["id"] for f in page["failures"]]
    assert seen == sorted(f["id"] for f in status["failures"]) and len(seen) == 5
    assert client.get(batch_url, {"failures_limit": 0}).status_code == 400

    # Permissions as for a job: the submitter and staff; no one else, nor anonymous clients.
    assert APIClient().get(batch_url).status_code in (401, 403)
    stranger = APIClient()
    stranger.force_authenticate(django_user_model.objects.create_user("other", password="x-long-pass-123"))
    assert stranger.get(batch_url).status_code == 404
    staff = APIClient()
    staff.force_authenticate(
        django_user_model.objects.create_user("staff", password="x-123456", is_staff=True)
    )
    assert staff.get(batch_url).json()["total"] == 9
    assert client.get("/api/batches/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_openapi_schema_documents_the_batch_status(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    if response.status_code == 404:
        pytest.skip("the schema view (cases/api) is not wired yet")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    if schema is None:
        import yaml

        schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/batches/{batch}/"]["get"]
    assert operation["operationId"] == "batches_retrieve"
    assert {p["name"] for p in operation["parameters"]} >= {"batch", "failures_limit", "failures_after"}
    assert {"200", "404"} <= set(operation["responses"])
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][body]["properties"]
    assert {"counts", "failures", "failures_next", "finished", "total"} <= set(properties)
    receipt = schema["paths"]["/api/reports/"]["post"]["responses"]["202"]["content"]["application/json"]
    receipt_name = receipt["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "batch_url" in schema["components"]["schemas"][receipt_name]["properties"]
