"""`manage.py ingest PATH...`: receive files and folders as reports and queue them for the workers.

    --sync   parse in this process (no worker needed)
    --wait   wait until the workers have finished every job, showing progress
    --requeue  send again jobs left behind by a dead worker or a broker outage (workers re-queue
               a dead worker's jobs by themselves once its lease runs out)

The final summary counts done / duplicate / failed jobs and lists the reasons for failures.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import IngestJob
from ingest import readers
from ingest.formats import FORMATS
from ingest.services.jobs import job_run, jobs_recover
from ingest.services.receive import reports_receive_many

FINISHED = {IngestJob.Status.DONE, IngestJob.Status.FAILED, IngestJob.Status.DUPLICATE}


class Progress:
    """A one-line text progress bar on the command's stderr (redrawn in place on a terminal,
    every 10% when the output is a log file)."""

    def __init__(self, stream, label: str, total: int) -> None:
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1

    def update(self, done: int, extra: str = "") -> None:
        fraction = min(done / self.total, 1.0)
        tenth = int(fraction * 10)
        if not self.tty and tenth == self.last_tenth and done < self.total:
            return
        self.last_tenth = tenth
        width = 30
        bar = "#" * int(fraction * width) + "." * (width - int(fraction * width))
        rate = done / max(time.monotonic() - self.started, 1e-6)
        line = f"{self.label} [{bar}] {done}/{self.total} {fraction:4.0%} {rate:6.1f}/s {extra}"
        self.stream.write(("\r" + line) if self.tty else line + "\n", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n", ending="")
            self.stream.flush()


def _documents(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    for root in paths:
        for path in readers.iter_path(root):
            name = str(path.relative_to(root.parent)) if root.is_dir() else path.name
            yield name, path.read_bytes()


class Command(BaseCommand):
    help = f"Ingest case reports ({' '.join(FORMATS.suffixes())}; folders recursively)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)
        parser.add_argument("--sync", action="store_true", help="parse in this process, without a worker")
        parser.add_argument("--wait", action="store_true", help="wait for the workers to finish the jobs")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="jobs per worker task (default INGEST_BATCH_SIZE)"
        )
        parser.add_argument("--timeout", type=float, default=3600, help="seconds --wait waits at most")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--requeue",
            action="store_true",
            help="send again the jobs left behind (running under a lease that ran out, i.e. their "
            "worker died, or queued for longer than --older-than minutes, e.g. after the broker was "
            "down); every worker does the first part by itself; no PATH needed",
        )
        parser.add_argument("--older-than", type=float, default=10.0, help="minutes, for --requeue")

    def handle(self, *args, paths: list[Path], sync: bool, wait: bool, **options) -> None:
        if options["requeue"]:
            ids = jobs_recover(include_queued_older_than=timedelta(minutes=options["older_than"]))
            self.stdout.write(f"re-queued {len(ids)} job(s)")
            if not paths:
                return
        if not paths:
            raise CommandError("give at least one file or folder to ingest")
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        batch = uuid.uuid4()
        err = self.stderr if not options["quiet_progress"] else None
        files = sum(1 for root in paths for _ in readers.iter_path(root))
        receiving = Progress(err, "received", files) if err else None
        count = 0

        def counted() -> Iterator[tuple[str, bytes]]:
            nonlocal count
            for item in _documents(paths):
                count += 1
                if receiving:
                    receiving.update(count)
                yield item

        jobs = reports_receive_many(
            documents=counted(), batch=batch, queue=not sync, batch_size=options["batch_size"]
        )
        if receiving:
            receiving.finish()
        to_run = [job.pk for job in jobs if job.status == IngestJob.Status.QUEUED]
        if sync and to_run:
            parsing = Progress(err, "parsed", len(to_run)) if err else None
            for index, job_id in enumerate(to_run, 1):
                job_run(job_id=job_id)
                if parsing:
                    parsing.update(index)
            if parsing:
                parsing.finish()
        elif wait and to_run:
            self._wait(batch, len(jobs), options["timeout"], err)
        self._summary(batch, waited=sync or wait)

    def _wait(self, batch: uuid.UUID, total: int, timeout: float, err) -> None:
        progress = Progress(err, "parsed", total) if err else None
        deadline = time.monotonic() + timeout
        while True:
            counts = Counter(IngestJob.objects.filter(batch=batch).values_list("status", flat=True))
            finished = sum(counts[status] for status in FINISHED)
            if progress:
                progress.update(finished, f"failed {counts[IngestJob.Status.FAILED]}")
            if finished >= total:
                break
            if time.monotonic() > deadline:
                if progress:
                    progress.finish()
                raise CommandError(
                    f"gave up waiting after {timeout:.0f} s: {total - finished} job(s) unfinished "
                    "(is a worker running? `celery -A registry worker`)"
                )
            time.sleep(0.5)
        if progress:
            progress.finish()

    def _summary(self, batch: uuid.UUID, *, waited: bool) -> None:
        jobs = IngestJob.objects.filter(batch=batch)
        counts = Counter(jobs.values_list("status", flat=True))
        parts = [
            f"{counts[status]} {status}" for status in ("done", "duplicate", "failed", "queued", "running")
        ]
        self.stdout.write("summary: " + ", ".join(parts) + f" (batch {batch})")
        if not waited and counts["queued"]:
            self.stdout.write("queued jobs are parsed by the Celery workers; `--wait` follows them")
        failures = jobs.filter(status=IngestJob.Status.FAILED).order_by("id").values_list("filename", "error")
        for filename, error in failures[:50]:
            self.stdout.write(f"  failed {filename}: {error}")
        if counts["failed"] > 50:
            self.stdout.write(f"  … and {counts['failed'] - 50} more failed jobs")
