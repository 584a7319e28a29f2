"""The two kinds of failure the ingestion services tell apart.

A transient error (the database or the broker went away for a moment) is worth retrying: it
propagates, and the Celery task retries the whole call. Anything else (bad input, a bug) fails the
job at once with its message; `ParseError` is the one the services raise themselves.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError


def _transient_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as BrokerOperationalError

    errors: list[type[BaseException]] = [
        OperationalError,
        InterfaceError,
        BrokerOperationalError,
        ConnectionError,
    ]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency via celery[redis]
        pass
    return tuple(errors)


TRANSIENT_ERRORS = _transient_errors()


class ParseError(Exception):
    """A report that decoded but could not become cases (e.g. the pipeline reported an error)."""
