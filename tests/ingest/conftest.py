"""Fixtures of the ingestion tests: a real Celery worker process on the real broker, and small
generated documents (PDF, zip) built here rather than shipped as binaries."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_DIR

SAMPLES_DIR = REPO_DIR / "ingest" / "samples"


def make_pdf(pages: list[str] | None, *, with_text: bool = True) -> bytes:
    """A valid PDF whose pages carry `pages` as a text layer (Helvetica, one line each), or
    blank pages when with_text is False (a scan without OCR looks like that to a reader)."""
    pages = pages or [""]
    objects: list[bytes] = []
    page_ids = [4 + 2 * index for index in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(len(pages)).encode() + b" >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for index, text in enumerate(pages):
        content_id = page_ids[index] + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents " + str(content_id).encode() + b" 0 R >>"
        )
        if with_text:
            lines = [
                line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                for line in text.split("\n")
            ]
            body = (
                b"BT /F1 11 Tf 50 740 Td 14 TL "
                + b" ".join(f"({line}) Tj T*".encode("latin-1") for line in lines)
                + b" ET"
            )
        else:
            body = b"0 0 1 rg 50 50 100 100 re f"
        objects.append(b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


class Worker:
    """A `celery worker` process on its own queue, started and stopped by a test."""

    def __init__(self, env: dict[str, str], queue: str, tmp: Path) -> None:
        self.env, self.queue, self.tmp = env, queue, tmp
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(
        self, *, extra_env: dict[str, str] | None = None, concurrency: int = 1, timeout: float = 90
    ) -> None:
        self.starts += 1
        ready = self.tmp / f"worker-ready-{self.starts}"
        env = dict(
            self.env, INGEST_QUEUE=self.queue, INGEST_WORKER_READY_FILE=str(ready), **(extra_env or {})
        )
        self.log = self.tmp / f"worker-{self.starts}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "registry",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "-Q",
                self.queue,
                "--hostname",
                f"{self.queue}-{self.starts}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=REPO_DIR,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a SIGKILL reaches the pool children too
        )
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log_text()}")
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"worker not ready within {timeout} s:\n{self.log_text()}")
            time.sleep(0.1)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker and its pool children: no shutdown handler runs, nothing is acked."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def worker_factory(live_db, subprocess_env, settings, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real Celery workers on a queue of this test's own (so that no other worker running
    on the same broker takes its jobs); every worker is killed at teardown."""
    queue = f"test-ingest-{uuid.uuid4().hex[:10]}"
    settings.INGEST_QUEUE = queue
    workers: list[Worker] = []

    def start(**kwargs) -> Worker:
        # Each worker its own folder for its ready file and log (a second worker must not
        # overwrite the first one's log).
        folder = tmp_path / f"worker-{len(workers) + 1}"
        folder.mkdir()
        worker = Worker(subprocess_env, queue, folder)
        workers.append(worker)
        worker.start(**kwargs)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        worker.kill()


def wait_for_jobs(
    job_ids: list[int], *, timeout: float = 90, statuses=("done", "failed", "duplicate")
) -> dict[int, str]:
    from cases.models import IngestJob

    deadline = time.monotonic() + timeout
    while True:
        found = dict(IngestJob.objects.filter(pk__in=job_ids).values_list("id", "status"))
        if all(found.get(job_id) in statuses for job_id in job_ids):
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs not finished within {timeout} s: {found}")
        time.sleep(0.2)
