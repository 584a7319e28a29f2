"""What every report format module declares (`Format`) and what reading produces (`Document`,
`Member`), with the size limits a reader enforces (`Limits`). No Django: the limits are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class ReaderError(Exception):
    """Input that cannot become a report; `str(error)` is the human message stored on the job."""


@dataclass
class Document:
    """A decoded report. `text` is what evidence offsets index; `format` is filled in by the
    registry with the name of the format that read it."""

    format: str = ""
    text: str = ""
    encoding: str = ""
    language: str = ""
    citation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    # Phenopackets only: the parsed objects (each becomes one case).
    phenopackets: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Member:
    """One document of an upload: the upload itself, or one document inside a container.

    `format` is the registry name decided for it on receipt ("" while undecided, or when it could
    not be recognised, in which case `error` says why)."""

    name: str
    data: bytes
    format: str = ""
    error: str = ""


@dataclass(frozen=True)
class Limits:
    """Size limits of one deployment. The defaults are the settings' defaults; Django code builds
    them from the settings (ingest.readers.limits)."""

    max_bytes: int = 50 * 1024 * 1024  # one document (INGEST_MAX_BYTES)
    max_archive_bytes: int = 500 * 1024 * 1024  # a container, and all its members inflate to
    max_archive_members: int = 10_000
    max_archive_depth: int = 3  # archives inside archives
    # Ratio of uncompressed to compressed size above which a member is treated as a zip bomb; real
    # text compresses to 1/5-1/20, bombs to 1/1000 and beyond.
    max_compression_ratio: int = 200

    def check_document(self, data: bytes, filename: str) -> None:
        """Refuse a document over `max_bytes`, or one with nothing in it."""
        if len(data) > self.max_bytes:
            raise ReaderError(
                f"{filename or 'file'} is {len(data):,} bytes, over the limit of "
                f"{self.max_bytes:,} bytes (INGEST_MAX_BYTES)"
            )
        if not data.strip():
            raise ReaderError(f"{filename or 'file'} is empty")


Reader = Callable[[bytes, str, Limits], Document]
Expander = Callable[[bytes, str, Limits], list[Member]]


@dataclass(frozen=True)
class Format:
    """One kind of file the registry accepts. A document format has `read`; a container format
    (a .zip, a multi-line .jsonl) has `holds` and `expand` instead, and its members are detected
    and read one by one.

    Recognition, the same for every format (see FormatRegistry.detect): a container whose `holds`
    says yes takes the file; otherwise the file's suffix names the format it claims, and the
    content must not carry another format's `signature` (magic bytes) unless the claimed format
    `accepts_content_of` it; a format with `signature_required` refuses content without its own.
    """

    name: str  # the Report.format value (at most 16 characters)
    label: str  # for people: the admin, help texts
    suffixes: tuple[str, ...]  # file-name suffixes claiming this format, lower case, with the dot
    media_types: tuple[str, ...] = ()
    read: Reader | None = None
    expand: Expander | None = None
    holds: Callable[[bytes, str], bool] | None = None  # containers: is this file one of mine?
    signature: Callable[[bytes], bool] | None = None  # does the content start like this format?
    signature_required: bool = False
    accepts_content_of: frozenset[str] = frozenset()
    # Reading gives narrative text for the extraction pipeline (not structured data, not a container).
    has_report_text: bool = False
    # Structured data: the bytes whose hash identifies the content (e.g. canonical JSON), so the
    # same data written differently is a duplicate; None: the raw bytes are hashed.
    canonical: Callable[[bytes], bytes | None] | None = None

    @property
    def is_container(self) -> bool:
        return self.expand is not None
