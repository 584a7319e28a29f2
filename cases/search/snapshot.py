"""Snapshots of the search index: a worker process starts from the last build, saved as a pickle
in the project's var folder, instead of rebuilding (1M cases: 0.3 s instead of ~40 s).

A snapshot is the index's state as a dict; it is only reused by the same database incarnation
(a database recreated under the same name, or another server, has another identity) and while
it is young enough for the change log to bring it up to date (index.py)."""

from __future__ import annotations

import logging
import os
import pickle
import re
import tempfile
import time
from pathlib import Path

from django.db import connection

logger = logging.getLogger(__name__)


def database_identity() -> str:
    """Server and database incarnation."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' || oid::text"
            " FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def snapshot_path(database: str) -> Path:
    from django.conf import settings

    folder = Path(getattr(settings, "VAR_DIR", Path(tempfile.gettempdir()))) / "cache" / "search"
    return folder / f"index-{re.sub(r'[^A-Za-z0-9_.-]', '_', database)}.pickle"


def save_snapshot(database: str, state: dict) -> None:
    try:
        path = snapshot_path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {**state, "identity": database_identity(), "saved_at": time.time()}
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)  # atomic: other workers never read a partial file
    except OSError as error:  # a read-only disk only costs the next worker a build
        logger.warning("could not save the search index snapshot: %s", error)


def load_snapshot(database: str, *, max_age: float) -> tuple[dict, float] | None:
    """(state, age in seconds) of this database's snapshot, if there is a usable one."""
    path = snapshot_path(database)
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)  # noqa: S301 - our own file in the project's var folder
    except (OSError, pickle.UnpicklingError, EOFError):
        return None
    age = time.time() - state.get("saved_at", 0)
    if age > max_age or state.get("identity") != database_identity():
        return None
    return state, age
