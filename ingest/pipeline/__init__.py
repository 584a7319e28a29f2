"""Extraction pipeline: the text of a case report into the extraction record of DESIGN.md.

Pure Python, no Django: the management command, the Celery task, the tests and the benchmark all
call `extract()` the same way.

    >>> from ingest.pipeline import extract
    >>> record = extract("患者女，40岁……", source="report.txt")

`extract` never raises: any str gives a valid (possibly empty) record; on an internal failure the
record carries an "error" key and no patients, so one bad report cannot stop a batch.
"""

from __future__ import annotations

import logging

PARSER_VERSION = "pipeline-3.10"

logger = logging.getLogger(__name__)

_extractor = None


def _get_extractor():
    global _extractor
    if _extractor is None:
        # The module is named extractor, not extract: a submodule named like the package-level
        # function would replace that function as an attribute of the package once imported.
        from .extractor import Extractor

        _extractor = Extractor()
    return _extractor


def warm_up() -> None:
    """Load the ontology and compile the vocabularies now rather than on the first report."""
    _get_extractor()


def extract(
    text: str, *, source: str | None = None, language: str | None = None, citation: dict | None = None
) -> dict:
    """The extraction record for one report (see DESIGN.md, "Extraction record").

    `language` ("zh"/"en") overrides detection. Evidence offsets index `text` exactly as given.
    `citation` is what the reader found in the file (JATS front matter, PDF metadata); the record's
    "citation" is that, with the gaps filled from the text's first lines (`citation.py`).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        record = _get_extractor().run(text, source=source, language=language)
    except Exception as exc:
        logger.exception("extraction failed for %s", source)
        record = {"source": source, "language": language or "und", "patients": [], "error": repr(exc)}
    record["parser_version"] = PARSER_VERSION
    record["citation"] = _citation(text, citation, source)
    return {
        "source": record.pop("source"),
        "language": record.pop("language"),
        "parser_version": PARSER_VERSION,
        **record,
    }


def _citation(text: str, given: dict | None, source: str | None) -> dict:
    from .citation import merge_citations, text_citation

    try:
        return merge_citations(given, text_citation(text))
    except Exception:  # the citation is a side dish: its failure must not cost the facts
        logger.exception("citation extraction failed for %s", source)
        return merge_citations(given)


def to_phenopacket(record: dict, *, subject_id: str = "patient-1") -> dict | list[dict]:
    """GA4GH Phenopackets v2 JSON for the patient of `record` (a list when there are several)."""
    from .phenopacket import record_to_phenopackets

    packets = record_to_phenopackets(record, subject_id=subject_id)
    return packets[0] if len(packets) == 1 else packets


__all__ = ["PARSER_VERSION", "extract", "to_phenopacket", "warm_up"]
