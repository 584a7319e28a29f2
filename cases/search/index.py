"""An in-memory index of per-value bitmaps (pyroaring) over the denormalised search columns of Case.

Which columns, and how each becomes a family of bitmaps, the facet declarations say (facets/,
`Facet.column`): one family per declared column, read as `index.family("term")` or `index.term`.
Beside them the index keeps what visibility (cases/visibility.py) and ordering need: every case,
the status family, merged duplicates, and each case's year.

Why: boolean filters and facet counts over a broad result set (hundreds of thousands of cases)
with `unnest … GROUP BY` cost hundreds of milliseconds at a million cases; intersecting compressed
bitmaps costs microseconds per facet value. See benchmarks/bench_search.py for the figures.

Each process (every gunicorn worker, every test) holds its own index per database and keeps it
fresh without help from ingestion: a trigger stamps every inserted or updated case with the next
value of one sequence (`cases_case.search_seq`) and logs deletions with it
(migration 0004_search_index_support). Before each query the index reads the sequence's last value
(one tiny query); when it moved, only rows stamped after the last seen value are re-read. Because
a sequence value is taken before its transaction commits, a refresh re-reads a look-back window of
stamps so that a transaction committing late is still seen.

Where an index comes from (get_index): a web process never builds one of a large database. It
starts from the newest snapshot in PostgreSQL (snapshot.py), published by the build task or the
`build_search_index` command (publish.py); under gunicorn the master loads it once before forking,
so the workers share its pages (registry/gunicorn.conf.py). Without a usable snapshot, or when the
changes since cannot be patched in (a bulk change, a TRUNCATE), the process answers from
PostgreSQL's GIN-indexed columns (fallback.py: slower, same results, marked in the response) and
asks for a build once. Only a database below SEARCH_INLINE_BUILD_MAX cases (about a second to
build), the build task, commands and benchmarks (`build=True`) build in-process; STATS counts
every build so tests can tell.
"""

from __future__ import annotations

import array
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from django.db import connection
from pyroaring import BitMap

from cases.search.facets import FACETS, Column
from cases.search.information import information_from_bitmaps, information_of_rows
from cases.search.ontology import get_ontology
from cases.search.snapshot import SnapshotInfo, latest_snapshot, read_snapshot
from cases.search.vocabulary import get_vocabulary
from cases.visibility import case_visibility

logger = logging.getLogger(__name__)

TRUNCATED = -1  # marker in cases_search_deleted: every case may have changed (migration 0005)
LOOKBACK = 2000  # stamps re-read on each refresh (see module docstring)
REBUILD_ABOVE = 50_000  # changed rows above which a rebuild is cheaper than patching
# Change stamps past its snapshot after which a process asks for a fresher one: every process
# started later would patch them all in its first request (~2,000 cases/s on a loaded core).
STALE_SNAPSHOT_STAMPS = 5_000
# Seconds an index (or snapshot) may lag and still be patched: below the day for which builds
# keep the deletion log (build()), so every deletion since is still there to read.
MAX_INCREMENTAL_AGE = 20 * 3600.0
# Cases read per step of a build: the arrays of a step are parsed and sorted at once, so the
# step bounds the build's peak memory above the index itself (100k: ~550 MB at 1M cases).
CHUNK = 25_000
# What this process did, for tests and benchmarks: a web request must never add to "builds".
STATS: dict[str, int] = {"builds": 0, "snapshot_loads": 0, "build_requests": 0, "fallback_indexes": 0}


class IndexNotReady(Exception):
    """This process answers from PostgreSQL until a snapshot is published (fallback.py): what
    needs the whole in-memory index (similar cases, cohort summaries) must wait for it."""


def _bitmap(values: np.ndarray) -> BitMap:
    # The array('I') buffer path of BitMap is ~10x faster than iterating a numpy array.
    return BitMap(array.array("I", np.ascontiguousarray(values, dtype=np.uint32).tobytes()))


def declared_layout() -> tuple[tuple[str, str, bool], ...]:
    """The declared columns as (family, column, array): an index (or a snapshot) built for
    another layout is rebuilt."""
    return tuple((column.family, column.name, column.array) for column in FACETS.columns())


@dataclass
class SearchIndex:
    database: str
    all: BitMap = field(default_factory=BitMap)
    status: dict[str, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    merged: BitMap = field(default_factory=BitMap)
    # One family per declared column: {family name: {value: cases}} (sex, age, language, year,
    # term, excluded, disease, agent, outcome today)
    families: dict[str, dict] = field(default_factory=dict)
    layout: tuple = ()
    # Per-case values, indexed by case id: year for ordering; for similarity (semantic.py) the
    # summed information content of the observed closure and of observed ∪ excluded closures
    year_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    observed_ic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    mentioned_ic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    # Derived for similarity: cases excluding a term or one of its descendants (semantic.py),
    # recomputed when the index changed (key: seen_seq and size)
    excluded_closure: dict[int, BitMap] = field(default_factory=dict)
    _excluded_closure_key: tuple | None = None
    # State derived from the bitmaps by other modules (similarity's ranking view), kept until the
    # index changes and saved in snapshots: {name: ((seen_seq, cases), value)}
    derived_state: dict[str, tuple] = field(default_factory=dict)
    seen_seq: int = 0
    covered_truncations: set[int] = field(default_factory=set)
    snapshot_id: int = 0  # the snapshot this index was loaded from (0: built here)
    snapshot_seq: int = 0  # and the change stamp it was built at
    refreshed_at: float = 0.0
    build_seconds: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    in_memory: ClassVar[bool] = True  # False: answers from PostgreSQL (fallback.py)
    source: ClassVar[str] = "index"

    def __post_init__(self) -> None:
        if not self.layout:
            self.layout = declared_layout()
        self._columns: list[Column] = FACETS.columns()
        for column in self._columns:
            self.families.setdefault(column.family, defaultdict(BitMap))

    def __getattr__(self, name: str):
        # index.term, index.sex, …: the families by name (semantic.py's PhenotypeIndex reads
        # index.term and index.excluded).
        families = self.__dict__.get("families")
        if families is not None and name in families:
            return families[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute or bitmap family {name!r}")

    def family(self, name: str) -> dict:
        """The bitmaps of one declared family, {value: cases} (empty when none is declared)."""
        return self.families.get(name, {})

    def derived(self, name: str, compute: Callable[[SearchIndex], Any]) -> Any:
        """`compute(self)`, remembered until the index changes and carried in its snapshot (the
        build task computes what similar cases need before publishing: publish.py)."""
        key = (self.seen_seq, len(self.all))
        found = self.derived_state.get(name)
        if found is None or found[0] != key:
            found = self.derived_state[name] = (key, compute(self))
        return found[1]

    # --- construction --------------------------------------------------------------------------

    def all_families(self) -> list[dict]:
        return [self.status, *self.families.values()]

    def _ensure_capacity(self, max_id: int) -> None:
        if max_id >= len(self.year_of):
            size = max(max_id + 1, int(len(self.year_of) * 1.5) + 1024)
            for name in ("year_of", "observed_ic", "mentioned_ic"):
                current = getattr(self, name)
                grown = np.zeros(size, dtype=current.dtype)
                grown[: len(current)] = current
                setattr(self, name, grown)

    def _add_scalars(self, rows: list[tuple]) -> None:
        """Rows of (id, status, merged, year, *declared scalar columns)."""
        if not rows:
            return
        self._ensure_capacity(max(row[0] for row in rows))
        ids = [row[0] for row in rows]
        status: dict[str, list[int]] = defaultdict(list)
        merged: list[int] = []
        for case_id, case_status, is_merged, year, *_ in rows:
            status[case_status].append(case_id)
            if year:
                self.year_of[case_id] = year
            if is_merged:
                merged.append(case_id)
        self.all.update(ids)
        self.merged.update(merged)
        for value, members in status.items():
            self.status[value].update(members)
        for position, column in enumerate(self._scalar_columns(), start=4):
            groups: dict[object, list[int]] = defaultdict(list)
            key = column.key
            for case_id, row in zip(ids, rows, strict=True):
                value = key(row[position])
                if value is not None:
                    groups[value].append(case_id)
            family = self.families[column.family]
            for value, members in groups.items():
                family[value].update(members)

    def _scalar_columns(self) -> list[Column]:
        return [column for column in self._columns if not column.array]

    def _array_columns(self) -> list[Column]:
        return [column for column in self._columns if column.array]

    def _add_arrays(self, family: dict, ids: np.ndarray, counts: np.ndarray, values: np.ndarray) -> None:
        if len(values) == 0:
            return
        # One sort of (value, owner) packed in 64 bits groups the owners of each value, in order
        packed = (values.astype(np.uint64) << np.uint64(32)) | np.repeat(ids, counts).astype(np.uint64)
        packed.sort()
        values = (packed >> np.uint64(32)).astype(np.int64)
        owners = (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        bounds = np.flatnonzero(np.diff(values)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(values)]))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            family[int(values[start])].update(_bitmap(owners[start:end]))

    def load_rows(self, where: str, params: list, *, per_row_ic: bool = True) -> int:
        """Add the cases matching `where` (they must not be in the index already). A full build
        passes per_row_ic=False and computes the information-content sums from the bitmaps."""
        quote = connection.ops.quote_name
        scalars = "".join(f", {quote(column.name)}" for column in self._scalar_columns())
        arrays = self._array_columns()
        with connection.cursor() as cursor:
            # `where` is one of two fixed conditions of this module and the columns come from the
            # facet declarations; values travel as parameters.
            cursor.execute(
                "SELECT id, status, merged_into_id IS NOT NULL, year"  # noqa: S608
                f"{scalars} FROM cases_case WHERE {where}",
                params,
            )
            rows = cursor.fetchall()
            self._add_scalars(rows)
            if not rows or not arrays:
                return len(rows)
            # Arrays travel as one comma-joined string per column (parsed by numpy in C) instead
            # of a Python list per row: 10x faster to load a million cases.
            aggregates = ", ".join(
                f"string_agg(cardinality({quote(column.name)})::text, ',' ORDER BY id),"
                f" string_agg(NULLIF(array_to_string({quote(column.name)}, ','), ''), ',' ORDER BY id)"
                for column in arrays
            )
            cursor.execute(
                f"SELECT string_agg(id::text, ',' ORDER BY id), {aggregates}"  # noqa: S608
                f" FROM cases_case WHERE {where}",
                params,
            )
            result = cursor.fetchone()
        ids = _parse_ints(result[0])
        parsed = {}
        for position, column in enumerate(arrays):
            counts = _parse_ints(result[1 + 2 * position])
            values = _parse_ints(result[2 + 2 * position])
            parsed[column.family] = (counts, values)
            self._add_arrays(self.families[column.family], ids, counts, values)
        if per_row_ic and "term" in parsed and "excluded" in parsed:
            vocabulary = get_vocabulary()
            observed, mentioned = information_of_rows(vocabulary, ids, *parsed["term"], *parsed["excluded"])
            self.observed_ic[ids] = observed
            self.mentioned_ic[ids] = mentioned
        return len(rows)

    def _information_content_from_bitmaps(self) -> None:
        observed, mentioned, closure = information_from_bitmaps(
            get_ontology(), self.family("term"), self.family("excluded"), len(self.observed_ic)
        )
        self.observed_ic, self.mentioned_ic, self.excluded_closure = observed, mentioned, closure
        self._excluded_closure_key = (self.seen_seq, len(self.all))

    def build(self) -> None:
        STATS["builds"] += 1
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM cases_search_seq")
            last_value, is_called = cursor.fetchone()
            cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM cases_case")
            low, high = cursor.fetchone()
            # Deletions older than any process may still be patching from (processes idle for
            # longer than MAX_INCREMENTAL_AGE rebuild instead) are no longer needed.
            cursor.execute("DELETE FROM cases_search_deleted WHERE deleted_at < now() - interval '1 day'")
            # TRUNCATEs before the build are in it; refreshes re-read a look-back window of stamps
            # and must not take those markers for new ones.
            cursor.execute(
                "SELECT seq FROM cases_search_deleted WHERE case_id = %s AND seq <= %s",
                [TRUNCATED, last_value if is_called else 0],
            )
            self.covered_truncations = {row[0] for row in cursor.fetchall()}
        # Stamps taken before the build started are covered by it (modulo late commits, which the
        # look-back window of the next refresh re-reads).
        self.seen_seq = last_value if is_called else 0
        self._ensure_capacity(high)
        for start in range(low, high + 1, CHUNK):
            self.load_rows("id >= %s AND id < %s", [start, start + CHUNK], per_row_ic=False)
        self._information_content_from_bitmaps()
        for family in self.all_families():
            for bitmap in family.values():
                bitmap.run_optimize()
        self.refreshed_at = time.monotonic()
        self.build_seconds = time.perf_counter() - started
        logger.info(
            "search index of %s: %d cases in %.2f s", self.database, len(self.all), self.build_seconds
        )

    # --- freshness -----------------------------------------------------------------------------

    def current_seq(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM cases_search_seq")
            last_value, is_called = cursor.fetchone()
        return last_value if is_called else 0

    def refresh(self) -> bool:
        """Bring the index up to date; returns True when it had to change."""
        current = self.current_seq()
        if current == self.seen_seq:
            self.refreshed_at = time.monotonic()
            return False
        if current < self.seen_seq or time.monotonic() - self.refreshed_at > MAX_INCREMENTAL_AGE:
            raise _RebuildNeeded
        since = max(self.seen_seq - LOOKBACK, 0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case WHERE search_seq > %s", [since])
            if cursor.fetchone()[0] > REBUILD_ABOVE:
                raise _RebuildNeeded
            cursor.execute("SELECT id FROM cases_case WHERE search_seq > %s", [since])
            changed_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT case_id, seq FROM cases_search_deleted WHERE seq > %s", [since])
            deleted = cursor.fetchall()
        if any(case_id == TRUNCATED and seq not in self.covered_truncations for case_id, seq in deleted):
            raise _RebuildNeeded  # the table was truncated (or bulk-loaded around triggers)
        deleted_ids = [case_id for case_id, _ in deleted if case_id != TRUNCATED]
        gone = BitMap(changed_ids) | BitMap(deleted_ids)
        if gone:
            self.all -= gone
            self.merged -= gone
            # Only the bitmaps holding a changed case are written: the others stay untouched,
            # and so stay shared with the gunicorn master they were inherited from.
            for family in self.all_families():
                for bitmap in family.values():
                    if bitmap.intersect(gone):
                        bitmap -= gone
        if changed_ids:
            self.load_rows("id = ANY(%s)", [changed_ids])
        self.seen_seq = current
        self.refreshed_at = time.monotonic()
        return True

    # --- visibility ----------------------------------------------------------------------------

    def visible(self, user) -> BitMap:
        """The cases `user` may see, as a new bitmap: the rule of cases/visibility.py, which
        Case.objects.visible_to(user) applies in SQL."""
        rule = case_visibility(user)
        if rule.everything:
            return self.all.copy()
        allowed = BitMap.union(*(self.status.get(status) or BitMap() for status in rule.statuses))
        return allowed if rule.merged else allowed - self.merged


class _RebuildNeeded(Exception):
    pass


def _parse_ints(text: str | None) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.array(np.fromstring(text, dtype=np.int64, sep=","))


# --- where a process's index comes from ---------------------------------------------------------

_indexes: dict[str, SearchIndex] = {}
_registry_lock = threading.Lock()
# Snapshots found too old to patch (a bulk change since): skipped until a newer one is published
_unpatchable: dict[str, int] = {}
_PICKLED = (
    "all", "status", "merged", "families", "layout", "year_of", "observed_ic", "mentioned_ic",
    "excluded_closure", "derived_state", "seen_seq", "covered_truncations",
)  # fmt: skip


def inline_build_limit() -> int:
    """Cases below which any process may build its own index (about a second: tests, a fresh
    install); SEARCH_INLINE_BUILD_MAX in the settings, 0 to never build outside the task."""
    from django.conf import settings

    return int(getattr(settings, "SEARCH_INLINE_BUILD_MAX", 20_000))


def _small(limit: int) -> bool:
    if limit <= 0:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) < %s FROM (SELECT 1 FROM cases_case LIMIT %s) AS bounded", [limit, limit]
        )
        return cursor.fetchone()[0]


def get_index(*, build: bool = False) -> SearchIndex:
    """The fresh index for the current database connection: this process's, else the newest
    snapshot's, else (small database, or `build=True` in the build task, commands and
    benchmarks) a build here, else the PostgreSQL fallback while a build is requested."""
    database = connection.settings_dict["NAME"]
    if connection.in_atomic_block and _small(inline_build_limit()):
        # Inside a transaction this connection sees its own uncommitted rows, and a rollback
        # (every pytest-django test) undoes them without a trace in the change log. A small
        # database is then simply indexed afresh for this query instead of polluting the cache.
        index = SearchIndex(database=database)
        index.build()
        return index
    for _attempt in range(2):
        with _registry_lock:
            index = _indexes.get(database)
            if index is not None and index.layout != declared_layout():
                index = None  # a facet was declared (or withdrawn) since it was built
            if index is None:
                index = load_from_snapshot(database)
                if index is None:
                    if not (build or _small(inline_build_limit())):
                        return _fallback(database)
                    index = SearchIndex(database=database)
                    index.build()
                _indexes[database] = index
        with index.lock:
            try:
                index.refresh()
            except _RebuildNeeded:
                pass
            else:
                if index.snapshot_id and index.seen_seq - index.snapshot_seq > STALE_SNAPSHOT_STAMPS:
                    _ask_for_build(database)  # new processes would patch too much: a fresher one
                return index
        # The changes since cannot be patched in: never again from this snapshot; the next
        # attempt takes a newer one, builds where allowed, or answers from PostgreSQL.
        if index.snapshot_id:
            _unpatchable[database] = index.snapshot_id
        with _registry_lock:
            if _indexes.get(database) is index:
                del _indexes[database]
    return _fallback(database)


def _ask_for_build(database: str) -> None:
    from cases.search.publish import request_build

    request_build(database)


def _fallback(database: str) -> SearchIndex:
    from cases.search.fallback import fallback_index

    _ask_for_build(database)
    return fallback_index(database)


def load_from_snapshot(database: str) -> SearchIndex | None:
    """The newest usable snapshot of this database as an index (not yet patched), or None."""
    info = latest_snapshot()
    if not _usable(info, database):
        return None
    started = time.perf_counter()
    state = read_snapshot(info)
    if state is None or state.get("layout") != declared_layout():
        return None
    index = SearchIndex(database=database)
    for name in _PICKLED:
        if name in state:
            setattr(index, name, state[name])
    index.snapshot_id, index.snapshot_seq = info.id, info.seen_seq
    index.refreshed_at = time.monotonic() - info.age_seconds
    STATS["snapshot_loads"] += 1
    logger.info(
        "search index of %s: %d cases from snapshot %d (%.0f s old) in %.2f s",
        database, len(index.all), info.id, info.age_seconds, time.perf_counter() - started,
    )  # fmt: skip
    return index


def _usable(info: SnapshotInfo | None, database: str) -> bool:
    return (
        info is not None
        and info.age_seconds <= MAX_INCREMENTAL_AGE
        and info.layout == repr(declared_layout())
        and _unpatchable.get(database) != info.id
    )


def snapshot_state(index: SearchIndex) -> dict:
    """What a snapshot of `index` holds (publish.py writes it)."""
    return {name: getattr(index, name) for name in _PICKLED}


def install_index(index: SearchIndex) -> None:
    """Make `index` this process's index of its database (preloading, benchmarks)."""
    with _registry_lock:
        _indexes[index.database] = index


def loaded_index(database: str | None = None) -> SearchIndex | None:
    """This process's in-memory index, if it has one (no database access)."""
    return _indexes.get(database or connection.settings_dict["NAME"])


def drop_index() -> None:
    """Forget every index of this process (tests; a management command after bulk loads)."""
    with _registry_lock:
        _indexes.clear()
        _unpatchable.clear()
    from cases.search.fallback import forget_fallbacks

    forget_fallbacks()
