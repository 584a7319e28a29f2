"""Issue 14, load: a client may have only EXPENSIVE_CONCURRENCY expensive requests (similar cases,
cohorts, exports, many-word searches) running at once; one more is a 429 with Retry-After, so one
client cannot hold every web worker while a well-behaved one waits (benchmarks/bench_load.py).
The slots are shared by all workers through Redis (CACHE_URL) or, without it, as PostgreSQL
advisory locks, and keyed like the throttles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.test import RequestFactory

from registry.throttling import (
    advisory_key,
    client_key,
    expensive_slot_acquire,
    is_expensive,
)
from tests.api.conftest import make_full_case
from tests.conftest import REPO_DIR, free_port, wait_for_http


def _redis_url() -> str | None:
    """The Redis this test session already uses: the shared cache, else the broker's server."""
    for name in ("CACHE_URL", "CELERY_BROKER_URL"):
        value = os.environ.get(name, "")
        if value.startswith("redis://"):
            return value
    return None


def fetch(url: str, *, client: str, data: bytes | None = None) -> tuple[int, dict, bytes]:
    headers = {"X-Forwarded-For": client, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(params=["redis", "database"])
def two_workers(request, live_db, subprocess_env, tmp_path) -> Iterator[str]:
    """gunicorn as deployed (registry/gunicorn.conf.py: preloaded, sync workers that answer one
    request at a time), two workers behind one trusted proxy, sharing their slots through Redis
    (CACHE_URL) or, without it, as PostgreSQL advisory locks."""
    env = dict(subprocess_env)
    env.pop("CACHE_URL", None)
    if request.param == "redis":
        redis_url = _redis_url()
        if redis_url is None:
            pytest.skip("needs Redis (CACHE_URL or a redis:// CELERY_BROKER_URL)")
        env["CACHE_URL"] = redis_url
    port = free_port()
    env.update(
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TRUSTED_PROXIES="1",
        EXPENSIVE_CONCURRENCY="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "registry/gunicorn.conf.py",
        "registry.wsgi:application",
    ]
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process=process, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_one_client_holds_one_worker_at_most(two_workers):
    from django.conf import settings

    make_full_case()
    database = settings.DATABASES["default"]
    site = two_workers
    me, other = f"203.0.113.{uuid.uuid4().int % 250}", f"198.51.100.{uuid.uuid4().int % 250}"
    export = f"{site}/api/cases/export/csv/"
    results: dict[str, tuple[int, dict, bytes]] = {}

    def run(name: str, url: str, client: str) -> threading.Thread:
        thread = threading.Thread(target=lambda: results.__setitem__(name, fetch(url, client=client)))
        thread.start()
        return thread

    def connect(**options) -> psycopg.Connection:
        keys = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD", "dbname": "NAME"}
        return psycopg.connect(**{key: database[name] for key, name in keys.items()}, **options)

    with connect() as blocker:
        # The export reads cases, so while this transaction locks the table it stays running,
        # holding its worker and its client's one slot.
        blocker.execute("LOCK TABLE cases_case IN ACCESS EXCLUSIVE MODE")

        def waiting() -> int:
            with connect(autocommit=True) as probe:
                return probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    [database["NAME"]],
                ).fetchone()[0]

        first = run("first", export, me)
        deadline = time.monotonic() + 10
        while waiting() < 1:
            assert time.monotonic() < deadline, "the export never reached the database"
            time.sleep(0.05)

        # The other worker answers: the slot is taken, whichever process took it.
        status, headers, body = fetch(
            f"{site}/api/similar/", client=me, data=json.dumps({"features": [{"id": "HP:0003761"}]}).encode()
        )
        assert status == 429 and headers["Retry-After"] == "2"
        assert json.loads(body)["error"]["code"] == "throttled"
        status, headers, body = fetch(f"{site}/cohort/?q=calcinosis", client=me)
        assert status == 429 and int(headers["Retry-After"]) >= 1 and b"at most 1 at a time" in body
        # A forged address left of our proxy's entry is still the same client.
        status, _, _ = fetch(export, client=f"10.9.8.7, {me}")
        assert status == 429
        # Cheap requests of the same client are not limited.
        assert fetch(f"{site}/api/terms/?q=calc", client=me)[0] == 200

        # Another client is let in (and waits for the table like the first).
        second = run("second", export, other)
        while waiting() < 2:
            assert time.monotonic() < deadline, "the other client's export was not let in"
            time.sleep(0.05)
        blocker.rollback()

    first.join(timeout=20)
    second.join(timeout=20)
    assert results["first"][0] == 200 and b"calcinosis" in results["first"][2].lower()
    assert results["second"][0] == 200
    # The slot comes back when the streamed export is closed.
    deadline = time.monotonic() + 5
    while (status := fetch(export, client=me)[0]) == 429 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == 200


class OtherWorker:
    """Takes the client's slot the way another worker process would: through the shared cache,
    or in a database session of its own."""

    def __init__(self, slots: str) -> None:
        self.slots = slots

    def take(self, key: str) -> bool:
        if self.slots == "cache":
            self.give_back = expensive_slot_acquire(key)
            return self.give_back is not None
        from django.conf import settings

        database = settings.DATABASES["default"]
        keys = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD", "dbname": "NAME"}
        session = psycopg.connect(**{k: database[v] for k, v in keys.items()}, autocommit=True)
        taken = session.execute("SELECT pg_try_advisory_lock(%s, 0)", [advisory_key(key)]).fetchone()[0]

        def give_back() -> None:
            # Unlocked before closing: a closed session's locks go only once its backend exits.
            if taken:
                session.execute("SELECT pg_advisory_unlock(%s, 0)", [advisory_key(key)])
            session.close()

        self.give_back = give_back
        return taken

    def release(self) -> None:
        if self.give_back is not None:
            self.give_back()


@pytest.mark.django_db
@pytest.mark.parametrize("slots", ["cache", "database"])
def test_the_limit_in_each_slot_store(client, settings, slots):
    """In one process, with the slots in the configured cache (in-process memory unless CACHE_URL
    is set) or as advisory locks: a slot the client holds elsewhere makes its next expensive
    request a 429; its own request holds one until its streamed body is closed."""
    settings.EXPENSIVE_CONCURRENCY = 1
    settings.EXPENSIVE_SLOTS = slots
    other = OtherWorker(slots)
    assert other.take("ip:127.0.0.1")
    response = client.get("/api/cases/export/csv/", HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert response.status_code == 429 and response["Retry-After"] == "2"
    assert client.get("/similar/", {"features": "HP:0003761"}).status_code == 429
    assert client.get("/api/cases/", {"q": "calcinosis"}).status_code == 200  # one word: cheap
    other.release()
    streaming = client.get("/api/cases/export/csv/")
    assert streaming.status_code == 200
    # Held while the body streams, released once the server has closed it.
    held = OtherWorker(slots)
    assert not held.take("ip:127.0.0.1")
    held.release()
    b"".join(streaming.streaming_content)  # the test client closes the response at the end
    again = OtherWorker(slots)
    assert again.take("ip:127.0.0.1")
    again.release()
    assert client.get("/cohort/cases.csv").status_code == 200
    assert other.take("ip:127.0.0.1")
    settings.EXPENSIVE_CONCURRENCY = 0
    assert client.get("/api/cases/export/csv/").status_code == 200  # 0: no limit
    other.release()


def test_which_requests_are_expensive(settings):
    settings.EXPENSIVE_SEARCH_WORDS = 3
    factory = RequestFactory()
    expensive = [
        factory.post("/api/similar/"),
        factory.get("/api/cases/12/similar/"),
        factory.get("/api/cases/export/csv/"),
        factory.get("/api/cases/export/phenopackets/"),
        factory.get("/cohort/", {"q": "fever"}),
        factory.get("/cohort/cases.csv"),
        factory.get("/similar/", {"features": "HP:0003761"}),
        factory.get("/api/cases/", {"q": "calcinosis + raynaud + fever"}),
        factory.get("/", {"q": "unusual wording nobody codes"}),
        factory.get("/", {"q": "钙质沉着 雷诺 发热"}),
    ]
    cheap = [
        factory.get("/api/cases/", {"q": "calcinosis"}),
        factory.get("/", {"q": "skin ulcer"}),
        factory.get("/similar/"),
        factory.get("/api/cases/12/"),
        factory.get("/api/terms/", {"q": "calc"}),
        factory.get("/api/stats/"),
    ]
    assert [is_expensive(request) for request in expensive] == [True] * len(expensive)
    assert [is_expensive(request) for request in cheap] == [False] * len(cheap)


@pytest.mark.django_db
def test_clients_are_keyed_like_the_throttles(settings):
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    factory = RequestFactory()
    request = factory.get("/cohort/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    request.user = AnonymousUser()
    settings.TRUSTED_PROXIES = 0
    assert client_key(request) == "ip:10.0.0.1"  # the header is not believed
    settings.TRUSTED_PROXIES = 1
    assert client_key(request) == "ip:203.0.113.5"
    user = UserFactory()
    token = Token.objects.create(user=user)
    request = factory.get("/cohort/", HTTP_AUTHORIZATION=f"Token {token.key}")
    request.user = AnonymousUser()
    assert client_key(request) == f"user:{user.pk}"
    request = factory.get("/cohort/", HTTP_AUTHORIZATION="Token forged", REMOTE_ADDR="10.0.0.2")
    request.user = AnonymousUser()
    assert client_key(request) == "ip:10.0.0.2"  # a token that names nobody buys no fresh slot
    assert "registry.throttling.ExpensiveConcurrencyMiddleware" in settings.MIDDLEWARE
