"""Benchmark: GET /api/cases/ with facets, page size 20, over 100k synthetic cases, served by
gunicorn with 2 workers on loopback and driven by a load generator (wrk when installed, else a
threaded Python client). Not a test: it prints figures.

    .venv/bin/python benchmarks/bench_api.py                 # 100k cases, 20 s per run
    .venv/bin/python benchmarks/bench_api.py --cases 5000 --duration 5    # quick check

It needs a real PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
reg_bench_api; the database is created if missing and reused when it already holds the requested
number of synthetic cases). Data is written with COPY: one report per case, 3–12 HPO features
(10% excluded) drawn with a Zipf-like skew from informative phenotype terms, 1–2 diagnoses, 0–4
drugs, 0–2 outcomes, sex/age/language/year/status spread like the registry's.

Two runs over the same mix of queries (all cases, one feature, two features, a drug, sex and age
filters, year sort), in the same session against the same server:

- `api`: the endpoint as shipped — CaseSearch filters and counts facets on its in-memory bitmap
  index, the page of 20 is loaded with a fixed number of queries; the queries rotate, so after
  the warm-up their facet counts come from the per-process facet cache;
- `uncached`: the same endpoint with the facet cache emptied before every request (mounted at
  /bench/uncached/api/cases/ in this benchmark's WSGI app): every request counts its facets;
- `baseline`: the same filter and page, but facet counts computed the naive way, with one ORM
  `Count … GROUP BY` query per facet over the matching cases (what a plain DRF filter backend would
  do); mounted only in this benchmark's WSGI app at /bench/baseline/cases/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/reg_bench_api"
SEED = 20261126


# --- Django in this process, pointed at the benchmark database ----------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# --- Synthetic data, written with COPY -----------------------------------------------------------


def _copy(model, rows: list[dict]) -> None:
    """COPY rows into the model's table; columns a row leaves out get the field's default."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    if not rows:
        return
    now = timezone.now()
    # The identity column fills ids the rows do not give.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            # "" for blank text fields, the declared default otherwise, None when nullable
            defaults[f.attname] = f.get_default()
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row.get(f.attname, defaults[f.attname])
                    if f.attname in json_fields:
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)


def load_synthetic(count: int) -> None:
    from django.db import connection, transaction

    from cases.models import (
        OUTCOME_CODES,
        Agent,
        Case,
        Diagnosis,
        Disease,
        Outcome,
        PhenotypicFeature,
        Report,
        Term,
        Treatment,
    )

    rng = random.Random(SEED)
    started = time.perf_counter()
    terms = list(
        Term.objects.filter(is_phenotype=True, information_content__gte=2.0).values_list(
            "id", "ancestor_ids", "information_content"
        )
    )
    rng.shuffle(terms)
    terms = terms[:3000]
    term_ancestors = {term_id: set(ancestors) | {term_id} for term_id, ancestors, _ in terms}
    term_weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(terms))]
    term_ids = [term_id for term_id, _, _ in terms]
    diseases = list(Disease.objects.values_list("id", flat=True))
    rng.shuffle(diseases)
    diseases = diseases[:2000]
    disease_weights = [1.0 / (rank + 1) for rank in range(len(diseases))]
    agents = list(Agent.objects.values_list("id", "name"))
    rng.shuffle(agents)
    agents = agents[:400]
    agent_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(agents))]
    directions = list(OUTCOME_CODES)
    statuses = ["machine"] * 60 + ["curated"] * 25 + ["published"] * 10 + ["in_review"] * 4 + ["rejected"]

    first_report = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_case = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    reports, cases, features, diagnoses, treatments, outcomes = [], [], [], [], [], []
    for index in range(count):
        report_id, case_id = first_report + index, first_case + index
        language = "zh" if rng.random() < 0.3 else "en"
        year = rng.randint(1990, 2025)
        text = f"Synthetic case report {case_id} ({language}, {year}) for the API benchmark."
        raw = text.encode()
        reports.append(
            {
                "id": report_id,
                "raw": raw,
                "content_hash": hashlib.sha256(raw).hexdigest(),
                "filename": f"synthetic-{case_id}.txt",
                "format": "text",
                "encoding": "utf-8",
                "text": text,
                "language": language,
                "title": f"Synthetic case {case_id}",
                "journal": "Journal of Synthetic Cases",
                "year": year,
                "pmid": str(30_000_000 + case_id),
                "parse_status": "parsed",
            }
        )
        chosen = set(rng.choices(term_ids, weights=term_weights, k=rng.randint(3, 12)))
        excluded = {term for term in chosen if rng.random() < 0.1}
        present = chosen - excluded
        closure: set[int] = set()
        for term in present:
            closure |= term_ancestors[term]
        for term in sorted(chosen):
            features.append({"case_id": case_id, "term_id": term, "excluded": term in excluded})
        case_diseases = set(rng.choices(diseases, weights=disease_weights, k=rng.randint(1, 2)))
        for disease in case_diseases:
            diagnoses.append({"case_id": case_id, "disease_id": disease, "status": "final"})
        case_agents = set(rng.choices(range(len(agents)), weights=agent_weights, k=rng.randint(0, 4)))
        for agent_index in case_agents:
            agent_id, name = agents[agent_index]
            treatments.append(
                {
                    "case_id": case_id,
                    "agent_id": agent_id,
                    "agent_name": name,
                    "dose": 10.0,
                    "dose_unit": "mg",
                }
            )
        case_directions = set(rng.choices(directions, k=rng.randint(0, 2)))
        for direction in case_directions:
            outcomes.append({"case_id": case_id, "about": "disease course", "direction": direction})
        cases.append(
            {
                "id": case_id,
                "report_id": report_id,
                "ordinal": 1,
                "label": f"Case {case_id}",
                "sex": rng.choices(["female", "male", "unknown"], weights=[55, 43, 2])[0],
                "age_years": float(rng.randint(0, 90)),
                "status": rng.choice(statuses),
                "term_ids": sorted(closure),
                "excluded_term_ids": sorted(excluded),
                "disease_ids": sorted(case_diseases),
                "agent_ids": sorted(agents[i][0] for i in case_agents),
                "outcome_codes": sorted(OUTCOME_CODES[d] for d in case_directions),
                "language": language,
                "year": year,
            }
        )
    generated = time.perf_counter()
    with transaction.atomic():
        _copy(Report, reports)
        _copy(Case, cases)
        _copy(PhenotypicFeature, features)
        _copy(Diagnosis, diagnoses)
        _copy(Treatment, treatments)
        _copy(Outcome, outcomes)
        with connection.cursor() as cursor:
            for model in (Report, Case, PhenotypicFeature, Diagnosis, Treatment, Outcome):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"loaded {count} cases ({len(features)} features, {len(diagnoses)} diagnoses, "
        f"{len(treatments)} treatments, {len(outcomes)} outcomes): generated in "
        f"{generated - started:.1f} s, copied in {time.perf_counter() - generated:.1f} s"
    )


def prepare(database_url: str, count: int, *, reload: bool) -> None:
    ensure_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    from cases.models import Case, Report, Term

    call_command("migrate", verbosity=0)
    if not Term.objects.exists():
        from ingest.vocabularies import vocabularies_load

        print("loading vocabularies …")
        vocabularies_load()
    existing = Case.objects.count()
    if existing == count and not reload:
        print(f"reusing {existing} synthetic cases in {database_url.rsplit('/', 1)[-1]}")
        return
    if existing:
        print(f"replacing {existing} cases")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE cases_phenotypicfeature, cases_diagnosis, cases_measurement, cases_treatment, "
                "cases_outcome, cases_case, cases_report, cases_ingestjob CASCADE"
            )
        assert not Report.objects.exists()
    load_synthetic(count)


# --- Query mix -----------------------------------------------------------------------------------


def query_mix() -> list[dict[str, str]]:
    """Realistic searches over the synthetic data: broad and narrow, with and without filters."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The most frequent informative features and drugs of the data set.
        cursor.execute(
            """SELECT t.hpo_id FROM cases_phenotypicfeature f JOIN cases_term t ON t.id = f.term_id
               WHERE NOT f.excluded GROUP BY t.hpo_id ORDER BY count(*) DESC LIMIT 6"""
        )
        top_terms = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """SELECT a.name FROM cases_treatment t JOIN cases_agent a ON a.id = t.agent_id
               GROUP BY a.name ORDER BY count(*) DESC LIMIT 3"""
        )
        top_agents = [row[0] for row in cursor.fetchall()]
    mix = [
        {},
        {"q": f"hpo:{top_terms[0]}"},
        {"q": f"hpo:{top_terms[1]} + hpo:{top_terms[2]}"},
        {"q": f"hpo:{top_terms[3]} | hpo:{top_terms[4]}", "sex": "female"},
        {"drug": top_agents[0]},
        {"sex": "male", "age_min": "30", "age_max": "50"},
        {"q": f"hpo:{top_terms[5]} -hpo:{top_terms[0]}", "sort": "-year"},
        {"lang": "zh", "sort": "year"},
    ]
    return [{**params, "limit": "20"} for params in mix]


# --- Baseline endpoint (this benchmark only) -----------------------------------------------------


def baseline_facets(ids: list[int]) -> dict[str, list[dict]]:
    """Facet counts the naive way: one ORM GROUP BY per facet over the matching cases."""
    from django.db.models import Count, F
    from django.db.models.expressions import RawSQL

    from cases.models import Case, Diagnosis, Outcome, PhenotypicFeature, Treatment

    matching = RawSQL("SELECT unnest(%s::bigint[])", [ids])
    cases = Case.objects.filter(id__in=matching)

    def rows(queryset) -> list[dict]:
        return [
            {"value": str(row["facet_value"]), "label": str(row["facet_label"]), "count": row["n"]}
            for row in queryset.order_by("-n")[:15]
        ]

    return {
        "features": rows(
            PhenotypicFeature.objects.filter(case__in=matching, excluded=False, rejected=False)
            .values(facet_value=F("term__hpo_id"), facet_label=F("term__label"))
            .annotate(n=Count("case_id", distinct=True))
        ),
        "diagnoses": rows(
            Diagnosis.objects.filter(case__in=matching, rejected=False)
            .values(facet_value=F("disease__code"), facet_label=F("disease__label"))
            .annotate(n=Count("case_id", distinct=True))
        ),
        "treatments": rows(
            Treatment.objects.filter(case__in=matching, rejected=False)
            .values(facet_value=F("agent__name"), facet_label=F("agent__name"))
            .annotate(n=Count("case_id", distinct=True))
        ),
        "outcomes": rows(
            Outcome.objects.filter(case__in=matching, rejected=False)
            .values(facet_value=F("direction"), facet_label=F("direction"))
            .annotate(n=Count("case_id", distinct=True))
        ),
        "sex": rows(cases.values(facet_value=F("sex"), facet_label=F("sex")).annotate(n=Count("id"))),
        "language": rows(
            cases.values(facet_value=F("language"), facet_label=F("language")).annotate(n=Count("id"))
        ),
        "year": rows(cases.values(facet_value=F("year"), facet_label=F("year")).annotate(n=Count("id"))),
    }


def _baseline_view():
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from cases.api import search_adapter
    from cases.api.serializers import CaseSummarySerializer
    from cases.api.views import cases_in_order, summary_prefetches

    class BaselineCaseSearch(APIView):
        def get(self, request: Request) -> Response:
            search = search_adapter.build_search(dict(request.query_params.lists()))
            ids = search.all_ids(user=request.user)
            page = ids[:20]
            cases = cases_in_order(page, user=request.user, prefetches=summary_prefetches())
            return Response(
                {
                    "count": len(ids),
                    "results": CaseSummarySerializer(cases, many=True, context={"request": request}).data,
                    "facets": baseline_facets(ids),
                }
            )

    return BaselineCaseSearch.as_view()


_application = None
_application_lock = threading.Lock()
UNCACHED_PREFIX = "/bench/uncached"


def _forget_facet_counts() -> None:
    from cases.search.counting import _facet_cache

    _facet_cache.clear()


def wsgi_app(environ, start_response):
    """gunicorn entry point: the registry plus /bench/baseline/cases/, and every path again under
    /bench/uncached/ with the facet cache emptied first."""
    global _application
    if _application is None:
        with _application_lock:
            if _application is None:
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
                from django.core.wsgi import get_wsgi_application
                from django.urls import clear_url_caches, path

                application = get_wsgi_application()
                from registry import urls

                urls.urlpatterns.insert(0, path("bench/baseline/cases/", _baseline_view()))
                clear_url_caches()
                _application = application
    path = environ.get("PATH_INFO", "")
    if path.startswith(UNCACHED_PREFIX + "/"):
        environ = {**environ, "PATH_INFO": path[len(UNCACHED_PREFIX) :]}
        _forget_facet_counts()
    return _application(environ, start_response)


# --- Server and load generator -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_LOG = Path(tempfile.gettempdir()) / "bench_api_gunicorn.log"


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # The benchmark measures the endpoint, not the throttle.
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_USER="100000000/minute",
        LOG_LEVEL="WARNING",
        PYTHONPATH=f"{REPO_DIR}:{REPO_DIR / 'benchmarks'}",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench_api:wsgi_app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            # sync (the default, as docker-compose runs it) or gthread, which keeps connections alive
            "--worker-class",
            os.environ.get("BENCH_WORKER_CLASS", "sync"),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=SERVER_LOG.open("w"),
    )


def get(url: str, timeout: float = 120.0) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def warm_up(base: str, paths: list[str], process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {SERVER_LOG.read_text()[-3000:]}")
        try:
            get(f"{base}/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)

    # Each worker builds its search index and vocabulary on its first query: hit both, in parallel.
    def hit_all() -> None:
        for path in paths:
            try:
                get(base + path)
            except urllib.error.HTTPError as error:
                log = SERVER_LOG.read_text()[-3000:]
                raise RuntimeError(f"{path}: {error}; server log:\n{log}") from error

    threads = [threading.Thread(target=hit_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency.max))
end
"""


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_pids(server: subprocess.Popen, database_name: str) -> list[int]:
    """The gunicorn workers and the PostgreSQL backends serving them: their CPU time per request is
    what the endpoint costs, whatever else the machine is running."""
    from django.db import connection

    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()",
            [database_name],
        )
        backends = [row[0] for row in cursor.fetchall()]
    return [int(pid) for pid in children] + backends


def cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by processes alive at the second one."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items() if seconds)


def run_wrk(base: str, paths: list[str], *, duration: int, connections: int) -> dict:
    lua = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
        script = handle.name
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                "30s",
                "-s",
                script,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, socket_errors, status_errors, latency_max = map(
        int, line.split()[1:]
    )
    return {
        "requests": requests,
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": latency_max / 1000,
        "errors": socket_errors + status_errors,
        "generator": "wrk",
    }


def run_threads(base: str, paths: list[str], *, duration: int, connections: int) -> dict:
    """A plain threaded client, used when wrk is not installed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker(offset: int) -> None:
        index = offset
        mine = []
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += 1
            began = time.perf_counter()
            try:
                status, _ = get(base + path, timeout=30)
                ok = status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "max_ms": max(latencies) * 1000,
        "errors": errors[0],
        "generator": "python-threads",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reload", action="store_true", help="regenerate the synthetic data")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    prepare(args.database_url, args.cases, reload=args.reload)
    api_paths = ["/api/cases/?" + urlencode(params) for params in query_mix()]
    baseline_paths = [path.replace("/api/cases/", "/bench/baseline/cases/") for path in api_paths]
    uncached_paths = [UNCACHED_PREFIX + path for path in api_paths]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.database_url, port)
    load = run_wrk if shutil.which("wrk") else run_threads
    results = {}
    try:
        warm_up(base, api_paths + baseline_paths + uncached_paths, server)
        # Facet payloads must agree between the two (same filter, same counts for simple facets).
        _, api_body = get(base + api_paths[5])
        _, base_body = get(base + baseline_paths[5])
        api_json, base_json = json.loads(api_body), json.loads(base_body)
        assert api_json["count"] == base_json["count"], (api_json["count"], base_json["count"])
        # One request at a time per query, both variants: latency without queueing.
        sequential = []
        for api_path, uncached_path, baseline_path in zip(
            api_paths, uncached_paths, baseline_paths, strict=True
        ):
            timings = []
            for path in (api_path, uncached_path, baseline_path):
                began = time.perf_counter()
                get(base + path)
                timings.append((time.perf_counter() - began) * 1000)
            sequential.append((api_path, *timings))
        database_name = urlsplit(args.database_url).path.lstrip("/")
        for name, paths in (("api", api_paths), ("uncached", uncached_paths), ("baseline", baseline_paths)):
            cpu_before = cpu_of(server_pids(server, database_name))
            results[name] = load(base, paths, duration=args.duration, connections=args.connections)
            cpu_after = cpu_of(server_pids(server, database_name))
            # Server CPU (2 gunicorn workers + their database backends) per request: the cost of
            # the endpoint independent of other load on the machine.
            results[name]["server_cpu_ms"] = (
                1000 * cpu_used(cpu_before, cpu_after) / max(results[name]["requests"], 1)
            )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"\nGET /api/cases/ with facets, page size 20, {args.cases} cases, gunicorn 2 workers, "
        f"{args.connections} connections, {args.duration} s per run, {len(api_paths)} queries in rotation"
    )
    print(
        f"{'run':<10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        f"{'cpu ms/req':>12}  generator"
    )
    for name, figures in results.items():
        print(
            f"{name:<10}{figures['rps']:>9.1f}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}"
            f"{figures['p99_ms']:>9.1f}{figures['max_ms']:>9.1f}{figures['errors']:>8}"
            f"{figures['server_cpu_ms']:>12.1f}  {figures['generator']}"
        )
    api, baseline = results["api"], results["baseline"]
    print(f"\none request at a time: {'api ms':>8}{'uncached ms':>13}{'baseline ms':>13}  query")
    for path, api_ms, uncached_ms, baseline_ms in sequential:
        print(f"{'':<22}{api_ms:>8.1f}{uncached_ms:>13.1f}{baseline_ms:>13.1f}  {path.split('?', 1)[1]}")
    print(
        f"api vs baseline: {api['rps'] / baseline['rps']:.1f}x throughput, "
        f"p95 {baseline['p95_ms'] / api['p95_ms']:.1f}x lower"
    )
    print(
        f"targets: >= 200 req/s {'met' if api['rps'] >= 200 else 'NOT met'}; "
        f"p95 <= 50 ms {'met' if api['p95_ms'] <= 50 else 'NOT met'}"
    )
    load_average = os.getloadavg()[0]
    print(
        f"server CPU per request (2 workers + their database backends): {api['server_cpu_ms']:.1f} ms, "
        f"which bounds throughput on 2 otherwise idle cores at ~{2000 / api['server_cpu_ms']:.0f} req/s; "
        f"1-min load average at the end: {load_average:.1f} on {os.cpu_count()} CPUs"
    )
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
