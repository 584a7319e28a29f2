"""Report citation columns from a citation dict, whether a client sent it on receipt or a parse
found it (the extraction record's "citation": JATS front matter, PDF metadata and first page, a
text's first lines; a phenopacket's external references), and which of them wins."""

from __future__ import annotations

import re

from cases.models import Report


def clip(value: object, length: int) -> str:
    """`value` as text cut to a column's length (None and "" become "")."""
    return str(value or "")[:length]


def citation_fields(citation: dict | None) -> dict:
    """Report columns from a citation dict (title, journal, year, pmid, doi, authors)."""
    if not citation:
        return {}
    out: dict = {}
    if citation.get("title"):
        out["title"] = str(citation["title"])
    if citation.get("journal"):
        out["journal"] = clip(citation["journal"], 500)
    year = citation.get("year")
    if year not in (None, ""):
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = None
        if year is not None and 1800 <= year <= 2100:
            out["year"] = year
    if citation.get("pmid"):
        out["pmid"] = clip(re.sub(r"^PMID:\s*", "", str(citation["pmid"]), flags=re.I), 20)
    if citation.get("doi"):
        out["doi"] = clip(citation["doi"], 200)
    authors = citation.get("authors")
    if isinstance(authors, list):
        out["authors"] = [str(author) for author in authors][:200]
    return out


# The Report columns a citation fills, and what each holds when nothing is known.
CITATION_COLUMNS = {"title": "", "journal": "", "year": None, "pmid": "", "doi": "", "authors": []}
# A value nobody parsed: given on receipt (the API's "citation") or edited by a curator.
GIVEN = "given"


def report_apply_citation(*, report: Report, citation: dict | None, default_source: str) -> None:
    """Fill a report's citation columns (in memory; the parse saves them) from the citation a
    parse found, and record in `report.metadata` where each value came from:

    - `metadata["citation_sources"]`: {column: "jats-front-matter" | "pdf-xmp" | "pdf-info" |
      "pdf-first-page" | "pdf-creation-date" | "text-first-lines" | "given" | …};
    - `metadata["citation_parsed"]`: the values the parse found, so that the next parse can tell
      its own values (replaced, even by nothing, when a better parser finds otherwise) from values
      someone gave (kept)."""
    metadata = report.metadata if isinstance(report.metadata, dict) else {}
    previous = metadata.get("citation_parsed") or {}
    sources = dict(metadata.get("citation_sources") or {})
    found = citation_fields(citation)
    found_sources = (citation or {}).get("sources") or {}
    for column, empty in CITATION_COLUMNS.items():
        current = getattr(report, column)
        if current not in (None, "", []) and (
            sources.get(column) == GIVEN or current != previous.get(column)
        ):
            sources[column] = GIVEN
            continue
        value = found.get(column, empty)
        setattr(report, column, value)
        if value in (None, "", []):
            sources.pop(column, None)
        else:
            sources[column] = found_sources.get(column) or default_source
    metadata["citation_parsed"] = {column: found[column] for column in CITATION_COLUMNS if column in found}
    if (citation or {}).get("pmcid"):
        metadata["pmcid"] = str(citation["pmcid"])[:20]
    if sources:
        metadata["citation_sources"] = sources
    else:
        metadata.pop("citation_sources", None)
    report.metadata = metadata
