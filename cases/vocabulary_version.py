"""The one freshness rule of every cache built from the vocabulary tables.

The tables (Term, Disease, Agent, Analyte) carry a version stamp, bumped by a trigger in the
transaction of any write to them (migration 0014): a curator's synonym in the admin, a vocabulary
load, an agent that ingestion adds. A cache remembers the stamp it was built at and is rebuilt
when the stamp moved; the stamp itself (one row, one tiny query) is read at most every
`CHECK_INTERVAL` seconds per process. Readers: the search vocabulary (cases/search/vocabulary.py)
and ingestion's vocabulary ids and extraction names (ingest/services/vocabulary.py), so an edit
reaches search and extraction within seconds, with no restart and no time-to-live guesswork.
"""

from __future__ import annotations

import threading
import time

from django.db import connection

CHECK_INTERVAL = 2.0  # seconds between two reads of the stamp in one process

_lock = threading.Lock()
_seen: dict[str, tuple[int, float]] = {}  # database name -> (stamp, monotonic time read)


def vocabulary_version(*, fresh: bool = False) -> int:
    """The vocabulary tables' version stamp (of the current database), read again when the last
    read is older than CHECK_INTERVAL, or when `fresh`."""
    database = connection.settings_dict["NAME"]
    now = time.monotonic()
    with _lock:
        seen = _seen.get(database)
        if seen is not None and not fresh and now - seen[1] < CHECK_INTERVAL:
            return seen[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM cases_vocabulary_version WHERE id = 1")
        row = cursor.fetchone()
    stamp = int(row[0]) if row else 0
    with _lock:
        _seen[database] = (stamp, now)
    return stamp


def vocabulary_version_forget() -> None:
    """Read the stamp again on next use (tests, and a process that just wrote the tables)."""
    with _lock:
        _seen.clear()
