"""Readers on good and bad input: every bad input gives a ReaderError with a message that says
what is wrong (the message is what a curator sees on the failed job)."""

from __future__ import annotations

import codecs
import json
import os
import zipfile

import pytest

from ingest import readers
from ingest.formats import FORMATS, Limits
from ingest.readers import ReaderError
from tests.ingest.conftest import SAMPLES_DIR, make_pdf, make_zip

ZH = "患者，女，40岁，因双手雷诺现象10年、皮下钙化结节5年入院。抗Scl-70抗体阳性。"
ZH_TRADITIONAL = "患者，女，40歲，因雙手雷諾現象10年、皮下鈣化結節5年入院。抗Scl-70抗體陽性。"
EN = "A 40-year-old woman presented with calcinosis and Raynaud phenomenon."

JATS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2 20190208//EN"
  "JATS-journalpublishing1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
 <front>
  <journal-meta><journal-title-group>
   <journal-title>Clinical Case Reports</journal-title></journal-title-group></journal-meta>
  <article-meta>
   <article-id pub-id-type="pmid">31234567</article-id>
   <article-id pub-id-type="doi">10.1002/ccr3.9999</article-id>
   <title-group><article-title>Calcinosis cutis in CREST syndrome</article-title></title-group>
   <contrib-group>
    <contrib contrib-type="author"><name><surname>Li</surname><given-names>Wei</given-names></name></contrib>
    <contrib contrib-type="author">
     <name><surname>Smith</surname><given-names>Anna</given-names></name></contrib>
   </contrib-group>
   <pub-date pub-type="epub"><day>3</day><month>5</month><year>2019</year></pub-date>
   <abstract><p>We report calcinosis in a woman with CREST syndrome.</p></abstract>
  </article-meta>
 </front>
 <body>
  <sec><title>Introduction</title><p>Calcinosis is common in systemic sclerosis.</p></sec>
  <sec><title>Case presentation</title><p>A 40-year-old woman had calcinosis of the fingers.</p>
   <p>Anti-Scl-70 antibody was positive.</p></sec>
  <sec><title>Discussion</title><p>Warfarin has been tried in other patients.</p></sec>
 </body>
</article>
"""


def test_text_utf8_and_language() -> None:
    doc = readers.read_document(ZH.encode("utf-8"), "a.txt")
    assert (doc.format, doc.encoding, doc.language, doc.text) == ("text", "utf-8", "zh", ZH)
    assert readers.read_document(EN.encode(), "b.txt").language == "en"


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        (codecs.BOM_UTF16_LE + ZH.encode("utf-16-le"), ZH),
        (codecs.BOM_UTF16_BE + ZH.encode("utf-16-be"), ZH),
        (codecs.BOM_UTF8 + ZH.encode("utf-8"), ZH),
        ((ZH * 3).encode("gb18030"), ZH * 3),
        ((ZH * 3).encode("gbk"), ZH * 3),
        ((ZH_TRADITIONAL * 3).encode("big5"), ZH_TRADITIONAL * 3),
        (
            "Café au lait spots – a 6-year-old girl’s case".encode("cp1252"),
            "Café au lait spots – a 6-year-old girl’s case",
        ),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf8-bom", "gb18030", "gbk", "big5", "cp1252"],
)
def test_text_encodings_are_detected(encoded: bytes, text: str) -> None:
    assert readers.read_document(encoded, "report.txt").text == text


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\t ", "blank.txt", "empty"),
        (os.urandom(0) + bytes(range(256)) * 8, "junk.txt", "binary"),
        (
            b"Patient \xff\x81 text \x8d\x90\xff and more \xff\x81",
            "bad.txt",
            "invalid bytes for every supported encoding",
        ),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "cut.pdf", "truncated"),
        (b"just some text", "report.docx", "unsupported file type"),
        (make_pdf(["A case report"]), "report.txt", "wrong extension"),
        (b"plain words, not a PDF", "report.pdf", "wrong extension"),
        (b"<article><body><sec><title>Case</title><p>unclosed", "bad.xml", "malformed XML"),
        (b"<html><body>hello</body></html>", "page.xml", "not a JATS article"),
        (b'{"id": "x", "subject": ', "bad.json", "malformed JSON"),
        (b'{"name": "a record", "items": [1, 2]}', "other.json", "not a GA4GH phenopacket"),
        (b"[1, 2, 3]", "list.json", "not a phenopacket"),
    ],
    ids=[
        "empty",
        "blank",
        "binary-junk",
        "invalid-bytes",
        "truncated-pdf",
        "wrong-extension-docx",
        "pdf-named-txt",
        "text-named-pdf",
        "malformed-xml",
        "xml-not-jats",
        "malformed-json",
        "json-not-phenopacket",
        "json-list-of-numbers",
    ],
)
def test_bad_input_gives_clear_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ReaderError, match=message):
        readers.read_document(data, filename)


def test_pdf_text_layer_pages_joined() -> None:
    doc = readers.read_document(make_pdf(["A 40-year-old woman", "with calcinosis."]), "r.pdf")
    assert doc.format == "pdf"
    assert "A 40-year-old woman" in doc.text and "with calcinosis." in doc.text
    assert doc.text.index("woman") < doc.text.index("calcinosis")
    assert doc.metadata["pages"] == 2


def test_pdf_without_text_layer() -> None:
    with pytest.raises(ReaderError, match="no text layer"):
        readers.read_document(make_pdf(["ignored"], with_text=False), "scan.pdf")


def test_pdf_truncated_in_the_middle() -> None:
    pdf = make_pdf(["A 40-year-old woman with calcinosis."])
    with pytest.raises(ReaderError, match="truncated"):
        readers.read_document(pdf[: len(pdf) // 2], "half.pdf")


def test_jats_citation_sections_and_case_section() -> None:
    doc = readers.read_document(JATS, "article.xml")
    sources = doc.citation.pop("sources")
    assert doc.citation == {
        "title": "Calcinosis cutis in CREST syndrome",
        "pmid": "31234567",
        "doi": "10.1002/ccr3.9999",
        "year": 2019,
        "authors": ["Li Wei", "Smith Anna"],  # surname first, as a citation lists them
        "journal": "Clinical Case Reports",
    }
    assert set(sources) == set(doc.citation) and set(sources.values()) == {"jats-front-matter"}
    case = doc.metadata["case_section"]
    assert case["title"] == "Case presentation"
    assert doc.text[case["start"] : case["end"]].startswith("Case presentation\nA 40-year-old woman")
    assert "Anti-Scl-70" in doc.text[case["start"] : case["end"]]
    assert [section["title"] for section in doc.metadata["sections"]] == [
        "Introduction",
        "Case presentation",
        "Discussion",
    ]


def test_jats_entity_expansion_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE article [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<article><body><p>&b;</p></body></article>"""
    with pytest.raises(ReaderError, match="entities are not allowed"):
        readers.read_document(bomb, "bomb.xml")


def test_phenopacket_sample_and_citation() -> None:
    doc = readers.read_document(
        (SAMPLES_DIR / "phenopacket-crest.json").read_bytes(), "phenopacket-crest.json"
    )
    assert doc.format == "phenopacket" and len(doc.phenopackets) == 1
    assert doc.citation["pmid"] == "00000000"


def test_file_over_the_size_limit(settings) -> None:
    settings.INGEST_MAX_BYTES = 100
    with pytest.raises(ReaderError, match="over the limit of 100 bytes"):
        readers.read_document(b"x" * 101, "big.txt")


def test_zip_members_recursive_and_jsonl_lines() -> None:
    packet = json.loads((SAMPLES_DIR / "phenopacket-crest.json").read_text())
    jsonl = (json.dumps(packet) + "\n" + json.dumps(dict(packet, id="second")) + "\n").encode()
    inner = make_zip({"inner/b.txt": EN.encode()})
    data = make_zip(
        {"a.txt": ZH.encode(), "nested.zip": inner, "packets.jsonl": jsonl, "__MACOSX/._a.txt": b"x"}
    )
    members = readers.split(data, "upload.zip")
    formats = sorted((member.name, member.format) for member in members)
    assert formats == [
        ("upload.zip/a.txt", "text"),
        ("upload.zip/nested.zip/inner/b.txt", "text"),
        ("upload.zip/packets.jsonl#1", "phenopacket"),
        ("upload.zip/packets.jsonl#2", "phenopacket"),
    ]
    line = next(member for member in members if member.name.endswith("#2"))
    doc = readers.read_document(line.data, line.name, format=line.format)
    assert doc.phenopackets[0]["id"] == "second"


def test_zip_path_traversal_refused() -> None:
    data = make_zip({"ok.txt": EN.encode(), "../../etc/evil.txt": b"x"})
    with pytest.raises(ReaderError, match="path traversal"):
        readers.split(data, "evil.zip")


def test_zip_bomb_refused_by_ratio_and_declared_size(settings) -> None:
    bomb = make_zip({"zeros.txt": b"0" * 5_000_000})
    with pytest.raises(ReaderError, match="zip bomb"):
        readers.split(bomb, "bomb.zip")
    settings.INGEST_MAX_BYTES = 1000
    stored = make_zip({"big.txt": os.urandom(2000)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(ReaderError, match="over the limit"):
        readers.split(stored, "big.zip")


def test_zip_member_that_lies_about_its_size(settings) -> None:
    settings.INGEST_MAX_BYTES = 1000
    data = bytearray(make_zip({"a.txt": os.urandom(3000)}, compression=zipfile.ZIP_STORED))
    # Rewrite the declared uncompressed size (central directory) to something small.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (500).to_bytes(4, "little")
    with pytest.raises(ReaderError, match=r"a\.txt"):
        readers.split(bytes(data), "liar.zip")


def test_zip_with_too_many_members() -> None:
    data = make_zip({f"{index}.txt": EN.encode() for index in range(5)})
    with pytest.raises(ReaderError, match="more than the limit of 3"):
        FORMATS.split(data, "many.zip", Limits(max_archive_members=3))


def test_damaged_zip() -> None:
    with pytest.raises(ReaderError, match="damaged zip"):
        readers.split(b"PK\x03\x04 not really a zip", "broken.zip")


def test_folders_recursively(tmp_path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(EN)
    (tmp_path / "a" / "b" / "two.txt").write_text(ZH)
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    assert [path.name for path in readers.iter_path(tmp_path / "a")] == ["two.txt", "one.txt"]
