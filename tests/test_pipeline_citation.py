"""A text's citation from its first lines (ingest/pipeline/citation*.py): what an article's header
gives, what a bare narrative must not give, and that a header's year never dates the patient's
story. Texts are written here; the corpus check at the end skips without ../shared."""

from __future__ import annotations

import pytest

from ingest.formats.text import decode_text
from ingest.pipeline import extract
from ingest.pipeline.citation import front_matter_end, merge_citations, text_citation
from ingest.pipeline.citation_marks import clean_doi, find_pmid, find_year
from tests.conftest import CORPUS_DIR

EN_ARTICLE = """J Clin Rheumatol. 2016;22(3):123-125. doi:10.1097/RHU.0000000000000345. PMID: 26906300
CASE REPORT
Calcinosis Cutis in CREST Syndrome Treated With
Sodium Thiosulfate
Wei Li, MD,* Anna Smith, PhD†
Department of Rheumatology, Example University Hospital, Springfield, USA
Abstract: Calcinosis cutis is a rare complication.
Case report
A 40-year-old woman was admitted in March 2014 with painful nodules on her fingers.
"""

ZH_ARTICLE = """中华皮肤科杂志 2016年 第49卷 第3期
·病例报告·
局限皮肤型系统性硬化症伴广泛皮下钙质沉着一例
王丽1 陈明2 刘洋1
（北京协和医院皮肤科 100730）
DOI:10.3760/cma.j.issn.0412-4030.2016.03.012
【摘要】报告1例局限皮肤型系统性硬化症伴广泛皮下钙质沉着。
关键词：钙质沉着；系统性硬化症
1 病例资料
患者女，40岁，因全身多处钙化灶15年于2015年7月20日入院。2013年起出现双手遇冷变白。
"""


def fields(citation: dict) -> dict:
    return {key: value for key, value in citation.items() if key != "sources"}


def test_english_article_header_gives_every_field_with_its_source() -> None:
    citation = text_citation(EN_ARTICLE)
    assert fields(citation) == {
        "title": "Calcinosis Cutis in CREST Syndrome Treated With Sodium Thiosulfate",
        "journal": "J Clin Rheumatol",
        "year": 2016,
        "authors": ["Wei Li", "Anna Smith"],
        "doi": "10.1097/RHU.0000000000000345",
        "pmid": "26906300",
    }
    assert citation["sources"] == {key: "text-first-lines" for key in fields(citation)}
    assert text_citation(EN_ARTICLE, source="pdf-first-page")["sources"]["year"] == "pdf-first-page"


def test_chinese_journal_header_gives_every_field() -> None:
    assert fields(text_citation(ZH_ARTICLE)) == {
        "title": "局限皮肤型系统性硬化症伴广泛皮下钙质沉着一例",
        "journal": "中华皮肤科杂志",
        "year": 2016,
        "authors": ["王丽", "陈明", "刘洋"],
        "doi": "10.3760/cma.j.issn.0412-4030.2016.03.012",
    }


def test_labelled_header_and_full_width_digits() -> None:
    text = (
        "题目：川崎病合并冠状动脉扩张２例\n作者：张华，李静\n"
        "出版日期：２０１８－０３－０１\n\n病例资料\n例1，男。"
    )
    assert fields(text_citation(text)) == {
        "title": "川崎病合并冠状动脉扩张２例",  # as written
        "authors": ["张华", "李静"],
        "year": 2018,
    }


@pytest.mark.parametrize(
    "text",
    [
        # bare narratives: their first line is the first sentence, their years are the patient's
        "A 45-year-old man was admitted in 2016 with fever.\nHe had a rash since 2015.",
        "The patient was a 34-yr-old man who presented in June 2003 with a chronic cough.",
        "Here, we describe another case in a 60-year-old man\nwho had consumed raw pork in 2003.",
        "患者女，40岁，因全身多处钙化灶15年，于2015年7月20日入我院。\n1994年因发热就诊。",
        "病例摘要：66岁男性，记忆混乱伴反复低钠血症\n一、病史\n患者男，66岁，2020年5月起病。",
        "遗传代谢病少见，症状缺乏特征，常被漏诊。本文介绍1例患儿。\n【病例资料】\n患儿，男，1岁9个月。",
        # a first line without a full stop that runs into a paragraph is not a title
        "Calcinosis cutis is a rare condition characterised by\ndeposits of calcium salts in the skin\n"
        "which may ulcerate and drain a chalky material\nand cause considerable pain.",
        # a label line is not a title; a record date is not a publication year
        "Chief complaint: fever and cough for 3 days\nHistory: admitted on 3 May 2019.",
        "老人科門診病例摘要\n記錄日期：2025年9月22日\n病人資料：陳先生，男，63歲。",
    ],
)
def test_bare_narratives_give_no_title_and_no_year(text: str) -> None:
    citation = text_citation(text)
    assert "title" not in citation and "year" not in citation, citation


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Published: 12 March 2016\nA case.", 2016),
        ("Published online 2019 Apr 3.", 2019),
        ("Epub 2021 Jan 5.", 2021),
        ("© 2019 The Authors. Published by Example.", 2019),
        ("Copyright © 2017 Example Press", 2017),
        ("Journal of Medical Case Reports (2016) 10:123", 2016),
        ("Clinical Imaging 22 (2018) 123-125", 2018),
        ("Volume 22, Number 3, April 2016", 2016),
        ("Chin J Dermatol, March 2016, Vol. 49, No. 3", 2016),
        ("中华皮肤科杂志2016年3月第49卷第3期", 2016),
        ("中华皮肤科杂志，2016，49（3）：201-204", 2016),
        ("DOI:10.3760/cma.j.issn.0412-4030.2015.03.012", 2015),
        # narrative years are not citation-like
        ("In 2016, she was admitted; 3 days later (day 4) she improved.", None),
        ("于2015年7月20日入院，2016年第2次复发。", None),
        ("Received: 3 January 2015; Accepted: 2 February 2015", None),
        # two citation lines that disagree: something is not what it seems, so no year
        ("J Clin Rheumatol. 2016;22(3):123-125.\nAnn Intern Med. 2011;154(2):1-2.", None),
    ],
)
def test_year_only_from_citation_like_contexts(text: str, year: int | None) -> None:
    found = find_year(text)
    assert (found[0] if found else None) == year


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("doi:10.1002/ccr3.9999.", "10.1002/ccr3.9999"),
        ("https://doi.org/10.1186/s13256-016-0123-4)", "10.1186/s13256-016-0123-4"),
        ("DOI：10.3760/cma.j.issn.0412-4030.2016.03.012。", "10.3760/cma.j.issn.0412-4030.2016.03.012"),
        # a closing bracket is the DOI's own only when the DOI opened it
        ("(doi:10.1002/(SICI)1097-0258(19980815)17:15)", "10.1002/(SICI)1097-0258(19980815)17:15"),
        ("no identifier here", None),
    ],
)
def test_doi_as_written_without_trailing_punctuation(written: str, doi: str | None) -> None:
    assert clean_doi(written) == doi


def test_pmid_and_identifiers_only_in_the_front() -> None:
    assert find_pmid("PMID: 31234567") == "31234567" and find_pmid("PubMed ID 123") == "123"
    narrative = "A 40-year-old woman with calcinosis. " * 80  # ~3,000 characters
    references = (
        narrative + "\nReferences\n1. Smith A. J Clin Rheumatol. 2011;17(2):1-5. doi:10.1/x1 PMID: 99"
    )
    assert text_citation(references) == {}


def test_merge_takes_each_field_from_the_strongest_citation() -> None:
    reader = {
        "title": "From the XML",
        "year": 2019,
        "sources": {"title": "jats-front-matter", "year": "jats-front-matter"},
    }
    text = {
        "title": "From the text",
        "doi": "10.1/x",
        "year": 2018,
        "sources": {"title": "t", "doi": "t", "year": "t"},
    }
    assert merge_citations(reader, None, text) == {
        "title": "From the XML",
        "year": 2019,
        "doi": "10.1/x",
        "sources": {"title": "jats-front-matter", "year": "jats-front-matter", "doi": "t"},
    }


def test_the_extraction_record_carries_the_citation_and_a_given_one_wins() -> None:
    record = extract(EN_ARTICLE)
    assert record["citation"]["year"] == 2016 and record["citation"]["pmid"] == "26906300"
    given = {"year": 2015, "sources": {"year": "pdf-xmp"}}
    record = extract(EN_ARTICLE, citation=given)
    assert record["citation"]["year"] == 2015 and record["citation"]["sources"]["year"] == "pdf-xmp"
    assert record["citation"]["journal"] == "J Clin Rheumatol"
    assert extract("A 45-year-old man was admitted in 2016 with fever.")["citation"] == {}


# No heading announces the case here, so the header is read as part of the case, as it is in
# many texts copied from a journal page.
EN_HEADED_NARRATIVE = """J Clin Rheumatol. 2016;22(3):123-125. doi:10.1097/RHU.0000000000000345

Calcinosis cutis in systemic sclerosis: a case report
Wei Li, MD, Anna Smith, PhD

A 61-year-old woman presented with painful calcified nodules on the fingertips. She had Raynaud
phenomenon and fever. In 2014 she developed digital ulcers.
"""
ZH_HEADED_NARRATIVE = """中华皮肤科杂志 2016年 第49卷 第3期
局限皮肤型系统性硬化症伴钙质沉着一例
王丽 陈明

患者女，40岁，双手雷诺现象10年，皮下钙化结节5年，发热3天。2013年出现指端溃疡。
"""


@pytest.mark.parametrize(("text", "language"), [(EN_HEADED_NARRATIVE, "en"), (ZH_HEADED_NARRATIVE, "zh")])
def test_a_header_year_never_dates_the_patients_story(text: str, language: str) -> None:
    assert "2016" in text[: front_matter_end(text)]
    record = extract(text, language=language)
    assert record["citation"]["year"] == 2016
    patient = record["patients"][0]
    onsets = {fact.get("onset") for fact in patient["features"]} | {
        fact.get("when") for fact in patient["measurements"]
    }
    assert "2016" not in onsets  # the publication year, printed above the title
    assert onsets & {"2013", "2014"}  # the story's own years still date its findings


def test_dev_corpus_titles_are_first_lines_and_no_text_has_a_year() -> None:
    folders = [CORPUS_DIR / "dev-en", CORPUS_DIR / "dev-zh", CORPUS_DIR / "dev"]
    if not all(folder.is_dir() for folder in folders):
        pytest.skip("../shared/corpus is not checked out")
    titles = {}
    for path in sorted(p for folder in folders for p in folder.glob("*.txt")):
        text, _ = decode_text(path.read_bytes())
        citation = text_citation(text)
        # None of these texts prints a citation: any year would come from the narrative.
        assert "year" not in citation and "doi" not in citation, (path.name, citation)
        if "title" in citation:
            titles[path.name] = citation["title"]
            assert citation["title"] == text.lstrip().split("\n", 1)[0].strip(), path.name
    assert not [name for name in titles if not name.startswith("zh-")]  # English texts are bare narratives
    assert len(titles) >= 14  # most Chinese narratives open with their title ("成人Still病1例")


def test_banners_on_one_line_are_skipped_and_the_title_under_them_is_read() -> None:
    text = (
        "Annals of Rare Skin Disease (2022) 7:41\n"
        "https://doi.org/10.9999/ards.2022.041\n\n"
        "CASE REPORT                         Open Access\n\n"
        "Ulcerating nodules of the shins in a young farmer: a case report\n\n"
        "Ana Pereira1*, Tomas Berg2 and Li Wen1,3\n\n"
        "Abstract\nA 28-year-old man had painful nodules.\n"
    )
    citation = fields(text_citation(text))
    assert citation["title"] == "Ulcerating nodules of the shins in a young farmer: a case report"
    assert citation["authors"] == ["Ana Pereira", "Tomas Berg", "Li Wen"]


def test_pubmed_abstract_format_title_with_full_stop_and_marked_authors() -> None:
    text = (
        "Clin Case Rep Rare. 2020 Jun 2;8(6):101-104. doi: 10.9999/ccrr.2020.17.\n\n"
        "Recurrent fever and serositis in an adolescent with a novel MEFV variant.\n\n"
        "Okafor N(1), Lindqvist E(2), Moreau P(1).\n\n"
        "PMID: 31000001\n\n"
        "A 15-year-old girl had recurrent fever.\n"
    )
    citation = fields(text_citation(text))
    assert citation["title"] == "Recurrent fever and serositis in an adolescent with a novel MEFV variant"
    assert citation["authors"] == ["Okafor N", "Lindqvist E", "Moreau P"]
    assert citation["pmid"] == "31000001" and citation["year"] == 2020
    # the front matter (title, byline, identifiers) is not the patient's story
    assert text[front_matter_end(text) :].strip().startswith("A 15-year-old girl")


def test_a_one_sentence_opening_without_a_byline_is_no_title() -> None:
    text = "Fever of unknown origin in a farmer.\n\nA 40-year-old man had fever for a month.\n"
    assert text_citation(text).get("title") is None
