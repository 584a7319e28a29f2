"""End-to-end ingestion throughput: from receiving files to committed cases, with real Celery
worker processes over the configured broker and PostgreSQL.

    .venv/bin/python benchmarks/bench_ingest.py [--reports 1000] [--single 300]
        [--phenopackets 7340] [--workers 2] [--keep]

Three runs in one process, each on fresh reports (so none is a duplicate):
  batched   text reports of 2-8 KB, INGEST_BATCH_SIZE jobs per task (how `manage.py ingest` works)
  single    the same kind of reports, one task per report (the baseline); ratio printed
  phenopackets  ../shared/corpus/phenopackets/phenopacket-store-dev.jsonl, batched

It uses a database of its own (`<DB>_bench` on the configured server: created, migrated and
loaded with the vocabularies on first use, emptied before each run) and a queue of its own, so
it neither reads nor disturbs the development data. The time per report spent in the extraction
pipeline, the preparing, the bulk write and the job bookkeeping are measured per report in this
process as well (no competition from the workers), to show what part of the time is the write path.
Django runs with DEBUG off, as deployed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
from benchmarks.common import use_benchmark_database  # noqa: E402 - after sys.path

# Measured as deployed: with DEBUG on, Django keeps the SQL of every query, which costs the bulk
# writes of an import a third of their time. No secret is needed for a local measurement.
os.environ["DEBUG"] = "0"
os.environ.setdefault("REGISTRY_ALLOW_DEV_SECRET", "1")
CORPUS = REPO.parent / "shared" / "corpus"


def _setup_database() -> str:
    return use_benchmark_database("bench")


def _empty() -> None:
    from django.apps import apps

    from cases.models import Case, IngestJob, Report

    Case.objects.all().delete()
    IngestJob.objects.all().delete()
    Report.objects.all().delete()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()


def _texts() -> list[str]:
    """Case-report texts of 2-8 KB: the corpus reports in that range, else the bundled samples
    grown to size (each sample repeated with its paragraphs in a different order)."""
    texts = []
    for path in sorted((CORPUS / "dev-en").glob("*.txt")) + sorted((CORPUS / "dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if 2048 <= len(text.encode()) <= 8192:
            texts.append(text)
    if len(texts) < 5:
        rng = random.Random(7)
        for path in sorted((REPO / "ingest" / "samples").glob("*.txt")):
            paragraphs = path.read_text(encoding="utf-8").split("\n")
            text = "\n".join(paragraphs)
            while len(text.encode()) < 2048:
                rng.shuffle(paragraphs)
                text += "\n" + "\n".join(paragraphs)
            texts.append(text)
    return texts


def _documents(texts: list[str], count: int, tag: str) -> list[tuple[str, bytes]]:
    # A unique last line keeps every report's bytes distinct (no duplicates) without changing
    # what the extractor sees in the case text.
    return [
        (f"{tag}-{index}.txt", f"{texts[index % len(texts)]}\n\n[{tag} {index}]\n".encode())
        for index in range(count)
    ]


class Workers:
    def __init__(self, processes: int, queue: str) -> None:
        self.ready = Path(tempfile.mkdtemp()) / "ready"
        env = dict(os.environ, INGEST_QUEUE=queue, INGEST_WORKER_READY_FILE=str(self.ready))
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
                str(processes),
                "-Q",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=REPO,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit("the worker did not start")
            time.sleep(0.2)
        time.sleep(1.0)  # let the pool children finish forking

    def stop(self) -> None:
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _run(label: str, documents: list[tuple[str, bytes]], *, batch_size: int | None, timeout: float) -> dict:
    from collections import Counter

    from cases.models import Case, IngestJob
    from ingest import services

    batch = uuid.uuid4()
    started = time.perf_counter()
    jobs = services.reports_receive_many(documents=documents, batch=batch, batch_size=batch_size)
    received = time.perf_counter() - started
    total = len(jobs)
    while True:
        counts = Counter(IngestJob.objects.filter(batch=batch).values_list("status", flat=True))
        finished = counts["done"] + counts["failed"] + counts["duplicate"]
        if finished >= total:
            break
        if time.perf_counter() - started > timeout:
            print(f"  {label}: timed out with {total - finished} jobs unfinished")
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    cases = Case.objects.filter(report__jobs__batch=batch).distinct().count()
    result = {
        "label": label,
        "reports": total,
        "cases": cases,
        "failed": counts["failed"],
        "receive_s": received,
        "elapsed_s": elapsed,
        "rate": total / elapsed,
    }
    print(
        f"  {label:<13} {total:>6} reports -> {cases:>6} cases, {counts['failed']} failed; "
        f"receive {received:6.2f} s, end-to-end {elapsed:7.2f} s = {total / elapsed:7.1f} reports/s",
        flush=True,
    )
    return result


def _breakdown(texts: list[str], count: int = 200) -> dict[str, float]:
    """Milliseconds per text report, in this process (no competition from the benchmark's own
    workers): the extraction pipeline, the rest of preparing (decode, vocabulary mapping, building
    rows), the bulk write, and the job bookkeeping around them."""
    from ingest import services
    from ingest.services import decode, parse

    _empty()
    documents = _documents(texts, count + 1, "breakdown")
    jobs = services.reports_receive_many(documents=documents, queue=False)
    services.jobs_run(job_ids=[jobs[0].pk])  # warm-up
    spent = {"extract": 0.0, "prepare": 0.0, "write": 0.0}
    # The functions timed, as the services look them up (module attributes).
    where = {
        "extract": (decode, "extract"),
        "prepare": (parse, "prepare"),
        "write": (parse, "write_prepared"),
    }
    originals = {name: getattr(module, attribute) for name, (module, attribute) in where.items()}

    def timed(name):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for name, (module, attribute) in where.items():
        setattr(module, attribute, timed(name))
    try:
        ids = [job.pk for job in jobs[1:]]
        started = time.perf_counter()
        for start in range(0, len(ids), 50):
            services.jobs_run(job_ids=ids[start : start + 50])
        total = time.perf_counter() - started
    finally:
        for name, (module, attribute) in where.items():
            setattr(module, attribute, originals[name])
    per = {name: 1000 * value / count for name, value in spent.items()}
    return {
        "total": 1000 * total / count,
        "extraction": per["extract"],
        "prepare (decode, map, build rows)": per["prepare"] - per["extract"],
        "bulk write (reports, cases, history, facts)": per["write"],
        "claim, lease, job status": 1000 * total / count - per["prepare"] - per["write"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=1000, help="text reports, batched run")
    parser.add_argument("--single", type=int, default=300, help="text reports, one-task-per-report run")
    parser.add_argument("--phenopackets", type=int, default=None, help="how many (default all)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    database = _setup_database()
    from django.conf import settings

    queue = f"bench-ingest-{uuid.uuid4().hex[:8]}"
    settings.INGEST_QUEUE = queue
    texts = _texts()
    sizes = sorted(len(text.encode()) for text in texts)
    print(
        f"database {database}; broker {'filesystem' if settings.USING_EMBEDDED_BROKER else 'redis'}; "
        f"{args.workers} worker processes; batch size {settings.INGEST_BATCH_SIZE}; "
        f"{len(texts)} source texts of {sizes[0]}-{sizes[-1]} bytes",
        flush=True,
    )
    workers = Workers(args.workers, queue)
    results = {}
    try:
        _empty()
        results["batched"] = _run(
            "batched", _documents(texts, args.reports, "batched"), batch_size=None, timeout=args.timeout
        )
        _empty()
        results["single"] = _run(
            "single", _documents(texts, args.single, "single"), batch_size=1, timeout=args.timeout
        )
        store = CORPUS / "phenopackets" / "phenopacket-store-dev.jsonl"
        if store.exists():
            _empty()
            data = store.read_bytes()
            if args.phenopackets:
                data = b"".join(data.splitlines(keepends=True)[: args.phenopackets])
            results["phenopackets"] = _run(
                "phenopackets", [(store.name, data)], batch_size=None, timeout=args.timeout
            )
        else:
            print(f"  phenopackets: {store} absent, skipped")
    finally:
        workers.stop()

    breakdown = _breakdown(texts)
    batched, single = results["batched"], results["single"]
    print()
    print(f"batched / one-task-per-report throughput: {batched['rate'] / single['rate']:.2f}x")
    print(f"per text report in one process, {breakdown['total']:.1f} ms:")
    for name, value in breakdown.items():
        if name != "total":
            print(f"  {name:<45} {value:6.1f} ms  {100 * value / breakdown['total']:4.0f}%")
    print(f"worker-process time per text report in the run: {1000 * args.workers / batched['rate']:.1f} ms")
    print(f"target >= 50 reports/s for 2-8 KB text: {'met' if batched['rate'] >= 50 else 'NOT met'}")
    if "phenopackets" in results:
        pp = results["phenopackets"]
        verdict = "met" if pp["elapsed_s"] < 120 else "NOT met"
        print(f"target: {pp['reports']} phenopackets in < 120 s: {pp['elapsed_s']:.1f} s, {verdict}")


if __name__ == "__main__":
    main()
