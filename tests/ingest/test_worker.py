"""The ingestion flow through a real Celery worker process, over the real broker (Redis when
CELERY_BROKER_URL is set, else the filesystem transport) and the real PostgreSQL."""

from __future__ import annotations

import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case, IngestJob, Report, Term
from ingest import services
from tests.conftest import CORPUS_DIR
from tests.ingest.conftest import SAMPLES_DIR, wait_for_jobs

pytestmark = pytest.mark.worker

SEED = CORPUS_DIR / "dev" / "crest-calcinosis-zh.txt"


def test_worker_ingests_samples_seed_and_bad_input(worker_factory) -> None:
    worker_factory()
    documents = [(path.name, path.read_bytes()) for path in sorted(SAMPLES_DIR.iterdir())]
    if SEED.exists():
        documents.append((SEED.name, SEED.read_bytes()))
    documents.append(("junk.txt", bytes(range(256)) * 4))
    jobs = services.reports_receive_many(documents=documents, batch=uuid.uuid4())
    statuses = wait_for_jobs([job.pk for job in jobs])
    by_name = {job.filename: job for job in jobs}
    assert statuses[by_name["junk.txt"].pk] == "failed"
    assert all(statuses[job.pk] == "done" for name, job in by_name.items() if name != "junk.txt"), statuses

    zh = Case.objects.get(report__filename="zh-crest-calcinosis.txt")
    calcinosis = Term.objects.get(hpo_id="HP:0003761").id
    assert (zh.sex, zh.age_years, zh.language) == ("female", 52.0, "zh")
    assert calcinosis in zh.term_ids
    assert zh.treatments.filter(agent__name="diltiazem", dose=30, dose_unit="mg").exists()
    series = Case.objects.filter(report__filename="en-crest-case-series.txt").order_by("ordinal")
    assert [case.sex for case in series] == ["female", "male"]
    if SEED.exists():
        seed = Case.objects.get(report__filename=SEED.name)
        assert (seed.sex, seed.age_years) == ("female", 40.0) and calcinosis in seed.term_ids
    # Sending the same files again: duplicates only, no new reports or cases.
    cases_before = Case.objects.count()
    again = services.reports_receive_many(documents=documents, batch=uuid.uuid4())
    assert {job.status for job in again} == {"duplicate"}
    assert Case.objects.count() == cases_before and Report.objects.count() == len(documents)


def test_ingest_command_waits_for_the_worker(worker_factory, tmp_path) -> None:
    worker_factory()
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "one.txt").write_bytes((SAMPLES_DIR / "en-dermatomyositis.txt").read_bytes())
    (folder / "two.txt").write_bytes((SAMPLES_DIR / "zh-lupus-nephritis.txt").read_bytes())
    out = StringIO()
    call_command("ingest", str(folder), "--wait", "--timeout", "90", "--quiet-progress", stdout=out)
    assert "summary: 2 done, 0 duplicate, 0 failed, 0 queued, 0 running" in out.getvalue()
    assert Case.objects.filter(report__filename__endswith="two.txt", sex="female", age_years=26).exists()


def test_killed_worker_job_completes_exactly_once_after_restart(worker_factory, tmp_path) -> None:
    started = tmp_path / "job-started"
    slow = worker_factory(
        extra_env={
            "INGEST_TEST_JOB_DELAY": "60",
            "INGEST_TEST_STARTED_FILE": str(started),
            # Redis hands an unacknowledged message to another consumer after this many seconds.
            "CELERY_VISIBILITY_TIMEOUT": "3",
        }
    )
    job = services.report_receive(
        data=(SAMPLES_DIR / "en-addison-crisis.txt").read_bytes(), filename="addison.txt"
    )
    deadline = time.monotonic() + 60
    while not started.exists():
        assert time.monotonic() < deadline, f"the job never started:\n{slow.log_text()}"
        time.sleep(0.1)
    assert IngestJob.objects.get(pk=job.pk).status == "running"
    slow.kill()  # SIGKILL mid-job: the parse transaction is rolled back, nothing acknowledged
    assert not Case.objects.filter(report_id=job.report_id).exists()
    # Redis restores an unacknowledged message once it is older than the visibility timeout, on
    # the consumer's first sweep and then only every ~100 s (kombu's restore throttle): start the
    # new worker when the message is already old enough for that first sweep.
    time.sleep(4)

    worker_factory(extra_env={"CELERY_VISIBILITY_TIMEOUT": "3"})
    statuses = wait_for_jobs([job.pk], timeout=150)
    assert statuses[job.pk] == "done"
    time.sleep(4)  # longer than the visibility timeout: a second delivery would show by now
    assert Case.objects.filter(report_id=job.report_id).count() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
