"""Report citation columns from a citation dict, whether a client sent it on receipt or a reader
found it in the file (JATS front matter, a PDF title, a phenopacket's external references)."""

from __future__ import annotations

import re


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
