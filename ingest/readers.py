"""Readers: bytes as received -> a decoded document (text, citation, or phenopackets).

Every reader either returns a `Document` or raises `ReaderError` with a message a curator can act
on ("PDF has no text layer ..."), never a bare library exception: the message is stored on the
failed job. Containers (.zip, multi-line .jsonl, folders) are split into their members by
`expand` / `iter_path`, so that each member becomes its own report and job, and one bad member does
not sink the rest of the batch.

Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from vocab.languages import detect_language

TEXT, PDF, JATS, PHENOPACKET, ARCHIVE = "text", "pdf", "jats", "phenopacket", "archive"

EXTENSIONS: dict[str, str] = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": TEXT,
    ".pdf": PDF,
    ".xml": JATS,
    ".nxml": JATS,
    ".json": PHENOPACKET,
    ".jsonl": PHENOPACKET,
    ".zip": ARCHIVE,
}
# Encodings tried when a text is not valid UTF-8: GB18030 covers GB2312 and GBK; cp1252 is the
# usual Western fallback. Latin-1 is left out on purpose: it decodes any byte string, so with it
# no input could ever be reported as undecodable.
FALLBACK_ENCODINGS = ("gb18030", "big5", "cp1252")
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_DEPTH = 3
# Ratio of compressed to uncompressed size above which a member is treated as a zip bomb; real
# text compresses to 1/5-1/20, bombs to 1/1000 and beyond.
MAX_COMPRESSION_RATIO = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ReaderError(Exception):
    """Input that cannot become a report; `str(error)` is the human message stored on the job."""


@dataclass
class Document:
    """A decoded report. `text` is what evidence offsets index."""

    format: str
    text: str = ""
    encoding: str = ""
    language: str = ""
    citation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    # Phenopackets only: the parsed objects (each becomes one case).
    phenopackets: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Member:
    """One document inside a container (or the document itself when it is not a container)."""

    name: str
    data: bytes


# --- format detection ----------------------------------------------------------------------------


def detect_format(filename: str, data: bytes) -> str:
    """The format a file claims by its extension, checked against what its first bytes say."""
    suffix = Path(filename or "").suffix.lower()
    claimed = EXTENSIONS.get(suffix) if suffix else TEXT
    if claimed is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise ReaderError(f"unsupported file type {suffix!r} ({filename}); accepted: {known}")
    head = data[:1024].lstrip()
    sniffed = None
    if data.startswith(b"%PDF-"):
        sniffed = PDF
    elif data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        sniffed = ARCHIVE
    elif head.startswith(b"<?xml") or head.startswith(b"<!DOCTYPE article") or head.startswith(b"<article"):
        sniffed = JATS
    if sniffed and sniffed != claimed and not (claimed == TEXT and sniffed == JATS):
        raise ReaderError(
            f"wrong extension: {filename} is named as {claimed} but its content is {sniffed}; "
            "rename it with the right extension"
        )
    if claimed in (PDF, ARCHIVE) and sniffed != claimed and data:
        raise ReaderError(f"wrong extension or damaged file: {filename} does not start like a {claimed} file")
    return claimed


def check_size(data: bytes, filename: str) -> None:
    if len(data) > settings.INGEST_MAX_BYTES:
        raise ReaderError(
            f"{filename or 'file'} is {len(data):,} bytes, over the limit of "
            f"{settings.INGEST_MAX_BYTES:,} bytes (INGEST_MAX_BYTES)"
        )
    if not data.strip():
        raise ReaderError(f"{filename or 'file'} is empty")


def read_document(data: bytes, filename: str, *, format: str | None = None) -> Document:
    """Decode one (non-container) document."""
    check_size(data, filename)
    fmt = format or detect_format(filename, data)
    if fmt == TEXT:
        return read_text(data)
    if fmt == PDF:
        return read_pdf(data)
    if fmt == JATS:
        return read_jats(data)
    if fmt == PHENOPACKET:
        return read_phenopackets(data, filename)
    raise ReaderError(f"{filename}: an archive is not a document; its members are read one by one")


# --- plain text ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding). UTF BOMs first, then strict UTF-8, then the best of the fallback
    encodings by charset-normalizer's coherence measure."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise ReaderError(
                    f"text starts with a {encoding} byte-order mark but is not {encoding}: {error}"
                ) from None
    if b"\x00" in data[:4096]:
        raise ReaderError("binary content (NUL bytes without a UTF-16 byte-order mark); not a text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    if best is None:
        tried = ", ".join(("utf-8", "utf-16", *FALLBACK_ENCODINGS))
        raise ReaderError(f"invalid bytes for every supported encoding ({tried}); is this a text file?")
    return str(best), best.encoding


def read_text(data: bytes) -> Document:
    text, encoding = decode_text(data)
    if not text.strip():
        raise ReaderError("the text is empty after decoding")
    controls = len(_CONTROL.findall(text[:100000]))
    if controls > max(2, len(text[:100000]) // 100):
        raise ReaderError(f"binary content: {controls} control characters after decoding as {encoding}")
    return Document(format=TEXT, text=text, encoding=encoding, language=detect_language(text))


# --- PDF -----------------------------------------------------------------------------------------


def read_pdf(data: bytes) -> Document:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf repairs what it can and would silently return part of a truncated file; a missing
    # end-of-file marker is the reliable sign that the upload was cut short.
    if b"%%EOF" not in data[-2048:]:
        raise ReaderError("truncated or damaged PDF: no %%EOF marker at the end of the file")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ReaderError("the PDF is encrypted; upload a decrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
        title = str(info.get("/Title") or "").strip()
    except ReaderError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as error:
        raise ReaderError(f"damaged PDF: {type(error).__name__}: {error}") from None
    if not pages:
        raise ReaderError("the PDF has no pages")
    # One newline between pages: the pipeline's normaliser mends lines broken at page ends.
    text = "\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise ReaderError("the PDF has no text layer (a scanned image?); OCR it first")
    citation = {"title": title} if title else {}
    return Document(
        format=PDF,
        text=text,
        language=detect_language(text),
        citation=citation,
        metadata={"pages": len(pages)},
    )


# --- JATS / PMC XML ------------------------------------------------------------------------------

_CASE_TITLE = re.compile(
    r"case\s*(report|presentation|description|history|summary|details)|clinical\s+(presentation|case)"
    r"|report\s+of\s+(a|the)\s+case|^\s*(the\s+)?case\s*\d*\s*$|patient\s+(presentation|description)"
    r"|病例|病历|临床资料",
    re.IGNORECASE,
)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip() if element is not None else ""


def _find(root, path: str):
    """First descendant following a path of local names (namespaces ignored)."""
    names = path.split("/")
    frontier = [root]
    for name in names:
        found = []
        for node in frontier:
            found.extend(child for child in node.iter() if child is not node and _local(child.tag) == name)
        frontier = found
        if not frontier:
            return None
    return frontier[0]


def read_jats(data: bytes) -> Document:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ParseError as error:
        raise ReaderError(f"malformed XML: {error}") from None
    except DefusedXmlException as error:
        raise ReaderError(f"unsafe XML refused ({type(error).__name__}): entities are not allowed") from None
    if _local(root.tag) not in ("article", "pmc-articleset", "OAI-PMH", "record"):
        raise ReaderError(f"not a JATS article: the root element is <{_local(root.tag)}>")
    article = root if _local(root.tag) == "article" else _find(root, "article")
    if article is None:
        raise ReaderError("no <article> element in the XML")
    meta = _find(article, "article-meta")
    citation: dict = {}
    if meta is not None:
        citation["title"] = _text_of(_find(meta, "article-title"))
        for node in meta.iter():
            if _local(node.tag) == "article-id":
                kind = node.get("pub-id-type", "")
                if kind == "pmid":
                    citation["pmid"] = _text_of(node)
                elif kind == "doi":
                    citation["doi"] = _text_of(node)
        for node in meta.iter():
            if _local(node.tag) == "pub-date":
                year = _find(node, "year")
                if year is not None and _text_of(year).isdigit():
                    citation["year"] = int(_text_of(year))
                    break
        authors = []
        for contrib in meta.iter():
            if _local(contrib.tag) == "contrib" and contrib.get("contrib-type", "author") == "author":
                surname, given = _find(contrib, "surname"), _find(contrib, "given-names")
                name = " ".join(part for part in (_text_of(given), _text_of(surname)) if part)
                if name:
                    authors.append(name)
        citation["authors"] = authors
    journal = _find(article, "journal-title")
    if journal is not None:
        citation["journal"] = _text_of(journal)

    # The stored text: title, abstract, then each top-level section with its heading on a line,
    # so the pipeline's section finder sees the same headings a reader would.
    parts: list[str] = []
    sections: list[dict] = []
    offset = 0

    def add(chunk: str) -> int:
        nonlocal offset
        start = offset
        parts.append(chunk)
        offset += len(chunk) + 2  # joined with a blank line
        return start

    if citation.get("title"):
        add(citation["title"])
    abstract = _find(article, "abstract")
    if abstract is not None and _text_of(abstract):
        add("Abstract\n" + _text_of(abstract))
    body = _find(article, "body")
    if body is None:
        raise ReaderError("the JATS article has no <body>: nothing to extract from")
    top_sections = [child for child in body if _local(child.tag) == "sec"]
    if not top_sections:
        text = "\n".join(_text_of(p) for p in body.iter() if _local(p.tag) == "p")
        if text:
            add(text)
    for sec in top_sections:
        title_el = next((child for child in sec if _local(child.tag) == "title"), None)
        heading = _text_of(title_el)
        paragraphs = []
        for node in sec.iter():
            if (_local(node.tag) == "title" and node is not title_el) or _local(node.tag) == "p":
                paragraphs.append(_text_of(node))
        chunk = "\n".join(part for part in [heading, *paragraphs] if part)
        if not chunk:
            continue
        start = add(chunk)
        sections.append({"title": heading, "start": start, "end": start + len(chunk)})
    text = "\n\n".join(parts)
    if not text.strip():
        raise ReaderError("the JATS article has no text")
    case_section = next((sec for sec in sections if _CASE_TITLE.search(sec["title"] or "")), None)
    metadata = {"sections": sections}
    if case_section is not None:
        metadata["case_section"] = case_section
    return Document(
        format=JATS,
        text=text,
        encoding="utf-8",
        language=detect_language(text),
        citation={key: value for key, value in citation.items() if value},
        metadata=metadata,
    )


# --- GA4GH Phenopackets v2 -----------------------------------------------------------------------

_PHENOPACKET_KEYS = {
    "phenotypicFeatures",
    "diseases",
    "subject",
    "interpretations",
    "measurements",
    "medicalActions",
}


def _check_phenopacket(obj: object, where: str) -> dict:
    if not isinstance(obj, dict):
        raise ReaderError(f"{where}: not a phenopacket (a JSON {type(obj).__name__}, expected an object)")
    if not isinstance(obj.get("id"), str) or not (_PHENOPACKET_KEYS & obj.keys()) or "metaData" not in obj:
        raise ReaderError(
            f"{where}: JSON that is not a GA4GH phenopacket (needs id, metaData and subject or "
            "phenotypicFeatures/diseases)"
        )
    for i, feature in enumerate(obj.get("phenotypicFeatures") or []):
        term = feature.get("type") if isinstance(feature, dict) else None
        if not isinstance(term, dict) or not isinstance(term.get("id"), str):
            raise ReaderError(f"{where}: phenotypicFeatures[{i}] has no type.id")
    if not isinstance(obj.get("subject", {}), dict):
        raise ReaderError(f"{where}: subject is not an object")
    return obj


def read_phenopackets(data: bytes, filename: str = "") -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReaderError(f"malformed JSON: not UTF-8 ({error})") from None
    packets: list[dict] = []
    if filename.lower().endswith(".jsonl"):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ReaderError(f"malformed JSON on line {number}: {error}") from None
                packets.append(_check_phenopacket(obj, f"line {number}"))
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            raise ReaderError(f"malformed JSON: {error}") from None
        items = obj if isinstance(obj, list) else [obj]
        packets = [_check_phenopacket(item, f"item {i + 1}") for i, item in enumerate(items)]
    if not packets:
        raise ReaderError("no phenopacket in the file")
    return Document(
        format=PHENOPACKET,
        text=text,
        encoding="utf-8",
        phenopackets=packets,
        citation=phenopacket_citation(packets[0]),
    )


_PMID = re.compile(r"PMID:\s*(\d+)", re.IGNORECASE)
_DOI = re.compile(r"(?:doi:|https?://(?:dx\.)?doi\.org/)(10\.\S+)", re.IGNORECASE)


def phenopacket_citation(packet: dict) -> dict:
    citation: dict = {}
    for ref in (packet.get("metaData") or {}).get("externalReferences") or []:
        ref_id = str(ref.get("id") or "")
        if (match := _PMID.match(ref_id)) and "pmid" not in citation:
            citation["pmid"] = match.group(1)
            if ref.get("description"):
                citation["title"] = str(ref["description"])
        elif (match := _DOI.match(ref_id)) and "doi" not in citation:
            citation["doi"] = match.group(1)
    return citation


# --- containers ----------------------------------------------------------------------------------


def is_container(filename: str, data: bytes) -> bool:
    lower = filename.lower()
    if lower.endswith(".zip") or data.startswith(b"PK\x03\x04"):
        return True
    # A .jsonl of many phenopackets: one report (and citation) per phenopacket.
    return lower.endswith(".jsonl") and data.count(b"\n", 0, len(data) - 1) >= 1


def _safe_member_name(name: str) -> str:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised) or ".." in normalised.split("/"):
        raise ReaderError(f"zip member with an unsafe path {name!r} (path traversal); the archive is refused")
    return posixpath.normpath(normalised)


def _expand_zip(data: bytes, name: str, depth: int, budget: list[int]) -> Iterator[Member]:
    if depth > MAX_ZIP_DEPTH:
        raise ReaderError(f"{name}: archives nested more than {MAX_ZIP_DEPTH} deep")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ReaderError(f"{name}: damaged zip file ({error})") from None
    files = [info for info in infos if not info.is_dir()]
    if len(files) > MAX_ZIP_MEMBERS:
        raise ReaderError(f"{name}: {len(files):,} members, more than the limit of {MAX_ZIP_MEMBERS:,}")
    limit = settings.INGEST_MAX_BYTES
    # Check every declared size and name before reading anything, so a bad archive is refused
    # as a whole rather than half-ingested.
    for info in files:
        _safe_member_name(info.filename)
        if info.file_size > limit:
            raise ReaderError(
                f"{name}: member {info.filename!r} declares {info.file_size:,} bytes, over the limit of "
                f"{limit:,} (INGEST_MAX_BYTES); the archive is refused"
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
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
                f"{name}: members inflate past {settings.INGEST_MAX_ZIP_TOTAL_BYTES:,} bytes in total "
                "(INGEST_MAX_ZIP_TOTAL_BYTES); the archive is refused"
            )
        full = f"{name}/{member_name}"
        members.append(Member(full, content))
    for member in members:
        if is_container(member.name, member.data) and member.name.lower().endswith(".zip"):
            yield from _expand_zip(member.data, member.name, depth + 1, budget)
        elif is_container(member.name, member.data):
            yield from _expand_jsonl(member.data, member.name)
        else:
            yield member


def _expand_jsonl(data: bytes, name: str) -> Iterator[Member]:
    for number, line in enumerate(data.splitlines(), 1):
        if line.strip():
            yield Member(f"{name}#{number}", line)


def expand(data: bytes, filename: str) -> list[Member]:
    """The documents a received file holds: itself, the members of a zip (recursively), or the
    lines of a .jsonl. Raises ReaderError when a container must be refused as a whole."""
    if not is_container(filename, data):
        return [Member(filename, data)]
    # A container is bounded by the total budget; each member by INGEST_MAX_BYTES.
    if len(data) > settings.INGEST_MAX_ZIP_TOTAL_BYTES:
        raise ReaderError(
            f"{filename} is {len(data):,} bytes, over the limit of {settings.INGEST_MAX_ZIP_TOTAL_BYTES:,} "
            "bytes for an archive (INGEST_MAX_ZIP_TOTAL_BYTES)"
        )
    if filename.lower().endswith(".jsonl"):
        # Each line keeps the .jsonl name so read_document knows to parse it as one JSON object.
        return list(_expand_jsonl(data, filename))
    return list(_expand_zip(data, filename, 0, [settings.INGEST_MAX_ZIP_TOTAL_BYTES]))


def member_format_name(name: str) -> str:
    """The file name a member is read by: "x.jsonl#12" reads as JSON, "a.zip/b.txt" as text."""
    return name.split("#", 1)[0] if "#" in name else name


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
