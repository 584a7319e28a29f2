"""Snapshots of the search index, kept in PostgreSQL (tables of migration 0012): the build task
(publish.py) writes one; every web process, on any machine, starts from the newest instead of
building, then catches up from the change stamps (index.py). No shared disk is needed, and a
database restored from a backup brings the snapshot that matches its own sequence along.

The state (a dict of bitmaps and numpy arrays) is pickled straight into CHUNK_BYTES pieces as
the pickler writes, and unpickled from the pieces as they are read back: neither side ever holds
the whole serialized snapshot (hundreds of MB at a million cases) beside the index itself. Nor
one pickle of it: a pickler (and an unpickler) keeps every object it has handled until the end of
its pickle, the serialized bytes of each bitmap included, which made writing a 3M-case snapshot
peak at its whole size (~620 MB) above the index. So the state is a stream of small pickles
(`_records`): the dicts of bitmaps are written as batches of entries of at most BATCH_VALUES
values each, and each pickle's memory is freed before the next; what the state shares is
written once and referred to after (`_StreamPickler`).

A snapshot is marked complete only after its last chunk, so readers never see a partial one; the
newest KEEP complete snapshots are kept (a process may still be reading the one before the
newest), older ones and abandoned partial ones are deleted by the next publication.
"""

from __future__ import annotations

import io
import logging
import pickle
import socket
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from pyroaring import BitMap

logger = logging.getLogger(__name__)

CHUNK_BYTES = 8 * 1024 * 1024
BATCH_VALUES = 8_000_000  # bitmap members per pickle of the stream (at most ~16 MB serialized)
STREAM = ("search-snapshot-stream", 1)  # the first record of a streamed snapshot
KEEP = 2
ABANDONED_AFTER = "1 hour"  # a partial snapshot older than this was left by a dead build


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    age_seconds: float
    seen_seq: int
    layout: str
    cases: int
    size_bytes: int
    build_seconds: float


def _raw_cursor():
    """A cursor on Django's connection (same transaction) that Django does not log: with DEBUG on,
    its query log would keep every 8 MB chunk, the whole snapshot, for the life of the process."""
    connection.ensure_connection()
    return connection.connection.cursor()


class _ChunkWriter(io.RawIOBase):
    """A write-only file whose bytes go into chunk rows of one snapshot, CHUNK_BYTES at a time."""

    def __init__(self, snapshot_id: int) -> None:
        super().__init__()
        self.snapshot_id = snapshot_id
        self.buffer = bytearray()
        self.number = 0
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")  # bytes, or a PickleBuffer of protocol 5
        self.buffer += view
        while len(self.buffer) >= CHUNK_BYTES:
            self._flush_chunk(bytes(self.buffer[:CHUNK_BYTES]))
            del self.buffer[:CHUNK_BYTES]
        return view.nbytes

    def finish(self) -> int:
        if self.buffer:
            self._flush_chunk(bytes(self.buffer))
            self.buffer.clear()
        return self.size

    def _flush_chunk(self, data: bytes) -> None:
        with _raw_cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_search_snapshot_chunk (snapshot_id, number, data) VALUES (%s, %s, %s)",
                [self.snapshot_id, self.number, data],
            )
        self.number += 1
        self.size += len(data)


class _ChunkReader(io.RawIOBase):
    """A read-only file over the chunk rows of one snapshot, fetched one at a time."""

    def __init__(self, snapshot_id: int) -> None:
        super().__init__()
        self.snapshot_id = snapshot_id
        self.number = 0
        self.current = memoryview(b"")
        self.position = 0
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        if self.position >= len(self.current) and (self.exhausted or not self._next_chunk()):
            return 0
        count = min(len(target), len(self.current) - self.position)
        target[:count] = self.current[self.position : self.position + count]
        self.position += count
        return count

    def _next_chunk(self) -> bool:
        with _raw_cursor() as cursor:
            cursor.execute(
                "SELECT data FROM cases_search_snapshot_chunk WHERE snapshot_id = %s AND number = %s",
                [self.snapshot_id, self.number],
            )
            row = cursor.fetchone()
        if row is None:
            self.exhausted = True
            return False
        self.current = memoryview(bytes(row[0]))
        self.position = 0
        self.number += 1
        return True


def save_snapshot(
    state: dict, *, seen_seq: int, layout: str, cases: int, build_seconds: float
) -> SnapshotInfo:
    """Write `state` as a new complete snapshot and drop the ones no reader needs any more."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_search_snapshot (seen_seq, layout, cases, build_seconds, host)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            [seen_seq, layout, cases, build_seconds, socket.gethostname()[:200]],
        )
        snapshot_id = cursor.fetchone()[0]
    writer = _ChunkWriter(snapshot_id)
    try:
        _write_stream(state, writer)
        size = writer.finish()
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_search_snapshot WHERE id = %s", [snapshot_id])
        raise
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_search_snapshot SET complete = true, size_bytes = %s WHERE id = %s",
            [size, snapshot_id],
        )
        cursor.execute(
            "DELETE FROM cases_search_snapshot WHERE (complete AND id < %s AND id NOT IN ("
            "  SELECT id FROM cases_search_snapshot WHERE complete ORDER BY id DESC LIMIT %s))"
            " OR (NOT complete AND created_at < now() - %s::interval)",
            [snapshot_id, KEEP, ABANDONED_AFTER],
        )
    logger.info("search index snapshot %d: %d cases, %.1f MB", snapshot_id, cases, size / 1e6)
    return SnapshotInfo(snapshot_id, 0.0, seen_seq, layout, cases, size, build_seconds)


def latest_snapshot() -> SnapshotInfo | None:
    """The newest complete snapshot (its age by the database's clock, the same for every host)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, extract(epoch FROM now() - created_at), seen_seq, layout, cases, size_bytes,"
            " build_seconds FROM cases_search_snapshot WHERE complete ORDER BY id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return None if row is None else SnapshotInfo(row[0], float(row[1]), *row[2:])


def _size(value: object) -> int:
    return len(value) if isinstance(value, BitMap) else 1


def _records(path: tuple, value: object) -> Iterator[tuple]:
    """The stream of records that rebuilds `value` at `path`: ("map", path, default factory) for
    a dict (a defaultdict keeps its factory), then its entries, a nested dict by its own records
    and the others in ("items", path, [(key, value), …]) batches; ("value", path, value) for
    anything else."""
    if not isinstance(value, dict):
        yield ("value", path, value)
        return
    yield ("map", path, value.default_factory if isinstance(value, defaultdict) else None)
    batch: list[tuple] = []
    members = 0
    for key, item in value.items():
        if isinstance(item, dict):
            yield from _records((*path, key), item)
            continue
        batch.append((key, item))
        members += _size(item)
        if members >= BATCH_VALUES:
            yield ("items", path, batch)
            batch, members = [], 0
    if batch:
        yield ("items", path, batch)


class _StreamPickler(pickle.Pickler):
    """Pickles one record. A dict or bitmap an earlier record of the stream carried is written as
    a reference to where it was (`persistent_id`), so objects the state shares (the similar-case
    view holds the index's own term and excluded families) are shared again after loading, as
    one pickle would have kept them, instead of being copied."""

    def __init__(self, file, seen: dict[int, tuple]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.seen = seen

    def persistent_id(self, obj: object) -> tuple | None:
        if isinstance(obj, dict | BitMap):
            return self.seen.get(id(obj))
        return None


def _write_stream(state: dict, file) -> None:
    seen: dict[int, tuple] = {}  # id of a dict or bitmap already written -> where it is
    pickle.dump(STREAM, file, protocol=pickle.HIGHEST_PROTOCOL)
    for record in _records((), state):
        _StreamPickler(file, seen).dump(record)
        kind, path, payload = record
        if kind == "map":
            container = state
            for key in path:
                container = container[key]
            seen[id(container)] = ("map", path)
        elif kind == "items":
            for key, item in payload:
                if isinstance(item, BitMap):
                    seen[id(item)] = ("item", path, key)
    pickle.dump(("end",), file, protocol=pickle.HIGHEST_PROTOCOL)


class _StreamUnpickler(pickle.Unpickler):
    def __init__(self, file, containers: dict[tuple, dict]) -> None:
        super().__init__(file)
        self.containers = containers

    def persistent_load(self, pid: tuple) -> object:
        if pid[0] == "map":
            return self.containers[pid[1]]
        return self.containers[pid[1]][pid[2]]


def _read_stream(file) -> dict:
    """The state `_write_stream` wrote (after its STREAM record)."""
    root: dict = {}
    containers: dict[tuple, dict] = {}
    while True:
        record = _StreamUnpickler(file, containers).load()
        if record == ("end",):
            return root
        kind, path, payload = record
        parent = containers.get(path[:-1]) if path else None
        if kind == "map":
            container = defaultdict(payload) if payload is not None else {}
            if path:
                parent[path[-1]] = container
            else:
                root = container
            containers[path] = container
        elif kind == "items":
            containers[path].update(payload)
        else:
            parent[path[-1]] = payload


def read_snapshot(info: SnapshotInfo) -> dict | None:
    """The state saved in `info`, or None when it was deleted meanwhile or cannot be read."""
    reader = io.BufferedReader(_ChunkReader(info.id), buffer_size=1024 * 1024)
    try:
        first = pickle.load(reader)  # noqa: S301 - written by our own build task into our own table
        if first != STREAM:
            return first  # written as one pickle, before the stream
        return _read_stream(reader)
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError) as error:
        logger.warning("search index snapshot %d could not be read: %s", info.id, error)
        return None


def snapshot_sizes() -> list[SnapshotInfo]:
    """Every complete snapshot, newest first (for the build command's report)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, extract(epoch FROM now() - created_at), seen_seq, layout, cases, size_bytes,"
            " build_seconds FROM cases_search_snapshot WHERE complete ORDER BY id DESC"
        )
        return [SnapshotInfo(row[0], float(row[1]), *row[2:]) for row in cursor.fetchall()]
