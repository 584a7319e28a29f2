"""Issue 14 F5: a throttled client cannot get a fresh budget by sending its own X-Forwarded-For,
trusted proxies are configured (none by default, a count, or a list), and the HTML search, cohort
and similar pages are throttled as well as the API."""

from __future__ import annotations

import ipaddress
import os
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from registry.env import env_trusted_proxies
from registry.throttling import client_ip

RATES = {"anon": "3/minute", "user": "50/minute", "page_anon": "3/minute", "page_user": "50/minute"}


@pytest.fixture
def low_rates(monkeypatch):
    # The throttle classes read their rates at import; override them for this test only.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", RATES)


def _forged() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/stats/", "/", "/cohort/", "/similar/", "/cohort/cases.csv"])
def test_a_forged_forwarded_for_does_not_reset_the_budget(client, low_rates, path):
    statuses = [client.get(path).status_code for _ in range(3)]
    assert 429 not in statuses
    assert client.get(path).status_code == 429
    # Each forged header would have been a new client to a throttle that trusted it
    forged = [client.get(path, HTTP_X_FORWARDED_FOR=_forged()).status_code for _ in range(5)]
    assert forged == [429] * 5
    assert int(client.get(path)["Retry-After"]) >= 1


@pytest.mark.django_db
def test_pages_and_api_have_separate_budgets(client, low_rates):
    for _ in range(3):
        client.get("/")
    assert client.get("/").status_code == 429
    assert client.get("/api/stats/").status_code == 200


@pytest.mark.django_db
def test_behind_one_trusted_proxy_each_client_has_its_own_budget(client, low_rates, settings):
    settings.TRUSTED_PROXIES = 1

    def get(chain: str) -> int:
        return client.get("/api/stats/", HTTP_X_FORWARDED_FOR=chain, REMOTE_ADDR="10.0.0.1").status_code

    assert [get("203.0.113.5") for _ in range(4)] == [200, 200, 200, 429]
    # What the client itself prepends lies left of what our proxy appended: ignored
    assert get(f"{_forged()}, 203.0.113.5") == 429
    assert get("198.51.100.9") == 200  # another client


def test_client_ip_rules(settings):
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5, 10.0.0.2"}
    settings.TRUSTED_PROXIES = 0
    assert client_ip(meta) == "10.0.0.1"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(meta) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(meta) == "203.0.113.5"
    settings.TRUSTED_PROXIES = 9  # more proxies than hops: the leftmost hop
    assert client_ip(meta) == "1.1.1.1"
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_ip(meta) == "203.0.113.5"
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_ip({"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}) == "192.0.2.1"
    assert client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "junk, 10.9.9.9"}) == "junk"


def test_trusted_proxies_setting_is_parsed_and_checked(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert env_trusted_proxies() == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert env_trusted_proxies() == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert env_trusted_proxies() == (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1"))
    monkeypatch.setenv("TRUSTED_PROXIES", "nginx")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env_trusted_proxies()
    assert os.environ["TRUSTED_PROXIES"] == "nginx"
