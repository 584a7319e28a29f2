"""bench_api's server: gunicorn serving the registry plus two endpoints of this benchmark only
(the naive baseline, and every path again with the facet cache emptied first), and the client
helpers that wait for it and warm it up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]


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

    from cases.api.loading import cases_in_order, summary_prefetches
    from cases.api.parameters import build_search
    from cases.api.serializers import CaseSummarySerializer

    class BaselineCaseSearch(APIView):
        def get(self, request: Request) -> Response:
            search = build_search(dict(request.query_params.lists()))
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


# --- Server -------------------------------------------------------------------


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
            "api_server:wsgi_app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            # sync (the default, as docker-compose runs it) or gthread, which keeps connections alive
            "--worker-class",
            os.environ.get("BENCH_WORKER_CLASS", "sync"),
            "--timeout",
            "60",  # as deployed (registry/gunicorn.conf.py): no request builds the index
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
