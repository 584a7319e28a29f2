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
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
