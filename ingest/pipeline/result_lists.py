"""Part of the measurement stage: results written as a list after a list of tests.

"Blood pressure, pulse rate and respiratory rate were 174/127 mmHg, 88/min and 22/min,
respectively", "血钾、血钠分别为3.1、130 mmol/L": the n-th value belongs to the n-th test. The cue
that pairs the two lists is the report language's (`RESPECTIVELY_WORDS`, tried for every report);
the values and their units are written the same way in every language.

Also the further values of one test listed after its first ("Apgar scores were 2, 6 and 7 at 1, 5
and 10 minutes", "troponin 0.5, 1.2 and 3.4 ng/mL"): each a measurement of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from vocab import languages

from .document import Doc, Patient
from .measurement_facts import emit_measurement, interpret
from .quantities import NUM, UNIT, normalise_unit, parse_number, to_unit
from .structure import Sentence
from .vocabulary import Analyte, Mention

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
            # The values run to the end of the clause, or to the next test named ("ALT、AST分别为
            # 156、210 U/L，白细胞、血小板分别为…": the second list is the next tests').
            clause = _CLAUSE_END.search(doc.text, cue.end(), s1)
            stop = clause.start() if clause else s1
            stop = min([stop, *(m.start for m in analytes if m.start >= cue.end())])
            values = _values(doc, cue.end(), stop)
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
    out.update(_slash_pairs(doc, s1, analytes, out))
    return out


# "GOT/GPT 156/210 U/L", "BUN/Cr 45/2.3 mg/dL", "Na/K：135/4.2 mmol/L": tests joined by slashes, then
# as many values joined by slashes, in the same order; the unit written once serves them all.
_SLASH = re.compile(r"\s*/\s*")
_SLASH_VALUES = re.compile(
    rf"\s*[:：=]?\s*(?:为|of|were|was|are|is)?\s*(?P<vals>{NUM}(?:\s*/\s*(?:{NUM}))+)"
    rf"(?:\s*(?P<unit>{UNIT}))?(?![\w/])",
    re.I,
)


def _slash_pairs(
    doc: Doc, s1: int, analytes: list[Mention], taken: dict[int, ListedValue]
) -> dict[int, ListedValue]:
    out: dict[int, ListedValue] = {}
    i = 0
    while i < len(analytes):
        chain = [i]
        while chain[-1] + 1 < len(analytes) and _SLASH.fullmatch(
            doc.text, analytes[chain[-1]].end, analytes[chain[-1] + 1].start
        ):
            chain.append(chain[-1] + 1)
        i = chain[-1] + 1
        if len(chain) < 2 or any(j in taken for j in chain):
            continue
        vm = _SLASH_VALUES.match(doc.text, analytes[chain[-1]].end, s1)
        if vm is None:
            continue
        numbers = list(re.finditer(NUM, vm.group("vals")))
        if len(numbers) != len(chain):
            continue
        unit = normalise_unit(vm.group("unit"))
        base = vm.start("vals")
        for j, number in zip(chain, numbers, strict=True):
            value = parse_number(number.group(0))
            if value is None:
                break
            end = vm.end() if j == chain[-1] else base + number.end()
            out[j] = ListedValue(value, None, None, unit, base + number.start(), end)
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


# "Apgar scores were 2, 6 and 7", "troponin 0.5, 1.2 and 3.4 ng/mL": more results of the one test
# just read, listed after its first. An item ends at a separator, the end of the clause or a word
# that says when ("at 1, 5 and 10 minutes"); anything else after the number ("2 days later",
# "40 patients") makes it no result of the test. A comma without a space after it is a decimal
# comma ("INR 1,24"), not a list.
_NEXT_VALUE = re.compile(
    rf"\s*(?:,\s+(?:(?:{languages.alternatives('SERIES_JOIN_WORDS')})\s+)?"
    rf"|(?:{languages.alternatives('SERIES_JOIN_WORDS')})\s+)"
    rf"(?P<val>{NUM})(?:\s*(?P<unit>{UNIT}))?(?![\w/])"
    rf"(?=\s*(?:[,;.)\]]|$|(?:{languages.alternatives('SERIES_JOIN_WORDS')}|"
    rf"{languages.alternatives('SERIES_WHEN_WORDS')})\b))",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# "hemoglobin 6 g/dL on admission and 9 g/dL after transfusion": when the value was taken, written
# after it, may stand before the next value of the test (only one in the same unit, see below).
_WHEN_BEFORE_NEXT = re.compile(
    rf"\s*(?:{languages.alternatives('SERIES_WHEN_WORDS')})\s+(?:[^\W\d]+\s+){{0,2}}?[^\W\d]+(?:\s+\d+)?"
    + _NEXT_VALUE.pattern,
    re.I,
)


def value_series(
    doc: Doc, pos: int, limit: int, written: str | None, unit: str | None, fits: Callable[[str], bool]
) -> list[ListedValue]:
    """The further values of a test whose first value ends at `pos`. `written` is the first value's
    unit as written and `unit` its reading: an item in another unit is another test's ("38.5 °C,
    110 beats/min") and ends the list. When the first value has no unit, a unit written once after
    the last item serves them all if `fits(unit)` says the test is measured in it ("0.5, 1.2 and
    3.4 ng/mL"; "pulse 110, 24 breaths/min" gives the pulse no second value)."""
    items: list[tuple[ListedValue, str | None]] = []
    while True:
        m = _NEXT_VALUE.match(doc.text, pos, limit)
        if m is None and written:
            m = _WHEN_BEFORE_NEXT.match(doc.text, pos, limit)
            if m and re.sub(r"\s+", "", m.group("unit") or "").lower() != re.sub(r"\s+", "", written).lower():
                m = None  # after a time, only the same unit again is the same test's value
        if m is None:
            break
        value = parse_number(m.group("val"))
        if value is None or (_YEAR.fullmatch(m.group("val")) and not m.group("unit")):
            break  # "HbA1c 7.5%, 2019": a year, not a result
        raw = m.group("unit")
        items.append((ListedValue(value, None, None, normalise_unit(raw), m.start("val"), m.end()), raw))
        pos = m.end()

    def key(raw: str | None) -> str:
        return re.sub(r"\s+", "", raw or "").lower()

    with_unit = [raw for _, raw in items if raw]
    if written:
        items = items[
            : next((n for n, (_, raw) in enumerate(items) if raw and key(raw) != key(written)), len(items))
        ]
    elif with_unit:
        last = items[-1][0].unit
        if len(with_unit) > 1 or not items[-1][1] or last is None or not fits(last):
            return []
        unit = last
    return [ListedValue(v.value, None, None, unit, v.start, v.end) for v, _ in items]


def further_values(
    doc: Doc,
    patient: Patient,
    fact: dict,
    info: Analyte | None,
    written: str | None,
    bounds: tuple[int, int],
    *,
    plausible: tuple[float, float] | None,
    vital: bool,
) -> list[tuple[int, int]]:
    """Further values of the test just read, each a measurement of its own ("Apgar scores were 2, 6
    and 7", "troponin 0.5, 1.2 and 3.4 ng/mL"); a unit written once after the last is the first's
    too. Returns the spans they occupy."""

    def fits(unit: str) -> bool:
        # a vital sign is written with its own unit ("110, 24 breaths/min" is another rate)
        if vital or info is None or not info.ref_unit:
            return False
        return to_unit(1.0, unit, info.ref_unit, info.name) is not None

    series = value_series(doc, *bounds, written, fact["unit"], fits)
    if plausible and any(not plausible[0] <= v.value <= plausible[1] for v in series if v.unit != "F"):
        return []
    if series and fact["unit"] is None and series[-1].unit:
        fact["unit"] = series[-1].unit
        fact["interpretation"] = fact["interpretation"] or interpret(info, fact["value"], fact["unit"], None)
    spans = []
    for item in series:
        other = dict(
            fact,
            value=item.value,
            comparator=None,
            unit=item.unit,
            evidence=doc.ev(item.start, item.end),
            interpretation=interpret(info, item.value, item.unit, None),
        )
        other.pop("code", None)  # the finding the value implies is looked up afresh
        emit_measurement(patient, other, info)
        spans.append((item.start, item.end))
    return spans
