"""Receiving: bytes in, a Report (raw bytes, SHA-256) and an IngestJob per document out.

Receiving stores each report byte for byte with its content hash and its job in one transaction and
queues the jobs after commit; the same bytes again give a `duplicate` job pointing at the existing
report. A container (.zip, multi-line .jsonl) is split into its documents here, so that each
becomes its own report and job; a container refused as a whole keeps its bytes in one failed job.

This is the one place a report's format is decided (ingest.formats, `FORMATS.split`); it is
stored on the Report and the workers read with it. A document of no format the registry knows
(an unknown suffix, content that contradicts its name) fails its job at once, its bytes kept.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import IngestJob, Report
from ingest import readers
from ingest.formats import FORMATS
from ingest.readers import Member, ReaderError

from .citation import citation_fields, clip
from .dispatch import jobs_enqueue
from .errors import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def member_hash(member: Member) -> str:
    """What identifies a received document: the SHA-256 of its bytes, or of its canonical form
    for a format that declares one (a phenopacket re-serialised with other whitespace or key
    order is then a duplicate, not a second case)."""
    if member.format and not member.error:
        try:
            canonical = FORMATS.get(member.format).canonical
        except ReaderError:  # not a format: refused when the report is stored
            canonical = None
        form = canonical(member.data) if canonical is not None else None
        if form is not None:
            return content_hash(form)
    return content_hash(member.data)


def _report(member: Member, digest: str, cite: dict) -> Report:
    """An unsaved Report for a received document: its format as the registry decided it, or,
    when it could not, no format and the reason, so that its job fails at once."""
    report = Report(
        raw=member.data,
        content_hash=digest,
        filename=clip(member.name, 500),
        format=FORMATS.validate(member.format) if member.format else "",
        **cite,
    )
    if member.error:
        report.parse_status = Report.ParseStatus.FAILED
        report.parse_error = member.error
    return report


def receive_members(
    members: Sequence[Member],
    *,
    citation: dict | None,
    user,
    batch: uuid.UUID | None,
    queue: bool,
    batch_size: int | None,
) -> list[IngestJob]:
    """One transaction: new reports and their jobs in bulk, duplicates as `duplicate` jobs."""
    now = timezone.now()
    cite = citation_fields(citation)
    hashes = [member_hash(member) for member in members]
    with transaction.atomic():
        known = dict(Report.objects.filter(content_hash__in=set(hashes)).values_list("content_hash", "id"))
        fresh: dict[str, Report] = {}
        for member, digest in zip(members, hashes, strict=True):
            if digest not in known and digest not in fresh:
                fresh[digest] = _report(member, digest, cite)
        if fresh:
            try:
                with transaction.atomic():
                    Report.objects.bulk_create(fresh.values())
            except IntegrityError:
                # Someone received some of the same bytes concurrently: fall back to one at a time.
                for digest, report in list(fresh.items()):
                    report.pk = None
                    try:
                        with transaction.atomic():
                            report.save(force_insert=True)
                    except IntegrityError:
                        known[digest] = Report.objects.values_list("id", flat=True).get(content_hash=digest)
                        del fresh[digest]
        jobs: list[IngestJob] = []
        claimed: set[str] = set()
        for member, digest in zip(members, hashes, strict=True):
            if digest in fresh and digest not in claimed:
                claimed.add(digest)
                job = IngestJob(
                    report=fresh[digest], filename=clip(member.name, 500), batch=batch, created_by=user
                )
                if member.error:  # not a format the registry recognises: nothing for a worker to do
                    job.status, job.error, job.finished_at = IngestJob.Status.FAILED, member.error, now
                jobs.append(job)
            else:
                report_id = known[digest] if digest in known else fresh[digest].pk
                jobs.append(
                    IngestJob(
                        report_id=report_id,
                        filename=clip(member.name, 500),
                        batch=batch,
                        created_by=user,
                        status=IngestJob.Status.DUPLICATE,
                        error=f"same content as report {report_id}",
                        finished_at=now,
                    )
                )
        IngestJob.objects.bulk_create(jobs)
        to_run = [job.pk for job in jobs if job.status == IngestJob.Status.QUEUED]
        if queue and to_run:
            transaction.on_commit(lambda: _enqueue_after_commit(to_run, batch_size))
    return jobs


def _enqueue_after_commit(job_ids: list[int], batch_size: int | None) -> None:
    """The rows are committed by now: a broker that is down must not turn the receipt into an
    error. The jobs stay `queued`; `manage.py ingest --requeue` (or the admin's retry) sends them
    again once the broker is back."""
    try:
        jobs_enqueue(job_ids=job_ids, batch_size=batch_size)
    except TRANSIENT_ERRORS:
        logger.exception("could not queue %d ingest job(s); they stay queued in the database", len(job_ids))


def _receive_rejected_archive(
    *, data: bytes, filename: str, error: str, user, batch: uuid.UUID | None
) -> IngestJob:
    """A container refused as a whole: its bytes are kept in a report of the container's format,
    its job failed."""
    digest = content_hash(data)
    now = timezone.now()
    container = FORMATS.container_for(data, filename)
    with transaction.atomic():
        report = Report.objects.filter(content_hash=digest).first()
        if report is not None:
            return IngestJob.objects.create(
                report=report,
                filename=clip(filename, 500),
                batch=batch,
                created_by=user,
                status=IngestJob.Status.DUPLICATE,
                error=f"same bytes as report {report.pk}",
                finished_at=now,
            )
        report = Report.objects.create(
            raw=data,
            content_hash=digest,
            filename=clip(filename, 500),
            format=FORMATS.validate(container.name) if container else "",
            parse_status=Report.ParseStatus.FAILED,
            parse_error=error,
        )
        return IngestJob.objects.create(
            report=report,
            filename=clip(filename, 500),
            batch=batch,
            created_by=user,
            status=IngestJob.Status.FAILED,
            error=error,
            finished_at=now,
        )


def reports_receive(
    *,
    data: bytes,
    filename: str,
    citation: dict | None = None,
    user=None,
    batch: uuid.UUID | None = None,
    queue: bool = True,
    batch_size: int | None = None,
) -> list[IngestJob]:
    """Receive a file that may be a container: one job per document it holds (zip members, lines
    of a .jsonl), or one failed job keeping the bytes when the container is refused as a whole."""
    user = user if getattr(user, "is_authenticated", False) else None
    try:
        members = readers.split(data, filename)
    except ReaderError as error:
        return [
            _receive_rejected_archive(data=data, filename=filename, error=str(error), user=user, batch=batch)
        ]
    if not members:
        return [
            _receive_rejected_archive(
                data=data, filename=filename, error=f"{filename}: no documents inside", user=user, batch=batch
            )
        ]
    return receive_members(
        members, citation=citation, user=user, batch=batch, queue=queue, batch_size=batch_size
    )


def report_receive(
    *,
    data: bytes,
    filename: str,
    citation: dict | None = None,
    user=None,
    batch: uuid.UUID | None = None,
    queue: bool = True,
) -> IngestJob:
    """Receive one report: store it and its job, queue the job after commit; the same bytes again
    give a `duplicate` job pointing at the existing report. A container (.zip, multi-line .jsonl)
    gives several jobs: this returns the first, `reports_receive` returns them all."""
    return reports_receive(
        data=data, filename=filename, citation=citation, user=user, batch=batch, queue=queue
    )[0]


def reports_receive_many(
    *,
    documents: Iterable[tuple[str, bytes]],
    user=None,
    batch: uuid.UUID | None = None,
    queue: bool = True,
    batch_size: int | None = None,
    chunk: int = 200,
    progress: Callable[[int], None] | None = None,
) -> list[IngestJob]:
    """Receive many files (a folder, thousands of phenopackets) in chunked bulk transactions."""
    jobs: list[IngestJob] = []
    pending: list[Member] = []
    user = user if getattr(user, "is_authenticated", False) else None

    def flush(*, partial: bool = False) -> None:
        # Commit (and so queue) chunk by chunk: the workers start on the first chunk while the
        # rest is still being received, even when one .jsonl or .zip holds thousands of reports.
        while pending and (len(pending) >= chunk or not partial):
            part = pending[:chunk]
            del pending[:chunk]
            jobs.extend(
                receive_members(
                    part, citation=None, user=user, batch=batch, queue=queue, batch_size=batch_size
                )
            )
            if progress:
                progress(len(jobs))

    for name, data in documents:
        try:
            members = readers.split(data, name)
        except ReaderError as error:
            flush()
            jobs.append(
                _receive_rejected_archive(data=data, filename=name, error=str(error), user=user, batch=batch)
            )
            continue
        pending.extend(members)
        flush(partial=True)
    flush()
    return jobs
