"""Running jobs: claim, parse, finish, fail, retry, recover.

The job row is the state of the work: the broker only carries job ids, so a message delivered
twice, or re-queued after a worker died, finds the row already done (or held) and does nothing. A
worker claims a job with a lease on its row, renewed while it works, and writes its cases only
while it still holds the lease (`lease`); a dead worker's lease runs out and the reaper,
`jobs_recover`, queues the job again. The parse itself (decode, extract, write) is in `parse`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from cases.models import IngestJob, Report
from ingest import readers
from ingest.formats import FORMATS
from ingest.readers import ReaderError

from . import parse
from .dispatch import jobs_enqueue
from .errors import TRANSIENT_ERRORS, ParseError
from .lease import CLAIMABLE, LeaseKeeper, jobs_claim, leases_release
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
    skipped: list[int] = field(default_factory=list)  # finished, or held by another worker
    unstarted: list[int] = field(default_factory=list)  # left for another task (time limit)


def jobs_run(*, job_ids: Sequence[int], before_parse: Callable[[IngestJob], None] | None = None) -> RunResult:
    """Claim jobs and parse their reports; safe to deliver twice (a finished or held job is skipped).

    The claim takes a lease on the jobs (see `lease`), renewed while this call works. Every report
    is decoded and extracted first, with no transaction open, so bad input fails its job alone,
    with its message, and the report keeps its bytes. Then one transaction locks the jobs still
    under this call's lease, writes the prepared reports in bulk (one statement per table for the
    whole batch, or one by one if the bulk write fails) and finishes the jobs: a job is written
    once, by the holder of its lease. Transient database/broker errors propagate (the lease is
    released), so the task retries the whole call.
    """
    ids = sorted(set(job_ids))
    result = RunResult()
    # A job whose worker died MAX_ATTEMPTS times is a poison pill: fail it instead of a 4th try.
    for job_id, attempts in IngestJob.objects.filter(
        CLAIMABLE, pk__in=ids, attempts__gte=MAX_ATTEMPTS
    ).values_list("id", "attempts"):
        error = f"gave up after {attempts} attempts: the worker or the database stopped during each of them"
        if IngestJob.objects.filter(CLAIMABLE, pk=job_id).update(
            status=IngestJob.Status.FAILED, error=error, finished_at=timezone.now(), lease_until=None
        ):
            _report_fail(job_id=job_id, error=error)
            result.failed[job_id] = error
    token, claimed = jobs_claim(job_ids=ids, max_attempts=MAX_ATTEMPTS)
    result.skipped = [job_id for job_id in ids if job_id not in claimed and job_id not in result.failed]
    if not claimed:
        return result
    try:
        with LeaseKeeper(job_ids=claimed, token=token):
            work = _prepare_all(claimed, before_parse, result)
            _finish(claimed, token, work, result)
    except BaseException:
        leases_release(job_ids=claimed, token=token)
        raise
    return result


@dataclass
class _Work:
    """What the preparation left for the writing transaction."""

    jobs: dict[int, IngestJob]
    prepared: list[tuple[IngestJob, parse.Prepared]] = field(default_factory=list)
    one_by_one: list[IngestJob] = field(default_factory=list)  # rare paths that write as they go


def _prepare_all(claimed: list[int], before_parse, result: RunResult) -> _Work:
    """Decode and extract every claimed report, no transaction open; failures are noted."""
    from celery.exceptions import SoftTimeLimitExceeded

    jobs = list(IngestJob.objects.select_related("report").filter(pk__in=claimed).order_by("pk"))
    work = _Work(jobs={job.pk: job for job in jobs})
    for index, job in enumerate(jobs):
        try:
            if job.report is None:
                raise ParseError("the job has no report")
            if before_parse is not None:
                before_parse(job)
            report = job.report
            if _is_container(report) or report.parse_status == Report.ParseStatus.PARSED:
                # Rare paths (a refused archive retried, a report parsed before): done one at a
                # time in the writing transaction.
                work.one_by_one.append(job)
            else:
                work.prepared.append((job, parse.prepare(report)))
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
    return work


def _finish(claimed: list[int], token, work: _Work, result: RunResult) -> None:
    """One transaction: lock the jobs still under this lease, write, and finish them."""
    with transaction.atomic():
        held = set(
            IngestJob.objects.select_for_update(of=("self",))
            .filter(pk__in=claimed, lease_token=token, status=IngestJob.Status.RUNNING)
            .values_list("id", flat=True)
        )
        lost = [job_id for job_id in claimed if job_id not in held]
        if lost:
            # Another worker took these over (this one stalled past its lease): it writes them.
            logger.warning("lease lost on ingest job(s) %s: left to their new holder", lost[:20])
            result.skipped.extend(lost)
            for job_id in lost:
                result.failed.pop(job_id, None)
            result.unstarted = [job_id for job_id in result.unstarted if job_id in held]
        for job in work.one_by_one:
            if job.pk in held:
                _run_one_by_one(job, result)
        prepared = [(job, item) for job, item in work.prepared if job.pk in held]
        if prepared:
            _write_all(prepared, result)
        ended = {"finished_at": timezone.now(), "lease_until": None}
        if result.done:
            done = IngestJob.objects.filter(pk__in=result.done)
            done.update(status=IngestJob.Status.DONE, error="", warnings=[], **ended)
            finished = set(result.done)
            for job, item in prepared:
                if item.warnings and job.pk in finished:
                    IngestJob.objects.filter(pk=job.pk).update(warnings=item.warnings)
        for job_id, error in result.failed.items():
            if job_id in held:
                failed = IngestJob.objects.filter(pk=job_id)
                failed.update(status=IngestJob.Status.FAILED, error=error, **ended)
                _report_fail(job_id=job_id, error=error, report_id=work.jobs[job_id].report_id)
        if result.unstarted:
            # Back to the queue, for a task with a fresh time limit.
            IngestJob.objects.filter(pk__in=result.unstarted).update(
                status=IngestJob.Status.QUEUED, lease_until=None, lease_token=None
            )
            unstarted = result.unstarted
            transaction.on_commit(lambda: jobs_enqueue(job_ids=unstarted))


def _is_container(report: Report) -> bool:
    return report.format in FORMATS and FORMATS.get(report.format).is_container


def _run_one_by_one(job: IngestJob, result: RunResult) -> None:
    try:
        with transaction.atomic():
            if _is_container(job.report):
                _archive_expand(report=job.report, job=job)
            else:
                parse.report_parse(report=job.report)
        result.done.append(job.pk)
    except TRANSIENT_ERRORS:
        raise
    except (ReaderError, ParseError) as error:
        result.failed[job.pk] = str(error)
    except Exception as error:
        logger.exception("ingest job %s failed", job.pk)
        result.failed[job.pk] = f"internal error: {type(error).__name__}: {error}"


def _write_all(prepared: list[tuple[IngestJob, parse.Prepared]], result: RunResult) -> None:
    try:
        with transaction.atomic():
            parse.write_prepared([item for _, item in prepared])
        result.done.extend(job.pk for job, _ in prepared)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        # One report's rows broke the bulk write: write them one by one so that only that report fails.
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


def _report_fail(*, job_id: int, error: str, report_id: int | None = None) -> None:
    if report_id is None:
        report_id = IngestJob.objects.filter(pk=job_id).values_list("report_id", flat=True).first()
    if report_id:
        Report.objects.filter(pk=report_id).update(parse_status=Report.ParseStatus.FAILED, parse_error=error)


def _archive_expand(*, report: Report, job: IngestJob) -> None:
    """Retrying a refused container (e.g. after raising a limit): receive its members now."""
    members = readers.split(bytes(report.raw), report.filename)
    receive_members(members, citation=None, user=job.created_by, batch=job.batch, queue=True, batch_size=None)
    report.parse_status = Report.ParseStatus.PARSED
    report.parse_error = ""
    report.parsed_at = timezone.now()
    report.save(update_fields=["parse_status", "parse_error", "parsed_at"])


def job_retry(*, job: IngestJob) -> IngestJob:
    """Queue a failed job (or one stuck in `running` or `queued`) again; its report keeps its
    bytes. A job a live worker holds (its lease not yet run out) is not stuck and is refused."""
    with transaction.atomic():
        job = IngestJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in (IngestJob.Status.FAILED, IngestJob.Status.RUNNING, IngestJob.Status.QUEUED):
            raise ValueError(f"job {job.pk} is {job.status}; only failed or stuck jobs can be retried")
        if job.report_id is None:
            raise ValueError(f"job {job.pk} has no report to parse")
        if IngestJob.objects.filter(
            pk=job.pk, status=IngestJob.Status.RUNNING, lease_until__gt=Now()
        ).exists():
            raise ValueError(f"job {job.pk} is running on a live worker; it is not stuck")
        job.status = IngestJob.Status.QUEUED
        job.error = ""
        job.attempts = 0
        job.started_at = None
        job.finished_at = None
        job.lease_until = None
        job.lease_token = None
        job.save(
            update_fields=[
                "status",
                "error",
                "attempts",
                "started_at",
                "finished_at",
                "lease_until",
                "lease_token",
            ]
        )
        Report.objects.filter(pk=job.report_id, parse_status=Report.ParseStatus.FAILED).update(
            parse_status=Report.ParseStatus.RECEIVED, parse_error=""
        )
        job_id = job.pk
        transaction.on_commit(lambda: jobs_enqueue(job_ids=[job_id]))
    return job


def jobs_recover(*, include_queued_older_than: timedelta | None = None) -> list[int]:
    """The reaper: re-queue the jobs of dead workers, `running` ones whose lease ran out (see
    `lease`). Every worker runs it on a timer (ingest.tasks) and at start; `manage.py ingest
    --requeue` runs it by hand. With the filesystem broker a message is gone once a worker took
    it, so `queued` jobs older than `include_queued_older_than` are sent again too; a job sent
    twice still runs once (its claim). Returns the job ids queued again."""
    with transaction.atomic():
        expired = (
            IngestJob.objects.select_for_update(skip_locked=True)
            .filter(status=IngestJob.Status.RUNNING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=Now()))
        )
        ids = list(expired.values_list("id", flat=True))
        if ids:
            IngestJob.objects.filter(pk__in=ids).update(
                status=IngestJob.Status.QUEUED, lease_until=None, lease_token=None
            )
        if include_queued_older_than is not None:
            cutoff = timezone.now() - include_queued_older_than
            ids += list(
                IngestJob.objects.select_for_update(skip_locked=True)
                .filter(status=IngestJob.Status.QUEUED, queued_at__lt=cutoff)
                .exclude(pk__in=ids)
                .values_list("id", flat=True)
            )
        if ids:
            transaction.on_commit(lambda: jobs_enqueue(job_ids=ids))
    if ids:
        logger.warning("re-queued %d ingest job(s) left behind by a stopped worker: %s", len(ids), ids[:20])
    return ids
