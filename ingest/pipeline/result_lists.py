"""Part of the measurement stage: results written as a list after a list of tests.

"Blood pressure, pulse rate and respiratory rate were 174/127 mmHg, 88/min and 22/min,
respectively", "血钾、血钠分别为3.1、130 mmol/L": the n-th value belongs to the n-th test. The cue
that pairs the two lists is the report language's (`RESPECTIVELY_WORDS`, tried for every report);
the values and their units are written the same way in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocab import languages

from .document import Doc
from .quantities import NUM, UNIT, normalise_unit, parse_number
from .structure import Sentence
from .vocabulary import Mention

_RESPECTIVELY = re.compile(languages.alternatives("RESPECTIVELY_WORDS"), re.I)
_VALUE = re.compile(
    rf"(?<![A-Za-z0-9.+-])(?P<cmp>[<>≤≥])?\s*(?P<val>{NUM})(?:\s*/\s*(?P<val2>\d+(?:\.\d+)?))?\s*(?P<unit>{UNIT})?(?![A-Za-z0-9])",
    re.I,
)
# What stands between two tests of a list: separators, "and", and a few words of their own
# ("levels of", "serum", "the").
_TEST_GAP = re.compile(
    rf"\s*(?:[、,，/]|{languages.alternatives('LIST_JOIN_WORDS')})\s*(?:(?:the|serum|plasma|blood)\s+)?"
    rf"(?:,?\s*(?:{languages.alternatives('LIST_JOIN_WORDS')})\s*)?",
    re.I,
)
_CLAUSE_END = re.compile(r"[;；。]|\.(?:\s|$)")


@dataclass(frozen=True, slots=True)
class ListedValue:
    value: float
    value2: float | None
    comparator: str | None
    unit: str | None
    start: int  # the value as written, in the normalised text
    end: int


def respective_values(doc: Doc, sentence: Sentence, analytes: list[Mention]) -> dict[int, ListedValue]:
    """Index of a test in `analytes` -> the value a "respectively" list gives it."""
    out: dict[int, ListedValue] = {}
    s0, s1 = sentence.start, sentence.end
    for cue in _RESPECTIVELY.finditer(doc.text, s0, s1):
        before = [i for i, m in enumerate(analytes) if m.end <= cue.start()]
        if len(before) < 2:
            continue
        last = before[-1]
        # English writes the values before the cue, Chinese after it ("分别为3.1、130 mmol/L").
        values = _values(doc, analytes[last].end, cue.start())
        if not values:
            clause = _CLAUSE_END.search(doc.text, cue.end(), s1)
            values = _values(doc, cue.end(), clause.start() if clause else s1)
        tests = [last]
        for i in range(last - 1, -1, -1):
            if not _TEST_GAP.fullmatch(doc.text, analytes[i].end, analytes[tests[-1]].start):
                break
            tests.append(i)
        tests.reverse()
        if len(values) != len(tests) or len(tests) < 2:
            continue
        shared_unit = values[-1].unit
        for i, listed in zip(tests, values, strict=True):
            if listed.unit is None and shared_unit is not None:
                # "1.6 and 0.096 mmol/L": the last unit serves the whole list.
                listed = ListedValue(
                    listed.value, listed.value2, listed.comparator, shared_unit, listed.start, listed.end
                )
            out[i] = listed
    return out


def _values(doc: Doc, start: int, end: int) -> list[ListedValue]:
    """The values written between `start` and `end`, leaving out those in brackets ("2% (176/µL)")."""
    found = []
    depth_text = doc.text[start:end]
    for vm in _VALUE.finditer(doc.text, start, end):
        inside = depth_text[: vm.start() - start]
        if inside.count("(") + inside.count("（") > inside.count(")") + inside.count("）"):
            continue
        value = parse_number(vm.group("val"))
        if value is None:
            continue
        found.append(
            ListedValue(
                value,
                parse_number(vm.group("val2")) if vm.group("val2") else None,
                vm.group("cmp"),
                normalise_unit(vm.group("unit")),
                vm.start("val"),
                vm.end(),
            )
        )
    return found
