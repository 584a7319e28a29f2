"""The report-format registry (ingest/formats/): a format is one declaration, recognised once per
upload, stored on the Report and read with afterwards. A throwaway format registered in a test
goes end to end through the services, the admin and the pipeline CLI with no production change."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cases.models import Case, IngestJob, Report, Term
from ingest.formats import FORMATS, Document, Format, Limits, Member
from ingest.pipeline import cli
from ingest.services import job_retry, job_run, report_receive, reports_receive
from ingest.services.receive import receive_members
from tests.conftest import REPO_DIR
from tests.ingest.conftest import make_pdf, make_zip
from tests.ingest.test_readers import JATS

NOTE_TEXT = "A 52-year-old woman with calcinosis and Raynaud phenomenon. Anti-Scl-70 antibody was positive."


def _read_note(data: bytes, filename: str, limits: Limits) -> Document:
    # A made-up "clinic note" format: a header line, then UTF-8 text.
    return Document(text=data.decode("utf-8").split("\n", 1)[1], encoding="utf-8", language="en")


@pytest.fixture
def note_format():
    fmt = Format(
        name="note",
        label="Clinic note",
        suffixes=(".note",),
        media_types=("text/x-clinic-note",),
        read=_read_note,
        signature=lambda data: data.startswith(b"NOTE/1\n"),
        signature_required=True,
        has_report_text=True,
    )
    FORMATS.register(fmt)
    yield fmt
    FORMATS.unregister(fmt.name)


def test_the_formats_package_never_imports_django() -> None:
    code = (
        "import sys, ingest.formats, ingest.pipeline.cli; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')); "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_a_format_registered_in_a_test_is_ingested_end_to_end(note_format, django_user_model) -> None:
    data = ("NOTE/1\n" + NOTE_TEXT).encode()
    job = report_receive(data=data, filename="visit.note", queue=False)
    assert (job.status, job.report.format) == ("queued", "note")  # decided on receipt
    # The worker reads with the stored format, not by looking at the name again.
    Report.objects.filter(pk=job.report_id).update(filename="visit-renamed.txt")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    report = Report.objects.get(pk=job.report_id)
    assert (report.format, report.text, bytes(report.raw)) == ("note", NOTE_TEXT, data)
    case = Case.objects.get(report=report)
    assert (case.sex, case.age_years) == ("female", 52.0)
    assert Term.objects.get(hpo_id="HP:0003761").id in case.term_ids
    feature = case.phenotypicfeatures.filter(term__isnull=False).first()
    assert report.text[feature.evidence_start : feature.evidence_end] == feature.evidence_text

    # The same declaration reaches the other surfaces: suffix lists, help text, the admin label.
    assert ".note" in FORMATS.suffixes() and ".note" in cli.extractable_suffixes()
    assert "Clinic note (.note)" in FORMATS.describe()
    from django.test import Client

    admin_user = django_user_model.objects.create_superuser("boss", "b@example.org", "a-long-test-password-1")
    browser = Client()
    browser.force_login(admin_user)
    page = browser.get("/admin/cases/report/").content.decode()
    assert "Clinic note" in page
    assert browser.get("/admin/cases/report/?format=note").status_code == 200

    # Content that contradicts the format's signature fails on receipt, its bytes kept.
    bad = report_receive(data=b"no header here", filename="other.note", queue=False)
    assert bad.status == "failed" and "does not start like a note file" in bad.error
    assert bytes(bad.report.raw) == b"no header here" and bad.report.parse_status == "failed"


@pytest.mark.django_db
def test_a_file_refused_for_its_type_is_retried_once_its_format_exists(note_format) -> None:
    FORMATS.unregister("note")
    try:
        job = report_receive(data=("NOTE/1\n" + NOTE_TEXT).encode(), filename="late.note", queue=False)
    finally:
        FORMATS.register(note_format)
    assert job.status == "failed" and "unsupported file type '.note'" in job.error
    assert job.report.format == "" and job.report.parse_error == job.error
    job_retry(job=job)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert Report.objects.get(pk=job.report_id).format == "note"


@pytest.mark.django_db
def test_every_format_is_decided_and_stored_on_receipt() -> None:
    packets = b'{"id": "a", "metaData": {}, "subject": {}}\n{"id": "b", "metaData": {}, "subject": {}}\n'
    upload = make_zip(
        {
            "a.txt": NOTE_TEXT.encode(),
            "b.pdf": make_pdf(["A case"]),
            "c.xml": JATS,
            "d.jsonl": packets,
            "e.exe": b"MZ a program",
        }
    )
    jobs = reports_receive(data=upload, filename="all.zip", queue=False)
    stored = {job.filename: (job.status, job.report.format) for job in jobs}
    assert stored == {
        "all.zip/a.txt": ("queued", "text"),
        "all.zip/b.pdf": ("queued", "pdf"),
        "all.zip/c.xml": ("queued", "jats"),
        "all.zip/d.jsonl#1": ("queued", "phenopacket"),
        "all.zip/d.jsonl#2": ("queued", "phenopacket"),
        "all.zip/e.exe": ("failed", ""),
    }
    refused = reports_receive(data=make_zip({"../x.txt": b"x"}), filename="evil.zip", queue=False)
    assert [(job.status, job.report.format) for job in refused] == [("failed", "archive")]


@pytest.mark.django_db
def test_the_services_store_only_formats_the_registry_knows() -> None:
    with pytest.raises(ValueError, match="not a report format"):
        receive_members(
            [Member("a.docx", b"some text", format="docx")],
            citation=None,
            user=None,
            batch=None,
            queue=False,
            batch_size=None,
        )
    assert not Report.objects.exists() and not IngestJob.objects.exists()


def test_the_registry_refuses_conflicting_declarations(note_format) -> None:
    def read(data: bytes, filename: str, limits: Limits) -> Document:
        return Document(text="x")

    with pytest.raises(ValueError, match="registered already"):
        FORMATS.register(Format(name="note", label="x", suffixes=(".nt",), read=read))
    with pytest.raises(ValueError, match="belongs to format 'text'"):
        FORMATS.register(Format(name="memo", label="x", suffixes=(".txt",), read=read))
    with pytest.raises(ValueError, match="needs either"):
        FORMATS.register(Format(name="memo", label="x", suffixes=(".memo",)))
    with pytest.raises(ValueError, match="1 to 16 characters"):
        FORMATS.register(Format(name="a-very-long-format-name", label="x", suffixes=(".memo",), read=read))
    assert "memo" not in FORMATS and FORMATS.label("note") == "Clinic note"
