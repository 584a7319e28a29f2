"""The registry of report formats: recognition (once per upload), reading, and what the rest of
the registry asks about formats (suffixes, labels, help texts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import PurePath

from .base import Document, Format, Limits, Member, ReaderError

MAX_NAME_LENGTH = 16  # Report.format is a CharField(max_length=16)


class FormatRegistry:
    """Formats by name, in registration order; `default` is claimed by a file with no suffix."""

    def __init__(self, formats: Iterable[Format], *, default: str) -> None:
        self._formats: dict[str, Format] = {}
        self._by_suffix: dict[str, Format] = {}
        for fmt in formats:
            self.register(fmt)
        self.default = self.get(default)

    # --- the declarations --------------------------------------------------------------------

    def register(self, fmt: Format) -> None:
        """Add a format. Refuses a second format of the same name or suffix, and a declaration
        that is neither a document (`read`) nor a container (`expand` and `holds`)."""
        if not fmt.name or len(fmt.name) > MAX_NAME_LENGTH:
            raise ValueError(f"a format name has 1 to {MAX_NAME_LENGTH} characters: {fmt.name!r}")
        if fmt.name in self._formats:
            raise ValueError(f"format {fmt.name!r} is registered already")
        if (fmt.read is None) == (fmt.expand is None) or (fmt.expand is not None and fmt.holds is None):
            raise ValueError(f"format {fmt.name!r} needs either `read`, or `expand` and `holds`")
        for suffix in fmt.suffixes:
            if not suffix.startswith(".") or suffix != suffix.lower():
                raise ValueError(f"format {fmt.name!r}: suffix {suffix!r} is not like '.txt'")
            if suffix in self._by_suffix:
                raise ValueError(f"suffix {suffix} belongs to format {self._by_suffix[suffix].name!r}")
        self._formats[fmt.name] = fmt
        for suffix in fmt.suffixes:
            self._by_suffix[suffix] = fmt

    def unregister(self, name: str) -> None:
        """Remove a format (tests that register a throwaway one clean up with this)."""
        fmt = self._formats.pop(name)
        for suffix in fmt.suffixes:
            self._by_suffix.pop(suffix, None)

    def __iter__(self) -> Iterator[Format]:
        return iter(list(self._formats.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._formats

    def get(self, name: str) -> Format:
        try:
            return self._formats[name]
        except KeyError:
            raise ReaderError(f"unknown report format {name!r} (not in ingest.formats)") from None

    def validate(self, name: str) -> str:
        """`name` if it is a registered format: what the services check before storing one."""
        if name not in self._formats:
            raise ValueError(
                f"{name!r} is not a report format of ingest.formats ({', '.join(self._formats)})"
            )
        return name

    def label(self, name: str) -> str:
        """The label of a stored Report.format value ("not recognised" for the empty value)."""
        if not name:
            return "not recognised"
        fmt = self._formats.get(name)
        return fmt.label if fmt else name

    def suffixes(self, *, report_text_only: bool = False) -> list[str]:
        """Accepted file-name suffixes, sorted; only those of formats whose reading gives report
        text for the extraction pipeline when `report_text_only`."""
        return sorted(
            suffix for suffix, fmt in self._by_suffix.items() if fmt.has_report_text or not report_text_only
        )

    def describe(self) -> str:
        """One line for help texts: "Plain text (.txt .text .md), PDF (.pdf), …"."""
        return ", ".join(f"{fmt.label} ({' '.join(fmt.suffixes)})" for fmt in self if fmt.suffixes)

    # --- recognising and reading -------------------------------------------------------------

    def detect(self, data: bytes, filename: str) -> Format:
        """The document format of a file: the one its suffix claims (the default when it has
        none), checked against the formats whose signature its first bytes carry."""
        suffix = PurePath(filename or "").suffix.lower()
        claimed = self._by_suffix.get(suffix) if suffix else self.default
        if claimed is None:
            known = ", ".join(self.suffixes())
            raise ReaderError(f"unsupported file type {suffix!r} ({filename}); accepted: {known}")
        sniffed = next((fmt for fmt in self if fmt.signature is not None and fmt.signature(data)), None)
        if sniffed is not None and sniffed is not claimed and sniffed.name not in claimed.accepts_content_of:
            raise ReaderError(
                f"wrong extension: {filename} is named as {claimed.name} but its content is {sniffed.name}; "
                "rename it with the right extension"
            )
        if claimed.signature_required and sniffed is not claimed and data:
            raise ReaderError(
                f"wrong extension or damaged file: {filename} does not start like a {claimed.name} file"
            )
        return claimed

    def container_for(self, data: bytes, filename: str) -> Format | None:
        return next((fmt for fmt in self if fmt.is_container and fmt.holds(data, filename)), None)

    def split(self, data: bytes, filename: str, limits: Limits) -> list[Member]:
        """The documents of one upload, each with its format decided: this is the one place a
        format is recognised. A container is expanded (ReaderError when it must be refused as a
        whole); a document whose format cannot be recognised carries the reason in `error`."""
        container = self.container_for(data, filename)
        members = [Member(filename, data)] if container is None else container.expand(data, filename, limits)
        return [member if member.format else self._decide(member) for member in members]

    def _decide(self, member: Member) -> Member:
        try:
            return replace(member, format=self.detect(member.data, member.name).name)
        except ReaderError as error:
            return replace(member, error=str(error))

    def read(self, data: bytes, filename: str, limits: Limits, *, format: str = "") -> Document:
        """Decode one document with the format decided on receipt (recognised now when `format`
        is empty: a report refused for its type, retried after a format was added)."""
        limits.check_document(data, filename)
        fmt = self.get(format) if format else self.detect(data, filename)
        if fmt.read is None:
            raise ReaderError(f"{filename}: an archive is not a document; its members are read one by one")
        document = fmt.read(data, filename, limits)
        document.format = fmt.name
        return document
