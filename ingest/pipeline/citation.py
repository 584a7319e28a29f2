"""A report's citation from its own text: the title, journal, year, authors, DOI and PMID that its
first lines carry, the "citation" of the extraction record (DESIGN.md).

Used for plain-text reports (`extract` runs it on every text) and, by the PDF reader, on a PDF's
first page. A reader that knows better (JATS front matter, PDF metadata) passes its citation to
`extract`, and `merge_citations` lets it win field by field.

Conservative by design: a wrong title or year is worse than none. So

- the year comes only from citation-like contexts (a citation line "J Clin Rheumatol.
  2016;22(3):123", "中华皮肤科杂志 2016年 第49卷 第3期", "Published: 12 March 2016", a copyright
  line, a CMA DOI that encodes it), never from a bare year: the case narrative is full of
  admission years;
- the title is the first substantial line(s) of a text that looks like an article (see
  `citation_front.py`), never the first sentence of a bare narrative ("A 45-year-old man…");
- DOI and PMID are searched in the first `FRONT_CHARS` characters only: further on, the references
  cite other papers.

Each field found is named in `citation["sources"]` with the `source` label the caller gave
("text-first-lines", "pdf-first-page"), so that the report can say where a value came from.

The patterns are those of journal typography rather than of a report's language (a Chinese journal
prints an English citation line under its Chinese one), so all of them are tried on every text;
that is why they live in citation_marks.py and citation_front.py, not in vocab/languages.
"""

from __future__ import annotations

from functools import lru_cache

from .citation_front import FrontMatter, front_matter
from .citation_marks import find_doi, find_pmcid, find_pmid, find_year, fold, journal_before, journal_line

FIELDS = ("title", "journal", "year", "authors", "doi", "pmid")
FRONT_CHARS = 2000


def text_citation(
    text: str, *, source: str = "text-first-lines", front_chars: int | None = FRONT_CHARS
) -> dict:
    """The citation a text carries in its first lines: any of title, journal, year, authors, doi,
    pmid (and pmcid), only those found, with `sources` naming `source` for each of them."""
    front = text[:front_chars] if front_chars else text
    if not front.strip():
        return {}
    marks, head = _read_front(front)
    citation = dict(marks)
    if head.title:
        citation["title"] = head.title
    if head.authors:
        citation["authors"] = list(head.authors)
    if "journal" not in citation:
        for line in head.header_lines:
            if journal := journal_line(line):
                citation["journal"] = journal
                break
    if citation:
        citation["sources"] = {key: source for key in citation}
    return citation


def merge_citations(*citations: dict | None) -> dict:
    """One citation from several, strongest first: each field (and its source) from the first
    citation that has it."""
    merged: dict = {}
    sources: dict = {}
    for citation in citations:
        if not citation:
            continue
        for key, value in citation.items():
            if key == "sources" or key in merged or value in (None, "", [], {}):
                continue
            merged[key] = value
            source = (citation.get("sources") or {}).get(key)
            if source:
                sources[key] = source
    if sources:
        merged["sources"] = sources
    return merged


def front_matter_end(text: str) -> int:
    """Where the front matter of a text ends (0 when it has none): the journal's header lines,
    the title, byline, affiliations and identifiers. Years there date the publication, not the
    patient's story, so the extractor takes no onset from them."""
    front = text[:FRONT_CHARS]
    return _read_front(front)[1].end if front.strip() else 0


# The extraction of a report asks twice for the same front (the extractor for its end, `extract`
# for its citation): read once.
@lru_cache(maxsize=8)
def _read_front(front: str) -> tuple[dict, FrontMatter]:
    """The publication marks of a text's front (doi, pmid, pmcid, year and the journal of its
    citation line) and its front matter. Callers copy what they keep: the result is shared."""
    marks: dict = {}
    if doi := find_doi(front):
        marks["doi"] = doi
    if pmid := find_pmid(front):
        marks["pmid"] = pmid
    if pmcid := find_pmcid(front):
        marks["pmcid"] = pmcid
    found_year = find_year(front)
    if found_year:
        year, kind, match = found_year
        marks["year"] = year
        if kind == "citation line":
            folded = fold(front)
            line_start = folded.rfind("\n", 0, match.start()) + 1
            journal = journal_before(folded[line_start:], match.start() - line_start)
            if journal:
                marks["journal"] = journal
    return marks, front_matter(front, has_citation_marks=bool(marks))
