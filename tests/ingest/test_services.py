"""The ingestion services in-process against the real test database: receive, duplicates, bad
input, parse, re-parse with curator facts, retry and recovery. (The same flow through a real
worker process is in test_worker.py.)"""

from __future__ import annotations

import json
import uuid

import pytest

from cases.facts import FACT_KINDS
from cases.models import Case, IngestJob, Measurement, PhenotypicFeature, Provenance, Report, Term
from cases.services import case_refresh_search_columns
from ingest import services
from tests.conftest import CORPUS_DIR
from tests.ingest.conftest import SAMPLES_DIR, make_pdf, make_zip

pytestmark = pytest.mark.django_db

SEED = CORPUS_DIR / "dev" / "crest-calcinosis-zh.txt"
EN_SERIES = SAMPLES_DIR / "en-crest-case-series.txt"


def receive_and_run(data: bytes, filename: str, **kwargs) -> IngestJob:
    job = services.report_receive(data=data, filename=filename, queue=False, **kwargs)
    if job.status == IngestJob.Status.QUEUED:
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_receive_stores_bytes_and_queues_after_commit(django_capture_on_commit_callbacks) -> None:
    data = "患者，女，40岁。".encode("gb18030")
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.report_receive(
            data=data, filename="r.txt", citation={"pmid": "PMID:123", "year": 2020}
        )
    assert len(callbacks) == 1  # the task is sent only once the rows are committed
    report = job.report
    assert bytes(report.raw) == data
    assert report.content_hash == services.content_hash(data)
    assert (report.pmid, report.year, report.parse_status, job.status) == ("123", 2020, "received", "queued")


def test_same_bytes_again_is_a_duplicate_of_the_existing_report() -> None:
    data = EN_SERIES.read_bytes()
    first = receive_and_run(data, "a.txt")
    second = services.report_receive(data=data, filename="copy.txt", queue=False)
    assert first.status == "done"
    assert second.status == "duplicate" and second.report_id == first.report_id
    assert Report.objects.count() == 1
    assert Case.objects.filter(report=first.report).count() == 2


def test_english_case_series_gives_two_cases_with_evidence() -> None:
    job = receive_and_run(EN_SERIES.read_bytes(), "en-crest-case-series.txt")
    assert job.status == "done", job.error
    report = Report.objects.get(pk=job.report_id)
    assert (report.parse_status, report.language, report.format) == ("parsed", "en", "text")
    cases = list(Case.objects.filter(report=report).order_by("ordinal"))
    assert [(case.sex, case.age_years) for case in cases] == [("female", 61.0), ("male", 44.0)]
    calcinosis = Term.objects.get(hpo_id="HP:0003761").id
    assert calcinosis in cases[0].term_ids
    feature = PhenotypicFeature.objects.filter(case=cases[0], term_id__isnull=False).first()
    assert report.text[feature.evidence_start : feature.evidence_end] == feature.evidence_text
    assert feature.provenance == Provenance.MACHINE and feature.parser_version == report.parser_version
    treatment = cases[0].treatments.get(agent__name="diltiazem")
    assert (treatment.dose, treatment.dose_unit, treatment.route) == (60, "mg", "oral")


@pytest.mark.corpus
def test_chinese_seed_report() -> None:
    if not SEED.exists():
        pytest.skip("../shared/corpus is absent")
    job = receive_and_run(SEED.read_bytes(), SEED.name)
    assert job.status == "done", job.error
    case = Case.objects.get(report_id=job.report_id)
    assert (case.sex, case.age_years, case.language) == ("female", 40.0, "zh")
    assert Term.objects.get(hpo_id="HP:0003761").id in case.term_ids
    assert case.agent_ids, "treatments mapped to vocabulary agents"
    assert case.treatments.filter(agent__name="diltiazem").exists()


def test_search_columns_written_on_parse_equal_the_case_service() -> None:
    documents = [(p.name, p.read_bytes()) for p in sorted(SAMPLES_DIR.iterdir())]
    for job in services.reports_receive_many(documents=documents, queue=False):
        services.job_run(job_id=job.pk)
    cases = list(Case.objects.select_related("report"))
    assert len(cases) >= 7
    # One builder (cases.facts.search) serves both; the bulk path hands it the facts in memory and
    # the vocabulary cache's HPO closure, the refresh reads facts and ancestors back.
    columns = [*FACT_KINDS.column_names(), "language", "year"]
    for case in cases:
        stored = [getattr(case, name) for name in columns]
        refreshed = case_refresh_search_columns(case=case, save=False)
        assert stored == [getattr(refreshed, name) for name in columns], case.report.filename
    assert any(case.term_ids and case.agent_ids and case.outcome_codes for case in cases)


def test_phenopacket_import() -> None:
    job = receive_and_run((SAMPLES_DIR / "phenopacket-crest.json").read_bytes(), "phenopacket-crest.json")
    assert job.status == "done", job.error
    case = Case.objects.get(report_id=job.report_id)
    report = case.report
    assert (report.format, report.pmid, report.parser_version) == (
        "phenopacket",
        "00000000",
        services.IMPORTER_VERSION,
    )
    assert (case.sex, case.age_years) == ("female", 58.0)
    features = {f.term.hpo_id: f for f in case.phenotypicfeatures.select_related("term")}
    assert features["HP:0006515"].excluded and not features["HP:0003761"].excluded
    assert features["HP:0003761"].provenance == Provenance.IMPORT and features["HP:0003761"].onset == "P50Y"
    treatment = case.treatments.get()
    assert (treatment.agent_name, treatment.dose, treatment.dose_unit, treatment.route) == (
        "sodium thiosulfate",
        12.5,
        "g",
        "intravenous",
    )
    assert case.outcomes.get().direction == "improved"
    assert case.diagnoses.get().label == "CREST syndrome"
    assert case.measurements.get().value == 9.4


def test_phenopacket_jsonl_gives_one_report_per_phenopacket() -> None:
    packet = json.loads((SAMPLES_DIR / "phenopacket-crest.json").read_text())
    lines = [json.dumps(dict(packet, id=f"p{index}")) for index in range(3)]
    jobs = services.reports_receive(data="\n".join(lines).encode(), filename="many.jsonl", queue=False)
    for job in jobs:
        services.job_run(job_id=job.pk)
    assert [IngestJob.objects.get(pk=job.pk).status for job in jobs] == ["done"] * 3
    assert Case.objects.count() == 3 and Report.objects.count() == 3


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "junk.txt": (bytes(range(256)) * 4, "binary"),
    "invalid.txt": (b"Patient \xff\x81 text \x8d\x90\xff", "invalid bytes for every supported encoding"),
    "report.exe": (b"MZ\x90\x00 some program", "unsupported file type"),
    "scan.pdf": (make_pdf(["x"], with_text=False), "no text layer"),
    "cut.pdf": (make_pdf(["A 40-year-old woman"])[:200], "truncated"),
    "bad.xml": (b"<article><body><p>unclosed", "malformed XML"),
    "bad.json": (b'{"id": "x",', "malformed JSON"),
    "other.json": (b'{"name": "not a phenopacket"}', "not a GA4GH phenopacket"),
}


def test_each_bad_input_fails_alone_keeping_its_bytes(settings) -> None:
    settings.INGEST_MAX_BYTES = 20_000
    good = EN_SERIES.read_bytes()
    documents = [(name, data) for name, (data, _) in BAD_INPUTS.items()]
    documents += [("huge.txt", b"a" * 20_001), ("good.txt", good)]
    documents.append(("traversal.zip", make_zip({"../escape.txt": b"a case"})))
    documents.append(("bomb.zip", make_zip({"zeros.txt": b"0" * 2_000_000})))
    jobs = services.reports_receive_many(documents=documents, queue=False, batch=uuid.uuid4())
    for job in jobs:
        if job.status == "queued":
            services.job_run(job_id=job.pk)
    by_name = {job.filename: IngestJob.objects.select_related("report").get(pk=job.pk) for job in jobs}
    expected = {name: message for name, (_, message) in BAD_INPUTS.items()}
    expected |= {
        "huge.txt": "over the limit",
        "traversal.zip": "path traversal",
        "bomb.zip": "declares 2,000,000 bytes",
    }
    for name, message in expected.items():
        job = by_name[name]
        assert job.status == "failed", name
        assert message in job.error, (name, job.error)
        assert job.report.parse_status == "failed" and job.report.parse_error == job.error
        assert bytes(job.report.raw) == dict(documents)[name], f"bytes of {name} kept"
    assert by_name["good.txt"].status == "done"
    assert Case.objects.filter(report=by_name["good.txt"].report).count() == 2
    assert by_name["bomb.zip"].report.format == "archive"


def test_retry_after_the_limit_is_raised(settings, django_capture_on_commit_callbacks) -> None:
    settings.INGEST_MAX_BYTES = 100
    job = receive_and_run(EN_SERIES.read_bytes(), "series.txt")
    assert job.status == "failed" and "over the limit" in job.error
    settings.INGEST_MAX_BYTES = 1_000_000
    with django_capture_on_commit_callbacks() as callbacks:
        services.job_retry(job=job)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.error, job.report.parse_status) == ("queued", "", "received")
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and Case.objects.filter(report_id=job.report_id).count() == 2
    with pytest.raises(ValueError, match="only failed or stuck jobs"):
        services.job_retry(job=job)


def test_a_job_run_twice_writes_its_cases_once() -> None:
    job = services.report_receive(data=EN_SERIES.read_bytes(), filename="s.txt", queue=False)
    services.job_run(job_id=job.pk)
    services.job_run(job_id=job.pk)
    # Even a job row pushed back to `running` (a redelivery after a crash) does not duplicate.
    IngestJob.objects.filter(pk=job.pk).update(status="running")
    services.job_run(job_id=job.pk)
    assert Case.objects.filter(report_id=job.report_id).count() == 2
    assert IngestJob.objects.get(pk=job.pk).status == "done"


def test_recover_requeues_orphaned_running_jobs(django_capture_on_commit_callbacks) -> None:
    job = services.report_receive(data=b"A 30-year-old man with fever.", filename="o.txt", queue=False)
    IngestJob.objects.filter(pk=job.pk).update(status="running", attempts=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.jobs_recover() == [job.pk]
    assert len(callbacks) == 1


def test_a_job_held_by_a_live_worker_is_neither_retried_nor_reaped(
    django_capture_on_commit_callbacks,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    job = services.report_receive(data=b"A 30-year-old man with fever.", filename="l.txt", queue=False)
    live = timezone.now() + timedelta(seconds=60)
    IngestJob.objects.filter(pk=job.pk).update(status="running", attempts=1, lease_until=live)
    with pytest.raises(ValueError, match="running on a live worker"):
        services.job_retry(job=job)
    assert services.jobs_recover() == []
    services.job_run(job_id=job.pk)  # a second delivery while the lease holds: skipped
    assert IngestJob.objects.get(pk=job.pk).attempts == 1 and not Case.objects.exists()
    IngestJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.jobs_recover() == [job.pk]
    assert len(callbacks) == 1 and IngestJob.objects.get(pk=job.pk).status == "queued"
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == ("done", 2, None)


def test_poison_job_fails_after_max_attempts() -> None:
    job = services.report_receive(data=b"A 30-year-old man with fever.", filename="p.txt", queue=False)
    IngestJob.objects.filter(pk=job.pk).update(status="running", attempts=services.MAX_ATTEMPTS)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "gave up after 3 attempts" in job.error


def test_reparse_keeps_curator_facts_and_replaces_machine_facts(django_user_model) -> None:
    curator = django_user_model.objects.create_user("curator", password="a-long-test-password-123")
    job = receive_and_run(EN_SERIES.read_bytes(), "series.txt")
    case = Case.objects.get(report_id=job.report_id, ordinal=1)
    machine = list(case.phenotypicfeatures.filter(term__isnull=False).order_by("id"))
    assert len(machine) >= 3
    locked, rejected, _plain = machine[0], machine[1], machine[2]
    PhenotypicFeature.objects.filter(pk=locked.pk).update(locked=True, edited_by=curator, severity="severe")
    PhenotypicFeature.objects.filter(pk=rejected.pk).update(rejected=True, rejected_reason="not this patient")
    added_by_curator = PhenotypicFeature.objects.create(
        case=case, term=Term.objects.get(hpo_id="HP:0001369"), provenance=Provenance.CURATOR, locked=True
    )
    stale = Measurement.objects.create(case=case, analyte="made-up analyte", provenance=Provenance.MACHINE)
    before_ids = set(case.phenotypicfeatures.values_list("id", flat=True))

    summary = services.report_reparse(report=case.report, user=curator)

    after = PhenotypicFeature.objects.filter(case=case)
    assert after.filter(pk=locked.pk, locked=True, severity="severe").exists()
    assert after.filter(pk=rejected.pk, rejected=True).exists()
    assert after.filter(pk=added_by_curator.pk).exists()
    assert not Measurement.objects.filter(pk=stale.pk).exists()
    # No machine fact beside a kept one with the same term (the locked, the rejected one).
    for kept in (locked, rejected):
        assert after.filter(term_id=kept.term_id, excluded=kept.excluded).count() == 1
    # Unlocked machine facts were replaced by new rows.
    assert set(after.values_list("id", flat=True)) - before_ids
    first = next(changes for changes in summary.cases if changes.ordinal == 1)
    assert first.kept_locked == 3 and first.removed >= 1
    assert summary.kept_locked >= 3 and len(summary.cases) == 2
    assert Case.objects.filter(report=case.report).count() == 2


def test_a_row_the_database_refuses_fails_its_job_alone(monkeypatch) -> None:
    from ingest.services import parse

    original = parse.prepare

    def prepare(report):
        prepared = original(report)
        if report.filename == "bad-row.txt":
            prepared.cases[0].age_years = 500  # violates the case_age_plausible constraint
        return prepared

    monkeypatch.setattr(parse, "prepare", prepare)
    documents = [("bad-row.txt", b"A 30-year-old man with fever.")]
    documents += [(path.name, path.read_bytes()) for path in sorted(SAMPLES_DIR.glob("en-*.txt"))]
    jobs = services.reports_receive_many(documents=documents, queue=False)
    result = services.jobs_run(job_ids=[job.pk for job in jobs])
    assert len(result.done) == 3 and list(result.failed) == [jobs[0].pk]
    bad = IngestJob.objects.get(pk=jobs[0].pk)
    assert bad.status == "failed" and "IntegrityError" in bad.error
    assert not Case.objects.filter(report_id=bad.report_id).exists()
    assert Report.objects.get(pk=bad.report_id).parse_status == "failed"
    assert Case.objects.filter(report__filename__startswith="en-").count() == 4


def test_ingest_command_sync_progress_and_summary(tmp_path) -> None:
    from io import StringIO

    from django.core.management import call_command

    folder = tmp_path / "reports"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.txt").write_bytes(EN_SERIES.read_bytes())
    (folder / "nested" / "b.json").write_bytes((SAMPLES_DIR / "phenopacket-crest.json").read_bytes())
    (folder / "nested" / "broken.json").write_bytes(b'{"id": ')
    out, err = StringIO(), StringIO()
    call_command("ingest", str(folder), "--sync", stdout=out, stderr=err)
    assert "summary: 2 done, 0 duplicate, 1 failed" in out.getvalue()
    assert "failed reports/nested/broken.json: malformed JSON" in out.getvalue()
    assert "parsed [" in err.getvalue() and "3/3" in err.getvalue()
    out = StringIO()
    call_command("ingest", str(folder / "a.txt"), "--sync", "--quiet-progress", stdout=out)
    assert "summary: 0 done, 1 duplicate, 0 failed" in out.getvalue()


def test_requeue_command_sends_stale_queued_jobs_again(django_capture_on_commit_callbacks) -> None:
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    stale = services.report_receive(data=b"A 30-year-old man with fever.", filename="s.txt", queue=False)
    fresh = services.report_receive(data=b"A 31-year-old man with fever.", filename="f.txt", queue=False)
    IngestJob.objects.filter(pk=stale.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("ingest", "--requeue", "--older-than", "30", stdout=out)
    assert "re-queued 1 job(s)" in out.getvalue() and len(callbacks) == 1
    assert IngestJob.objects.get(pk=fresh.pk).status == "queued"


def test_jats_and_pdf_reports_become_cases_with_citation() -> None:
    from tests.ingest.test_readers import JATS

    job = receive_and_run(JATS, "article.xml")
    assert job.status == "done", job.error
    report = Report.objects.get(pk=job.report_id)
    assert (report.format, report.pmid, report.doi, report.year, report.journal) == (
        "jats",
        "31234567",
        "10.1002/ccr3.9999",
        2019,
        "Clinical Case Reports",
    )
    assert report.authors == ["Li Wei", "Smith Anna"] and report.title == "Calcinosis cutis in CREST syndrome"
    assert report.metadata["citation_sources"]["year"] == "jats-front-matter"
    assert report.metadata["case_section"]["title"] == "Case presentation"
    case = Case.objects.get(report=report)
    assert (case.sex, case.age_years) == ("female", 40.0)
    assert Term.objects.get(hpo_id="HP:0003761").id in case.term_ids

    pdf = make_pdf(["Case report", "A 61-year-old man presented with fever and a skin ulcer."])
    job = receive_and_run(pdf, "report.pdf")
    assert job.status == "done", job.error
    case = Case.objects.get(report_id=job.report_id)
    assert (case.report.format, case.sex, case.age_years) == ("pdf", "male", 61.0)
    assert bytes(case.report.raw) == pdf


def test_an_agent_missing_from_the_vocabulary_is_created_and_searchable() -> None:
    from cases.models import Agent, Treatment

    Agent.objects.filter(name="ivabradine").delete()
    services.vocabulary_cache_clear()
    try:
        job = receive_and_run(
            b"A 58-year-old man with heart failure was started on ivabradine 5 mg twice daily.", "hf.txt"
        )
    finally:
        services.vocabulary_cache_clear()
    assert job.status == "done", job.error
    treatment = Treatment.objects.get(case__report_id=job.report_id)
    agent = Agent.objects.get(name="ivabradine")
    assert treatment.agent_id == agent.pk
    assert Case.objects.get(report_id=job.report_id).agent_ids == [agent.pk]


def test_a_comparator_the_model_does_not_store_never_fails_the_report() -> None:
    from ingest.services.facts import build_facts
    from ingest.services.vocabulary import vocabulary_ids

    vocabulary_ids.ensure()
    report = Report.objects.create(raw=b"x", content_hash="c" * 64, format="text", text="x")
    case = Case.objects.create(report=report)
    patient = {
        "measurements": [
            {"analyte": "results", "value": 99, "comparator": "> "},  # as the pipeline wrote it
            {"analyte": "CRP", "value": 10, "comparator": "≥"},
            {"analyte": "ESR", "value": 12, "comparator": "≈"},
        ]
    }
    rows = build_facts(case, patient, provenance=Provenance.MACHINE, parser_version="t", text_length=1)
    saved = Measurement.objects.bulk_create(rows[Measurement])
    assert [(m.analyte, m.comparator, m.value_text) for m in saved] == [
        ("results", ">", ""),
        ("CRP", ">=", ""),
        ("ESR", "", "≈ 12"),
    ]


def test_a_range_result_keeps_its_top_on_the_stored_fact() -> None:
    # "尿红细胞3～5个/HP": the record's value 3 and value_high 5; the stored fact keeps 3 for sorting
    # and shows "3–5" (it showed 3).
    from cases.facts.measurement import _csv_row
    from ingest.services.facts import build_facts
    from ingest.services.vocabulary import vocabulary_ids

    vocabulary_ids.ensure()
    report = Report.objects.create(raw=b"x", content_hash="d" * 64, format="text", text="x")
    case = Case.objects.create(report=report)
    patient = {
        "measurements": [{"analyte": "urine red blood cells", "value": 3, "value_high": 5, "unit": "/HPF"}]
    }
    rows = build_facts(case, patient, provenance=Provenance.MACHINE, parser_version="t", text_length=1)
    (saved,) = Measurement.objects.bulk_create(rows[Measurement])
    assert (saved.value, saved.value_text) == (3, "3–5")
    assert _csv_row(saved)[3] == "3–5 /HPF"


def test_an_extracted_result_with_no_test_is_not_stored_silently() -> None:
    from ingest.services.facts import build_facts
    from ingest.services.vocabulary import vocabulary_ids

    vocabulary_ids.ensure()
    report = Report.objects.create(raw=b"x", content_hash="e" * 64, format="text", text="x" * 40)
    case = Case.objects.create(report=report)
    patient = {
        "measurements": [
            {"analyte": "CRP", "value": 10, "unit": "mg/L", "evidence": {"start": 0, "end": 2, "text": "10"}},
            {"analyte": None, "value": 80, "unit": "%", "evidence": {"start": 5, "end": 8, "text": "80%"}},
        ]
    }
    warnings: list[str] = []
    rows = build_facts(
        case, patient, provenance=Provenance.MACHINE, parser_version="t", text_length=40, warnings=warnings
    )
    assert [m.analyte for m in rows[Measurement]] == ["CRP"]
    assert len(warnings) == 1 and "measurements: 1 extracted" in warnings[0] and "'80%'" in warnings[0]
