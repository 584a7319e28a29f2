"""Sending job ids to the workers.

The services name the Celery tasks instead of importing them, so that `ingest.tasks` imports the
services and never the reverse (no import circle). `ingest/tasks.py` registers its tasks under
these names.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import current_app
from django.conf import settings

INGEST_JOB_TASK = "ingest.tasks.ingest_job"
INGEST_JOBS_BATCH_TASK = "ingest.tasks.ingest_jobs_batch"


def jobs_enqueue(*, job_ids: Sequence[int], batch_size: int | None = None) -> int:
    """Send job ids to the workers: one task for a single job, batches of INGEST_BATCH_SIZE
    otherwise so that per-task overhead does not dominate a bulk import. Returns tasks sent."""
    queue = settings.INGEST_QUEUE
    size = batch_size or settings.INGEST_BATCH_SIZE
    ids = list(job_ids)
    if len(ids) == 1 or size == 1:
        for job_id in ids:
            current_app.signature(INGEST_JOB_TASK).apply_async((job_id,), queue=queue)
        return len(ids)
    sent = 0
    for start in range(0, len(ids), size):
        current_app.signature(INGEST_JOBS_BATCH_TASK).apply_async((ids[start : start + size],), queue=queue)
        sent += 1
    return sent
