"""JATS / PubMed Central article XML (.xml, .nxml): the citation from the front matter, the text as
title, abstract and sections with their headings, and the case section marked when one is found.
Parsed with defusedxml: entity expansion and external references are refused (XXE, billion laughs).
"""

from __future__ import annotations

import re

from vocab.languages import detect_language

from .base import Document, Format, Limits, ReaderError

NAME = "jats"

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


# Publication dates, preferred first: the first publication (epub), the print issue, the
# collection; JATS 1.1+ writes them as date-type="pub" with a publication-format. pmc-release (the
# date PMC opened the text, often a year after an embargo) and history dates are not publication.
_PUB_DATE_PREFERENCE = ("epub", "ppub", "epub-ppub", "collection", "pub:electronic", "pub:print", "pub")
_NOT_PUBLICATION = {"pmc-release", "nihms-submitted", "manuscript", "received", "accepted", "rev-recd"}


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name] if element is not None else []


def _pub_year(meta) -> int | None:
    ranked: list[tuple[int, int]] = []
    for node in _children(meta, "pub-date"):
        kind = node.get("pub-type") or node.get("date-type") or ""
        if kind in _NOT_PUBLICATION:
            continue
        if kind == "pub" and node.get("publication-format"):
            kind = f"pub:{node.get('publication-format')}"
        year_text = _text_of(_find(node, "year")) or (node.get("iso-8601-date") or "")[:4]
        if not year_text.isdigit():
            continue
        rank = _PUB_DATE_PREFERENCE.index(kind) if kind in _PUB_DATE_PREFERENCE else len(_PUB_DATE_PREFERENCE)
        ranked.append((rank, int(year_text)))
    return min(ranked)[1] if ranked else None


def _author(contrib) -> str:
    """Surname first, then given names, as a citation lists them ("Li Wei", "Smith Anna M"); a
    group's name; or the name as the article wrote it."""
    name = _find(contrib, "name")
    if name is not None:
        surname, given = _text_of(_find(name, "surname")), _text_of(_find(name, "given-names"))
        return " ".join(part for part in (surname, given) if part)
    for tag in ("collab", "string-name"):
        node = _find(contrib, tag)
        if node is not None and _text_of(node):
            return _text_of(node)
    return ""


def front_citation(article) -> dict:
    """The citation of the front matter: title, journal, year, authors, pmid, doi, pmcid."""
    front = _find(article, "front")
    meta = _find(front if front is not None else article, "article-meta")
    journal_meta = _find(front if front is not None else article, "journal-meta")
    citation: dict = {}
    if journal_meta is not None:
        titles = [_text_of(node) for node in journal_meta.iter() if _local(node.tag) == "journal-title"]
        abbreviated = [
            _text_of(node) for node in journal_meta.iter() if _local(node.tag) == "abbrev-journal-title"
        ]
        citation["journal"] = next((t for t in titles + abbreviated if t), "")
    if meta is not None:
        citation.update(_article_meta_citation(meta))
    found = {key: value for key, value in citation.items() if value}
    if found:
        found["sources"] = {key: "jats-front-matter" for key in found}
    return found


def _article_meta_citation(meta) -> dict:
    citation: dict = {}
    title_group = next(iter(_children(meta, "title-group")), None)
    title = _find(title_group, "article-title") if title_group is not None else None
    citation["title"] = _text_of(title)
    for node in _children(meta, "article-id"):
        kind, value = node.get("pub-id-type", ""), _text_of(node)
        if kind == "pmid" and value.isdigit():
            citation.setdefault("pmid", value)
        elif kind == "doi" and value:
            citation.setdefault("doi", value)
        elif kind in ("pmc", "pmcid") and value:
            citation.setdefault("pmcid", value if value.upper().startswith("PMC") else f"PMC{value}")
    citation["year"] = _pub_year(meta)
    citation["authors"] = [
        name
        for group in _children(meta, "contrib-group")
        for contrib in _children(group, "contrib")
        if contrib.get("contrib-type", "author") == "author" and (name := _author(contrib))
    ]
    return citation


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
    citation = front_citation(article)

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
        format=NAME,
        text=text,
        encoding="utf-8",
        language=detect_language(text),
        citation=citation,
        metadata=metadata,
    )


def _read(data: bytes, filename: str, limits: Limits) -> Document:
    return read_jats(data)


def _looks_like_xml(data: bytes) -> bool:
    head = data[:1024].lstrip()
    return head.startswith((b"<?xml", b"<!DOCTYPE article", b"<article"))


FORMAT = Format(
    name=NAME,
    label="JATS XML",
    suffixes=(".xml", ".nxml"),
    media_types=("application/xml", "text/xml", "application/jats+xml"),
    read=_read,
    signature=_looks_like_xml,
    has_report_text=True,
)
