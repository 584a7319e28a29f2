"""The title and byline at the top of an article's text (used by citation.py).

A text's first lines are a title only when the text looks like an article: the line block is
followed by a byline, an affiliation, a heading (Abstract, Case report, 病例资料, 【摘要】…) or a
citation mark (DOI, citation line), or it names itself a report ("…: a case report", "…1例").
A bare narrative that opens with "患者…" or "A 45-year-old man…" has none. Lines a journal prints
above the title (its name, the citation line, "CASE REPORT", "·病例报告·", "Open Access", page
numbers) are skipped first.

The line block must end within three lines: a title wrapped on a PDF page takes two or three, a
paragraph takes more, so a block that runs on is a paragraph and gives no title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from .citation_marks import find_year, fold, journal_line

HAN = re.compile(r"[\u3400-\u9fff]")
MAX_TITLE_LINES = 3
MAX_HEADER_LINES = 12
MAX_LINES = 40

_HEADING_EN = re.compile(
    r"^\s*[\[(]?(?:\d+(?:\.\d+)*\.?\s*)?(?:abstract|summary|background|introduction|keywords?|key\s+words|"
    r"case\s+(?:reports?|presentations?|descriptions?|history|summary|details|\d+)|"
    r"presentation\s+of\s+(?:the\s+)?case|clinical\s+(?:presentation|case|history|summary|findings)|"
    r"patient\s+(?:presentation|information)|history(?:\s+of\s+present\s+illness)?|discussion|conclusions?|"
    r"methods|objective|aims?)\s*[\])]?\s*(?:[:.\-—]|$)",
    re.I,
)
_HEADING_ZH = re.compile(
    r"^\s*[【\[［〔]?\s*(?:[一二三四五六七八九十\d]+\s*[.、．]?\s*)?(?:摘\s*要|关键词|關鍵詞|关键字|關鍵字|"
    r"病例资料|病例資料|病例摘要|病史摘要|病例报告|病例報告|病例介绍|病例介紹|临床资料|臨床資料|病例|病史|"
    r"引言|前言|讨论|討論|资料与方法|資料與方法|一般资料|一般資料|一般情况|一般情況|背景)\s*(?:[】\]］〕:：]|$|\s)"
)
_NARRATIVE_EN = re.compile(
    r"^\s*(?:an?\s+\d+[\s-]*(?:-?years?|yrs?|months?|weeks?|days?)\b|"
    r"(?:the|our|this|a|an)\s+(?:\d+[\s-]*\S*\s+)?(?:patient|boy|girl|man|woman|infant|child|neonate|newborn|"
    r"gentleman|lady|male|female)\b|(?:we|here,?\s+we|he|she|his|her|they)\b|(?:in|on)\s+(?:19|20)\d{2}\b|"
    r"(?:on|at|upon)\s+(?:admission|examination|presentation)\b)",
    re.I,
)
_NARRATIVE_ZH = re.compile(
    r"^\s*(?:患者|患儿|患兒|病人|病患|病者|本例|我院|入院|[男女]性?患者|例\s*\d|[男女]\s*[，,、]|\d+\s*[岁歲]|于\s*\d|因)"
)
_CATEGORY_WORDS = (
    r"(?:case\s+reports?|case\s+study|open\s+access|clinical\s+images?|images?\s+in\s+[a-z ]+?|"
    r"brief\s+reports?|research\s+letters?|letters?(?:\s+to\s+the\s+editor)?|correspondence|"
    r"original\s+(?:article|research)|review(?:\s+article)?|short\s+communication|clinical\s+vignette|"
    r"病例报告|病例報告|个案报道|個案報導|病例报道|病例報導|临床病例讨论|臨床病例討論|短篇论著|短篇報導|"
    r"论著|論著|病例分析|个案报告|個案報告)"
)
# One banner or several on a line: "CASE REPORT          Open Access".
_CATEGORY = re.compile(rf"^[\s·•|]*{_CATEGORY_WORDS}(?:[\s·•|]+{_CATEGORY_WORDS})*[\s·•|]*$", re.I)
# PubMed's affiliation marks after a name: "Tanaka H(1), Suzuki K(1,2)".
_AFFILIATION_MARKS = re.compile(r"\(\d{1,2}(?:\s*[,-]\s*\d{1,2})*\)")
_HEADER_MARK = re.compile(
    r"\b10\.\d{4,9}/|\bPMID\b|\bPMC\d|\bISSN\b|\bISBN\b|https?://|www\.|@|\be-?mail\b|"
    r"^\s*(?:received|accepted|revised|published|available online|citation|cite this|to cite|copyright|©)|"
    r"收稿日期|修回日期|接受日期|录用日期|中图分类号|文献标识码|文献標識碼|文章编号|基金项目|通信作者|通讯作者|"
    r"引用本文|corresponding author",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^\s*[-–]?\s*\d{1,4}\s*[-–]?\s*$")
_LABEL = re.compile(r"^\s*([^:：\n]{1,24}?)\s*[:：]\s*(.*)$")
_TITLE_LABELS = {"title", "article title", "标题", "題目", "题目", "文题", "文題", "篇名"}
_AUTHOR_LABELS = {"author", "authors", "作者", "作者姓名"}
_TITLE_MARKER = re.compile(
    r"\bcases?\b|\breports?\b|[一二两兩三四五六七八九十\d]+\s*例|报告|報告|病例|个案|個案|报道|報導", re.I
)
# Degrees and marks that follow names in a byline: "Wei Li, MD,1* Anna Smith, PhD2"
_DEGREES = re.compile(
    r"\b(?:MD|PhD|MBBS|MBChB|MSc|BSc|MS|MPH|MA|BS|DO|RN|DDS|DMD|PharmD|FRCP|FRCPC|FACP|MRCP|FRACP|DM|DNB)\b\.?"
)
_MARKS = re.compile(r"[\d*†‡§¶#△▲☆★∗⁎^]+")
_NAME_PARTICLES = r"(?:van|von|de|der|den|da|di|del|dos|du|le|la|el|al|bin|ibn)"
_LATIN_NAME = re.compile(
    rf"^[A-Z][a-zA-Z'’\-]+(?:\s+(?:[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z][a-zA-Z'’\-]+|{_NAME_PARTICLES}))+$"
    r"|^[A-Z][a-zA-Z'’\-]+\s+[A-Z]{1,3}$"
)
_NOT_NAME_WORDS = {
    "case", "cases", "report", "reports", "abstract", "department", "university", "hospital", "journal",
    "introduction", "syndrome", "disease", "patient", "treatment", "clinical", "medical", "medicine",
    "center", "centre", "school", "institute", "open", "access", "review", "background", "keywords",
}  # fmt: skip
_HAN_NAME = re.compile(r"^[\u3400-\u9fff]{2,4}$|^[\u3400-\u9fff]{1,6}·[\u3400-\u9fff]{1,8}$")
_NOT_NAME_CHARS = re.compile(r"[病患例资資料报報摘要院科诊診治岁歲症炎检檢查史男女]")
_AFFILIATION_EN = re.compile(
    r"^\s*(?:[\d*†‡§¶]+\s*)?(?:department|dept\.|division|school|faculty|university|hospital|institute|"
    r"center|centre|college|clinic|laboratory|from the)\b",
    re.I,
)
_INSTITUTION = re.compile(
    r"\b(?:University|Hospital|Institute|College|Center|Centre|Clinic|Department|School)\b"
)
_MINOR_WORDS = {"of", "and", "the", "for", "de", "la", "del", "di", "du", "da", "at", "&"}
_AFFILIATION_ZH = re.compile(r"医院|醫院|大学|大學|学院|學院|研究所|研究院|作者单位|作者單位")


@dataclass
class FrontMatter:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)  # what the journal printed above the title
    end: int = 0  # where the front matter (header, title, byline, identifiers) ends in the text


def _fold(line: str) -> str:
    return fold(line).strip()


def is_han(line: str) -> bool:
    """Chinese rather than Latin-script typography ("成人Still病1例" is Chinese)."""
    han = len(HAN.findall(line))
    return han >= 2 and han * 3 >= len(re.sub(r"\s", "", line))


def is_heading(line: str) -> bool:
    return bool(_HEADING_EN.match(line) or _HEADING_ZH.match(line))


def is_narrative(line: str) -> bool:
    return bool(_NARRATIVE_EN.match(line) or _NARRATIVE_ZH.match(line))


def is_header(line: str) -> bool:
    """A line a journal prints around the title: its name, the citation, identifiers, dates."""
    return bool(
        _PAGE_NUMBER.match(line)
        or _CATEGORY.match(line)
        or _HEADER_MARK.search(line)
        or find_year(line)
        or journal_line(line)
    )


def is_affiliation(line: str) -> bool:
    """An author's institution: "Department of Rheumatology, …", "1 Hebei General Hospital, Hebei,
    China", "（北京协和医院皮肤科，北京 100730）". Prose that names a hospital is not one."""
    if is_han(line):
        return (
            bool(_AFFILIATION_ZH.search(line)) and "例" not in line and "。" not in line and len(line) <= 120
        )
    if _AFFILIATION_EN.match(line):
        return True
    # Otherwise only a comma-separated list of capitalised names with an institution among them.
    text = _MARKS.sub(" ", line).strip(" .;")
    words = [word for part in text.split(",") for word in part.split()]
    capitalised = all(word[0].isupper() or word.isdigit() or word.lower() in _MINOR_WORDS for word in words)
    return bool(words) and capitalised and bool(_INSTITUTION.search(text))


def byline_names(line: str, *, labelled: bool = False) -> list[str]:
    """The authors' names of a byline as written, or [] when the line is not one."""
    text = _DEGREES.sub("", line)
    text = _AFFILIATION_MARKS.sub(" ", text)
    text = _MARKS.sub(" ", text)
    if not labelled and re.search(r"[()（）【】\[\]:：。]", text):
        return []  # brackets, colons, sentences: an affiliation, a heading or prose
    parts = [part.strip(" .") for part in re.split(r"[,;，、；]|\band\b|&", text)]
    parts = [part for part in parts if part]
    if len(parts) == 1 and is_han(parts[0]) and " " in parts[0].strip():
        parts = parts[0].split()  # "张三 李四 王五": Chinese bylines are often spaced
    if not parts:
        return []
    names: list[str] = []
    for part in parts:
        part = re.sub(r"\s+", " ", part)
        han_name = _HAN_NAME.match(part) and not _NOT_NAME_CHARS.search(part)
        latin_name = _LATIN_NAME.match(part) and not {w.lower() for w in part.split()} & _NOT_NAME_WORDS
        if not (han_name or latin_name):
            return []
        names.append(part)
    had_degree = bool(_DEGREES.search(line))
    return names if len(names) >= 2 or (names and (labelled or had_degree)) else []


def _label(line: str) -> tuple[str, str] | None:
    if ":" not in line and "：" not in line:
        return None
    match = _LABEL.match(line)
    return (match.group(1).strip().lower(), match.group(2).strip()) if match else None


def _title_like(line: str, *, first: bool) -> bool:
    if not line or is_heading(line) or is_narrative(line) or is_header(line) or is_affiliation(line):
        return False
    if byline_names(line):
        return False
    han = is_han(line)
    stripped = line.rstrip()
    if stripped[-1] in ".。;；,，:：" and not stripped.endswith(("et al.", "etc.")):
        return False
    if "。" in line or line.count("，") + line.count(",") > (1 if han else 3):
        return False
    if not han and re.search(r"[a-z0-9%)]\.\s+[A-Z]", line):
        return False  # two sentences
    label = _label(line)
    if label:
        before, after = label
        short = len(before) <= 6 if is_han(before) else len(before.split()) <= 2
        if short and not _TITLE_MARKER.search(after):
            return False  # "Chief complaint: fever", "主诉：发热"
    letters = sum(ch.isalpha() for ch in line)
    if letters < 0.5 * len(line.replace(" ", "")):
        return False
    if first:
        if han:
            return len(HAN.findall(line)) >= 4 and len(line) <= 100
        return (
            len(line.split()) >= 3
            and len(line) >= 15
            and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'‘“")
        )
    return True


def _join(lines: list[str]) -> str:
    title = lines[0]
    for line in lines[1:]:
        glue = "" if HAN.match(line[:1]) and HAN.search(title[-1:]) else " "
        title = (
            title.rstrip("-") + line if title.endswith("-") and line[:1].islower() else title + glue + line
        )
    title = re.sub(r"\s+", " ", title).strip()
    return re.sub(r"[\s*†‡§¶∗]+$", "", title)


def front_matter(front: str, *, has_citation_marks: bool) -> FrontMatter:
    """The title and byline at the top of `front` (the first lines of a text), and where the
    front matter ends."""
    result = FrontMatter()
    raw_lines = front.split("\n")[:MAX_LINES]
    line_ends = list(accumulate(len(line) + 1 for line in raw_lines))
    # Decisions read the folded line (full-width to ASCII); the title keeps the text as written.
    written = [" ".join(line.split()) for line in raw_lines]
    lines = [line.strip() for line in fold(front).split("\n")[:MAX_LINES]]
    # Labelled fields ("Title: …", "作者：…") count wherever the header has them.
    for number, line in enumerate(lines[: MAX_HEADER_LINES * 2]):
        label = _label(line)
        if not label or not label[1]:
            continue
        if label[0] in _TITLE_LABELS and result.title is None and _title_like(label[1], first=True):
            result.title = _join([_label(written[number])[1]])
        elif label[0] in _AUTHOR_LABELS and not result.authors:
            result.authors = byline_names(label[1], labelled=True)
    # Skip what a journal prints above the title.
    index = skipped = 0
    while index < len(lines) and skipped <= MAX_HEADER_LINES:
        line = lines[index]
        if line and not is_header(line) and not _label_of_known_field(line):
            break
        if line:
            result.header_lines.append(line)
            result.end = min(line_ends[index], len(front))
            skipped += 1
        index += 1
    if result.title is not None or index >= len(lines):
        return result
    if not _title_like(lines[index], first=True):
        # PubMed's format ends the title with a full stop; the byline right under it says so.
        following = next((line for line in lines[index + 1 :] if line), "")
        candidate = lines[index]
        if not (
            candidate.endswith(".")
            and not candidate.endswith("..")
            and _title_like(candidate[:-1], first=True)
            and byline_names(following)
        ):
            return result
        result.title = _join([written[index].rstrip(".")])
        result.authors = result.authors or byline_names(following)
        result.end = min(line_ends[index], len(front))
        return _past_byline(result, lines, line_ends, index + 1, len(front))
    first = index
    index += 1
    while index < len(lines) and lines[index] and index - first <= MAX_TITLE_LINES:
        if _ends_title(lines[index]):
            break
        if not _title_like(lines[index], first=False):
            return result  # a paragraph that happens to start without a full stop
        index += 1
    if index - first > MAX_TITLE_LINES:
        return result
    # What follows the block, past blank lines: a byline, a heading, … say "this is an article".
    following = next((line for line in lines[index:] if line), "")
    names = byline_names(following)
    strong = bool(names) or _label_of_known_field(following) or is_heading(following)
    strong = strong or is_affiliation(following) or is_header(following)
    title = _join(written[first:index])
    if not (strong or has_citation_marks or _TITLE_MARKER.search(_fold(title))):
        return result
    result.title = title
    if names and not result.authors:
        result.authors = names
    result.end = min(line_ends[index - 1], len(front))
    return _past_byline(result, lines, line_ends, index, len(front))


def _past_byline(
    result: FrontMatter, lines: list[str], line_ends: list[int], index: int, size: int
) -> FrontMatter:
    """The byline, affiliations, DOI and dates under the title belong to the front matter too."""
    for number in range(index, min(len(lines), index + MAX_HEADER_LINES)):
        line = lines[number]
        if not line:
            continue
        if (
            is_heading(line)
            or is_narrative(line)
            or not (
                byline_names(line) or _label_of_known_field(line) or is_affiliation(line) or is_header(line)
            )
        ):
            break
        result.end = min(line_ends[number], size)
    return result


def _label_of_known_field(line: str) -> bool:
    label = _label(line)
    return bool(label and label[0] in _TITLE_LABELS | _AUTHOR_LABELS)


def _ends_title(line: str) -> bool:
    return (
        bool(byline_names(line))
        or is_heading(line)
        or is_affiliation(line)
        or is_header(line)
        or is_narrative(line)
    )
