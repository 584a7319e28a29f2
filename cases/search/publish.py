"""Building the search index outside web requests and publishing it as a snapshot in PostgreSQL
(snapshot.py), for every web process on every machine to load (index.py).

Who builds: the Celery task `cases.build_search_index` (cases/tasks.py), which a web process
without a usable snapshot requests (`request_build`, at most once per BUILD_REQUEST_EVERY seconds
per process), and the `build_search_index` management command (after a bulk load, from cron, at
deploy). One build at a time per database (a PostgreSQL advisory lock); a build requested at a
change stamp an existing snapshot already covers is skipped.
"""

from __future__ import annotations

import logging
import resource
import time
from dataclasses import dataclass

from django.db import connection

from cases.search.index import (
    MAX_INCREMENTAL_AGE,
    STATS,
    SearchIndex,
    declared_layout,
    snapshot_state,
)
from cases.search.snapshot import SnapshotInfo, latest_snapshot, save_snapshot

logger = logging.getLogger(__name__)

BUILD_REQUEST_EVERY = 300.0  # seconds between two requests for a build from one process
_LOCK_KEY = 0x5EA2C41  # pg advisory lock: one build per database at a time
_requested_at: dict[str, float] = {}


@dataclass(frozen=True)
class Published:
    snapshot: SnapshotInfo | None  # None: skipped (another build runs, or one covers it)
    build_seconds: float = 0.0
    prepare_seconds: float = 0.0
    save_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    # The process's peak RSS by the end of the build and of the similar state (the last is
    # peak_rss_mb, after the snapshot write): which step sets the peak
    peak_after_build_mb: float = 0.0
    peak_after_prepare_mb: float = 0.0
    reason: str = ""


def covered(requested_seq: int) -> bool:
    """Whether the newest snapshot already includes every change up to `requested_seq`."""
    info = latest_snapshot()
    return (
        info is not None
        and info.seen_seq >= requested_seq
        and info.layout == repr(declared_layout())
        and info.age_seconds < MAX_INCREMENTAL_AGE / 2
    )


def prepare(index: SearchIndex) -> None:
    """Compute what similar cases derive from the bitmaps, so that it travels in the snapshot
    instead of costing the first similar query of every process seconds."""
    from cases.search.similarity import prepare_index

    prepare_index(index)


def build_and_publish(*, requested_seq: int = 0) -> Published:
    """Build the index of the current database here and publish it. Returns what it did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return Published(None, reason="another build of this database is running")
    try:
        if requested_seq and covered(requested_seq):
            return Published(None, reason="the newest snapshot already covers the request")
        started = time.perf_counter()
        index = SearchIndex(database=connection.settings_dict["NAME"])
        index.build()
        built = time.perf_counter()
        peak_built = _peak_rss_mb()
        prepare(index)
        prepared = time.perf_counter()
        peak_prepared = _peak_rss_mb()
        info = save_snapshot(
            snapshot_state(index),
            seen_seq=index.seen_seq,
            layout=repr(index.layout),
            cases=len(index.all),
            build_seconds=built - started,
        )
        saved = time.perf_counter()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
    return Published(
        info,
        build_seconds=built - started,
        prepare_seconds=prepared - built,
        save_seconds=saved - prepared,
        peak_rss_mb=_peak_rss_mb(),
        peak_after_build_mb=peak_built,
        peak_after_prepare_mb=peak_prepared,
        reason="built",
    )


def _peak_rss_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss where /proc is there: Linux carries that one
    over fork and exec, so a command started by a large process reports its parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_seq() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM cases_search_seq")
        last_value, is_called = cursor.fetchone()
    return last_value if is_called else 0


def request_build(database: str) -> bool:
    """Ask the workers for a build (once per BUILD_REQUEST_EVERY seconds from this process);
    False when it was asked recently or the broker is unreachable (logged, never raised: the
    request is answered from PostgreSQL meanwhile)."""
    now = time.monotonic()
    last = _requested_at.get(database)
    if last is not None and now - last < BUILD_REQUEST_EVERY:
        return False
    _requested_at[database] = now
    from cases.tasks import build_search_index

    try:
        build_search_index.delay(requested_seq=current_seq())
    except Exception as error:  # a broker outage must not fail the search that noticed it
        logger.warning("could not request a search index build: %s", error)
        return False
    STATS["build_requests"] += 1
    logger.info("search index of %s: build requested (no usable snapshot, or a stale one)", database)
    return True


def forget_requests() -> None:
    _requested_at.clear()


def preload_for_workers() -> int:
    """Load the newest snapshot into this process before it forks web workers (gunicorn's
    master with preload_app: registry/gunicorn.conf.py). The workers inherit it and share its
    pages copy-on-write, patching only what changed since. Returns the cases loaded (0: none)."""
    import gc

    from django.db import connections

    from cases.search.index import install_index, load_from_snapshot

    index = load_from_snapshot(connection.settings_dict["NAME"])
    if index is not None:
        with index.lock:
            try:
                index.refresh()
            except Exception:  # unpatchable: each worker falls back and asks
                index = None
    if index is not None:
        install_index(index)
    # The children must open their own connections; and objects that live as long as the
    # master are moved out of the collector's sight, so collections in the workers never write
    # to (and so copy) the pages that hold them.
    connections.close_all()
    gc.freeze()
    return len(index.all) if index is not None else 0
