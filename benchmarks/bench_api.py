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

Three runs over the same mix of queries (all cases, one feature, two features, a drug, sex and age
filters, year sort), in the same session against the same server:

- `api`: the endpoint as shipped — CaseSearch filters and counts facets on its in-memory bitmap
  index, the page of 20 is loaded with a fixed number of queries; the queries rotate, so after
  the warm-up their facet counts come from the per-process facet cache;
- `uncached`: the same endpoint with the facet cache emptied before every request (mounted at
  /bench/uncached/api/cases/ in this benchmark's WSGI app): every request counts its facets;
- `baseline`: the same filter and page, but facet counts computed the naive way, with one ORM
  `Count … GROUP BY` query per facet over the matching cases (what a plain DRF filter backend would
  do); mounted only in this benchmark's WSGI app at /bench/baseline/cases/.

This script runs the benchmark and prints the figures; api_data.py makes the data and the query
mix, api_server.py the server (with the two benchmark-only endpoints), api_load.py the load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper modules beside this script

from api_data import prepare, query_mix
from api_load import cpu_of, cpu_used, run_threads, run_wrk, server_pids
from api_server import UNCACHED_PREFIX, free_port, get, start_server, warm_up

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/reg_bench_api"


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
