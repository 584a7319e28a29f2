"""The report formats (ingest.formats) with this deployment's size limits, from the settings.

What the services and the commands call: `split` an upload into its documents (each with its
format decided, once), `read_document` one of them, walk folders with `iter_path`. Every reader
either returns a `Document` or raises `ReaderError` with a message a curator can act on ("PDF has
no text layer ..."), never a bare library exception: the message is stored on the failed job.

Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from ingest.formats import FORMATS, Document, Limits, Member, ReaderError


def limits() -> Limits:
    """The limits of the settings, read at each call (tests change them)."""
    return Limits(max_bytes=settings.INGEST_MAX_BYTES, max_archive_bytes=settings.INGEST_MAX_ZIP_TOTAL_BYTES)


def split(data: bytes, filename: str) -> list[Member]:
    """The documents a received file holds, each with its format decided (or the reason it could
    not be): itself, the members of a zip (recursively), or the lines of a .jsonl. Raises
    ReaderError when a container must be refused as a whole."""
    return FORMATS.split(data, filename, limits())


def read_document(data: bytes, filename: str, *, format: str = "") -> Document:
    """Decode one document, with the format decided on receipt (recognised now when not given)."""
    return FORMATS.read(data, filename, limits(), format=format)


def iter_path(path: Path) -> Iterator[Path]:
    """Files of a path: the path itself, or every file below a folder (sorted, hidden ones skipped)."""
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        raise ReaderError(f"{path}: no such file or folder")
    for child in sorted(path.rglob("*")):
        if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
            yield child


__all__ = ["Document", "Member", "ReaderError", "iter_path", "limits", "read_document", "split"]
