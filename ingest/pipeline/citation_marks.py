"""The marks of a publication in a text: DOI, PMID, PMCID, the publication year from citation-like
contexts only, and the journal a citation line or a header line names (used by citation.py and
citation_front.py).

The year comes only from contexts that date the publication, strongest first: a citation line
("J Clin Rheumatol. 2016;22(3):123", "中华皮肤科杂志 2016年 第49卷 第3期"), a publication date
("Published: 12 March 2016"), a copyright line, a Chinese Medical Association DOI (which encodes
it). Never a bare year: a case narrative is full of admission years.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import lru_cache

EARLIEST_YEAR = 1800

# A DOI: "10." registrant "/" suffix. Written after "doi:", "DOI：" or as a doi.org link, or bare.
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>，。；、（）]+)", re.I)
_DOI_TRAILING = ".,;:]}>*†‡"
_PMID = re.compile(r"\b(?:PMID|PubMed\s*ID)\s*[:：]?\s*(\d{1,9})\b", re.I)
_PMCID = re.compile(r"\b(?:PMCID\s*[:：]?\s*)?(PMC\d{4,9})\b")

_Y = r"(?P<year>(?:19|20)\d{2})"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Where a year is the publication's, strongest first: (words one of which the text must contain,
# pattern). The words spare a scan of the text by patterns that cannot match (a pattern that
# starts with a word boundary or a case-insensitive class is scanned slowly, character by
# character). A tier whose matches disagree gives no year (something on the page is not what it
# seems).
_CITATION_LINE = [
    # NLM style: "J Clin Rheumatol. 2016;22(3):123-5", "2016 Apr;22(3):e12", "2016 Mar 3;10:55"
    (
        (";",),
        re.compile(
            _Y + rf"(?:\s+{_MONTH}(?:\s+\d{{1,2}})?)?\s*;\s*\d+\s*(?:\(\s*[\w\s\-–]+\s*\))?\s*:\s*[eE]?\d+",
            re.I,
        ),
    ),
    # BMC: "J Med Case Rep (2016) 10:123"; Elsevier, after a volume: "Clin Imaging 22 (2016) 123-125"
    (("(",), re.compile(r"\(\s*" + _Y + r"\s*\)\s*\d+\s*:\s*[eE]?\d+")),
    (("(",), re.compile(r"\((?:(?<=\d\()|(?<=\d\s\())\s*" + _Y + r"\s*\)\s*[eE]?\d+\s*[-–]\s*\d+")),
    # "Volume 22, Number 3, April 2016", "Vol. 49, No. 3, 2016", "March 2016, Vol. 49, No. 3"
    (
        ("vol",),
        re.compile(
            rf"\bvol(?:ume)?\.?\s*\d+\s*,?\s*(?:no\.?|number|issue)\s*\d+\s*,?\s*(?:{_MONTH}\s*)?" + _Y, re.I
        ),
    ),
    (("vol",), re.compile(_Y + r"\s*[,;]\s*vol(?:ume)?\.?\s*\d+", re.I)),
    # Chinese journals: "2016年 第49卷 第3期", "2016年3月第49卷第3期", "2016，49（3）：123-125"
    (("第",), re.compile(_Y + r"\s*年\s*(?:\d{1,2}\s*月\s*)?第\s*\d+\s*[卷期]")),
    ((":",), re.compile(_Y + r"\s*,\s*(?:vol\.?\s*)?\d+\s*\(\s*\d+\s*\)\s*:\s*\d+", re.I)),
]
_PUBLISHED = [
    (
        ("publi", "epub"),
        re.compile(
            r"\b(?:published(?:\s+online)?|first\s+published|epub(?:\s+ahead\s+of\s+print)?|"
            rf"date\s+of\s+publication)\s*(?:on\s+)?:?\s*(?:\d{{1,2}}\s*)?(?:{_MONTH}\s*)?(?:\d{{1,2}},?\s*)?"
            + _Y
            + r"\b",
            re.I,
        ),
    ),
    (
        ("出版", "发表", "發表"),
        re.compile(
            r"(?:出版日期|发表日期|發表日期|网络出版(?:时间|日期)?|網路出版(?:時間|日期)?)\s*:?\s*" + _Y
        ),
    ),
    # An explicit label in a header: "Year: 2016", "年份：2016"
    (
        ("year", "年份"),
        re.compile(
            r"^\s*(?:year|publication\s+year|年份|发表年份|發表年份)\s*:\s*" + _Y + r"\s*$", re.I | re.M
        ),
    ),
]
# "(c)" is left out: a narrative's list "(a) … (b) … (c) in 2016 …" would date the article.
_COPYRIGHT = [(("©", "copyright"), re.compile(r"(?:©|copyright)[^\n\d]{0,40}?" + _Y + r"\b", re.I))]
# The Chinese Medical Association's DOIs carry year, issue and article:
# 10.3760/cma.j.issn.0412-4030.2016.03.012
_DOI_YEAR = [
    (
        ("cma.j",),
        re.compile(r"cma\.j\.(?:issn\.)?[\dxX]{4}-?[\dxX]{4}\.(?P<year>(?:19|20)\d{2})\.\d{1,2}\.\d+"),
    )
]
_ANY_YEAR = re.compile(r"(?:19|20)\d{2}")
YEAR_TIERS = (
    ("citation line", _CITATION_LINE),
    ("published date", _PUBLISHED),
    ("copyright", _COPYRIGHT),
    ("doi", _DOI_YEAR),
)


def latest_plausible_year() -> int:
    return datetime.date.today().year + 1


def plausible_year(value: object) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if EARLIEST_YEAR <= year <= latest_plausible_year() else None


# Every finder folds the same front and the same lines: fold each once.
@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Full-width digits and letters to ASCII (Chinese journals print "２０１６"); same meaning."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def clean_doi(value: str) -> str | None:
    """A DOI as written, without a link prefix or the punctuation that follows it in a sentence."""
    value = fold(value or "")
    match = _DOI.search(value) if "10." in value else None
    if not match:
        return None
    doi = match.group(1).rstrip(_DOI_TRAILING)
    # A closing bracket belongs to the DOI only when the DOI opened it: 10.1002/(SICI)1097-…
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1].rstrip(_DOI_TRAILING)
    return doi if "/" in doi and len(doi.split("/", 1)[1]) >= 2 else None


def find_doi(text: str) -> str | None:
    return clean_doi(text)


def find_pmid(text: str) -> str | None:
    folded = fold(text)
    lowered = folded.lower()
    match = _PMID.search(folded) if "pmid" in lowered or "pubmed" in lowered else None
    return match.group(1) if match and match.group(1).strip("0") else None


def find_pmcid(text: str) -> str | None:
    folded = fold(text)
    match = _PMCID.search(folded) if "PMC" in folded else None
    return match.group(1) if match else None


def find_year(text: str) -> tuple[int, str, re.Match] | None:
    """(year, kind of context, match) from the strongest citation-like context, or None. A tier
    whose contexts name different years gives none, and so does every tier below it."""
    folded = fold(text)
    if not _ANY_YEAR.search(folded):
        return None
    lowered = folded.lower()
    for kind, patterns in YEAR_TIERS:
        found = [
            (year, match)
            for words, pattern in patterns
            if any(word in lowered for word in words)
            for match in pattern.finditer(folded)
            if (year := plausible_year(match.group("year")))
        ]
        if found:
            years = {year for year, _ in found}
            if len(years) > 1:
                return None
            first = min(found, key=lambda item: item[1].start())
            return first[0], kind, first[1]
    return None


# A journal named before the year of a citation line: "J Clin Rheumatol." / "中华皮肤科杂志".
_JOURNAL_BEFORE_YEAR_LATIN = re.compile(r"^[A-Z][A-Za-z&'’\- ]*(?:\.\s?[A-Z][A-Za-z&'’\- ]*)*\.?$")
_JOURNAL_BEFORE_YEAR_HAN = re.compile(r"^[\u4e00-\u9fff·]{3,25}$")
_JOURNAL_WORDS = re.compile(
    r"\bjournal\b|\bannals of\b|\barchives of\b|\bcase reports (?:in|of)\b|\bclinical case reports\b|"
    r"^bmj\b|^the lancet\b|^(?:the )?new england journal|杂志$|雜誌$|学报$|學報$",
    re.I,
)


def journal_before(line: str, start: int) -> str | None:
    """The journal a citation line names before its year, when that is all that precedes it."""
    prefix = re.sub(r"\(\s*$", "", line[:start]).strip(" \t.,;:，：")
    # "Chin J Dermatol, March 2016" and "J Clin Rheumatol. 2016 Apr": drop a month before the year
    prefix = re.sub(rf"[,\s]+{_MONTH}(?:\s+\d{{1,2}})?$", "", prefix, flags=re.I).strip(" .,;，")
    # "Clin Imaging 22 (2016)": drop the volume
    prefix = re.sub(r"\s+\d+$", "", prefix).strip(" .,;")
    if not prefix or len(prefix) > 100 or re.search(r"\bet al\b|\d", prefix):
        return None
    if _JOURNAL_BEFORE_YEAR_HAN.match(prefix):
        return prefix
    words = prefix.split()
    if _JOURNAL_BEFORE_YEAR_LATIN.match(prefix) and 1 <= len(words) <= 12:
        # A sentence ("We saw her in. 2016;") is not a journal: journal words are capitalised.
        minor = {"of", "and", "the", "in", "for", "on", "&", "de", "la"}
        if all(word[0].isupper() or word.lower() in minor for word in words):
            return prefix
    return None


def journal_line(line: str) -> str | None:
    """A line that is a journal's name and nothing else ("Journal of Medical Case Reports")."""
    stripped = line.strip(" \t·•|")
    if not stripped or len(stripped) > 80 or re.search(r"[。.;；:：]\s*\S|\d", stripped):
        return None
    if _JOURNAL_WORDS.search(stripped) and len(stripped.split()) <= 10:
        return stripped.rstrip(".")
    return None
