"""Search at scale (issue 15), not a test: build and snapshot outside requests, search from the
index against PostgreSQL in the same run, memory of several web workers, and search while a
worker ingests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_scale.py --cases 100000 --database reg_scale_b100k [--reuse]

On the synthetic cases of bench_search.py (search_data.py, loaded with COPY unless --reuse finds
the same count), in this order:

1. build: `manage.py build_search_index` in a fresh process (build, similar state, snapshot write
   to PostgreSQL; its peak RSS), and the snapshot's size;
2. snapshot load in a fresh process, cold (after asking the kernel to drop its page cache, when
   allowed; said when not) and warm;
3. search p50/p95 per class (bench_search's narrow/medium/broad mix, facets counted afresh) three
   ways in one process: the in-memory index; the PostgreSQL fallback a process uses before a
   snapshot exists (fallback.py); and the best single SQL statement on the GIN-indexed array
   columns (filter on `term_ids @> …`, then `unnest … GROUP BY` for every facet, in one round
   trip) as the baseline;
4. patch rate: cases re-stamped (as curation or re-parsing does), then one refresh;
5. memory: gunicorn with --workers N (default 4) and preload (the master loads the snapshot and
   forks) against the same without preload (each worker loads its own): RSS, PSS (a shared page
   counted once across the processes sharing it) and private memory per process, and in total;
6. the API under load: rotating 8 queries (facet cache warm) against never-repeated queries;
7. search latency of 2 gunicorn workers idle and while 1 Celery worker ingests reports into the
   same database (each ingested case makes the web workers patch), and the ingest rate.

Measured 2026-11-30 at 100k cases with a load average of 17–19 on the 2 cores (other sessions'
test suites): every absolute time is several times an idle machine's; compare within a run.
(`--reuse --skip …` runs parts separately; README "Scale-out" has the table.)

    build (fresh process)   112 s + 21 s similar state + 12 s snapshot write, peak RSS 372 MB,
                            snapshot 24.5 MB
    snapshot load           cold 8.5 s, warm 7.4 s (~5 s of it imports), RSS 228 MB
    search ms p50/p95       index        PG fallback      one SQL statement
      narrow                299 / 392    321 / 1,742      111 / 142
      medium                453 / 871    1,526 / 2,058    789 / 1,428
      broad                 99 / 215     14,281 / 22,478  11,620 / 18,138   (117x at p50)
    patch rate              355 cases/s (1,000 changed), 532 cases/s (9,500 changed)
    4 workers, preload      worker RSS 246 MB, PSS 95, private 59; total PSS 475 MB
    4 workers, no preload   worker private 234 MB each; 2 of 4 timed out loading + patching
    API p50/p95             rotating queries 225 / 512 ms; never-repeated 453 / 751 ms
    while ingesting         search p95 1.08x idle (707 vs 656 ms); 1.5 reports/s, 1 worker

Measured 2026-11-30 at 1M and 3M cases (`--skip fallback,nopreload,api` and, at 3M,
`--sql-queries 2`; ours under nice -n 10 with other sessions' suites beside, load average 4-7.7,
each figure's own printed beside it in the run; README "Scale-out" has the table):

                            1M                                  3M
    COPY load               374 s (previous loader) + ~180 s    1,072 s + 400 s indexes
    build (fresh process)   146 s + 16 s similar + 19 s write   251 s + 17 s + 22 s; at load 0.3-1.6
                            (peak RSS 942 MB)                   141 s + 12 s + 16 s, peak RSS 1,847
                                                                MB (1,051 after the build, 1,227
                                                                after the similar state)
    snapshot                206 MB                              608 MB
    snapshot load           cold 6.6 s, warm 5.7 s; 611 MB      cold 10.3 s, warm 11.0 s; at load
                                                                1.6 cold 7.9 s, warm 6.5 s, 1,415 MB
    search ms p50/p95 wall (CPU) against one SQL statement:
      narrow                140 / 436 (20 / 25) vs 130 / 138    358 / 436 (56 / 64) vs 771 / 873
      medium                102 / 1,542 (22 / 460) vs 1,851 /   253 / 4,524 (43 / 890) vs 5,677 /
                            2,686                               6,146
      broad                 53 / 6,205 (21 / 1,900) vs 27,466   296 / 20,670 (69 / 4,702) vs 65,131
                            / 35,365                            / 76,097 (2 queries)
    4 workers, preload      worker RSS 749, PSS 285; total PSS  worker RSS 1,515, PSS 469; total
                            1,426 MB                            PSS 2,338 MB
    patch rate              1,231-1,487 cases/s (1k-10k)        -
    while ingesting         -                                   p95 1.10x idle (2,955 vs 2,679 ms,
                                                                20 requests); 5.2 reports/s

At 3M at a load of 1.6-1.8 (`--repeat 3 --sql-queries 1`): narrow 114 / 214 (CPU 39 / 60) vs SQL
165; medium 80 / 1,298 (51 / 647) vs 2,334; broad 88 / 6,446 (82 / 4,294) vs 28,674: 327x at p50.

The p95 of the medium and broad classes is one query ordered by relevance over a large result
(at 1M: drug:febuxostat, 273k matches, and one medium term; relevance.py reads the exact-match facts
of every matching case): the other queries answer in 15-70 ms of CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import percentile, pick_queries  # noqa: E402
from search_data import ensure_database, load_synthetic, setup_django  # noqa: E402


def stats(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} {percentile(values, 0.95):8.1f}"


def load_average() -> str:
    """The machine's 1/5/15-minute load average, printed beside every figure: the machine is
    shared, and on 2 cores a load of 4 doubles any wall-clock time."""
    return "load average " + " / ".join(f"{value:.1f}" for value in os.getloadavg())


def child_env(database: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_NAME=database, DEBUG="0", REGISTRY_ALLOW_DEV_SECRET="1")  # noqa: S106
    env.update(SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0")
    env.update(ALLOWED_HOSTS="127.0.0.1,localhost", PYTHONUNBUFFERED="1", **extra)
    return env


# --- 1, 2: build and snapshot load ----------------------------------------------------------------


def build_in_fresh_process(database: str) -> str:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "manage.py", "build_search_index"],
        cwd=REPO,
        env=child_env(database),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"{output} (wall {time.perf_counter() - started:.1f} s with start-up)"


LOAD_SCRIPT = """
import time, django
django.setup()
from django.db import connection
from cases.search.index import load_from_snapshot
started = time.perf_counter()
index = load_from_snapshot(connection.settings_dict["NAME"])
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec (this benchmark's own size)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(elapsed, len(index.all) if index else 0, hwm / 1024)
"""


def drop_page_cache() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
        return True
    except OSError:
        return False


def snapshot_loads(database: str) -> list[str]:
    lines = []
    for label in ("cold", "warm"):
        dropped = drop_page_cache() if label == "cold" else True
        output = subprocess.run(
            [sys.executable, "-c", LOAD_SCRIPT],
            cwd=REPO,
            env=child_env(database, DJANGO_SETTINGS_MODULE="registry.settings"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        seconds, cases, rss = float(output[0]), int(output[1]), float(output[2])
        note = "" if dropped else " (page cache could not be dropped here: PostgreSQL's cache is warm)"
        lines.append(f"  {label}: {seconds:.2f} s for {cases:,} cases, process peak RSS {rss:.0f} MB{note}")
    return lines


# --- 3: index, fallback and the best single SQL statement -----------------------------------------

FACET_SQL = """
WITH m AS MATERIALIZED (
    SELECT id, sex, age_years, language, year, term_ids, disease_ids, agent_ids, outcome_codes
    FROM cases_case WHERE {where}
)
(SELECT 'page', id, 0 FROM m ORDER BY year DESC NULLS LAST, id DESC LIMIT 20)
UNION ALL SELECT 'total', NULL, count(*) FROM m
UNION ALL SELECT 'sex:' || sex, NULL, count(*) FROM m GROUP BY sex
UNION ALL SELECT 'age', (age_years / 10)::int, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'language:' || language, NULL, count(*) FROM m GROUP BY language
UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
UNION ALL (SELECT 'term', v, count(*) FROM m, unnest(term_ids) v GROUP BY v ORDER BY 3 DESC LIMIT 40)
UNION ALL (SELECT 'disease', v, count(*) FROM m, unnest(disease_ids) v GROUP BY v ORDER BY 3 DESC LIMIT 15)
UNION ALL (SELECT 'agent', v, count(*) FROM m, unnest(agent_ids) v GROUP BY v ORDER BY 3 DESC LIMIT 15)
UNION ALL SELECT 'outcome', v, count(*) FROM m, unnest(outcome_codes) v GROUP BY v
"""


def sql_where(params: dict) -> tuple[str, list] | None:
    """The WHERE clause of the query shapes of bench_search's mix, for anonymous visibility."""
    from django.contrib.auth.models import AnonymousUser

    from cases.search.vocabulary import get_vocabulary
    from cases.visibility import case_visibility

    vocabulary = get_vocabulary()
    rule = case_visibility(AnonymousUser())
    clauses, values = [], []
    if not rule.everything:
        clauses.append("status = ANY(%s)")
        values.append(list(rule.statuses))
        if not rule.merged:
            clauses.append("merged_into_id IS NULL")
    q = params.get("q", "")
    terms = [int(code[3:]) for code in re.findall(r"(?<!-)hpo:(HP:\d+)", q)]
    negated = [int(code[3:]) for code in re.findall(r"-hpo:(HP:\d+)", q)]
    if "|" in q:
        clauses.append("term_ids && %s::integer[]")
        values.append(terms)
    elif terms:
        clauses.append("term_ids @> %s::integer[]")
        values.append(terms)
    for term in negated:
        clauses.append("NOT term_ids @> ARRAY[%s]::integer[]")
        values.append(term)
    if "sex:female" in q:
        clauses.append("sex = 'female'")
    if match := re.search(r"age:(\d+)-(\d+)", q):
        clauses.append("age_years >= %s AND age_years < %s + 1")
        values += [int(match.group(1)), int(match.group(2))]
    if params.get("lang"):
        clauses.append("language = %s")
        values.append(params["lang"])
    if match := re.search(r"drug:(\S+)", q):
        agent = next((a for a, c in vocabulary.agents.items() if c.code == match.group(1)), None)
        if agent is None:
            return None
        clauses.append("agent_ids @> ARRAY[%s]::integer[]")
        values.append(agent)
    return " AND ".join(clauses) or "true", values


def run_sql_baseline(
    queries: dict[str, list[dict]], repeat: int, per_class: int = 0
) -> dict[str, list[float]]:
    """`per_class`: only the first so many queries of each class (0: all); a broad statement
    takes over a minute at 3M cases."""
    from django.db import connection

    timings: dict[str, list[float]] = {}
    for name, mix in queries.items():
        timings[name] = []
        for _ in range(repeat):
            for params in mix[:per_class] if per_class else mix:
                where = sql_where(params)
                if where is None:
                    continue
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(FACET_SQL.format(where=where[0]), where[1])
                    cursor.fetchall()
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def run_search(
    queries: dict[str, list[dict]], repeat: int, cpu: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """Wall-clock ms per query by class; with `cpu`, this process's CPU ms too (the index answers
    in this process, so on a shared machine its CPU time is its own cost without the wait for a
    core)."""
    from django.contrib.auth.models import AnonymousUser

    from cases.search import CaseSearch
    from cases.search.counting import _facet_cache

    timings: dict[str, list[float]] = {}
    for name, mix in queries.items():
        timings[name] = []
        if cpu is not None:
            cpu[name] = []
        for _ in range(repeat):
            for params in mix:
                _facet_cache.clear()  # facets counted afresh: figures for unseen queries
                started, started_cpu = time.perf_counter(), time.process_time()
                CaseSearch(params).execute(user=AnonymousUser(), limit=20, facets=True)
                timings[name].append((time.perf_counter() - started) * 1000)
                if cpu is not None:
                    cpu[name].append((time.process_time() - started_cpu) * 1000)
    return timings


def compare_search(
    database: str, repeat: int, sql_repeat: int, *, fallback: bool = True, sql_queries: int = 0
) -> None:
    from cases.search import engine
    from cases.search.fallback import FallbackIndex
    from cases.search.index import get_index

    queries = pick_queries(np.random.default_rng(11))
    run_search(queries, 1)  # warm-up (first-query imports and caches)
    index_cpu: dict[str, list[float]] = {}
    index_load = load_average()
    index_times = run_search(queries, repeat, index_cpu)
    fallback_times: dict[str, list[float]] = {}
    fallback_load = 0.0
    if fallback:
        original = engine.get_index
        fallback_index = FallbackIndex(database=database)
        started = time.perf_counter()
        fallback_index.load()
        fallback_load = (time.perf_counter() - started) * 1000
        engine.get_index = lambda: fallback_index  # what a process without a snapshot answers with
        try:
            fallback_times = run_search(queries, sql_repeat)
        finally:
            engine.get_index = original
    sql_times = run_sql_baseline(queries, sql_repeat, sql_queries)
    print(
        f"search, ms p50 / p95 (facets counted afresh every time; index {repeat}x, SQL {sql_repeat}x"
        f" each {f'of the first {sql_queries} ' if sql_queries else ''}query per class;"
        f" {index_load} before, {load_average()} after):"
    )
    print(
        f"  {'class':<8} {'index wall':>17} {'index CPU':>17} {'PG fallback':>17}"
        f" {'one SQL (GIN+unnest)':>22}  speed-up p50"
    )
    for name in queries:
        ratio = statistics.median(sql_times[name]) / statistics.median(index_times[name])
        fallback_text = stats(fallback_times[name]) if fallback else f"{'skipped':>17}"
        print(
            f"  {name:<8} {stats(index_times[name])} {stats(index_cpu[name])} {fallback_text}"
            f" {stats(sql_times[name]):>22}  {ratio:6.0f}x vs SQL"
        )
    if fallback:
        print(f"  (fallback's one-off read of the scalar columns per change stamp: {fallback_load:.0f} ms)")
    get_index()  # back to the index for what follows


# --- 4: patch rate ---------------------------------------------------------------------------------


def patch_rate(sizes: list[int]) -> None:
    from django.db import connection

    from cases.search.index import get_index

    index = get_index()
    top = max(index.all)
    rng = np.random.default_rng(3)
    print(f"patch rate (cases re-stamped, then one refresh in this process; {load_average()}):")
    for size in sizes:
        ids = sorted(set(rng.integers(1, top + 1, size=size).tolist()))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_case SET year = year WHERE id = ANY(%s)", [ids])
        started = time.perf_counter()
        with index.lock:
            index.refresh()
        elapsed = time.perf_counter() - started
        print(f"  {len(ids):>6} changed cases: {elapsed * 1000:8.0f} ms = {len(ids) / elapsed:,.0f} cases/s")


# --- 5, 6, 7: gunicorn -------------------------------------------------------------------------------


class Server:
    def __init__(self, database: str, workers: int, *, preload: bool = True) -> None:
        with __import__("socket").socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "registry/gunicorn.conf.py",
                "registry.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "/dev/null",
            ],
            cwd=REPO,
            env=child_env(database, GUNICORN_PRELOAD="1" if preload else "0"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=5)  # noqa: S310 - loopback
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, params: dict) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{self.base}{path}?{urlencode(params)}", timeout=120) as response:  # noqa: S310
            json.loads(response.read())
        return (time.perf_counter() - started) * 1000

    def memory(self) -> list[tuple[str, float, float, float]]:
        import psutil

        master = psutil.Process(self.process.pid)
        rows = []
        for role, process in [("master", master)] + [("worker", c) for c in master.children()]:
            info = process.memory_full_info()
            rows.append((role, info.rss / 2**20, info.pss / 2**20, info.uss / 2**20))
        return rows

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def api_queries(queries: dict[str, list[dict]]) -> list[dict]:
    return [dict(params, limit=20) for mix in queries.values() for params in mix]


def unique_queries(queries: dict[str, list[dict]], count: int, seed: int) -> list[dict]:
    """Never-repeated queries: the mix with a random year range, so no two share a result set
    (and so no facet counts can be remembered)."""
    rng = random.Random(seed)
    base = api_queries(queries)
    out = []
    for number in range(count):
        low = rng.randint(1960, 2000)
        out.append(dict(base[number % len(base)], year_min=low, year_max=rng.randint(2001, 2025)))
    return out


def drive(server: Server, requests: list[dict], threads: int) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def work() -> None:
        while True:
            with lock:
                number = next(position, None)
            if number is None:
                return
            elapsed = server.get("/api/cases/", requests[number])
            with lock:
                timings.append(elapsed)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return timings


def memory_run(
    database: str, workers: int, queries: dict[str, list[dict]], *, without_preload: bool = True
) -> None:
    searches = 4 * workers * 3
    print(f"memory of gunicorn with {workers} workers after {searches} searches, MB ({load_average()}):")
    for preload in (True, False) if without_preload else (True,):
        started = time.perf_counter()
        server = Server(database, workers, preload=preload)
        print(f"  (started and answering in {time.perf_counter() - started:.1f} s)")
        try:
            drive(server, api_queries(queries) * 4, threads=workers)
            rows = server.memory()
        finally:
            server.stop()
        label = "preload (shared snapshot)" if preload else "no preload (a copy each)"
        workers_rows = [row for row in rows if row[0] == "worker"]
        print(f"  {label}:")
        for role, rss, pss, uss in rows:
            print(f"    {role:<7} RSS {rss:7.0f}  PSS {pss:7.0f}  private {uss:7.0f}")
        print(
            f"    total   RSS {sum(r[1] for r in rows):7.0f}  PSS {sum(r[2] for r in rows):7.0f}"
            f"  (mean worker RSS {statistics.mean(r[1] for r in workers_rows):.0f},"
            f" PSS {statistics.mean(r[2] for r in workers_rows):.0f})"
        )


def api_run(database: str, queries: dict[str, list[dict]], count: int) -> None:
    server = Server(database, 2)
    try:
        rotating = api_queries(queries)
        drive(server, rotating, threads=2)  # warm-up: their facets are remembered afterwards
        warm = drive(server, (rotating * (count // len(rotating) + 1))[:count], threads=2)
        unique = drive(server, unique_queries(queries, count, seed=5), threads=2)
    finally:
        server.stop()
    print(f"API GET /api/cases/ (2 workers, 2 client threads), ms p50 / p95 ({load_average()}):")
    print(f"  rotating {len(rotating)} queries (facet cache warm) {stats(warm)}")
    print(f"  never-repeated queries (no cache hit)    {stats(unique)}")


def ingest_run(database: str, queries: dict[str, list[dict]], count: int, reports: int) -> None:
    from bench_ingest import Workers, _documents, _texts

    from cases.models import IngestJob
    from ingest import services

    server = Server(database, 2)
    workers = None
    try:
        drive(server, api_queries(queries), threads=2)
        idle_load = load_average()
        idle = drive(server, unique_queries(queries, count, seed=7), threads=2)
        from django.conf import settings

        settings.INGEST_QUEUE = f"scale-{uuid.uuid4().hex[:6]}"  # a queue of its own
        workers = Workers(1, settings.INGEST_QUEUE)
        batch = uuid.uuid4()
        documents = _documents(_texts(), reports, f"scale-{batch.hex[:8]}")
        started = time.perf_counter()
        services.reports_receive_many(documents=documents, batch=batch, batch_size=None)
        busy: list[float] = []
        while True:
            busy += drive(server, unique_queries(queries, 20, seed=len(busy)), threads=2)
            jobs = IngestJob.objects.filter(batch=batch)
            done = jobs.exclude(status__in=["queued", "running"]).count()
            if done >= len(documents) or time.perf_counter() - started > 900:
                break
        elapsed = time.perf_counter() - started
        busy_load = load_average()
    finally:
        server.stop()
        if workers is not None:
            workers.stop()
    print("search while ingesting (2 gunicorn workers, 2 client threads, never-repeated queries):")
    print(f"  idle            p50/p95 {stats(idle)} ms ({len(idle)} requests; {idle_load} before)")
    print(f"  1 worker ingests {stats(busy)} ms ({len(busy)} requests; {busy_load} at the end)")
    ratio = percentile(busy, 0.95) / percentile(idle, 0.95)
    rate = done / elapsed
    print(
        f"  p95 ratio {ratio:.2f}x; ingest {done} reports in {elapsed:.0f} s = {rate:.1f} reports/s, 1 worker"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", default="reg_scale_bench")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql-repeat", type=int, default=1)
    parser.add_argument("--sql-queries", type=int, default=0, help="SQL baseline: queries per class (0: all)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to skip: build,load,search,fallback,patch,memory,nopreload,api,ingest"
        " (fallback: the PostgreSQL fallback column of the search part; nopreload: the gunicorn"
        " run without preload)",
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    setup_django(args.database)
    ensure_database(args.database)
    from cases.models import Case

    print(f"=== {args.cases:,} cases (database {args.database}; {load_average()}) ===", flush=True)
    # Reused when the count is within 1% of it: bench_scale's ingest part adds a few cases
    if args.reuse and abs(Case.objects.count() - args.cases) <= args.cases // 100:
        print("reusing the loaded cases")
    else:
        timing = load_synthetic(args.cases)
        print(
            f"loaded with COPY in {timing['load_s']:.1f} s, indexes rebuilt in {timing['index_s']:.1f} s"
            f" ({load_average()})"
        )
    if "build" not in skip:
        print("build:", build_in_fresh_process(args.database), f"({load_average()})", flush=True)
    if "load" not in skip:
        print(
            f"snapshot load in a fresh process ({load_average()}):",
            *snapshot_loads(args.database),
            sep="\n",
            flush=True,
        )
    from cases.search.index import get_index

    get_index()  # from the snapshot
    queries = pick_queries(np.random.default_rng(11))
    if "search" not in skip:
        compare_search(
            args.database,
            args.repeat,
            args.sql_repeat,
            fallback="fallback" not in skip,
            sql_queries=args.sql_queries,
        )
    if "patch" not in skip:
        patch_rate([100, 1_000, 10_000])
    if "memory" not in skip:
        memory_run(args.database, args.workers, queries, without_preload="nopreload" not in skip)
    if "api" not in skip:
        api_run(args.database, queries, args.requests)
    if "ingest" not in skip:
        ingest_run(args.database, queries, args.requests, args.reports)


if __name__ == "__main__":
    main()
