"""Who a request comes from, for throttling, and the throttles of the API and the HTML pages.

`X-Forwarded-For` is written by whoever sends the request, so it names the client only when a
proxy we run put it there. `TRUSTED_PROXIES` (settings, from the environment) says which:

- unset or empty (the default): no proxy is trusted; the client is the socket's peer
  (`REMOTE_ADDR`) and the header is ignored;
- a count `N`: exactly N proxies of ours stand in front (e.g. `1` for one nginx); the client is the
  address the outermost of them saw, the N-th entry from the right of `X-Forwarded-For`;
- a list of addresses or networks (`10.0.0.0/8, 127.0.0.1`): walking `X-Forwarded-For` from the
  right, proxies in the list are skipped and the first address outside it is the client.

Anything a client prepends to the header lies left of what our proxies appended, so it is never
read. The API throttles (REST_FRAMEWORK) and the page throttles (`throttle_page`) share this; the
setting is parsed (and a bad value refused at start-up) by registry.env.env_trusted_proxies.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(meta: dict) -> str:
    """The client's address by the rules above (REMOTE_ADDR when nothing trustworthy says more)."""
    remote = str(meta.get("REMOTE_ADDR") or "")
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if not trusted:
        return remote
    forwarded = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    if isinstance(trusted, int):
        # The last proxy is REMOTE_ADDR itself; each of the other N-1 appended one entry.
        hops = [*forwarded, remote]
        return hops[max(len(hops) - 1 - trusted, 0)]
    hops = [*forwarded, remote]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return hop  # not an address: no proxy of ours wrote it, so it is where trust ends
        if not any(address in network for network in trusted):
            return hop
    return hops[0]


class ClientIpMixin:
    def get_ident(self, request) -> str:
        return client_ip(request.META)


class AnonThrottle(ClientIpMixin, AnonRateThrottle):
    """The API's anonymous rate (`anon`), keyed on the trusted client address."""


class UserThrottle(ClientIpMixin, UserRateThrottle):
    """The API's per-user rate (`user`); anonymous requests fall back to the client address."""


class PageAnonThrottle(ClientIpMixin, AnonRateThrottle):
    """HTML search, cohort and similar pages: their own budget, separate from the API's."""

    scope = "page_anon"


class PageUserThrottle(ClientIpMixin, UserRateThrottle):
    scope = "page_user"


PAGE_THROTTLES: tuple[type[SimpleRateThrottle], ...] = (PageAnonThrottle, PageUserThrottle)


def throttle_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page view answered 429 (with Retry-After) once its client is over the page rates."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        waits = []
        for throttle_class in PAGE_THROTTLES:
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                waits.append(throttle.wait() or 1)
        if waits:
            retry = max(1, int(max(waits) + 0.999))
            response = HttpResponse(
                f"Too many requests: please wait {retry} s and try again.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(retry)
            return response
        return view(request, *args, **kwargs)

    return wrapped


# --- Expensive requests: at most EXPENSIVE_CONCURRENCY at a time per client ---------------------
#
# The rates above bound how many requests a client sends per minute, not how many workers it
# holds at once: a handful of similar-case matches, cohorts or exports in flight from one client
# occupy every gunicorn worker, and everyone else queues behind them (benchmarks/bench_load.py).
# So each client (a signed-in user, else its address by the rules above) may have only
# EXPENSIVE_CONCURRENCY expensive requests running; one more is answered 429 at once, before it
# costs anything. The slots must be seen by every worker process: in the shared cache (Redis)
# when CACHE_URL is set, else as PostgreSQL advisory locks (EXPENSIVE_SLOTS) — the in-process
# cache would not do, since a sync worker never runs two requests of anyone at once.

EXPENSIVE_PATHS = frozenset(
    {
        "/api/similar/",
        "/api/cases/export/csv/",
        "/api/cases/export/phenopackets/",
        "/cohort/",
        "/cohort/cases.csv",
    }
)
SEARCH_PATHS = frozenset({"/", "/api/cases/"})
_WORD = re.compile(r"\w+")
_CASE_SIMILAR = re.compile(r"^/api/cases/[^/]+/similar/$")


def is_expensive(request: HttpRequest) -> bool:
    """Whether a request is one whose cost grows with the registry or its parameters: similar-case
    matching, cohort summaries, exports, and a search with many words (each word may be a
    vocabulary resolution or a full-text scan)."""
    path = request.path
    if path in EXPENSIVE_PATHS or _CASE_SIMILAR.match(path):
        return True
    if path == "/similar/":
        return bool(request.GET.get("features", "").strip())  # without features: the empty form
    if path in SEARCH_PATHS:
        words = sum(len(_WORD.findall(value)) for value in request.GET.getlist("q"))
        return words >= settings.EXPENSIVE_SEARCH_WORDS
    return False


def client_key(request: HttpRequest) -> str:
    """The client as the throttles know it: the signed-in user (session or API token), else the
    address by TRUSTED_PROXIES. A token that names no user counts as anonymous (the view then
    answers 401)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
        from rest_framework.authentication import TokenAuthentication
        from rest_framework.exceptions import AuthenticationFailed

        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found is not None:
            return f"user:{found[0].pk}"
    return f"ip:{client_ip(request.META)}"


def advisory_key(key: str) -> int:
    # The two-int4 form of the advisory locks: (this, slot) never meets the bigint keys used
    # elsewhere (the search index build lock).
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)


def expensive_slot_acquire(key: str) -> Callable[[], None] | None:
    """Take a free slot of this client and return what gives it back, or None when all are
    taken. Cache: `add` is atomic (Redis SET NX), and a slot whose worker died frees itself after
    the lease. Database: a session advisory lock, which also ends with the worker's connection."""
    if settings.EXPENSIVE_SLOTS == "database":
        return _database_slot_acquire(key)
    for slot in range(settings.EXPENSIVE_CONCURRENCY):
        name = f"expensive:{key}:{slot}"
        if cache.add(name, 1, timeout=settings.EXPENSIVE_LEASE_SECONDS):
            return functools.partial(cache.delete, name)
    return None


def _database_slot_acquire(key: str) -> Callable[[], None] | None:
    connection = connections[DEFAULT_DB_ALIAS]
    lock = advisory_key(key)
    with connection.cursor() as cursor:
        for slot in range(settings.EXPENSIVE_CONCURRENCY):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock, slot])
            if cursor.fetchone()[0]:
                return functools.partial(_database_slot_release, connection, lock, slot)
    return None


def _database_slot_release(connection, lock: int, slot: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock, slot])
    except DatabaseError:
        pass  # the connection is gone, and the session's locks with it


class _ReleasingStream:
    """A streamed body that gives the slot back when the server closes it (finished, or the
    client went away), not when the view returned."""

    def __init__(self, content: Iterable[bytes], release: Callable[[], None]) -> None:
        self.content = content
        self.release = release

    def __iter__(self) -> Iterator[bytes]:
        yield from self.content

    def close(self) -> None:
        self.release()


class ExpensiveConcurrencyMiddleware:
    """429 with Retry-After for a client's expensive request beyond EXPENSIVE_CONCURRENCY running
    at once (0 turns the limit off). After the authentication middleware, before the views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.EXPENSIVE_CONCURRENCY or not is_expensive(request):
            return self.get_response(request)
        give_back = expensive_slot_acquire(client_key(request))
        if give_back is None:
            return too_many_at_once(request)
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                give_back()

        try:
            response = self.get_response(request)
        except BaseException:
            release()
            raise
        if response.streaming:
            response.streaming_content = _ReleasingStream(response.streaming_content, release)
        else:
            release()
        return response


def too_many_at_once(request: HttpRequest) -> HttpResponse:
    retry = settings.EXPENSIVE_RETRY_AFTER
    message = (
        f"Too many expensive requests of yours are running (at most {settings.EXPENSIVE_CONCURRENCY} "
        f"at a time): wait for one to finish, or {retry} s, and try again."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "throttled", "message": message, "retry_after": retry}}, status=429
        )
    else:
        response = HttpResponse(message + "\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry)
    return response
