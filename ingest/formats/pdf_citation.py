"""A PDF's citation: what its metadata says (XMP, the document information dictionary) checked
against what its first page prints, read with the plain-text citation parser
(ingest.pipeline.citation).

Metadata is written by whoever made the file: publishers fill XMP (dc:title, prism:doi,
prism:publicationName, prism:coverDate) and often the Subject with the citation; word processors
leave "Microsoft Word - draft3.docx", "Administrator" and the day the file was saved. So:

- title: a metadata title the first page also prints, else the first page's title, else a
  metadata title that is not a file name or a placeholder;
- authors: XMP dc:creator, else an Author entry whose names the first page prints, else the first
  page's byline;
- year: XMP cover or publication date, then a citation line of the first page, then the Subject
  entry; the file's CreationDate only as a last resort, and only for a file that carries a
  publisher's marks (a DOI, PMID or journal), where it is close to publication — a file saved by
  anyone else is dated the day it was saved.

Every field names where it came from in `citation["sources"]`: pdf-xmp, pdf-info, pdf-first-page,
pdf-creation-date.
"""

from __future__ import annotations

import re
import unicodedata

from ingest.pipeline.citation import merge_citations, text_citation
from ingest.pipeline.citation_marks import clean_doi, plausible_year

FIRST_PAGE_CHARS = 6000

_DC = "http://purl.org/dc/elements/1.1/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PRISM = "http://prismstandard.org/namespaces/"
_DOI_NAMESPACES = ("http://ns.adobe.com/pdfx/1.3/", "http://crossref.org/crossmark/1.0/")

_JUNK_TITLE = re.compile(
    r"^(?:untitled|document\s*\d*|title|layout\s*\d+|slide\s*\d+|powerpoint|pii\s*:|doi\s*:|manuscript|"
    r"microsoft\s+\w+\s*-)|\.(?:docx?|pdf|tex|dvi|indd|rtf|odt|qxd|ps|eps|pages)\b|^\S*_\S*$",
    re.I,
)
_JUNK_AUTHOR = re.compile(
    r"^(?:admin(?:istrator)?|user|owner|author|unknown|default|guest|pc|lenovo|hp)$", re.I
)


def _text(value: object) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _comparable(text: str) -> str:
    """Letters and digits only, lower case: "Calcinosis Cutis —\nin CREST" ~ "calcinosis cutis in crest"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _is_placeholder_title(title: str, journal: str | None) -> bool:
    if not title or _JUNK_TITLE.search(title):
        return True
    han = len(re.findall(r"[\u3400-\u9fff]", title))
    if han < 4 and len(title.split()) < 3:
        return True
    return bool(journal) and _comparable(title) == _comparable(journal)


def _info(reader) -> dict[str, str]:
    try:
        info = reader.metadata or {}
        return {str(key).lstrip("/").lower(): _text(info.get(key)) for key in list(info.keys())}
    except Exception:  # any damage to the information dictionary loses the metadata, not the PDF
        return {}


def _xmp(reader) -> dict:
    """The citation fields of the XMP packet (DC, PRISM, the DOI of pdfx/crossmark)."""
    try:
        xmp = reader.xmp_metadata
        root = xmp.rdf_root if xmp is not None else None
        if root is None:
            return {}
        found: dict = {}
        for element in root.getElementsByTagNameNS("*", "*"):
            _xmp_property(found, element.namespaceURI or "", element.localName or "", _xmp_values(element))
            if element.namespaceURI == _RDF and element.localName == "Description":
                for index in range(element.attributes.length):
                    attribute = element.attributes.item(index)
                    namespace, name = attribute.namespaceURI or "", attribute.localName or ""
                    _xmp_property(found, namespace, name, [_text(attribute.value)])
        return found
    except Exception:  # malformed XMP loses the metadata, not the PDF
        return {}


def _xmp_values(element) -> list[str]:
    items = element.getElementsByTagNameNS(_RDF, "li")
    nodes = items if items.length else [element]
    values = []
    for node in nodes:
        text = "".join(child.data for child in node.childNodes if child.nodeType == child.TEXT_NODE)
        if _text(text):
            values.append(_text(text))
    return values


def _xmp_property(found: dict, namespace: str, name: str, values: list[str]) -> None:
    if not values:
        return
    if namespace == _DC and name == "title":
        found.setdefault("title", values[0])
    elif namespace == _DC and name == "creator":
        found.setdefault("authors", values)
    elif namespace == _DC and name == "identifier" and (doi := clean_doi(values[0])):
        found.setdefault("doi", doi)
    elif namespace.startswith(_PRISM) and name == "doi" and (doi := clean_doi(values[0])):
        found["doi"] = doi
    elif namespace.startswith(_PRISM) and name == "publicationName":
        found.setdefault("journal", values[0])
    elif namespace.startswith(_PRISM) and name in ("coverDate", "publicationDate", "coverDisplayDate"):
        year = plausible_year(re.sub(r"\D", "", values[0])[:4] or "")
        if year:
            found.setdefault("year", year)
    elif namespace in _DOI_NAMESPACES and name.lower() == "doi" and (doi := clean_doi(values[0])):
        found.setdefault("doi", doi)


def _info_authors(value: str, page: str) -> list[str]:
    """The Author entry's names, when the first page prints every one of them."""
    if not value:
        return []
    if ";" in value or "；" in value:
        names = [_text(name) for name in re.split(r"[;；]", value) if _text(name)]
    else:
        # "Wei Li, Anna Smith and Bo Chen" is a list; "Smith, Anna" is one name, surname first.
        names = [_text(name) for name in re.split(r"[,，、]|\band\b|&", value) if _text(name)]
        if not all(len(name.split()) >= 2 or re.fullmatch(r"[\u3400-\u9fff·]{2,8}", name) for name in names):
            names = [_text(value)]
    printed = _comparable(page)
    for name in names:
        longest = max(re.split(r"[\s,.]+", name), key=len)
        if _JUNK_AUTHOR.match(name) or not longest or _comparable(longest) not in printed:
            return []
    return names


def pdf_citation(reader, first_page: str) -> dict:
    """The citation of an open pypdf reader whose first page's text is `first_page`."""
    info, xmp = _info(reader), _xmp(reader)
    page = text_citation(first_page, source="pdf-first-page", front_chars=FIRST_PAGE_CHARS)
    # Publishers write the citation into Subject or Keywords ("J Clin Imaging 22 (2016) 123-125.
    # doi:10.1016/…"); nothing there is a title or a byline.
    described = text_citation(
        "\n".join(filter(None, (info.get("subject"), info.get("keywords"), info.get("doi")))),
        source="pdf-info",
        front_chars=None,
    )
    for key in ("title", "authors"):
        described.pop(key, None)
        described.get("sources", {}).pop(key, None)
    xmp_citation = {key: value for key, value in xmp.items() if key != "title"}
    if xmp_citation:
        xmp_citation["sources"] = {key: "pdf-xmp" for key in xmp_citation}
    chosen: dict = {"sources": {}}
    journal = xmp.get("journal") or page.get("journal") or described.get("journal")
    title, title_source = _title(xmp.get("title"), info.get("title"), page.get("title"), first_page, journal)
    if title:
        chosen["title"], chosen["sources"]["title"] = title, title_source
    authors = _info_authors(info.get("author", ""), first_page)
    if authors and not xmp.get("authors"):
        chosen["authors"], chosen["sources"]["authors"] = authors, "pdf-info"
    merged = merge_citations(xmp_citation, chosen, page, described)
    if "year" not in merged and any(merged.get(key) for key in ("doi", "pmid", "journal")):
        match = re.search(r"D:\s*((?:19|20)\d{2})", info.get("creationdate", ""))
        year = plausible_year(match.group(1)) if match else None
        if year:
            merged["year"] = year
            merged.setdefault("sources", {})["year"] = "pdf-creation-date"
    return merged


def _title(
    xmp_title: str | None, info_title: str | None, page_title: str | None, page: str, journal: str | None
) -> tuple[str | None, str]:
    """The best title and its source: see the module docstring."""
    printed = _comparable(page)
    usable = [
        (title, source)
        for title, source in ((xmp_title, "pdf-xmp"), (info_title, "pdf-info"))
        if title and not _is_placeholder_title(title, journal)
    ]
    for title, source in usable:
        if len(_comparable(title)) >= 10 and _comparable(title) in printed:
            return title, source
    if page_title:
        return page_title, "pdf-first-page"
    if usable:
        return usable[0]
    return None, ""
