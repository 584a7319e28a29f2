"""Leases on running jobs: how a dead worker's jobs are found and run again, exactly once.

A worker claims jobs by setting them `running` with a fresh `lease_token` (its own, per call) and
`lease_until` a lease length ahead, in one UPDATE that only takes jobs nobody holds: `queued`
ones, and `running` ones whose lease ran out. While it works, a `LeaseKeeper` thread renews the
lease every third of its length; the worker writes the cases and finishes the jobs in one
transaction that first locks the job rows still carrying its token, so a worker that lost its
lease (it stalled, and another worker took the job over) writes nothing. Every worker runs the
reaper (`jobs.jobs_recover`) on a timer, which re-queues `running` jobs whose lease ran out.

Lease times are the database's clock (`Now()`), never a worker's, so clock skew between machines
does not matter. INGEST_LEASE_SECONDS sets the length.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now

from cases.models import IngestJob

logger = logging.getLogger(__name__)

# A job nobody holds: queued, or running under a lease that ran out (or never had one: rows from
# before leases, and leases released by a worker that gave up).
CLAIMABLE = Q(status=IngestJob.Status.QUEUED) | (
    Q(status=IngestJob.Status.RUNNING) & (Q(lease_until__isnull=True) | Q(lease_until__lt=Now()))
)


def _lease_end() -> ExpressionWrapper:
    return ExpressionWrapper(
        Now() + timedelta(seconds=settings.INGEST_LEASE_SECONDS), output_field=DateTimeField()
    )


def jobs_claim(*, job_ids: Sequence[int], max_attempts: int) -> tuple[uuid.UUID, list[int]]:
    """Take the jobs among `job_ids` that nobody holds (and that have attempts left): one UPDATE,
    so two workers never both take a job. Returns the lease token and the ids taken."""
    token = uuid.uuid4()
    IngestJob.objects.filter(CLAIMABLE, pk__in=job_ids, attempts__lt=max_attempts).update(
        status=IngestJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=Now(),
        lease_until=_lease_end(),
        lease_token=token,
    )
    taken = IngestJob.objects.filter(pk__in=job_ids, lease_token=token).values_list("id", flat=True)
    return token, sorted(taken)


def leases_renew(*, job_ids: Sequence[int], token: uuid.UUID) -> int:
    return IngestJob.objects.filter(
        pk__in=job_ids, lease_token=token, status=IngestJob.Status.RUNNING
    ).update(lease_until=_lease_end())


def leases_release(*, job_ids: Sequence[int], token: uuid.UUID) -> None:
    """Give up jobs still held (the run stopped on an error): a retry of the task, or the reaper,
    can take them at once instead of waiting for the lease to run out. Best effort: when the
    database is what failed, the lease simply runs out."""
    try:
        IngestJob.objects.filter(pk__in=job_ids, lease_token=token, status=IngestJob.Status.RUNNING).update(
            lease_until=None
        )
    except Exception:
        logger.warning("could not release the lease of %d job(s); it will run out", len(job_ids))


class LeaseKeeper:
    """Renews a lease from a background thread (its own database connection) while the jobs are
    being worked on. The connection opens only at the first renewal, so a short run costs none."""

    def __init__(self, *, job_ids: Sequence[int], token: uuid.UUID) -> None:
        self.job_ids, self.token = list(job_ids), token
        self.interval = max(settings.INGEST_LEASE_SECONDS / 3, 0.5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{token.hex[:8]}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        if self.job_ids:
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    leases_renew(job_ids=self.job_ids, token=self.token)
                except Exception:
                    logger.warning("could not renew the lease of %d job(s)", len(self.job_ids), exc_info=True)
        finally:
            connection.close()
