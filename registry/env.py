"""Typed reads of environment variables that fail loudly, naming the variable, on a bad value.

Settings must never start half-configured: a typo in `DEBUG=ture` or a malformed `DATABASE_URL`
stops start-up with a message that says which variable is wrong and why.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(
            f"{name} is set but lists nothing; give comma-separated values or unset it"
        )
    return items


def env_trusted_proxies(name: str = "TRUSTED_PROXIES") -> int | tuple:
    """Which proxies' X-Forwarded-For entries to believe: unset/empty -> 0 (none), "2" -> a count,
    "10.0.0.0/8, ::1" -> a tuple of networks (registry/throttling.py reads it)."""
    import ipaddress

    text = (os.environ.get(name) or "").strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in text.replace(";", ",").split(",")
            if item.strip()
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name}={text!r} is neither a count of proxies nor a list of addresses/networks: {error}"
        ) from None


def env_database(name: str = "DATABASE_URL") -> dict | None:
    """Django DATABASES entry from a postgres:// URL, or None when the variable is unset."""
    import dj_database_url

    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    if not value.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured(
            f"{name}={value!r} must be a postgres:// URL (the registry needs PostgreSQL)"
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={value!r} names no database (add /dbname)")
    return config


def env_broker(name: str = "CELERY_BROKER_URL") -> str | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    known = ("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://", "filesystem://", "memory://")
    if not value.startswith(known):
        raise ImproperlyConfigured(
            f"{name}={value!r} has an unknown scheme; expected one of {', '.join(known)}"
        )
    return value
