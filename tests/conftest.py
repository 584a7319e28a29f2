"""Shared fixtures. Tests run against a real PostgreSQL: the server DATABASE_URL names, or the
embedded pgserver when it is unset.

Vocabularies are loaded once per test session into the test database. Tests that need data
committed for another process (a Celery worker, a web server, a browser) use `live_db`, which
leaves the vocabularies in place and deletes only what the test created; do not use pytest-django's
`transactional_db`/`live_server`, whose flush would empty the vocabulary tables for later tests.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_DIR.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from ingest.vocabularies import vocabularies_load

    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django creates the test database only when a selected test is marked for it;
            # a run of `live_db` tests alone (they commit for other processes, so they are not
            # marked) would otherwise write to the configured database itself.
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})

            def drop() -> None:
                with django_db_blocker.unblock():
                    teardown_databases(created, verbosity=0)

            request.addfinalizer(drop)
        vocabularies_load()


@pytest.fixture(autouse=True)
def _fresh_throttles(django_db_blocker):
    # Every test client is 127.0.0.1: without this, requests of earlier tests would count against
    # the page and API rates of later ones (the local-memory cache lives for the whole session).
    from django.core.cache import cache

    cache.clear()
    yield
    # An expensive request's slot (without CACHE_URL, a session advisory lock on this process's
    # connection) is given back when its streamed body is closed; Django's test client closes a
    # body only once it is read to the end. A test that reads less would leave 127.0.0.1's slot
    # taken for every later test, the live servers' visitors included.
    from django.db import DatabaseError, connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.connection is None or connection.vendor != "postgresql":
                continue
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock_all()")
            except DatabaseError:
                pass  # a broken connection: its locks went with it


def delete_registry_rows() -> None:
    """Remove everything tests may create, keeping the vocabularies."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from cases.models import Case, IngestJob, Report

    Case.objects.all().delete()
    IngestJob.objects.all().delete()
    Report.objects.all().delete()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()
    get_user_model().objects.all().delete()


@contextlib.contextmanager
def _live_rows(django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        delete_registry_rows()
        yield
        from django.db import connections

        for connection in connections.all():
            connection.close_if_unusable_or_obsolete()
        delete_registry_rows()


@pytest.fixture
def live_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access with real commits, visible to other processes; cleaned up afterwards."""
    with _live_rows(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def live_db_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """`live_db` for every test of one module: the rows one fixture commits are seen by all of
    its tests (the browser tests share one server and one data set) and deleted at its end."""
    with _live_rows(django_db_blocker):
        yield


def _subprocess_env() -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env["DATABASE_NAME"] = settings.DATABASES["default"]["NAME"]
    env["REGISTRY_TESTING"] = "1"
    env.setdefault("DEBUG", "1")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def subprocess_env(django_db_setup) -> dict[str, str]:
    """Environment for a child process that must use this test session's database and broker."""
    return _subprocess_env()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, *, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server process exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status < 500:
                    return
        except OSError as error:
            last_error = error
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s: {last_error}")


@contextlib.contextmanager
def _served(env: dict[str, str]) -> Iterator[str]:
    """The registry served by gunicorn (as in docker-compose) on a free loopback port."""
    port = free_port()
    env = dict(env, DEBUG="1", ALLOWED_HOSTS="127.0.0.1,localhost")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "registry.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/healthz", process=process, timeout=120)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def live_site(live_db, subprocess_env) -> Iterator[str]:
    """The registry served by gunicorn (as in docker-compose) on a free loopback port."""
    with _served(subprocess_env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def live_site_module(live_db_module) -> Iterator[str]:
    """`live_site` shared by the tests of one module (with `live_db_module`). Page throttles are
    lifted: a module's browser tests together send more pages a minute than one visitor may."""
    env = dict(_subprocess_env(), PAGE_THROTTLE_ANON="100000/minute", API_THROTTLE_ANON="100000/minute")
    with _served(env) as base_url:
        yield base_url
