"""Running jobs: claim, parse, finish, fail, retry, recover.

The job row is the state of the work: the broker only carries job ids, so a message delivered
twice, or re-queued after a worker died, finds the row already done and does nothing. A worker
claims a job by setting it `running` and holds its row lock while it parses; the parse itself
(decode, extract, write) is in `parse`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.models import IngestJob, Report
from ingest import readers
from ingest.formats import FORMATS
from ingest.readers import ReaderError

from . import parse
from .dispatch import jobs_enqueue
from .errors import TRANSIENT_ERRORS, ParseError
from .receive import receive_members

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # claims of one job before it is failed as a poison pill (worker died each time)


def job_run(*, job_id: int, before_parse: Callable[[IngestJob], None] | None = None) -> IngestJob | None:
    """Claim one job and parse its report (see jobs_run); returns the job as it ended."""
    jobs_run(job_ids=[job_id], before_parse=before_parse)
    return IngestJob.objects.filter(pk=job_id).first()


@dataclass
class RunResult:
    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)  # already finished (a second delivery)
    unstarted: list[int] = field(default_factory=list)  # left for another task (time limit)


def jobs_run(*, job_ids: Sequence[int], before_parse: Callable[[IngestJob], None] | None = None) -> RunResult:
    """Claim jobs and parse their reports; safe to deliver twice (a finished job is skipped).

    Two transactions per call, not per job, so that a bulk import is not bound by commits: the
    claim (status `running`, one UPDATE) and the work, which holds the jobs' row locks until it
    commits. A second delivery waits on those locks and then finds the jobs done; a worker that
    dies releases them with the rollback, which is how `jobs_recover` tells an orphaned `running`
    job from one in progress. Every report is decoded and extracted before anything is written,
    so bad input fails its job alone, with its message, and the report keeps its bytes; then the
    prepared reports are written in bulk (one statement per table for the whole batch), or one by
    one if the bulk write fails. Transient database/broker errors propagate, so the task retries
    the whole call.
    """
    from celery.exceptions import SoftTimeLimitExceeded

    ids = sorted(set(job_ids))
    result = RunResult()
    active = [IngestJob.Status.QUEUED, IngestJob.Status.RUNNING]
    # A job whose worker died MAX_ATTEMPTS times is a poison pill: fail it instead of a 4th try.
    for job_id, attempts in IngestJob.objects.filter(
        pk__in=ids, status__in=active, attempts__gte=MAX_ATTEMPTS
    ).values_list("id", "attempts"):
        error = f"gave up after {attempts} attempts: the worker or the database stopped during each of them"
        _job_fail(job_id=job_id, error=error)
        result.failed[job_id] = error
    IngestJob.objects.filter(pk__in=ids, status__in=active, attempts__lt=MAX_ATTEMPTS).update(
        status=IngestJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    with transaction.atomic():
        jobs = list(
            IngestJob.objects.select_for_update(of=("self",))
            .select_related("report")
            .filter(pk__in=ids, status=IngestJob.Status.RUNNING)
            .order_by("pk")
        )
        running = {job.pk for job in jobs}
        result.skipped = [job_id for job_id in ids if job_id not in running and job_id not in result.failed]
        prepared: list[tuple[IngestJob, parse.Prepared]] = []
        for index, job in enumerate(jobs):
            try:
                if job.report is None:
                    raise ParseError("the job has no report")
                if before_parse is not None:
                    before_parse(job)
                report = job.report
                container = report.format in FORMATS and FORMATS.get(report.format).is_container
                if container or report.parse_status == Report.ParseStatus.PARSED:
                    # Rare paths (a refused archive retried, a report parsed before): one at a time.
                    with transaction.atomic():
                        if container:
                            _archive_expand(report=report, job=job)
                        else:
                            parse.report_parse(report=report)
                    result.done.append(job.pk)
                else:
                    prepared.append((job, parse.prepare(report)))
            except TRANSIENT_ERRORS:
                raise
            except (ReaderError, ParseError) as error:
                result.failed[job.pk] = str(error)
            except SoftTimeLimitExceeded:
                result.failed[job.pk] = "parsing took longer than the task's soft time limit"
                result.unstarted = [later.pk for later in jobs[index + 1 :]]
                break
            except Exception as error:
                logger.exception("ingest job %s failed", job.pk)
                result.failed[job.pk] = f"internal error: {type(error).__name__}: {error}"
        if prepared:
            try:
                with transaction.atomic():
                    parse.write_prepared([item for _, item in prepared])
                result.done.extend(job.pk for job, _ in prepared)
            except TRANSIENT_ERRORS:
                raise
            except Exception:
                # One report's rows broke the bulk write: write them one by one so that only
                # that report fails.
                logger.warning("bulk write of %d reports failed; writing them one by one", len(prepared))
                for job, item in prepared:
                    try:
                        with transaction.atomic():
                            parse.write_prepared([item])
                        result.done.append(job.pk)
                    except TRANSIENT_ERRORS:
                        raise
                    except Exception as error:
                        logger.exception("ingest job %s failed", job.pk)
                        result.failed[job.pk] = f"internal error: {type(error).__name__}: {error}"
        now = timezone.now()
        if result.done:
            IngestJob.objects.filter(pk__in=result.done).update(
                status=IngestJob.Status.DONE, error="", finished_at=now
            )
        for job in jobs:
            if job.pk in result.failed:
                _job_fail(job_id=job.pk, error=result.failed[job.pk], report_id=job.report_id)
        if result.unstarted:
            # Back to the queue, for a task with a fresh time limit.
            IngestJob.objects.filter(pk__in=result.unstarted).update(status=IngestJob.Status.QUEUED)
            unstarted = result.unstarted
            transaction.on_commit(lambda: jobs_enqueue(job_ids=unstarted))
    return result


def _job_fail(*, job_id: int, error: str, report_id: int | None = None) -> None:
    with transaction.atomic():
        IngestJob.objects.filter(pk=job_id).update(
            status=IngestJob.Status.FAILED, error=error, finished_at=timezone.now()
        )
        if report_id is None:
            report_id = IngestJob.objects.filter(pk=job_id).values_list("report_id", flat=True).first()
        if report_id:
            Report.objects.filter(pk=report_id).update(
                parse_status=Report.ParseStatus.FAILED, parse_error=error
            )


def _archive_expand(*, report: Report, job: IngestJob) -> None:
    """Retrying a refused container (e.g. after raising a limit): receive its members now."""
    members = readers.split(bytes(report.raw), report.filename)
    receive_members(members, citation=None, user=job.created_by, batch=job.batch, queue=True, batch_size=None)
    report.parse_status = Report.ParseStatus.PARSED
    report.parse_error = ""
    report.parsed_at = timezone.now()
    report.save(update_fields=["parse_status", "parse_error", "parsed_at"])


def job_retry(*, job: IngestJob) -> IngestJob:
    """Queue a failed job (or one stuck in `running`) again; its report keeps its bytes."""
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in (IngestJob.Status.FAILED, IngestJob.Status.RUNNING, IngestJob.Status.QUEUED):
            raise ValueError(f"job {job.pk} is {job.status}; only failed or stuck jobs can be retried")
        if job.report_id is None:
            raise ValueError(f"job {job.pk} has no report to parse")
        job.status = IngestJob.Status.QUEUED
        job.error = ""
        job.attempts = 0
        job.started_at = None
        job.finished_at = None
        job.save(update_fields=["status", "error", "attempts", "started_at", "finished_at"])
        Report.objects.filter(pk=job.report_id, parse_status=Report.ParseStatus.FAILED).update(
            parse_status=Report.ParseStatus.RECEIVED, parse_error=""
        )
        job_id = job.pk
        transaction.on_commit(lambda: jobs_enqueue(job_ids=[job_id]))
    return job


def jobs_recover(*, include_queued_older_than: timedelta | None = None) -> list[int]:
    """Re-queue jobs a dead worker left behind: `running` rows whose lock no live transaction
    holds (see job_run). With the filesystem broker a message is gone once a worker took it, so
    old `queued` jobs may be lost too; re-queueing one that is still in the broker is harmless
    (job_run is idempotent). Returns the job ids queued again."""
    with transaction.atomic():
        orphans = IngestJob.objects.select_for_update(skip_locked=True).filter(
            status=IngestJob.Status.RUNNING
        )
        ids = list(orphans.values_list("id", flat=True))
        if include_queued_older_than is not None:
            cutoff = timezone.now() - include_queued_older_than
            ids += list(
                IngestJob.objects.select_for_update(skip_locked=True)
                .filter(status=IngestJob.Status.QUEUED, queued_at__lt=cutoff)
                .values_list("id", flat=True)
            )
        if ids:
            transaction.on_commit(lambda: jobs_enqueue(job_ids=ids))
    if ids:
        logger.warning("re-queued %d ingest job(s) left behind by a stopped worker: %s", len(ids), ids[:20])
    return ids
