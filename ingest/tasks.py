"""Celery tasks of the ingestion flow: thin, taking job ids; the work is in ingest.services (which
names these tasks in ingest.services.dispatch rather than importing this module).

Delivery guarantees: a worker holds a lease on the jobs it runs (ingest.services.lease); every
worker runs the reaper (`jobs_recover`) at start and on its timer, which re-queues the `running`
jobs whose lease ran out because their worker died, on any broker and without a beat process.
`acks_late` + `reject_on_worker_lost` also make Redis hand an unacknowledged message to another
worker after the visibility timeout. Either way a job runs once: its claim takes the lease.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from celery.signals import worker_init, worker_ready
from django.conf import settings
from django.db import connections

from ingest.services.dispatch import INGEST_JOB_TASK, INGEST_JOBS_BATCH_TASK
from ingest.services.errors import TRANSIENT_ERRORS
from ingest.services.jobs import job_run, jobs_recover, jobs_run

logger = logging.getLogger(__name__)

_RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}


def _pause_for_tests(job) -> None:
    """INGEST_TEST_JOB_DELAY (seconds), set only in a test worker's environment, holds a job
    mid-parse so a test can kill the worker at a known point."""
    delay = float(os.environ.get("INGEST_TEST_JOB_DELAY") or 0)
    if delay:
        marker = os.environ.get("INGEST_TEST_STARTED_FILE")
        if marker:
            Path(marker).write_text(str(job.pk))
        time.sleep(delay)


@shared_task(
    name=INGEST_JOB_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    **_RETRY,
)
def ingest_job(self, job_id: int) -> str | None:
    job = job_run(job_id=job_id, before_parse=_pause_for_tests)
    return job.status if job else None


@shared_task(
    name=INGEST_JOBS_BATCH_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT * 5,
    time_limit=settings.CELERY_TASK_TIME_LIMIT * 5,
    **_RETRY,
)
def ingest_jobs_batch(self, job_ids: list[int]) -> dict[str, int]:
    """Many jobs per task for bulk imports (each job still fails alone). A retry after a
    transient error, or a second delivery, skips the jobs already finished."""
    result = jobs_run(job_ids=job_ids, before_parse=_pause_for_tests)
    return {"done": len(result.done), "failed": len(result.failed), "skipped": len(result.skipped)}


@worker_init.connect
def _warm_up(**kwargs) -> None:
    # Load the ontology and vocabularies once in the main process, before the pool forks: the
    # children share them copy-on-write, and none spends its start-up (Celery allows a child only
    # a few seconds to report ready) or its first job loading them.
    try:
        from ingest.pipeline import warm_up

        warm_up()
    except Exception:  # the first job will report the same problem with its report attached
        logger.exception("extraction pipeline warm-up failed")


def _reap(*, stale_queued: bool = False) -> None:
    """Re-queue the jobs of dead workers (expired leases); runs in the worker's main process, on
    its timer, and holds no database connection between runs (the pool forks from this process)."""
    try:
        jobs_recover(include_queued_older_than=timedelta(minutes=10) if stale_queued else None)
    except Exception:
        logger.exception("could not re-queue jobs left by a stopped worker")
    finally:
        connections.close_all()


@worker_ready.connect
def _start_reaper(sender=None, **kwargs) -> None:
    """Reap once at start, then every INGEST_REAPER_INTERVAL seconds on the worker's own timer
    (the event loop with Redis, a timer thread otherwise): no beat process is needed, and any
    live worker finishes the jobs of a dead one."""
    try:
        # With the filesystem broker a message is gone once a worker took it: old queued jobs
        # may have been lost with a dead worker too.
        _reap(stale_queued=settings.INGEST_RECOVER_ON_START and settings.USING_EMBEDDED_BROKER)
        timer = getattr(sender, "timer", None)
        if timer is not None:
            timer.call_repeatedly(settings.INGEST_REAPER_INTERVAL, _reap)
        else:
            logger.warning("no worker timer: jobs of dead workers are re-queued only at worker start")
    finally:
        ready_file = os.environ.get("INGEST_WORKER_READY_FILE")
        if ready_file:
            Path(ready_file).write_text(str(os.getpid()))
