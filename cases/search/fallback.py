"""Search answered from PostgreSQL while a process has no in-memory index (index.py, get_index):
the same evaluator, ordering and facets, over a `FallbackIndex` whose bitmaps come from SQL.

- The few small-valued columns (status, merged, sex, age, language, year) are read once per
  change stamp in one statement, grouped in PostgreSQL (GROUPING SETS, ids as one string per
  value): visibility, NOT, ranges, year order and their counts need every value.
- A value of an array column (term_ids, agent_ids, …) is read when a query names it, through the
  column's GIN index (`column @> ARRAY[value]`).
- Facets over the array columns are counted by one statement over the result's stored arrays
  (`unnest … GROUP BY`: counting.py's exact strategy).

Results are the index's (tests/search/test_fallback.py compares both), only slower on broad
queries; what needs every bitmap at once (similar cases, cohort summaries) raises IndexNotReady.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Hashable, Iterator, Mapping

import numpy as np
from django.db import connection
from pyroaring import BitMap

from cases.search.index import STATS, IndexNotReady, SearchIndex, _bitmap, _parse_ints


class _GinFamily(Mapping):
    """The bitmaps of one array column, each read on first use through the GIN index."""

    def __init__(self, column: str, sql_type: str) -> None:
        self.column = column
        self.sql_type = sql_type
        self.loaded: dict[Hashable, BitMap] = {}
        self.lock = threading.Lock()

    def _load(self, value: Hashable) -> BitMap:
        with self.lock:
            found = self.loaded.get(value)
        if found is not None:
            return found
        if not isinstance(value, int):
            return BitMap()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # The column and its type come from the facet declarations and the model.
            cursor.execute(
                f"SELECT string_agg(id::text, ',') FROM cases_case"  # noqa: S608
                f" WHERE {quote(self.column)} @> ARRAY[%s]::{self.sql_type}",
                [value],
            )
            bitmap = _bitmap(_parse_ints(cursor.fetchone()[0]))
        with self.lock:
            self.loaded[value] = bitmap
        return bitmap

    def get(self, value, default=None):
        bitmap = self._load(value)
        return bitmap if bitmap else default

    def __getitem__(self, value) -> BitMap:
        bitmap = self._load(value)
        if not bitmap:
            raise KeyError(value)
        return bitmap

    def __contains__(self, value) -> bool:
        return bool(self._load(value))

    def __iter__(self) -> Iterator:
        raise IndexNotReady(f"every value of {self.column} needs the in-memory index")

    def __len__(self) -> int:
        raise IndexNotReady(f"every value of {self.column} needs the in-memory index")


class FallbackIndex(SearchIndex):
    in_memory = False
    source = "database"

    def load(self) -> None:
        from cases.models import Case

        self.seen_seq = self.current_seq()
        for column in self._array_columns():
            sql_type = Case._meta.get_field(column.name).db_type(connection)
            self.families[column.family] = _GinFamily(column.name, sql_type)
        scalars = self._scalar_columns()
        quote = connection.ops.quote_name
        names = [quote(column.name) for column in scalars]
        sets = ", ".join(["(status, merged)", *(f"({name})" for name in names)])
        selected = ", ".join(names)
        with connection.cursor() as cursor:
            # Columns from the facet declarations; one scan of cases_case, grouped per column.
            cursor.execute(
                f"SELECT GROUPING(status, merged), status, merged"  # noqa: S608
                f"{''.join(f', GROUPING({name}), {name}' for name in names)}, string_agg(id::text, ',')"
                f" FROM (SELECT id, status, merged_into_id IS NOT NULL AS merged"
                f"{', ' + selected if selected else ''} FROM cases_case) AS cases"
                f" GROUP BY GROUPING SETS ({sets})"
            )
            rows = cursor.fetchall()
        high = 0
        grouped: dict[str, dict[Hashable, list[np.ndarray]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            ids = _parse_ints(row[-1])
            if len(ids):
                high = max(high, int(ids.max()))
            if row[0] == 0:  # the (status, merged) set
                bitmap = _bitmap(ids)
                self.all |= bitmap
                self.status[row[1]] |= bitmap
                if row[2]:
                    self.merged |= bitmap
                continue
            for position, column in enumerate(scalars):
                if row[3 + 2 * position] == 0:
                    grouped[column.family][column.key(row[4 + 2 * position])].append(ids)
        self._ensure_capacity(high)
        for column in scalars:
            family = self.families[column.family]
            for key, parts in grouped[column.family].items():
                ids = np.concatenate(parts)
                if key is not None:
                    family[key] = _bitmap(ids)
                if column.family == "year" and key:
                    self.year_of[ids] = key

    def derived(self, name, compute):
        raise IndexNotReady(f"{name} needs the in-memory index")


_fallbacks: dict[str, FallbackIndex] = {}
_lock = threading.Lock()


def fallback_index(database: str) -> FallbackIndex:
    """This process's fallback for `database`, read again whenever a case changed."""
    with _lock:
        index = _fallbacks.get(database)
        if index is None or index.current_seq() != index.seen_seq:
            index = FallbackIndex(database=database)
            index.load()
            _fallbacks[database] = index
            STATS["fallback_indexes"] += 1
        return index


def forget_fallbacks() -> None:
    with _lock:
        _fallbacks.clear()
