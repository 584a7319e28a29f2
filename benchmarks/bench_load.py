"""Load benchmark (issue 14): anonymous clients hammer the site for 60 s with a mix of cheap and
expensive searches, forging a fresh X-Forwarded-For on every request, against gunicorn as deployed
(registry/gunicorn.conf.py with 2 sync workers: preloaded, 60 s timeout; the registry's default
throttles, expensive-request limit and web statement timeout). Meanwhile a well-behaved client (an
API token, one cheap search a second) measures whether the site stays responsive for it. Not a
test: it prints figures.

    .venv/bin/python benchmarks/bench_load.py                      # 20k cases, 60 s, 8 attackers
    .venv/bin/python benchmarks/bench_load.py --cases 5000 --duration 20 --attackers 4

Same-run baseline: the well-behaved client alone for 15 s before the attack. Reported: requests,
status counts (200, 400, 429, 5xx, connection errors) and p50/p95 latency per kind of request;
the well-behaved client's p50/p95/max and errors before and during the attack.

Without --cache-url (CACHE_URL unset) the rate counters live in each gunicorn worker's memory, so
an attacker gets one budget per worker, and the expensive-request slots are PostgreSQL advisory
locks; with --cache-url (Redis, as docker-compose runs it) the workers share both through Redis.
EXPENSIVE_CONCURRENCY in the environment sets the limit (0: off, the behaviour before it existed).

    EXPENSIVE_CONCURRENCY=0 .venv/bin/python benchmarks/bench_load.py                  # before
    .venv/bin/python benchmarks/bench_load.py                                          # after
    .venv/bin/python benchmarks/bench_load.py --cache-url redis://127.0.0.1:6379/4     # with Redis

Figures (2-core machine at load average 6-7 from other jobs, 20k cases, 8 attackers, 60 s): the
well-behaved client's p95 8,394 ms without the limit (15 of 60 requests answered), 190 ms with it
(advisory locks; 60/60), 320 ms with it and Redis (60/60); no 5xx in any run.

Data: the synthetic cases of bench_api (api_data.py), in BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/reg_bench_load).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_data import prepare
from api_server import free_port

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/reg_bench_load"
LOG = Path(tempfile.gettempdir()) / "bench_load_gunicorn.log"


def start_gunicorn(database_url: str, port: int, cache_url: str | None = None) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(REPO_DIR),
    )
    env.pop("CACHE_URL", None)
    if cache_url:
        env["CACHE_URL"] = cache_url
    env.pop("DATABASE_NAME", None)
    # As deployed (registry/gunicorn.conf.py: preloaded vocabulary and index, 60 s timeout).
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", GUNICORN_ACCESS_LOG="/dev/null")
    command = [sys.executable, "-m", "gunicorn", "-c", "registry/gunicorn.conf.py"]
    command += ["registry.wsgi:application", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=LOG.open("w"), stderr=subprocess.STDOUT)


def request(base: str, method: str, path: str, body: dict | None, headers: dict) -> tuple[int, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    if data is not None:
        req.add_header("Content-Type", "application/json")
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310 - loopback http only
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except (OSError, http.client.HTTPException):
        status = 0  # connection refused/reset/timeout, or a body cut short (worker killed)
    return status, time.perf_counter() - began


def mix(hpo_ids: list[str]) -> list[tuple[str, str, str, dict | None]]:
    """(kind, method, path, body): cheap and expensive searches of every query-taking surface."""
    features = [{"id": code, "observed": True} for code in hpo_ids]
    return [
        ("cheap", "GET", "/api/cases/?" + urlencode({"q": "calcinosis", "limit": 5}), None),
        ("cheap", "GET", "/api/terms/?q=calc", None),
        ("cheap", "GET", "/api/stats/", None),
        ("expensive", "GET", "/?" + urlencode({"q": "unusual wording nobody codes"}), None),
        ("expensive", "GET", "/cohort/?" + urlencode({"q": "-fever"}), None),
        ("expensive", "GET", "/api/cases/export/csv/?" + urlencode({"q": "-fever", "limit": 2000}), None),
        ("expensive", "GET", "/api/cases/?" + urlencode({"q": "zzunknown word salad", "limit": 100}), None),
        ("expensive", "POST", "/api/similar/", {"features": features[:40], "limit": 100}),
        ("expensive", "GET", "/similar/?" + urlencode({"features": ", ".join(hpo_ids[:30])}), None),
    ]


def quantile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--cache-url", help="CACHE_URL of the server (Redis: throttles and slots shared by the workers)"
    )
    args = parser.parse_args()

    prepare(args.database_url, args.cases, reload=False)
    load_before = f"{os.getloadavg()[0]:.1f}"
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-load-client")
    token, _ = Token.objects.get_or_create(user=user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.hpo_id FROM cases_phenotypicfeature f JOIN cases_term t ON t.id = f.term_id "
            "GROUP BY t.hpo_id ORDER BY count(*) DESC LIMIT 60"
        )
        hpo_ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    requests_mix = mix(hpo_ids)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(args.database_url, port, args.cache_url)
    polite_headers = {"Authorization": f"Token {token.key}"}
    polite_path = "/api/cases/?" + urlencode({"q": "calcinosis", "limit": 5})
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise RuntimeError(LOG.read_text()[-3000:])
            if request(base, "GET", "/api/stats/", None, polite_headers)[0] == 200:
                break
            time.sleep(1)
        for _, method, path, body in requests_mix:  # warm both workers' index and caches
            for _ in range(2):
                request(base, method, path, body, polite_headers)

        def polite(seconds: float) -> tuple[list[float], Counter]:
            latencies, statuses = [], Counter()
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                status, took = request(base, "GET", polite_path, None, polite_headers)
                latencies.append(took)
                statuses[status] += 1
                time.sleep(max(0.0, 1.0 - took))
            return latencies, statuses

        alone, alone_status = polite(15)

        results: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lock = threading.Lock()
        stop = time.monotonic() + args.duration

        def attacker(seed: int) -> None:
            rng = random.Random(seed)
            mine = []
            while time.monotonic() < stop:
                kind, method, path, body = rng.choice(requests_mix)
                forged = {
                    "X-Forwarded-For": f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.9"
                }
                status, took = request(base, method, path, body, forged)
                mine.append((kind, status, took))
            with lock:
                for kind, status, took in mine:
                    results[kind].append((status, took))

        threads = [threading.Thread(target=attacker, args=(n,)) for n in range(args.attackers)]
        for thread in threads:
            thread.start()
        during, during_status = polite(args.duration)
        for thread in threads:
            thread.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    limit = os.environ.get("EXPENSIVE_CONCURRENCY", "1 (default)")
    print(
        f"\n{args.attackers} anonymous attackers (forged X-Forwarded-For), {args.duration} s, "
        f"gunicorn 2 sync workers, {args.cases} cases, default throttles (API anon 600/min, "
        f"pages 120/min), cache {args.cache_url or 'in-process (per worker; slots: advisory locks)'}, "
        f"EXPENSIVE_CONCURRENCY {limit}; load average before {load_before}, after {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'requests':<12}{'sent':>7}{'200':>7}{'400':>6}{'429':>7}{'5xx':>6}{'conn err':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    for kind in ("cheap", "expensive"):
        rows = results[kind]
        statuses = Counter(status for status, _ in rows)
        latencies = [took for _, took in rows]
        five = sum(n for status, n in statuses.items() if status >= 500)
        print(
            f"{kind:<12}{len(rows):>7}{statuses[200]:>7}{statuses[400]:>6}{statuses[429]:>7}{five:>6}"
            f"{statuses[0]:>9}{quantile(latencies, 50):>9.0f}{quantile(latencies, 95):>9.0f}"
        )
    everything = [took for rows in results.values() for _, took in rows]
    print(f"all attack requests: p95 {quantile(everything, 95):.0f} ms")
    for name, latencies, statuses in (
        ("alone", alone, alone_status),
        ("under attack", during, during_status),
    ):
        errors = sum(n for status, n in statuses.items() if status != 200)
        print(
            f"well-behaved client {name:<13}: {len(latencies)} requests, "
            f"p50 {quantile(latencies, 50):.0f} ms, "
            f"p95 {quantile(latencies, 95):.0f} ms, max {max(latencies) * 1000:.0f} ms, non-200 {errors} "
            f"{dict(statuses)}"
        )


if __name__ == "__main__":
    main()
