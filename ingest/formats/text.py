"""Plain text in any common encoding (.txt, .text, .md).

UTF byte-order marks first, then strict UTF-8, then the best of a few fallback encodings by
charset-normalizer's coherence measure; binary content is refused rather than decoded to noise.
"""

from __future__ import annotations

import codecs
import re

from vocab.languages import detect_language

from .base import Document, Format, Limits, ReaderError

NAME = "text"

# Encodings tried when a text is not valid UTF-8: GB18030 covers GB2312 and GBK; cp1252 is the
# usual Western fallback. Latin-1 is left out on purpose: it decodes any byte string, so with it
# no input could ever be reported as undecodable.
FALLBACK_ENCODINGS = ("gb18030", "big5", "cp1252")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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
    return Document(format=NAME, text=text, encoding=encoding, language=detect_language(text))


def _read(data: bytes, filename: str, limits: Limits) -> Document:
    return read_text(data)


FORMAT = Format(
    name=NAME,
    label="Plain text",
    suffixes=(".txt", ".text", ".md"),
    media_types=("text/plain", "text/markdown"),
    read=_read,
    # A JATS article saved as .txt is read as its text, markup and all, as it always was.
    accepts_content_of=frozenset({"jats"}),
    has_report_text=True,
)
