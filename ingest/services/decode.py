"""A report's bytes -> its decoded fields and its patients, before anything is written.

The reader of the format decided on receipt (ingest.formats) decodes the bytes into a Document;
phenopackets are imported, text goes through the extraction pipeline. The Report object gets its
decoded fields (text, encoding, language, citation, metadata) in memory; `parse` and `reparse`
save them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from cases.models import Provenance, Report
from ingest import readers
from ingest.formats import FORMATS
from ingest.pipeline import extract
from vocab.languages import LANGUAGES

from .citation import report_apply_citation
from .errors import ParseError
from .phenopacket_import import IMPORTER_VERSION, phenopacket_patient

# The Report columns a parse fills in (saved together, in one UPDATE for a whole batch).
REPORT_PARSE_FIELDS = [
    "format",
    "text",
    "encoding",
    "language",
    "metadata",
    "title",
    "journal",
    "year",
    "pmid",
    "doi",
    "authors",
    "parse_status",
    "parse_error",
    "parser_version",
    "parsed_at",
]


@dataclass
class Parsed:
    """The patients of one report, each a patient of the extraction record (DESIGN.md)."""

    patients: list[dict]
    provenance: str
    parser_version: str


def decode_and_extract(report: Report) -> Parsed:
    """Read the report's bytes and produce its patients; fills the report's decoded fields."""
    document = readers.read_document(bytes(report.raw), report.filename, format=report.format)
    report.format = FORMATS.validate(document.format)
    report.text = document.text
    report.encoding = document.encoding
    report.metadata = {**(report.metadata or {}), **document.metadata}
    if document.phenopackets:  # structured data: imported, not extracted
        report_apply_citation(report=report, citation=document.citation, default_source=report.format)
        report.language = report.language or "en"
        report.metadata["phenopacket_ids"] = [packet.get("id") for packet in document.phenopackets]
        return Parsed(
            [phenopacket_patient(p) for p in document.phenopackets], Provenance.IMPORT, IMPORTER_VERSION
        )
    record = extract(document.text, source=report.filename or None, language=None, citation=document.citation)
    # A citation given on receipt (API) or by a curator wins over what the parse found.
    report_apply_citation(report=report, citation=record.get("citation"), default_source=report.format)
    if record.get("error"):
        raise ParseError(f"the extraction pipeline failed on this report: {record['error']}")
    # The pipeline's language when it is one the registry knows (vocab.languages), else the reader's.
    language = record.get("language")
    report.language = language if language in LANGUAGES else document.language
    patients = [patient for patient in record.get("patients") or [] if isinstance(patient, dict)]
    # A report always describes someone: keep an empty case for a curator rather than none.
    return Parsed(patients or [{}], Provenance.MACHINE, str(record.get("parser_version") or ""))


def mark_parsed(report: Report, parser_version: str) -> None:
    report.parse_status = Report.ParseStatus.PARSED
    report.parse_error = ""
    report.parser_version = parser_version[:40]
    report.parsed_at = timezone.now()


def save_parsed(report: Report, parser_version: str) -> None:
    mark_parsed(report, parser_version)
    report.save(update_fields=REPORT_PARSE_FIELDS)
