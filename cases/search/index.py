"""An in-memory index of per-value bitmaps (pyroaring) over the denormalised search columns of Case.

Why: boolean filters and facet counts over a broad result set (hundreds of thousands of cases)
with `unnest … GROUP BY` cost hundreds of milliseconds at a million cases; intersecting compressed
bitmaps costs microseconds per facet value. See benchmarks/bench_search.py for the figures.

Each process (every gunicorn worker, every test) holds its own index per database and keeps it
fresh without help from ingestion: a trigger stamps every inserted or updated case with the next
value of one sequence (`cases_case.search_seq`) and logs deletions with it
(migration 0004_search_index_support). Before each query the index reads the sequence's last value
(one tiny query); when it moved, only rows stamped after the last seen value are re-read. Because
a sequence value is taken before its transaction commits, a refresh re-reads a look-back window of
stamps so that a transaction committing late is still seen; after a long pause or a bulk change the
index is rebuilt.
"""

from __future__ import annotations

import array
import logging
import math
import os
import pickle
import re
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import connection
from pyroaring import BitMap

logger = logging.getLogger(__name__)

STATUSES = ("machine", "in_review", "curated", "published", "rejected")
ARRAY_COLUMNS = ("term_ids", "excluded_term_ids", "disease_ids", "agent_ids", "outcome_codes")
TRUNCATED = -1  # marker in cases_search_deleted: every case may have changed (migration 0005)
LOOKBACK = 2000  # stamps re-read on each refresh (see module docstring)
REBUILD_ABOVE = 50_000  # changed rows above which a rebuild is cheaper than patching
MAX_INCREMENTAL_AGE = 6 * 3600.0  # seconds: after a longer pause, rebuild (deletion log: 1 day)
CHUNK = 100_000


def _bitmap(values: np.ndarray) -> BitMap:
    # The array('I') buffer path of BitMap is ~10x faster than iterating a numpy array.
    return BitMap(array.array("I", np.ascontiguousarray(values, dtype=np.uint32).tobytes()))


@dataclass
class SearchIndex:
    database: str
    all: BitMap = field(default_factory=BitMap)
    status: dict[str, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    merged: BitMap = field(default_factory=BitMap)
    sex: dict[str, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    age: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))  # floor(years)
    language: dict[str, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    year: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    term: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    excluded: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    disease: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    agent: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    outcome: dict[int, BitMap] = field(default_factory=lambda: defaultdict(BitMap))
    # Per-case values, indexed by case id: year for ordering; for similarity (semantic.py) the
    # summed information content of the observed closure and of observed ∪ excluded closures
    year_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    observed_ic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    mentioned_ic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    # Derived for similarity: cases excluding a term or one of its descendants (semantic.py),
    # recomputed when the index changed (key: seen_seq and size)
    excluded_closure: dict[int, BitMap] = field(default_factory=dict)
    _excluded_closure_key: tuple | None = None
    seen_seq: int = 0
    refreshed_at: float = 0.0
    build_seconds: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- construction --------------------------------------------------------------------------

    def families(self) -> list[dict]:
        return [
            self.status,
            self.sex,
            self.age,
            self.language,
            self.year,
            self.term,
            self.excluded,
            self.disease,
            self.agent,
            self.outcome,
        ]

    def _ensure_capacity(self, max_id: int) -> None:
        if max_id >= len(self.year_of):
            size = max(max_id + 1, int(len(self.year_of) * 1.5) + 1024)
            for name in ("year_of", "observed_ic", "mentioned_ic"):
                current = getattr(self, name)
                grown = np.zeros(size, dtype=current.dtype)
                grown[: len(current)] = current
                setattr(self, name, grown)

    def _add_scalars(self, rows: list[tuple]) -> None:
        if not rows:
            return
        self._ensure_capacity(max(row[0] for row in rows))
        groups: dict[tuple[str, object], list[int]] = defaultdict(list)
        merged: list[int] = []
        for case_id, status, sex, age, language, year, is_merged in rows:
            groups[("status", status)].append(case_id)
            groups[("sex", sex or "unknown")].append(case_id)
            if age is not None and not math.isnan(age):
                groups[("age", int(age))].append(case_id)
            groups[("language", language or "")].append(case_id)
            if year:
                groups[("year", int(year))].append(case_id)
                self.year_of[case_id] = year
            if is_merged:
                merged.append(case_id)
        self.all.update(row[0] for row in rows)
        self.merged.update(merged)
        for (family, value), ids in groups.items():
            getattr(self, family)[value].update(ids)

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
        loaded = 0
        with connection.cursor() as cursor:
            # `where` is one of two fixed conditions of this module; values travel as parameters.
            cursor.execute(
                "SELECT id, status, sex, age_years, language, year, merged_into_id IS NOT NULL"  # noqa: S608
                f" FROM cases_case WHERE {where}",
                params,
            )
            rows = cursor.fetchall()
            self._add_scalars(rows)
            loaded = len(rows)
            if not rows:
                return 0
            # Arrays travel as one comma-joined string per column (parsed by numpy in C) instead
            # of a Python list per row: 10x faster to load a million cases.
            aggregates = ", ".join(
                f"string_agg(cardinality({column})::text, ',' ORDER BY id),"
                f" string_agg(NULLIF(array_to_string({column}, ','), ''), ',' ORDER BY id)"
                for column in ARRAY_COLUMNS
            )
            cursor.execute(
                f"SELECT string_agg(id::text, ',' ORDER BY id), {aggregates}"  # noqa: S608
                f" FROM cases_case WHERE {where}",
                params,
            )
            result = cursor.fetchone()
        ids = _parse_ints(result[0])
        families = [self.term, self.excluded, self.disease, self.agent, self.outcome]
        parsed = []
        for position, family in enumerate(families):
            counts = _parse_ints(result[1 + 2 * position])
            values = _parse_ints(result[2 + 2 * position])
            parsed.append((counts, values))
            self._add_arrays(family, ids, counts, values)
        if per_row_ic:
            self._add_information_content(ids, *parsed[0], *parsed[1])
        return loaded

    def _information_content_from_bitmaps(self) -> None:
        """observed_ic / mentioned_ic of every case at once: one vectorised add per term bitmap
        instead of a lookup per stored value (the build of a million cases)."""
        from cases.search.semantic import excluded_closure
        from cases.search.similarity import get_ontology

        ontology = get_ontology()
        observed = np.zeros(len(self.observed_ic))
        for term, bitmap in self.term.items():
            ic = ontology.ic.get(term, 0.0)
            if ic > 0 and bitmap:
                observed[np.frombuffer(bitmap.to_array(), dtype=np.uint32)] += ic
        mentioned = observed.copy()
        closure = excluded_closure(ontology, self.excluded)
        for term, bitmap in closure.items():
            ic = ontology.ic.get(term, 0.0)
            extra = bitmap - self.term[term] if term in self.term else bitmap
            if ic > 0 and extra:
                mentioned[np.frombuffer(extra.to_array(), dtype=np.uint32)] += ic
        self.observed_ic = observed
        self.mentioned_ic = mentioned
        self.excluded_closure = closure
        self._excluded_closure_key = (self.seen_seq, len(self.all))

    def _add_information_content(
        self,
        ids: np.ndarray,
        term_counts: np.ndarray,
        terms: np.ndarray,
        excluded_counts: np.ndarray,
        excluded: np.ndarray,
    ) -> None:
        """observed_ic / mentioned_ic of the given cases (see semantic.py)."""
        from cases.search.vocabulary import get_vocabulary

        vocabulary = get_vocabulary()
        lookup_ids, lookup_ic = _ic_lookup(vocabulary)
        observed = np.zeros(len(ids))
        if len(terms):
            positions = np.clip(np.searchsorted(lookup_ids, terms), 0, len(lookup_ids) - 1)
            weights = np.where(lookup_ids[positions] == terms, lookup_ic[positions], 0.0)
            owners = np.repeat(np.arange(len(ids)), term_counts)
            observed = np.bincount(owners, weights=weights, minlength=len(ids))
        mentioned = observed.copy()
        if len(excluded):
            term_ends = np.cumsum(term_counts)
            excluded_ends = np.cumsum(excluded_counts)
            ancestors, ic = vocabulary.term_ancestors, vocabulary.term_ic
            for row in np.flatnonzero(excluded_counts).tolist():
                closure = set(terms[term_ends[row] - term_counts[row] : term_ends[row]].tolist())
                extra: set[int] = set()
                for term in excluded[excluded_ends[row] - excluded_counts[row] : excluded_ends[row]].tolist():
                    extra.update(ancestors.get(term, (term,)))
                mentioned[row] += sum(ic.get(term, 0.0) for term in extra - closure)
        self.observed_ic[ids] = observed
        self.mentioned_ic[ids] = mentioned

    def build(self) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM cases_search_seq")
            last_value, is_called = cursor.fetchone()
            cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM cases_case")
            low, high = cursor.fetchone()
            # Deletions older than any process may still be patching from (processes idle for
            # longer than MAX_INCREMENTAL_AGE rebuild instead) are no longer needed.
            cursor.execute("DELETE FROM cases_search_deleted WHERE deleted_at < now() - interval '1 day'")
        # Stamps taken before the build started are covered by it (modulo late commits, which the
        # look-back window of the next refresh re-reads).
        self.seen_seq = last_value if is_called else 0
        self._ensure_capacity(high)
        for start in range(low, high + 1, CHUNK):
            self.load_rows("id >= %s AND id < %s", [start, start + CHUNK], per_row_ic=False)
        self._information_content_from_bitmaps()
        for family in self.families():
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
            cursor.execute("SELECT case_id FROM cases_search_deleted WHERE seq > %s", [since])
            deleted_ids = [row[0] for row in cursor.fetchall()]
        if TRUNCATED in deleted_ids:  # the table was truncated (or bulk-loaded around triggers)
            raise _RebuildNeeded
        gone = BitMap(changed_ids) | BitMap(deleted_ids)
        if gone:
            self.all -= gone
            self.merged -= gone
            for family in self.families():
                for bitmap in family.values():
                    bitmap -= gone
        if changed_ids:
            self.load_rows("id = ANY(%s)", [changed_ids])
        self.seen_seq = current
        self.refreshed_at = time.monotonic()
        return True

    # --- visibility ----------------------------------------------------------------------------

    def visible(self, user) -> BitMap:
        """Case.objects.visible_to(user) as a bitmap (the same rules, see cases/querysets.py)."""
        from django.conf import settings

        if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False):
            return self.all.copy()
        if settings.PUBLIC_CURATED_ONLY:
            allowed = self.status.get("curated", BitMap()) | self.status.get("published", BitMap())
        else:
            allowed = self.all - self.status.get("rejected", BitMap())
        return allowed - self.merged


_ic_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _ic_lookup(vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Sorted term ids and their IC, for vectorised lookups."""
    key = id(vocabulary)
    if key not in _ic_cache:
        _ic_cache.clear()
        ids = np.array(sorted(vocabulary.term_ic), dtype=np.int64)
        _ic_cache[key] = (ids, np.array([vocabulary.term_ic[int(i)] for i in ids], dtype=np.float64))
    return _ic_cache[key]


class _RebuildNeeded(Exception):
    pass


def _parse_ints(text: str | None) -> np.ndarray:
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.array(np.fromstring(text, dtype=np.int64, sep=","))


_indexes: dict[str, SearchIndex] = {}
_registry_lock = threading.Lock()


SMALL_DATABASE = 20_000


def get_index() -> SearchIndex:
    """The fresh index for the current database connection (built on first use in a process)."""
    database = connection.settings_dict["NAME"]
    if connection.in_atomic_block:
        # Inside a transaction this connection sees its own uncommitted rows, and a rollback
        # (every pytest-django test) undoes them without a trace in the change log. A small
        # database is then simply indexed afresh for this query instead of polluting the cache.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) < %s FROM (SELECT 1 FROM cases_case LIMIT %s) AS bounded",
                [SMALL_DATABASE, SMALL_DATABASE],
            )
            small = cursor.fetchone()[0]
        if small:
            index = SearchIndex(database=database)
            index.build()
            return index
    with _registry_lock:
        index = _indexes.get(database)
        if index is None:
            index = _load_snapshot(database)
            if index is None:
                index = _build_and_save(database)
                _indexes[database] = index
                return index
            _indexes[database] = index
    with index.lock:
        try:
            index.refresh()
        except _RebuildNeeded:
            fresh = _build_and_save(database)
            with _registry_lock:
                _indexes[database] = fresh
            return fresh
    return index


# --- snapshots: a worker process starts from the last build instead of rebuilding ---------------

SNAPSHOT_MIN_CASES = 50_000  # below this a build takes about a second: not worth a file
SNAPSHOT_MAX_AGE = MAX_INCREMENTAL_AGE
_PICKLED = (
    "all", "status", "merged", "sex", "age", "language", "year", "term", "excluded", "disease",
    "agent", "outcome", "year_of", "observed_ic", "mentioned_ic", "seen_seq",
)  # fmt: skip


def _database_identity() -> str:
    """Server and database incarnation: a database recreated under the same name (tests) or
    another server must not reuse a snapshot."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' || oid::text"
            " FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def _snapshot_path(database: str) -> Path:
    from django.conf import settings

    folder = Path(getattr(settings, "VAR_DIR", Path(tempfile.gettempdir()))) / "cache" / "search"
    return folder / f"index-{re.sub(r'[^A-Za-z0-9_.-]', '_', database)}.pickle"


def _build_and_save(database: str) -> SearchIndex:
    index = SearchIndex(database=database)
    index.build()
    if len(index.all) >= SNAPSHOT_MIN_CASES:
        try:
            path = _snapshot_path(database)
            path.parent.mkdir(parents=True, exist_ok=True)
            state = {name: getattr(index, name) for name in _PICKLED}
            state["identity"] = _database_identity()
            state["saved_at"] = time.time()
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)  # atomic: other workers never read a partial file
        except OSError as error:  # a read-only disk only costs the next worker a build
            logger.warning("could not save the search index snapshot: %s", error)
    return index


def _load_snapshot(database: str) -> SearchIndex | None:
    path = _snapshot_path(database)
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)  # noqa: S301 - our own file in the project's var folder
    except (OSError, pickle.UnpicklingError, EOFError):
        return None
    age = time.time() - state.get("saved_at", 0)
    if age > SNAPSHOT_MAX_AGE or state.get("identity") != _database_identity():
        return None
    index = SearchIndex(database=database)
    for name in _PICKLED:
        setattr(index, name, state[name])
    index.refreshed_at = time.monotonic() - age
    logger.info("search index of %s: %d cases from the snapshot of %.0f s ago", database, len(index.all), age)
    return index


def drop_index() -> None:
    """Forget every index of this process (tests; a management command after bulk loads)."""
    with _registry_lock:
        _indexes.clear()
