"""Sentences, sections and patients of a normalised report.

A fact belongs to the patient only when the case part of the report states it: the discussion,
literature review and references name drugs and findings of other people. So every sentence is
tagged with the section it sits in, and with the patient it is about when the report is a case
series ("Case 2", "患者2", "例2", "Patient B").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CASE, DISCUSSION, REFERENCES, INTRO, UNKNOWN = "case", "discussion", "references", "intro", "unknown"

# Headings in Chinese journals: "1 病例资料", "2 讨论", "参考文献"; they may run into the first
# sentence of the section after PDF extraction, so no end-of-line anchor.
_ZH_HEADINGS = [
    (CASE, r"病例(?:资料|报告|介绍|摘要|报道)|病历摘要|临床资料|一般资料|患者资料"),
    (DISCUSSION, r"讨论|文献复习|文献回顾|小结|结论"),
    (REFERENCES, r"参考文献"),
    (INTRO, r"引言|前言|摘要"),
]
_ZH_ALTERNATIVES = "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _ZH_HEADINGS)
# A numbered heading ("2 讨论") may be glued to whatever the PDF put before it; an unnumbered one
# must start a line or follow a sentence end.
_ZH_HEADING_RE = re.compile(
    rf"(?:(?<![\d.])[0-9一二三四]{{1,2}}[.、\s]?\s*|(?:^|(?<=[\n。]))\s*)(?:{_ZH_ALTERNATIVES})(?![\u4e00-\u9fff]{{0,1}}(?:的|了|中|后|时))"
)
_EN_HEADINGS = [
    (
        CASE,
        r"case (?:report|presentation|description|history|summary|details)s?|clinical (?:presentation|history|case)|patient and methods|report of (?:a|the) case",  # noqa: E501 - a pattern reads best on one line
    ),
    (
        DISCUSSION,
        r"discussion(?: and [a-z ]{3,40})?|conclusions?|comments?|literature review|review of (?:the )?literature|"  # noqa: E501 - a pattern reads best on one line
        r"learning points",
    ),
    (REFERENCES, r"references|bibliography|acknowledge?ments?|conflicts? of interest|funding"),
    (INTRO, r"introduction|background|abstract|summary"),
]
_EN_HEADING_RE = re.compile(
    r"(?im)^[ \t]*(?:\d{1,2}\.?[ \t]*)?(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _EN_HEADINGS)
    + r")(?:[ \t]*[:.]?[ \t]*$|[ \t]*[:：][ \t]*)"  # alone on its line, or "Discussion: text"
)


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    section: str
    patient: int = 0


def sections(text: str, language: str) -> list[tuple[int, str]]:
    """(position, section kind) for each heading found, in order."""
    out: list[tuple[int, str]] = []
    pattern = _ZH_HEADING_RE if language == "zh" else _EN_HEADING_RE
    for match in pattern.finditer(text):
        kind = next(k for k, v in match.groupdict().items() if v)
        out.append((match.start(kind), kind))
    if language == "zh":
        # Chinese headings are detected inline, so an English pass catches English headings too.
        for match in _EN_HEADING_RE.finditer(text):
            kind = next(k for k, v in match.groupdict().items() if v)
            out.append((match.start(kind), kind))
        out.sort()
    return out


_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|Fig|Figs|vs|etc|e\.g|i\.e|approx|No|no|St|al|ca|Inc|Ltd|resp|min|max)|\b[A-Z])\.$"
)
_SENTENCE_END = re.compile(r"[。！？!?]+|\n+|\.(?=\s+[\"'(\[]?[A-Z0-9])|\.(?=\s*$)|;(?=\s)|；")


MAX_SENTENCE = 1500  # longer runs (tables, junk without punctuation) are cut at a comma or space


def split_sentences(text: str) -> list[tuple[int, int]]:
    return [piece for span in _split_sentences(text) for piece in _cap(text, *span)]


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE:
        cut = max(text.rfind(",", start, start + MAX_SENTENCE), text.rfind(" ", start, start + MAX_SENTENCE))
        cut = cut + 1 if cut > start else start + MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _split_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if match.group(0) == "." and _ABBREVIATIONS.search(text[max(start, end - 8) : end]):
            continue
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Case-series markers at the start of a sentence: "Case 2", "Patient B:", "患者2", "例2", "病例2".
_SERIES_EN = re.compile(
    r"^(?:case|patient)\s+(\d{1,2}|[A-H])\b(?:\s*[:.)-]|\s*$|\s+(?:was|is|a|an|had|presented|\())",
    re.I,
)
_SERIES_ZH = re.compile(
    r"^(?:[(（]?\d[)）]\s*)?(?:患者|病例|例|患儿)\s*(\d{1,2}|[一二三四五六七八九十])(?![\d岁年月天日个周])"
)


def layout(text: str, language: str) -> tuple[list[Sentence], int]:
    """Sentences tagged with section and patient; also the number of patients."""
    heads = sections(text, language)
    has_case_heading = any(kind == CASE for _, kind in heads)
    sentences: list[Sentence] = []
    h = 0
    current = UNKNOWN
    for start, end in split_sentences(text):
        while h < len(heads) and heads[h][0] < end:
            current = heads[h][1]
            h += 1
        section = current
        if section == UNKNOWN:
            # Before any heading: the case itself when the report has no case heading (short
            # reports, abstracts); the title/abstract/introduction when it has one.
            section = INTRO if has_case_heading else CASE
        if section == INTRO and not has_case_heading:
            # No heading announces the case: the case may sit under "Abstract"/"Introduction"
            # (short reports); reading it there beats reading nothing.
            section = CASE
        sentences.append(Sentence(start, end, section))
    # Case series: a new patient starts at each marker in the case part.
    markers: dict[str, int] = {}
    patient = 0
    for sentence in sentences:
        if sentence.section != CASE:
            sentence.patient = patient
            continue
        head = text[sentence.start : min(sentence.end, sentence.start + 40)]
        match = (_SERIES_ZH if language == "zh" else _SERIES_EN).match(head)
        if match:
            label = match.group(1).upper()
            if label not in markers:
                markers[label] = len(markers)
            patient = markers[label]
        sentence.patient = patient
    return sentences, max(1, len(markers))
