"""Citation metadata from every format into the Report's columns and the Case's year: JATS front
matter, PDF metadata (XMP, the information dictionary) checked against the first page, a text's
first lines; which value wins on parse and re-parse; and the year facet and year order of search
over reports ingested through the real services."""

from __future__ import annotations

import io

import pytest

from cases.models import Case, Report
from cases.search import CaseSearch
from ingest import readers, services
from tests.ingest.conftest import make_pdf
from tests.ingest.test_services import receive_and_run

JATS_FRONT = b"""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
 <front>
  <journal-meta>
   <journal-id journal-id-type="nlm-ta">Clin Case Rep</journal-id>
   <journal-title-group><journal-title>Clinical Case Reports</journal-title>
    <abbrev-journal-title>Clin Case Rep</abbrev-journal-title></journal-title-group>
  </journal-meta>
  <article-meta>
   <article-id pub-id-type="pmid">31234567</article-id>
   <article-id pub-id-type="pmc">6543210</article-id>
   <article-id pub-id-type="doi">10.1002/ccr3.9999</article-id>
   <title-group>
    <article-title>Calcinosis cutis in <italic>CREST</italic> syndrome</article-title></title-group>
   <contrib-group>
    <contrib contrib-type="author"><name><surname>Li</surname><given-names>Wei</given-names></name></contrib>
    <contrib contrib-type="author">
     <name><surname>Smith</surname><given-names>Anna M</given-names></name></contrib>
    <contrib contrib-type="author"><collab>The Registry Study Group</collab></contrib>
   </contrib-group>
   <contrib-group><contrib contrib-type="editor">
    <name><surname>Editor</surname><given-names>An</given-names></name></contrib></contrib-group>
   <pub-date pub-type="pmc-release"><year>2021</year></pub-date>
   <pub-date pub-type="ppub"><month>3</month><year>2020</year></pub-date>
   <pub-date pub-type="epub"><day>3</day><month>12</month><year>2019</year></pub-date>
  </article-meta>
 </front>
 <body><sec><title>Case presentation</title>
  <p>A 40-year-old woman had calcinosis of the fingers.</p></sec></body>
 <back><ref-list><ref><element-citation><article-title>Another paper</article-title>
  <source>Ann Rheum Dis</source><year>2005</year><pub-id pub-id-type="doi">10.1/other</pub-id>
 </element-citation></ref></ref-list></back>
</article>
"""

JATS_1_2_DATES = b"""<?xml version="1.0"?>
<article><front><article-meta>
 <title-group><article-title>Kawasaki disease with coronary dilatation</article-title></title-group>
 <pub-date date-type="pub" publication-format="print" iso-8601-date="2018-04-01"/>
</article-meta></front><body><p>A 3-year-old boy had fever for 6 days.</p></body></article>
"""

FIRST_PAGE = (
    "J Clin Rheumatol. 2016;22(3):123-125. doi:10.1097/RHU.0000000000000345\n"
    "CASE REPORT\n"
    "Calcinosis Cutis in CREST Syndrome Treated With\n"
    "Sodium Thiosulfate\n"
    "Wei Li, MD, Anna Smith, PhD\n"
    "Abstract: A 40-year-old woman with calcinosis cutis."
)

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" prism:doi="10.1016/j.example.2018.01.002">
<dc:title><rdf:Alt>
 <rdf:li xml:lang="x-default">Calcinosis cutis in CREST syndrome</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Wei Li</rdf:li><rdf:li>Anna Smith</rdf:li></rdf:Seq></dc:creator>
<prism:publicationName>Journal of Example Dermatology</prism:publicationName>
<prism:coverDate>2018-03-01</prism:coverDate>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def with_metadata(pdf: bytes, *, info: dict[str, str] | None = None, xmp: str | None = None) -> bytes:
    """`pdf` with a document information dictionary and/or an XMP packet, written by pypdf."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if info:
        writer.add_metadata(info)
    if xmp:
        stream = DecodedStreamObject()
        stream.set_data(xmp.encode())
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def citation_of(data: bytes, filename: str) -> tuple[dict, dict]:
    citation = dict(readers.read_document(data, filename).citation)
    return citation, citation.pop("sources", {})


# ----------------------------------------------------------------- readers


def test_jats_front_matter_in_full() -> None:
    citation, sources = citation_of(JATS_FRONT, "article.xml")
    assert citation == {
        "title": "Calcinosis cutis in CREST syndrome",
        "journal": "Clinical Case Reports",
        "year": 2019,  # epub before ppub; the pmc-release date is not publication
        "authors": ["Li Wei", "Smith Anna M", "The Registry Study Group"],  # no editor
        "pmid": "31234567",
        "doi": "10.1002/ccr3.9999",  # the article's, not a reference's
        "pmcid": "PMC6543210",
    }
    assert set(sources.values()) == {"jats-front-matter"} and set(sources) == set(citation)


def test_jats_1_2_publication_date_attributes() -> None:
    citation, _ = citation_of(JATS_1_2_DATES, "article.xml")
    assert (citation["year"], citation["title"]) == (2018, "Kawasaki disease with coronary dilatation")


def test_pdf_first_page_wins_over_placeholder_metadata() -> None:
    pdf = with_metadata(
        make_pdf([FIRST_PAGE, "Discussion"]),
        info={
            "/Title": "Microsoft Word - draft3.docx",
            "/Author": "Administrator",
            "/CreationDate": "D:20230101",
        },
    )
    citation, sources = citation_of(pdf, "report.pdf")
    assert citation == {
        "title": "Calcinosis Cutis in CREST Syndrome Treated With Sodium Thiosulfate",
        "journal": "J Clin Rheumatol",
        "year": 2016,  # the citation line, not the day the file was saved
        "authors": ["Wei Li", "Anna Smith"],
        "doi": "10.1097/RHU.0000000000000345",
    }
    assert set(sources.values()) == {"pdf-first-page"}


def test_pdf_xmp_metadata() -> None:
    pdf = with_metadata(make_pdf(["Calcinosis cutis in CREST syndrome", "A 40-year-old woman"]), xmp=XMP)
    citation, sources = citation_of(pdf, "report.pdf")
    assert citation == {
        "title": "Calcinosis cutis in CREST syndrome",
        "journal": "Journal of Example Dermatology",
        "year": 2018,
        "authors": ["Wei Li", "Anna Smith"],
        "doi": "10.1016/j.example.2018.01.002",
    }
    assert set(sources.values()) == {"pdf-xmp"}


def test_pdf_information_dictionary_checked_against_the_first_page() -> None:
    page = "Calcinosis cutis in CREST syndrome\nWei Li and Anna Smith\nA 40-year-old woman had calcinosis."
    info = {"/Title": "Calcinosis cutis in CREST syndrome", "/Author": "Wei Li; Anna Smith"}
    citation, sources = citation_of(with_metadata(make_pdf([page]), info=info), "report.pdf")
    assert (citation["title"], citation["authors"]) == (
        "Calcinosis cutis in CREST syndrome",
        ["Wei Li", "Anna Smith"],
    )
    assert sources["title"] == sources["authors"] == "pdf-info"
    # A comma list of whole names is a list; "Smith, Anna" is one name written surname first.
    for written, names in (
        ("Wei Li, Anna Smith", ["Wei Li", "Anna Smith"]),
        ("Smith, Anna", ["Smith, Anna"]),
    ):
        info["/Author"] = written
        citation, _ = citation_of(with_metadata(make_pdf([page + "\nSmith, Anna"]), info=info), "report.pdf")
        assert citation["authors"] == names
    # An author the page does not print is not believed.
    info["/Author"] = "Jane Doe"
    citation, _ = citation_of(with_metadata(make_pdf([page]), info=info), "report.pdf")
    assert citation.get("authors") != ["Jane Doe"]


def test_pdf_creation_date_only_as_a_last_resort_for_a_publishers_file() -> None:
    page = "Calcinosis cutis in CREST syndrome: a case report\ndoi:10.5555/example.123\nA 40-year-old woman."
    info = {"/CreationDate": "D:20170405120000Z"}
    citation, sources = citation_of(with_metadata(make_pdf([page]), info=info), "report.pdf")
    assert (citation["year"], sources["year"]) == (2017, "pdf-creation-date")
    # Without a DOI, PMID or journal the file may be anyone's printout: its date says nothing.
    page = "Calcinosis cutis in CREST syndrome: a case report\nA 40-year-old woman."
    citation, _ = citation_of(with_metadata(make_pdf([page]), info=info), "report.pdf")
    assert "year" not in citation and citation["title"] == "Calcinosis cutis in CREST syndrome: a case report"


def test_plain_text_gives_no_citation_of_its_own_reader() -> None:
    # The text reader decodes; the citation of a text comes with the extraction record.
    assert readers.read_document(FIRST_PAGE.encode(), "r.txt").citation == {}


# ----------------------------------------------------------------- services: columns and case year

EN_2016 = (
    b"J Clin Rheumatol. 2016;22(3):123-125. doi:10.5555/jcr.2016.123\n\n"
    b"Calcinosis cutis in limited systemic sclerosis: a case report\nWei Li, MD, Anna Smith, MD\n\n"
    b"Case report\nA 61-year-old woman presented with calcinosis and Raynaud phenomenon in 2014.\n"
)
ZH_2021 = (
    "中华病例登记杂志 2021年 第9卷 第6期\n系统性红斑狼疮合并狼疮性肾炎一例\n赵敏 孙强\n\n"
    "病例资料\n患者，女，26岁，因面部红斑、关节痛2个月入院。有雷诺现象。\n"
).encode()

pytestmark = pytest.mark.django_db


def parsed(data: bytes, filename: str, **kwargs) -> Report:
    job = receive_and_run(data, filename, **kwargs)
    assert job.status == "done", job.error
    return Report.objects.get(pk=job.report_id)


def test_text_citation_fills_the_report_and_the_case_year() -> None:
    report = parsed(EN_2016, "en.txt")
    assert (report.title, report.journal, report.year, report.doi, report.authors) == (
        "Calcinosis cutis in limited systemic sclerosis: a case report",
        "J Clin Rheumatol",
        2016,
        "10.5555/jcr.2016.123",
        ["Wei Li", "Anna Smith"],
    )
    assert report.metadata["citation_sources"] == {
        key: "text-first-lines" for key in ("title", "journal", "year", "doi", "authors")
    }
    assert list(Case.objects.filter(report=report).values_list("year", flat=True)) == [2016]


def test_a_citation_given_on_receipt_wins_and_survives_reparse() -> None:
    report = parsed(ZH_2021, "zh.txt", citation={"year": 2020, "pmid": "123"})
    assert (report.year, report.pmid, report.title) == (2020, "123", "系统性红斑狼疮合并狼疮性肾炎一例")
    assert report.metadata["citation_sources"]["year"] == "given"
    assert report.metadata["citation_sources"]["title"] == "text-first-lines"
    services.report_reparse(report=report)
    report.refresh_from_db()
    assert report.year == 2020 and Case.objects.get(report=report).year == 2020


def test_reparse_replaces_the_parsers_own_values_and_keeps_a_curators() -> None:
    report = parsed(ZH_2021, "zh.txt")
    case = Case.objects.get(report=report)
    assert report.year == case.year == 2021
    # As if an older parser had found 1999 and a curator had since corrected the title.
    metadata = report.metadata
    metadata["citation_parsed"]["year"] = 1999
    Report.objects.filter(pk=report.pk).update(year=1999, title="Corrected by a curator", metadata=metadata)
    Case.objects.filter(pk=case.pk).update(year=1999)
    services.report_reparse(report=report)
    report.refresh_from_db()
    assert (report.year, Case.objects.get(pk=case.pk).year) == (2021, 2021)  # the case follows its report
    assert report.title == "Corrected by a curator"
    assert report.metadata["citation_sources"]["title"] == "given"


def test_reparse_clears_a_year_the_parser_no_longer_finds() -> None:
    report = parsed(b"A 45-year-old man was admitted in 2016 with fever and calcinosis.", "bare.txt")
    assert report.year is None and "citation_sources" not in report.metadata
    Report.objects.filter(pk=report.pk).update(
        year=2016, metadata={**report.metadata, "citation_parsed": {"year": 2016}}
    )
    services.report_reparse(report=report)
    report.refresh_from_db()
    assert report.year is None and Case.objects.get(report=report).year is None


def test_pdf_and_jats_citations_reach_the_report() -> None:
    report = parsed(with_metadata(make_pdf([FIRST_PAGE]), xmp=XMP), "report.pdf")
    assert (report.year, report.doi) == (2018, "10.1016/j.example.2018.01.002")
    assert report.metadata["citation_sources"]["year"] == "pdf-xmp"
    report = parsed(JATS_FRONT, "article.xml")
    assert (report.year, report.metadata["pmcid"]) == (2019, "PMC6543210")
    assert Case.objects.get(report=report).year == 2019


# ----------------------------------------------------------------- search by year, end to end


def test_year_facet_and_order_over_ingested_reports() -> None:
    from django.contrib.auth.models import AnonymousUser

    older = Case.objects.get(report=parsed(EN_2016, "en.txt"))
    newer = Case.objects.get(report=parsed(ZH_2021, "zh.txt"))
    undated = Case.objects.get(report=parsed(b"A 45-year-old woman with Raynaud phenomenon.", "x.txt"))
    anonymous = AnonymousUser()

    def search(**params):
        return CaseSearch({key: [value] for key, value in params.items()}).execute(user=anonymous)

    assert search(sort="-year").case_ids == [newer.pk, older.pk, undated.pk]
    assert search(sort="year").case_ids == [older.pk, newer.pk, undated.pk]  # unknown years last
    assert search(year_min="2017").case_ids == [newer.pk]
    assert search(q="year:2010-2016").case_ids == [older.pk]
    result = search(q="raynaud phenomenon")
    assert {value.key: value.count for value in result.facets["year"]} == {"2016": 1, "2021": 1}
