"""Writes of the ingestion flow: receive reports, run jobs, parse and re-parse reports into cases.

The flow (DESIGN.md): receiving stores the Report (raw bytes exactly as received, SHA-256 content
hash) and an IngestJob in one transaction and queues the job after commit; a worker claims the job,
decodes the report (ingest.readers), runs the extraction pipeline or the phenopacket importer and
writes the cases and their facts in one transaction. The job row is the state of the work: the
broker only carries job ids, so a message delivered twice, or re-queued after a worker died, finds
the row already done and does nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import (
    OUTCOME_CODES,
    Agent,
    Analyte,
    Case,
    Diagnosis,
    Disease,
    Fact,
    IngestJob,
    Measurement,
    Outcome,
    PhenotypicFeature,
    Provenance,
    Report,
    Term,
    Treatment,
)
from cases.phenopackets import route_from_code
from cases.services import case_refresh_search_columns
from ingest import readers
from ingest.readers import Member, ReaderError

logger = logging.getLogger(__name__)

IMPORTER_VERSION = "phenopackets-v2-import-1"
MAX_ATTEMPTS = 3  # claims of one job before it is failed as a poison pill (worker died each time)


def _transient_errors() -> tuple[type[BaseException], ...]:
    """Errors worth retrying: the database or broker went away for a moment. Everything else
    (bad input, a bug) fails the job at once with its message."""
    from kombu.exceptions import OperationalError as BrokerOperationalError

    errors: list[type[BaseException]] = [
        OperationalError,
        InterfaceError,
        BrokerOperationalError,
        ConnectionError,
    ]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency via celery[redis]
        pass
    return tuple(errors)


TRANSIENT_ERRORS = _transient_errors()


class ParseError(Exception):
    """A report that decoded but could not become cases (e.g. the pipeline reported an error)."""


# --- receiving -----------------------------------------------------------------------------------


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _clip(value: object, length: int) -> str:
    return str(value or "")[:length]


def _citation_fields(citation: dict | None) -> dict:
    """Report columns from a citation dict (title, journal, year, pmid, doi, authors)."""
    if not citation:
        return {}
    out: dict = {}
    if citation.get("title"):
        out["title"] = str(citation["title"])
    if citation.get("journal"):
        out["journal"] = _clip(citation["journal"], 500)
    year = citation.get("year")
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = None
        if year is not None and 1800 <= year <= 2100:
            out["year"] = year
    if citation.get("pmid"):
        out["pmid"] = _clip(re.sub(r"^PMID:\s*", "", str(citation["pmid"]), flags=re.I), 20)
    if citation.get("doi"):
        out["doi"] = _clip(citation["doi"], 200)
    authors = citation.get("authors")
    if isinstance(authors, list):
        out["authors"] = [str(author) for author in authors][:200]
    return out


def _guess_format(name: str) -> str:
    suffix = name.split("#", 1)[0].rsplit(".", 1)
    ext = f".{suffix[1].lower()}" if len(suffix) == 2 else ""
    fmt = readers.EXTENSIONS.get(ext, readers.TEXT)
    return readers.TEXT if fmt == readers.ARCHIVE else fmt


def _receive_members(
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
    cite = _citation_fields(citation)
    hashes = [content_hash(member.data) for member in members]
    with transaction.atomic():
        known = dict(Report.objects.filter(content_hash__in=set(hashes)).values_list("content_hash", "id"))
        fresh: dict[str, Report] = {}
        for member, digest in zip(members, hashes, strict=True):
            if digest not in known and digest not in fresh:
                fresh[digest] = Report(
                    raw=member.data,
                    content_hash=digest,
                    filename=_clip(member.name, 500),
                    format=_guess_format(member.name),
                    **cite,
                )
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
                jobs.append(
                    IngestJob(
                        report=fresh[digest], filename=_clip(member.name, 500), batch=batch, created_by=user
                    )
                )
            else:
                report_id = known[digest] if digest in known else fresh[digest].pk
                jobs.append(
                    IngestJob(
                        report_id=report_id,
                        filename=_clip(member.name, 500),
                        batch=batch,
                        created_by=user,
                        status=IngestJob.Status.DUPLICATE,
                        error=f"same bytes as report {report_id}",
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
    """A container refused as a whole: its bytes are kept in an archive report, its job failed."""
    digest = content_hash(data)
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.filter(content_hash=digest).first()
        if report is not None:
            return IngestJob.objects.create(
                report=report,
                filename=_clip(filename, 500),
                batch=batch,
                created_by=user,
                status=IngestJob.Status.DUPLICATE,
                error=f"same bytes as report {report.pk}",
                finished_at=now,
            )
        report = Report.objects.create(
            raw=data,
            content_hash=digest,
            filename=_clip(filename, 500),
            format=Report.Format.ARCHIVE,
            parse_status=Report.ParseStatus.FAILED,
            parse_error=error,
        )
        return IngestJob.objects.create(
            report=report,
            filename=_clip(filename, 500),
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
        members = readers.expand(data, filename)
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
    return _receive_members(
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
                _receive_members(
                    part, citation=None, user=user, batch=batch, queue=queue, batch_size=batch_size
                )
            )
            if progress:
                progress(len(jobs))

    for name, data in documents:
        try:
            members = readers.expand(data, name)
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


def jobs_enqueue(*, job_ids: Sequence[int], batch_size: int | None = None) -> int:
    """Send job ids to the workers: one task for a single job, batches of INGEST_BATCH_SIZE
    otherwise so that per-task overhead does not dominate a bulk import. Returns tasks sent."""
    from ingest.tasks import ingest_job, ingest_jobs_batch

    queue = settings.INGEST_QUEUE
    size = batch_size or settings.INGEST_BATCH_SIZE
    ids = list(job_ids)
    if len(ids) == 1 or size == 1:
        for job_id in ids:
            ingest_job.apply_async((job_id,), queue=queue)
        return len(ids)
    sent = 0
    for start in range(0, len(ids), size):
        ingest_jobs_batch.apply_async((ids[start : start + size],), queue=queue)
        sent += 1
    return sent


# --- running a job -------------------------------------------------------------------------------


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
        prepared: list[tuple[IngestJob, _Prepared]] = []
        for index, job in enumerate(jobs):
            try:
                if job.report is None:
                    raise ParseError("the job has no report")
                if before_parse is not None:
                    before_parse(job)
                report = job.report
                if report.format == Report.Format.ARCHIVE or report.parse_status == Report.ParseStatus.PARSED:
                    # Rare paths (a refused archive retried, a report parsed before): one at a time.
                    with transaction.atomic():
                        if report.format == Report.Format.ARCHIVE:
                            _archive_expand(report=report, job=job)
                        else:
                            report_parse(report=report)
                    result.done.append(job.pk)
                else:
                    prepared.append((job, _prepare(report)))
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
                    _write([item for _, item in prepared])
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
                            _write([item])
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
    members = readers.expand(bytes(report.raw), report.filename)
    _receive_members(
        members, citation=None, user=job.created_by, batch=job.batch, queue=True, batch_size=None
    )
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


# --- parsing -------------------------------------------------------------------------------------


class _Vocab:
    """Vocabulary ids by code or name, loaded once per process: a bulk import would otherwise
    spend more time on look-ups than on writing."""

    TTL = 300.0

    def __init__(self) -> None:
        # None, not 0.0: the monotonic clock starts near zero at boot, so "0.0 seconds ago" could
        # look fresh on a machine up for less than TTL and the tables would never be read.
        self.loaded_at: float | None = None

    def ensure(self) -> None:
        if self.loaded_at is not None and time.monotonic() - self.loaded_at < self.TTL:
            return
        self.ancestors = dict(Term.objects.values_list("id", "ancestor_ids"))
        self.term_ids = set(self.ancestors)
        self.diseases = dict(Disease.objects.values_list("code", "id"))
        self.agents: dict[str, int] = {}
        for agent_id, en, zh in Agent.objects.values_list("id", "synonyms_en", "synonyms_zh"):
            for synonym in (*en, *zh):
                self.agents.setdefault(synonym.strip().lower(), agent_id)
        # The INN wins over a synonym another agent happens to share.
        for agent_id, name in Agent.objects.values_list("id", "name"):
            self.agents[name.strip().lower()] = agent_id
        self.analytes: dict[str, int] = {}
        for analyte_id, en, zh in Analyte.objects.values_list("id", "synonyms_en", "synonyms_zh"):
            for synonym in (*en, *zh):
                self.analytes.setdefault(synonym.strip().lower(), analyte_id)
        for analyte_id, name in Analyte.objects.values_list("id", "name"):
            self.analytes[name.strip().lower()] = analyte_id
        self.loaded_at = time.monotonic()

    def term(self, code: object) -> int | None:
        if not isinstance(code, str) or not code.startswith("HP:"):
            return None
        try:
            number = int(code[3:])
        except ValueError:
            return None
        return number if number in self.term_ids else None

    def disease(self, code: object) -> int | None:
        return self.diseases.get(code) if isinstance(code, str) else None

    def agent(self, *names: object) -> int | None:
        for name in names:
            if isinstance(name, str) and (found := self.agents.get(name.strip().lower())):
                return found
        return None

    def agent_or_create(self, name: str, code: object = None) -> int:
        """The agent for a treatment, creating it when the vocabulary lacks it: the pipeline
        names agents by INN from a wider drug dictionary than the curated lexicon, and a drug
        without a row could be neither filtered on nor counted in the facets."""
        found = self.agent(name, code)
        if found is not None:
            return found
        key = name.strip().lower()
        has_code = isinstance(code, str) and code and not code.startswith("HP:")
        defaults = {"code": code[:32]} if has_code else {}
        agent, _created = Agent.objects.get_or_create(name=key, defaults=defaults)
        self.agents[key] = agent.pk
        return agent.pk

    def analyte(self, name: object) -> int | None:
        return self.analytes.get(name.strip().lower()) if isinstance(name, str) else None


_vocab = _Vocab()


def vocabulary_cache_clear() -> None:
    _vocab.loaded_at = None


def _evidence(item: dict, text_length: int | None) -> dict:
    evidence = item.get("evidence")
    if not isinstance(evidence, dict):
        return {}
    start, end = evidence.get("start"), evidence.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        return {"evidence_text": str(evidence.get("text") or "")}
    if text_length is not None and end > text_length:
        return {"evidence_text": str(evidence.get("text") or "")}
    return {"evidence_start": start, "evidence_end": end, "evidence_text": str(evidence.get("text") or "")}


def _float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _text(value: object, length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value if item)
    elif isinstance(value, dict):
        value = value.get("text") or value.get("label") or ""
    return str(value)[:length]


_ROUTES = set(Treatment.Route.values)
_INTERPRETATIONS = set(Measurement.Interpretation.values)
_DIRECTIONS = set(Outcome.Direction.values)
_DIAGNOSIS_STATUSES = set(Diagnosis.Status.values)


def _build_facts(
    case: Case, patient: dict, *, provenance: str, parser_version: str, text_length: int | None
) -> dict[type[Fact], list[Fact]]:
    """Unsaved fact rows for one patient of an extraction record."""
    common = {"case": case, "provenance": provenance, "parser_version": parser_version}
    facts: dict[type[Fact], list[Fact]] = {
        model: [] for model in (PhenotypicFeature, Diagnosis, Measurement, Treatment, Outcome)
    }
    for item in patient.get("features") or []:
        term_id = _vocab.term(item.get("code"))
        label = _text(item.get("label"), 500)
        if term_id is None and not label:
            continue
        facts[PhenotypicFeature].append(
            PhenotypicFeature(
                term_id=term_id,
                label=label,
                excluded=bool(item.get("excluded")),
                onset=_text(item.get("onset"), 100),
                severity=_text(item.get("severity"), 50),
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("diagnoses") or []:
        disease_id = _vocab.disease(item.get("code"))
        label = _text(item.get("label"), 500)
        if disease_id is None and not label:
            continue
        status = item.get("status") if item.get("status") in _DIAGNOSIS_STATUSES else Diagnosis.Status.FINAL
        facts[Diagnosis].append(
            Diagnosis(
                disease_id=disease_id, label=label, status=status, **_evidence(item, text_length), **common
            )
        )
    for item in patient.get("measurements") or []:
        analyte = _text(item.get("analyte"), 200)
        if not analyte:
            continue
        value = _float(item.get("value"))
        value_text = "" if value is not None or item.get("value") is None else _text(item.get("value"), 200)
        interpretation = item.get("interpretation") or ""
        facts[Measurement].append(
            Measurement(
                analyte=analyte,
                analyte_ref_id=_vocab.analyte(analyte),
                value=value,
                value_text=value_text or _text(item.get("value_text"), 200),
                comparator=_text(item.get("comparator"), 2),
                unit=_text(item.get("unit"), 50),
                interpretation=interpretation if interpretation in _INTERPRETATIONS else "",
                observed=_text(item.get("when") or item.get("observed"), 100),
                term_id=_vocab.term(item.get("code") or item.get("term")),
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("treatments") or []:
        name = _text(item.get("agent"), 200)
        if not name:
            continue
        route = str(item.get("route") or "").lower()
        dose = _float(item.get("dose"))
        facts[Treatment].append(
            Treatment(
                agent_id=_vocab.agent_or_create(name, item.get("code")),
                agent_name=name,
                dose=dose if dose is None or dose >= 0 else None,
                dose_unit=_text(item.get("unit") or item.get("dose_unit"), 30),
                route=route if route in _ROUTES else ("other" if route else ""),
                frequency=_text(item.get("frequency"), 60),
                duration=_text(item.get("duration"), 100),
                started=_text(item.get("start") or item.get("started"), 100),
                stopped=_text(item.get("stop") or item.get("stopped"), 100),
                stopped_because=_text(item.get("stopped_because"), 300),
                adverse_events=_text(item.get("adverse_events"), 300),
                dose_changes=item.get("dose_changes") if isinstance(item.get("dose_changes"), list) else [],
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("outcomes") or []:
        direction = item.get("direction")
        if direction not in _DIRECTIONS:
            continue
        facts[Outcome].append(
            Outcome(
                about=_text(item.get("about"), 300),
                term_id=_vocab.term(item.get("code")),
                direction=direction,
                series=item.get("series") if isinstance(item.get("series"), list) else [],
                follow_up=_text(item.get("follow_up"), 100),
                **_evidence(item, text_length),
                **common,
            )
        )
    return facts


def _search_columns(facts: dict[type[Fact], list[Fact]]) -> dict[str, list[int]]:
    """Case search columns from unsaved facts (see case_refresh_search_columns for the rules)."""
    features = [f for f in facts[PhenotypicFeature] if f.term_id is not None and not f.rejected]
    present = {f.term_id for f in features if not f.excluded}
    excluded = {f.term_id for f in features if f.excluded}
    closure = set(present)
    for term_id in present:
        closure.update(_vocab.ancestors.get(term_id, ()))
    return {
        "term_ids": sorted(closure),
        "excluded_term_ids": sorted(excluded - present),
        "disease_ids": sorted(
            {
                d.disease_id
                for d in facts[Diagnosis]
                if d.disease_id is not None and not d.rejected and d.status != Diagnosis.Status.DIFFERENTIAL
            }
        ),
        "agent_ids": sorted(
            {t.agent_id for t in facts[Treatment] if t.agent_id is not None and not t.rejected}
        ),
        "outcome_codes": sorted(
            {
                OUTCOME_CODES[o.direction]
                for o in facts[Outcome]
                if not o.rejected and o.direction in OUTCOME_CODES
            }
        ),
    }


def _fact_key(fact: Fact) -> tuple:
    """What makes two facts "the same finding", evidence aside: a machine fact matching a kept
    curator fact is not added again on re-parse."""
    if isinstance(fact, PhenotypicFeature):
        return ("feature", fact.term_id or fact.label.lower(), fact.excluded)
    if isinstance(fact, Diagnosis):
        return ("diagnosis", fact.disease_id or fact.label.lower(), fact.status)
    if isinstance(fact, Measurement):
        return ("measurement", fact.analyte.lower(), fact.value, fact.unit, fact.interpretation)
    if isinstance(fact, Treatment):
        return ("treatment", fact.agent_id or fact.agent_name.lower(), fact.dose, fact.dose_unit, fact.route)
    if isinstance(fact, Outcome):
        return ("outcome", fact.about.lower(), fact.direction)
    raise TypeError(type(fact))


def _case_fields(patient: dict, *, text_length: int | None) -> dict:
    sex = patient.get("sex") if patient.get("sex") in Case.Sex.values else Case.Sex.UNKNOWN
    fields: dict = {"sex": sex, "label": _text(patient.get("label"), 200)}
    age = patient.get("age") or {}
    years = _float(age.get("years")) if isinstance(age, dict) else None
    fields["age_years"] = years if years is not None and 0 <= years <= 130 else None
    evidence = _evidence(age, text_length) if isinstance(age, dict) else {}
    fields["age_text"] = _text(
        evidence.get("evidence_text") or (age.get("text") if isinstance(age, dict) else ""), 200
    )
    fields["age_start"] = evidence.get("evidence_start")
    fields["age_end"] = evidence.get("evidence_end")
    return fields


def _iso_years(duration: object) -> float | None:
    """ISO 8601 duration (P40Y6M) -> years."""
    if not isinstance(duration, str):
        return None
    match = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T.*)?",
        duration,
    )
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(part) if part else 0.0 for part in match.groups())
    return round(years + months / 12 + weeks / 52.18 + days / 365.25, 2)


def _time_text(element: object) -> str:
    """A phenopacket TimeElement as text (an age, an ontology class, a timestamp)."""
    if not isinstance(element, dict):
        return ""
    if isinstance(element.get("age"), dict):
        return str(element["age"].get("iso8601duration") or "")
    if isinstance(element.get("ontologyClass"), dict):
        return str(element["ontologyClass"].get("label") or element["ontologyClass"].get("id") or "")
    if element.get("timestamp"):
        return str(element["timestamp"])
    if isinstance(element.get("ageRange"), dict):
        start = (element["ageRange"].get("start") or {}).get("iso8601duration", "")
        end = (element["ageRange"].get("end") or {}).get("iso8601duration", "")
        return f"{start}-{end}"
    return ""


_PP_SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other"}
_PP_ROUTE = {
    "oral": "oral",
    "intravenous": "intravenous",
    "intramuscular": "intramuscular",
    "subcutaneous": "subcutaneous",
    "topical": "topical",
    "inhalation": "inhaled",
    "intrathecal": "intrathecal",
}


def phenopacket_patient(packet: dict) -> dict:
    """A GA4GH Phenopacket v2 as one patient of an extraction record (no evidence offsets: the
    facts come from structured data, not from text)."""
    subject = packet.get("subject") or {}
    patient: dict = {"sex": _PP_SEX.get(subject.get("sex"), "unknown"), "label": str(subject.get("id") or "")}
    encounter = subject.get("timeAtLastEncounter") or {}
    duration = (encounter.get("age") or {}).get("iso8601duration") if isinstance(encounter, dict) else None
    if duration:
        patient["age"] = {"years": _iso_years(duration), "text": duration}
    patient["features"] = [
        {
            "code": feature["type"].get("id"),
            "label": feature["type"].get("label", ""),
            "excluded": bool(feature.get("excluded")),
            "onset": _time_text(feature.get("onset")),
            "severity": (feature.get("severity") or {}).get("label", ""),
        }
        for feature in packet.get("phenotypicFeatures") or []
    ]
    diseases: dict[str, dict] = {}
    for disease in packet.get("diseases") or []:
        term = disease.get("term") or {}
        if term.get("id") and not disease.get("excluded"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    for interpretation in packet.get("interpretations") or []:
        term = ((interpretation.get("diagnosis") or {}).get("disease")) or {}
        if term.get("id"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    patient["diagnoses"] = list(diseases.values())
    measurements = []
    for measurement in packet.get("measurements") or []:
        assay = measurement.get("assay") or {}
        value = measurement.get("value") or {}
        item = {
            "analyte": assay.get("label") or assay.get("id") or "",
            "when": _time_text(measurement.get("timeObserved")),
        }
        if isinstance(value.get("quantity"), dict):
            item["value"] = value["quantity"].get("value")
            item["unit"] = (value["quantity"].get("unit") or {}).get("label", "")
        elif isinstance(value.get("ontologyClass"), dict):
            item["value_text"] = value["ontologyClass"].get("label") or value["ontologyClass"].get("id")
            label = str(item["value_text"]).lower()
            for word in ("high", "low", "normal", "positive", "negative", "abnormal"):
                if word in label:
                    item["interpretation"] = word
                    break
        measurements.append(item)
    patient["measurements"] = measurements
    treatments, outcomes = [], []
    for action in packet.get("medicalActions") or []:
        treatment = action.get("treatment") or {}
        if treatment:
            agent = treatment.get("agent") or {}
            doses = treatment.get("doseIntervals") or [{}]
            quantity = (doses[0] or {}).get("quantity") or {}
            route_term = treatment.get("routeOfAdministration") or {}
            route = str(route_term.get("label", "")).lower()
            treatments.append(
                {
                    "agent": str(agent.get("label") or agent.get("id") or "").lower(),
                    "code": agent.get("id"),
                    "dose": quantity.get("value"),
                    "unit": (quantity.get("unit") or {}).get("label", ""),
                    # NCIT codes first (what our export and most tools write), then plain labels.
                    "route": route_from_code(str(route_term.get("id", "")))
                    or _PP_ROUTE.get(route, "other" if route else ""),
                    "frequency": ((doses[0] or {}).get("scheduleFrequency") or {}).get("label", ""),
                    "stopped_because": (action.get("treatmentTerminationReason") or {}).get("label", ""),
                }
            )
        elif action.get("procedure"):
            code = action["procedure"].get("code") or {}
            treatments.append(
                {"agent": str(code.get("label") or code.get("id") or "procedure"), "code": code.get("id")}
            )
        response = (action.get("responseToTreatment") or {}).get("label", "").lower()
        direction = next(
            (
                d
                for word, d in (
                    ("improv", "improved"),
                    ("resolv", "resolved"),
                    ("remission", "resolved"),
                    ("stable", "stable"),
                    ("worse", "worsened"),
                    ("progress", "worsened"),
                    ("no response", "stable"),
                )
                if word in response
            ),
            None,
        )
        if direction:
            about = treatments[-1]["agent"] if treatments else ""
            outcomes.append({"about": f"response to {about}".strip(), "direction": direction})
    if (subject.get("vitalStatus") or {}).get("status") == "DECEASED":
        cause = (subject["vitalStatus"].get("causeOfDeath") or {}).get("label", "")
        outcomes.append({"about": cause or "death", "direction": "died"})
    patient["treatments"] = treatments
    patient["outcomes"] = outcomes
    return patient


def _pipeline_extract_function() -> Callable | None:
    import ingest.pipeline as pipeline

    function = getattr(pipeline, "extract", None)
    return function if callable(function) else None


# Captured now because importing the submodule ingest/pipeline/extract.py later rebinds the
# package attribute `ingest.pipeline.extract` from the function to that module.
_EXTRACT = _pipeline_extract_function()


def _extract(text: str, *, source: str | None) -> dict:
    """The pipeline's `extract`, robust to the name clash above (local adapter)."""
    function = _EXTRACT or _pipeline_extract_function()
    if function is not None:
        return function(text, source=source, language=None)
    import ingest.pipeline as pipeline

    record = pipeline._get_extractor().run(text, source=source, language=None)
    record["parser_version"] = pipeline.PARSER_VERSION
    return record


@dataclass
class _Parsed:
    patients: list[dict]
    provenance: str
    parser_version: str


def _decode_and_extract(report: Report) -> _Parsed:
    """Read the report's bytes and produce its patients; fills the report's decoded fields."""
    name = readers.member_format_name(report.filename) or f"report.{report.format}"
    document = readers.read_document(bytes(report.raw), name)
    report.format = document.format
    report.text = document.text
    report.encoding = document.encoding
    report.metadata = {**(report.metadata or {}), **document.metadata}
    # A citation given on receipt (API) wins over what the reader found in the file.
    for key, value in _citation_fields(document.citation).items():
        if not getattr(report, key):
            setattr(report, key, value)
    if document.format == readers.PHENOPACKET:
        report.language = report.language or "en"
        report.metadata["phenopacket_ids"] = [packet.get("id") for packet in document.phenopackets]
        return _Parsed(
            [phenopacket_patient(p) for p in document.phenopackets], Provenance.IMPORT, IMPORTER_VERSION
        )
    record = _extract(document.text, source=report.filename or None)
    if record.get("error"):
        raise ParseError(f"the extraction pipeline failed on this report: {record['error']}")
    language = record.get("language")
    report.language = language if language in ("zh", "en") else document.language
    patients = [patient for patient in record.get("patients") or [] if isinstance(patient, dict)]
    # A report always describes someone: keep an empty case for a curator rather than none.
    return _Parsed(patients or [{}], Provenance.MACHINE, str(record.get("parser_version") or ""))


_REPORT_PARSE_FIELDS = [
    "format",
    "text",
    "encoding",
    "language",
    "metadata",
    "title",
    "journal",
    "year",
    "pmid",
    "doi",
    "authors",
    "parse_status",
    "parse_error",
    "parser_version",
    "parsed_at",
]


def _mark_parsed(report: Report, parser_version: str) -> None:
    report.parse_status = Report.ParseStatus.PARSED
    report.parse_error = ""
    report.parser_version = parser_version[:40]
    report.parsed_at = timezone.now()


def _save_report(report: Report, parser_version: str) -> None:
    _mark_parsed(report, parser_version)
    report.save(update_fields=_REPORT_PARSE_FIELDS)


@dataclass
class _Prepared:
    """A report decoded and extracted, its cases and facts built but not yet written."""

    report: Report
    cases: list[Case]
    facts: list[dict[type[Fact], list[Fact]]]


def _prepare(report: Report) -> _Prepared:
    """Everything of a parse that needs no write: bad input fails here, before any row changes."""
    _vocab.ensure()
    parsed = _decode_and_extract(report)
    _mark_parsed(report, parsed.parser_version)
    text_length = len(report.text)
    prepared = _Prepared(report=report, cases=[], facts=[])
    for ordinal, patient in enumerate(parsed.patients, 1):
        case = Case(
            report=report,
            ordinal=ordinal,
            language=report.language,
            year=report.year,
            **_case_fields(patient, text_length=text_length),
        )
        facts = _build_facts(
            case,
            patient,
            provenance=parsed.provenance,
            parser_version=parsed.parser_version,
            text_length=text_length,
        )
        # The search columns computed from the facts in hand save re-reading them: the same
        # rules as cases.services.case_refresh_search_columns (a test holds them equal).
        for name, value in _search_columns(facts).items():
            setattr(case, name, value)
        prepared.cases.append(case)
        prepared.facts.append(facts)
    return prepared


def _reports_update(reports: Sequence[Report]) -> None:
    """Store the parsed fields of many reports in one parameterised UPDATE … FROM (VALUES …).
    (QuerySet.bulk_update builds a CASE expression per field and row, which costs more time to
    compile than the whole parse of a text report.)"""
    if len(reports) == 1:
        reports[0].save(update_fields=_REPORT_PARSE_FIELDS)
        return
    fields = [Report._meta.get_field(name) for name in _REPORT_PARSE_FIELDS]
    quote = connection.ops.quote_name
    casts = [model_field.db_type(connection) for model_field in fields]
    row = "(%s::bigint, " + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    params: list = []
    for report in reports:
        params.append(report.pk)
        for model_field in fields:
            params.append(model_field.get_db_prep_save(getattr(report, model_field.attname), connection))
    columns = ", ".join(quote(model_field.column) for model_field in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    # Identifiers come from the model's metadata, quoted; every value is a parameter.
    sql = (
        f"UPDATE {quote(Report._meta.db_table)} AS r SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(reports))}) AS v(id, {columns}) WHERE r.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write(items: Sequence[_Prepared]) -> None:
    """Write prepared reports in bulk: one UPDATE of the reports, one INSERT of the cases (and
    their history rows), one INSERT per fact table, however many reports there are."""
    from simple_history.utils import bulk_create_with_history

    cases = [case for item in items for case in item.cases]
    for case in cases:  # after a failed attempt the same objects are written again
        case.pk = None
        case._state.adding = True
    _reports_update([item.report for item in items])
    if cases:
        bulk_create_with_history(cases, Case)
    rows: dict[type[Fact], list[Fact]] = {}
    for item in items:
        for case, facts in zip(item.cases, item.facts, strict=True):
            for model, facts_of_model in facts.items():
                for fact in facts_of_model:
                    fact.pk = None
                    fact.case = case  # now with its id
                rows.setdefault(model, []).extend(facts_of_model)
    for model, facts_of_model in rows.items():
        if facts_of_model:
            model.objects.bulk_create(facts_of_model, batch_size=2000)


def report_parse(*, report: Report) -> list[Case]:
    """Decode a report and write its case(s) with their facts in one transaction. A report that
    already has cases is re-parsed instead (curators' facts kept), so running twice is harmless."""
    # Cases and parse_status=parsed are committed together, so the status says whether cases exist.
    if report.parse_status == Report.ParseStatus.PARSED and Case.objects.filter(report=report).exists():
        report_reparse(report=report)
        return list(Case.objects.filter(report=report).order_by("ordinal"))
    prepared = _prepare(report)
    with transaction.atomic():
        _write([prepared])
    return prepared.cases


@dataclass
class CaseChanges:
    case_id: int
    ordinal: int
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    kept_locked: int = 0
    created: bool = False
    deleted: bool = False


@dataclass
class ReparseSummary:
    """What a re-parse changed, per case, for the curation screen."""

    report_id: int
    parser_version: str
    cases: list[CaseChanges] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(case.added for case in self.cases)

    @property
    def removed(self) -> int:
        return sum(case.removed for case in self.cases)

    @property
    def kept_locked(self) -> int:
        return sum(case.kept_locked for case in self.cases)


def _replaceable(model: type[Fact], case: Case):
    return model.objects.filter(
        case=case, locked=False, rejected=False, provenance__in=[Provenance.MACHINE, Provenance.IMPORT]
    )


def report_reparse(*, report: Report, user=None) -> ReparseSummary:
    """Parse a report again (e.g. after a parser upgrade): unlocked machine/imported facts are
    replaced; every locked, curator-made or rejected fact is kept, and a new machine fact equal to
    a kept one is not added beside it. Case demographics change only while a case is unreviewed."""
    _vocab.ensure()
    report = Report.objects.get(pk=report.pk)
    parsed = _decode_and_extract(report)
    text_length = len(report.text)
    fact_models = (PhenotypicFeature, Diagnosis, Measurement, Treatment, Outcome)
    summary = ReparseSummary(report_id=report.pk, parser_version=parsed.parser_version)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        _save_report(report, parsed.parser_version)
        existing = {case.ordinal: case for case in Case.objects.select_for_update().filter(report=report)}
        for ordinal, patient in enumerate(parsed.patients, 1):
            fields = _case_fields(patient, text_length=text_length)
            case = existing.pop(ordinal, None)
            created = case is None
            if created:
                case = Case.objects.create(
                    report=report, ordinal=ordinal, language=report.language, year=report.year, **fields
                )
            elif case.status == Case.Status.MACHINE:
                for name, value in fields.items():
                    setattr(case, name, value)
                case.save()
            changes = CaseChanges(case_id=case.pk, ordinal=ordinal, created=created)
            new_facts = _build_facts(
                case,
                patient,
                provenance=parsed.provenance,
                parser_version=parsed.parser_version,
                text_length=text_length,
            )
            for model in fact_models:
                replaceable = list(_replaceable(model, case))
                kept = list(model.objects.filter(case=case).exclude(pk__in=[fact.pk for fact in replaceable]))
                kept_keys = {_fact_key(fact) for fact in kept}
                changes.kept_locked += len(kept)
                rows = [fact for fact in new_facts[model] if _fact_key(fact) not in kept_keys]
                old = Counter(_fact_key(fact) for fact in replaceable)
                new = Counter(_fact_key(fact) for fact in rows)
                changes.added += sum((new - old).values())
                changes.removed += sum((old - new).values())
                changes.unchanged += sum((old & new).values())
                model.objects.filter(pk__in=[fact.pk for fact in replaceable]).delete()
                if rows:
                    model.objects.bulk_create(rows)
            case_refresh_search_columns(case=case)
            summary.cases.append(changes)
        # Patients the new parse no longer finds: their machine facts go; the case goes too unless
        # a curator has worked on it.
        for ordinal, case in sorted(existing.items()):
            changes = CaseChanges(case_id=case.pk, ordinal=ordinal)
            for model in fact_models:
                replaceable = _replaceable(model, case)
                changes.removed += replaceable.count()
                replaceable.delete()
                changes.kept_locked += model.objects.filter(case=case).count()
            if not changes.kept_locked and case.status == Case.Status.MACHINE:
                case.delete()
                changes.deleted = True
            else:
                case_refresh_search_columns(case=case)
            summary.cases.append(changes)
    return summary
