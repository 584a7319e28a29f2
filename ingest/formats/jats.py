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
        format=NAME,
        text=text,
        encoding="utf-8",
        language=detect_language(text),
        citation={key: value for key, value in citation.items() if value},
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
