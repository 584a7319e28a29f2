"""Containers: a .zip of reports (recursively, up to `Limits.max_archive_depth`) and a .jsonl of
several phenopackets (one a line). Each document inside becomes its own report and job, so one
bad member does not sink the rest; a container that must be refused as a whole (path traversal,
a zip bomb, too many members, damaged) raises ReaderError and keeps its bytes in one failed job,
stored with this format's name.

Every declared size and name is checked before anything is read, and what is read is bounded:
a member by `Limits.max_bytes`, the whole by `Limits.max_archive_bytes`.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator

from . import phenopacket
from .base import Format, Limits, Member, ReaderError

NAME = "archive"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's end record


def holds(data: bytes, filename: str) -> bool:
    """Whether a file is a container: a zip (by name or by its first bytes), or a .jsonl with more
    than one line (one report, and citation, per phenopacket)."""
    lower = filename.lower()
    if lower.endswith(".zip") or data.startswith(b"PK\x03\x04"):
        return True
    return lower.endswith(".jsonl") and data.count(b"\n", 0, len(data) - 1) >= 1


def expand(data: bytes, filename: str, limits: Limits) -> list[Member]:
    """The documents a container holds: the members of a zip (recursively) or the lines of a
    .jsonl (named "x.jsonl#12", already known to be phenopackets). Raises ReaderError when the
    container must be refused as a whole."""
    if len(data) > limits.max_archive_bytes:
        raise ReaderError(
            f"{filename} is {len(data):,} bytes, over the limit of {limits.max_archive_bytes:,} "
            "bytes for an archive (INGEST_MAX_ZIP_TOTAL_BYTES)"
        )
    if filename.lower().endswith(".jsonl"):
        return list(_jsonl_lines(data, filename))
    return list(_expand_zip(data, filename, limits, 0, [limits.max_archive_bytes]))


def _jsonl_lines(data: bytes, name: str) -> Iterator[Member]:
    for number, line in enumerate(data.splitlines(), 1):
        if line.strip():
            yield Member(f"{name}#{number}", line, format=phenopacket.NAME)


def _safe_member_name(name: str) -> str:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised) or ".." in normalised.split("/"):
        raise ReaderError(f"zip member with an unsafe path {name!r} (path traversal); the archive is refused")
    return posixpath.normpath(normalised)


def _expand_zip(data: bytes, name: str, limits: Limits, depth: int, budget: list[int]) -> Iterator[Member]:
    if depth > limits.max_archive_depth:
        raise ReaderError(f"{name}: archives nested more than {limits.max_archive_depth} deep")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ReaderError(f"{name}: damaged zip file ({error})") from None
    files = [info for info in infos if not info.is_dir()]
    if len(files) > limits.max_archive_members:
        raise ReaderError(
            f"{name}: {len(files):,} members, more than the limit of {limits.max_archive_members:,}"
        )
    limit = limits.max_bytes
    # Check every declared size and name before reading anything, so a bad archive is refused
    # as a whole rather than half-ingested.
    for info in files:
        _safe_member_name(info.filename)
        if info.file_size > limit:
            raise ReaderError(
                f"{name}: member {info.filename!r} declares {info.file_size:,} bytes, over the limit of "
                f"{limit:,} (INGEST_MAX_BYTES); the archive is refused"
            )
        if info.compress_size and info.file_size / info.compress_size > limits.max_compression_ratio:
            raise ReaderError(
                f"{name}: member {info.filename!r} compresses {info.file_size / info.compress_size:,.0f}:1 "
                "(a zip bomb?); the archive is refused"
            )
    members: list[Member] = []
    for info in files:
        member_name = _safe_member_name(info.filename)
        if member_name.startswith("__MACOSX/") or posixpath.basename(member_name).startswith("."):
            continue
        # Declared sizes can lie: read at most one byte past the limit to catch that.
        try:
            with archive.open(info) as handle:
                content = handle.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
            raise ReaderError(f"{name}: cannot read member {info.filename!r} ({error})") from None
        if len(content) > limit:
            raise ReaderError(
                f"{name}: member {info.filename!r} inflates past {limit:,} bytes though it "
                "declares less (a zip bomb?); the archive is refused"
            )
        budget[0] -= len(content)
        if budget[0] < 0:
            raise ReaderError(
                f"{name}: members inflate past {limits.max_archive_bytes:,} bytes in total "
                "(INGEST_MAX_ZIP_TOTAL_BYTES); the archive is refused"
            )
        members.append(Member(f"{name}/{member_name}", content))
    for member in members:
        if not holds(member.data, member.name):
            yield member
        elif member.name.lower().endswith(".jsonl"):
            yield from _jsonl_lines(member.data, member.name)
        else:
            yield from _expand_zip(member.data, member.name, limits, depth + 1, budget)


FORMAT = Format(
    name=NAME,
    label="Archive",
    suffixes=(".zip",),
    media_types=("application/zip",),
    holds=holds,
    expand=expand,
    signature=lambda data: data.startswith(_ZIP_MAGIC),
    signature_required=True,
)
