"""PDF with a text layer (.pdf). A scanned PDF without one is refused with a message saying to OCR it
first; a truncated upload is refused rather than read in part."""

from __future__ import annotations

import io
import logging

from vocab.languages import detect_language

from .base import Document, Format, Limits, ReaderError
from .pdf_citation import pdf_citation

NAME = "pdf"


def read_pdf(data: bytes) -> Document:
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
        citation = pdf_citation(reader, pages[0]) if pages else {}
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
    return Document(
        format=NAME,
        text=text,
        language=detect_language(text),
        citation=citation,
        metadata={"pages": len(pages)},
    )


def _read(data: bytes, filename: str, limits: Limits) -> Document:
    return read_pdf(data)


FORMAT = Format(
    name=NAME,
    label="PDF",
    suffixes=(".pdf",),
    media_types=("application/pdf",),
    read=_read,
    signature=lambda data: data.startswith(b"%PDF-"),
    signature_required=True,
    has_report_text=True,
)
