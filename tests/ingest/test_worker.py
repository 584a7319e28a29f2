"""The ingestion flow through a real Celery worker process, over the real broker (Redis when
CELERY_BROKER_URL is set, else the filesystem transport) and the real PostgreSQL."""

from __future__ import annotations

import os
import signal
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
            # The killed worker's lease runs out before the message comes back.
            "INGEST_LEASE_SECONDS": "4",
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

    worker_factory(extra_env={"CELERY_VISIBILITY_TIMEOUT": "3", "INGEST_LEASE_SECONDS": "4"})
    statuses = wait_for_jobs([job.pk], timeout=150)
    assert statuses[job.pk] == "done"
    time.sleep(4)  # longer than the visibility timeout: a second delivery would show by now
    assert Case.objects.filter(report_id=job.report_id).count() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_jobs_of_a_killed_worker_complete_once_with_no_manual_step(worker_factory, tmp_path) -> None:
    """F8: SIGKILL of a worker's main process mid-batch; a worker started afterwards finishes the
    batch, each job exactly once, through the lease reaper on its timer (Redis would hand the
    batch's message back only after its visibility timeout, an hour by default)."""
    # Short lease and reaper interval, so that the test takes seconds: the new worker is ready
    # before the lease runs out, so its periodic reaper (not only the one at start) is exercised.
    lease = {"INGEST_LEASE_SECONDS": "8", "INGEST_REAPER_INTERVAL": "1"}
    started = tmp_path / "job-started"
    slow = worker_factory(
        extra_env={**lease, "INGEST_TEST_JOB_DELAY": "30", "INGEST_TEST_STARTED_FILE": str(started)}
    )
    documents = [
        (f"case-{n}.txt", f"A {30 + n}-year-old woman with calcinosis and Raynaud phenomenon.".encode())
        for n in range(8)
    ]
    jobs = services.reports_receive_many(documents=documents, batch=uuid.uuid4(), batch_size=len(documents))
    ids = [job.pk for job in jobs]
    deadline = time.monotonic() + 60
    while not started.exists():
        assert time.monotonic() < deadline, f"the batch never started:\n{slow.log_text()}"
        time.sleep(0.1)
    assert set(IngestJob.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"running"}

    os.kill(slow.process.pid, signal.SIGKILL)  # the main process only
    slow.process.wait(timeout=10)
    killed_at = time.monotonic()
    # Celery's pool children die with their parent (PR_SET_PDEATHSIG): nothing keeps the lease.
    while _group_alive(slow.process.pid):
        assert time.monotonic() - killed_at < 10, "the pool process outlived the killed worker"
        time.sleep(0.1)
    assert not Case.objects.filter(report__jobs__in=ids).exists()

    worker_factory(extra_env=lease)
    statuses = wait_for_jobs(ids, timeout=50)
    elapsed = time.monotonic() - killed_at
    assert set(statuses.values()) == {"done"}, statuses
    assert elapsed < 60, f"took {elapsed:.0f} s"
    time.sleep(3)  # a late second run would show by now
    for job in IngestJob.objects.filter(pk__in=ids):
        assert Case.objects.filter(report_id=job.report_id).count() == 1, job.filename
        assert (job.status, job.attempts, job.lease_until) == ("done", 2, None)
