"""Sentences, sections and patients of a normalised report.

A fact belongs to the patient only when the case part of the report states it: the discussion,
literature review and references name drugs and findings of other people. So every sentence is
tagged with the section it sits in, and with the patient it is about when the report is a case
series ("Case 2", "患者2", "例2", "Patient B"). Headings and case-series markers come from the
language modules (`HEADING_PATTERNS`, `CASE_SERIES_RE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocab import languages
from vocab.languages import CASE, CASE_FIELD, DISCUSSION, INTRO, REFERENCES

UNKNOWN = "unknown"  # before any heading


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    section: str
    patient: int = 0


def sections(text: str, language: str) -> list[tuple[int, str]]:
    """(position, section kind) for each heading found, in order.

    The language module's `HEADING_PATTERNS` name the sections by their named groups.
    """
    out: list[tuple[int, str]] = []
    for pattern in languages.get(language).HEADING_PATTERNS:
        for match in pattern.finditer(text):
            kind = next(k for k, v in match.groupdict().items() if v)
            out.append((match.start(kind), kind))
    out.sort()
    return out


# An abbreviation or an initial ("J. Smith") ends no sentence; a unit's letter does ("mmol/L. Sodium").
_ABBREVIATIONS = re.compile(rf"(?:\b(?:{languages.alternatives('ABBREVIATION_WORDS')})|(?<![/\w])[A-Z])\.$")
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


def layout(text: str, language: str) -> tuple[list[Sentence], int]:
    """Sentences tagged with section and patient; also the number of patients."""
    heads = sections(text, language)
    has_case_title = any(kind == CASE for _, kind in heads)
    has_case_heading = has_case_title or any(kind == CASE_FIELD for _, kind in heads)
    heads = [(position, CASE if kind == CASE_FIELD else kind) for position, kind in heads]
    opening = None if has_case_title else languages.get(language).CASE_OPENING_RE
    sentences: list[Sentence] = []
    h = 0
    current = UNKNOWN
    for start, end in split_sentences(text):
        while h < len(heads) and heads[h][0] < end:
            current = heads[h][1]
            h += 1
        if current == UNKNOWN and opening is not None and opening.match(text, start, end):
            # Only record fields ("查体：") mark the case, and this sentence introduces the patient
            # ("患者，男，58岁，因…入院"): the case begins here, before its first field.
            current = CASE
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
    # Case series: a new patient starts at each marker in the case part ("Case 2", "例2").
    series_marker = languages.get(language).CASE_SERIES_RE
    markers: dict[str, int] = {}
    patient = 0
    for sentence in sentences:
        if sentence.section != CASE:
            sentence.patient = patient
            continue
        head = text[sentence.start : min(sentence.end, sentence.start + 40)]
        match = series_marker.match(head)
        if match:
            label = match.group(1).upper()
            if label not in markers:
                markers[label] = len(markers)
            patient = markers[label]
        sentence.patient = patient
    return sentences, max(1, len(markers))


__all__ = [
    "CASE",
    "DISCUSSION",
    "INTRO",
    "REFERENCES",
    "UNKNOWN",
    "Sentence",
    "layout",
    "sections",
    "split_sentences",
]
