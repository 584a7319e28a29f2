"""Stage: results of tests the analyte vocabulary does not know.

"The biopsy was positive", "an ejection fraction of 35%", "CD56+ CD138+": a result word or a value
with a unit that no known test claimed. The analyte is the phrase the result is said of; the
evidence is the result. Part of the measurement stage (`measurements.py` calls it last, with the
spans it has already read). Only for languages whose module says how to find the test a result
is said of (`UNNAMED_RESULT_RE`, `UNNAMED_RESULT_MEANINGS`, `subject_phrase`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType

from vocab import languages

from .assertions import assertion_of
from .document import Doc, Patient
from .measurement_facts import emit_measurement
from .quantities import (
    COMPARATORS,
    FILLER,
    LAB_UNIT,
    NUM,
    RANGE_RE,
    interpretation_from_range,
    normalise_unit,
    parse_number,
)
from .structure import Sentence
from .vocabulary import ANALYTE, DISEASE, DRUG, FINDING, HPO, Analyte, Mention, case_free


def _value_pattern(unit_words: dict[str, str]) -> re.Pattern[str]:
    """A value with a unit ("35%", "120 mmHg", "88 bpm"); units written as words are the report
    language's (`UNIT_WORDS`)."""
    words = languages.literal_alternatives(unit_words) + "|" if unit_words else ""
    return re.compile(
        rf"(?<![\w.])(?P<cmp>[<>≤≥]=?\s*)?(?P<val>{NUM})(?:\s*/\s*\d+(?:\.\d+)?)?\s*"
        rf"(?P<unit>%|{LAB_UNIT}|" + words + r"/min|°c|℃|(?:x|×)\s*10\^?\d+\s*/\s*l)(?![a-z])",
        re.I,
    )


_VALUE = {code: _value_pattern(module.UNIT_WORDS) for code, module in languages.LANGUAGES.items()}
# "(normal range: 598–1,329 mg/dL)", "(reference value: 24-66 ng/mL)", "[normal, <45 U/mL]": a
# stated reference interval, not a result; "normal" there names the interval.
_REFERENCE_BEFORE = re.compile(
    rf"(?:{languages.alternatives('REFERENCE_WORDS')}|\bnl\b|\bN\b)"
    r"(?:\s*(?:ranges?|intervals?|values?|limits?|levels?))?\s*[:,]?\s*[<>≤≥]?\s*"
    r"(?:\d[\d.,]*\s*(?:-|–|~|～|to)\s*)?$",
    re.I,
)
_REFERENCE_AFTER = re.compile(
    r"\s*(?:ranges?|values?|limits? of|reference|interval|[,:]?\s*[<>≤≥]?\s*\d)", re.I
)
# "25(OH)D 30.4 ng/mL (20–50 ng/mL)": a range opening a bracket after a result is its reference.
_BRACKETED_RANGE_TOP = re.compile(r"[(\[（]\s*\d[\d.,]*\s*(?:-|–|~|～)\s*$")
# A value that is a drug's concentration, dose or flow: right before the drug, at most a short word
# between ("4% icodextrin", "4 L/min of oxygen"), or in the bracket right after it ("sodium
# bicarbonate (8.4%, ...)").
_DRUG_NEXT = re.compile(r"\s*(?:\w{1,2}\s+)?")
_DRUG_BRACKET = re.compile(r"\s*[(（]\s*")
# "increased to 1 mg": a dose change, not a test result.
_DOSE_AFTER = {
    code: re.compile(rf"\s+(?:{module.DOSE_CHANGE_TO_WORDS})\s+\d")
    for code, module in languages.LANGUAGES.items()
    if module.DOSE_CHANGE_TO_WORDS
}


def unnamed_results(
    doc: Doc,
    sentence: Sentence,
    mentions: list[Mention],
    patient: Patient,
    known: list[tuple[int, int]],
    onset_at: Callable[[int], str | None],
) -> list[tuple[int, int]]:
    """Results of tests the analyte table does not know: "the biopsy was positive", "an ejection
    fraction of 35%". The analyte is the phrase the result is said of; the evidence is the result."""
    lang = languages.get(doc.language)
    if lang.UNNAMED_RESULT_RE is None:
        return []  # the language does not say how to find the test a result is said of
    dose_after = _DOSE_AFTER.get(lang.CODE)
    s0, s1 = sentence.start, sentence.end
    blocked = known + [(m.start, m.end) for m in mentions if m.kind != ANALYTE]
    drugs = [(m.start, m.end) for m in mentions if m.kind == DRUG]
    clinical = [(m.start, m.end) for m in mentions if m.kind in (HPO, FINDING, DISEASE)]

    found: list[tuple[int, int]] = []
    for pattern, kind in ((_VALUE[lang.CODE], "value"), (lang.UNNAMED_RESULT_RE, "qual")):
        for gm in pattern.finditer(doc.text, s0, s1):
            a, b = gm.span()
            if any(x < b and a < y for x, y in blocked + found):
                continue
            if kind == "qual" and dose_after and dose_after.match(doc.text[b : b + 8]):
                continue  # "increased to 1 mg": a dose change, not a test result
            if kind == "value" and _BRACKETED_RANGE_TOP.search(doc.text, max(s0, a - 16), a):
                continue  # "(20–50 ng/mL)" after a result: its reference interval
            if kind == "value" and any(
                _DRUG_NEXT.fullmatch(doc.text, b, x)
                or _DRUG_BRACKET.fullmatch(doc.text, y, a)
                or (gm.group("unit") == "%" and doc.text[y:a].isspace())
                for x, y in drugs
            ):
                continue  # "4% icodextrin", "sodium bicarbonate (8.4%", "clobetasol 0.05%": the drug's
            if kind == "value" and _supplied(lang, doc.text, s0, a, b):
                continue  # "4 L/min of oxygen": given to the patient, not measured
            if kind == "value" and _value_of_a_result(doc, patient, known, gm):
                continue  # "MPO-ANCA was positive at 120 U/mL": the named test's value
            if _REFERENCE_BEFORE.search(doc.text, max(s0, a - 40), a) or (
                kind == "qual" and gm.group(0).lower() == "normal" and _REFERENCE_AFTER.match(doc.text, b)
            ):
                continue  # a reference interval: "(normal range 43-116 IU/L)"
            if gm.group(0).startswith("("):
                # "(+)": the sign is the result; the brackets are typography.
                inner = re.search(r"\++|-", gm.group(0))
                a, b = a + inner.start(), a + inner.end()
            marker = None
            if kind == "qual" and gm.group(0)[0] in "+-":
                lead = max(s0, a - 16)
                marker = re.search(r"([A-Za-z0-9][A-Za-z0-9/-]{0,15})$", doc.text[lead:a])
                if gm.group(0) == "-" and (not marker or not re.search(r"\d", marker.group(1))):
                    continue  # a hyphen after a word is punctuation; "CD19-" is a result
                if marker and not re.search(r"[A-Za-z]", marker.group(1)):
                    if gm.group(0)[0] == "-" or doc.text[lead + marker.start(1) - 1] == "/":
                        continue  # "36- year- old", "CD3+/8+": no marker of its own
                    marker = None  # "a proteinuria score of 2+": a grade of the test named before it
            before = doc.text[max(s0, gm.start() - 60) : gm.start()]
            after = doc.text[gm.end() : min(s1, gm.end() + 50)]
            value = unit = comparator = None
            if kind == "value":
                value = parse_number(gm.group("val"))
                unit = normalise_unit(gm.group("unit"))
                comparator = COMPARATORS.get((gm.group("cmp") or "").lower(), gm.group("cmp")) or None
                interpretation = None
                rm = RANGE_RE.search(after)
                if rm and value is not None:
                    interpretation = interpretation_from_range(
                        value, parse_number(rm.group("lo")), parse_number(rm.group("hi")), comparator
                    )
            else:
                word = gm.group(0).lower().strip("() ")
                word = "+" if word.startswith("+") else word
                interpretation = lang.UNNAMED_RESULT_MEANINGS.get(
                    word,
                    word if word in ("positive", "negative", "normal", "high", "low") else "abnormal",
                )
            analyte = (
                marker.group(1).lower()
                if marker
                else lang.subject_phrase(before, after if kind == "qual" else "")
            )
            if analyte == "":
                continue  # said of a history ("family history was unremarkable"): no test
            if (
                kind == "qual"
                and interpretation in ("high", "low")
                and analyte
                and not marker
                and any(
                    gm.start() - 60 <= x and y <= gm.start() and analyte.endswith(doc.text[x:y].lower())
                    for x, y in clinical
                )
            ):
                continue  # "her dyspnea decreased": the course of a finding, not a test's result
            record_result(
                doc, patient, found, onset_at, (a, b), analyte, value, comparator, unit, interpretation
            )
    return found


_FILLER_ONLY = re.compile(FILLER, re.I)


def _value_of_a_result(doc: Doc, patient: Patient, known: list[tuple[int, int]], gm: re.Match[str]) -> bool:
    """Whether the value `gm` completes a named test's result read just before it with no value
    ("MPO-ANCA was positive at 120 U/mL", "anti-CCP antibodies were positive (250 U/mL)"): the
    value and unit go to that result (True), and no test is named by the words before it."""
    a = gm.start()
    for x, y in known:
        if not (y <= a <= y + 20) or not _FILLER_ONLY.fullmatch(doc.text, y, a):
            continue
        said_end = doc.ev(x, y)["end"]  # the span runs from the test's name to its result
        owner = next(
            (f for f in patient.measurements if f.get("value") is None and f["evidence"]["end"] == said_end),
            None,
        )
        if owner is None:
            return False
        owner["value"] = parse_number(gm.group("val"))
        owner["unit"] = normalise_unit(gm.group("unit"))
        return True
    return False


def _supplied(lang: ModuleType, text: str, s0: int, a: int, b: int) -> bool:
    """Whether the value at `a:b` is an amount given to the patient, such as a flow of oxygen
    (`SUPPLIED_BEFORE_RE`, `SUPPLIED_AFTER_RE` of the report's language)."""
    before, after = lang.SUPPLIED_BEFORE_RE, lang.SUPPLIED_AFTER_RE
    return bool(
        (before is not None and before.search(text, max(s0, a - 50), a))
        or (after is not None and after.match(text, b))
    )


def record_result(
    doc: Doc,
    patient: Patient,
    found: list[tuple[int, int]],
    onset_at: Callable[[int], str | None],
    span: tuple[int, int],
    analyte: str,
    value: float | None,
    comparator: str | None,
    unit: str | None,
    interpretation: str | None,
    *,
    info: Analyte | None = None,
    analyte_span: tuple[int, int] | None = None,
) -> None:
    """One result read without the test word the vocabulary knows, with its evidence (and the
    words that name the test, when given), its time when stated, and the findings `info` says its
    result implies; `span` joins the spans read."""
    fact = {
        "analyte": analyte,
        "value": value,
        "comparator": comparator,
        "unit": unit,
        "interpretation": interpretation,
        "evidence": doc.ev(*span),
    }
    if analyte_span is not None:
        fact["analyte_evidence"] = doc.ev(*analyte_span)
    when = onset_at(span[0])
    if when:
        fact["when"] = when
    emit_measurement(patient, fact, info)
    found.append(span)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4}


def _numeral(written: str) -> float | None:
    """A number written in digits, or a class or grade in Roman numerals ("III" -> 3)."""
    roman = _ROMAN.get(written.lower())
    return float(roman) if roman else parse_number(written)


def holds_phrase_result(doc: Doc, start: int, end: int) -> bool:
    """Whether a result written as a fixed phrase stands in `start:end` ("(<10th percentile)"
    after a weight): such a bracket is no reference interval."""
    lang = languages.get(doc.language)
    return any(pattern.search(doc.text, start, end) for pattern, *_ in lang.PATTERN_RESULTS)


# Fixed-phrase results that are changes, signed (a loss negative), with the finding a fall is.
_CHANGES = {
    "body weight change": Analyte("body weight change", "kg", 0.0, 0.0, "", "HP:0001824", "", ref_unit="kg"),
}
# The quick test of each fixed-phrase result, as its case-free twin where it has one: it runs on
# every case sentence, and an ignore-case pattern is several times slower.
_QUICK_TESTS = {
    id(context): case_free(context)
    for module in languages.LANGUAGES.values()
    for _, context, _, _ in module.PATTERN_RESULTS
    if context is not None
}


def pattern_results(
    doc: Doc,
    sentence: Sentence,
    patient: Patient,
    known: list[tuple[int, int]],
    onset_at: Callable[[int], str | None],
) -> list[tuple[int, int]]:
    """Results written as a fixed phrase with no test word of their own (`PATTERN_RESULTS`): "a
    weight loss of 8 kg", "2/5 strength in the right leg". The evidence is the value; spans
    another measurement already read are left alone."""
    lang = languages.get(doc.language)
    s0, s1 = sentence.start, sentence.end
    found: list[tuple[int, int]] = []
    tested: dict[int, bool] = {}  # a quick test several patterns share runs once a sentence
    for pattern, context, analyte, fixed_unit in lang.PATTERN_RESULTS:
        if context is not None:
            passed = tested.get(id(context))
            if passed is None:
                quick, on_lower = _QUICK_TESTS[id(context)]
                passed = quick.search(doc.view(on_lower), s0, s1) is not None
                tested[id(context)] = passed
            if not passed:
                continue
        for gm in pattern.finditer(doc.text, s0, s1):
            group = next(g for g in ("res", "res2", "res3") if g in pattern.groupindex and gm.group(g))
            suffix = group[3:]
            a, b = gm.span(group)
            if any(x < b and a < y for x, y in known + found):
                continue
            unit_group = "unit" + suffix
            written = gm.group(unit_group) if unit_group in pattern.groupindex else None
            named = analyte
            if named is None:  # the phrase before the result names it ("E/A ratio of 2.1")
                named = lang.subject_phrase(doc.text[max(s0, a - 60) : a], "")
                if not named:
                    continue
            value = _numeral(gm.group("val" + suffix))
            unit = normalise_unit(written) if written else fixed_unit
            below = "below" + suffix
            if value is not None and below in pattern.groupindex and gm.group(below):
                value = -abs(value)  # "2.5 SD below the mean", "lost 6 kg"
            if named in _GROWTH_SCALES:
                if _growth_score(doc, patient, found, (s0, a, b), gm.group(group), value, named):
                    continue
                if named == "SD score":
                    continue  # a standard deviation of no growth measure: a statistic, no result
            # A graded measure the table knows ("strength 3/5" is below its interval, a weakness),
            # or a change, signed: a fall is "low" and implies its finding ("lost 6 kg": weight loss),
            # a rise "high" (a gain of weight is no finding by itself).
            scale = doc.vocab.analytes.get(named)
            if scale is None or value is None or unit != scale.ref_unit or not scale.hpo_low:
                scale = _CHANGES.get(named) if value is not None else None
                if scale is not None:
                    said = assertion_of(doc.text[s0:s1], gm.start() - s0, a - s0, doc.language, post=False)
                    if said.negated or said.uncertain or said.family:
                        continue  # "denied weight loss of more than 5 kg", "her brother lost 10 kg"
            if scale is not None:
                level = interpretation_from_range(value, scale.ref_low, scale.ref_high, None)
                record_result(
                    doc, patient, found, onset_at, (a, b), scale.name, value, None, unit, level, info=scale
                )
                continue
            record_result(doc, patient, found, onset_at, (a, b), named, value, None, unit, None)
    return found


# Of each language: the analyte of a growth percentile -> the words for its measure, one pattern.
_PERCENTILE_OF = {
    analyte: re.compile(
        "|".join(
            f"(?:{m.PERCENTILE_OF_WORDS.get(analyte)})"
            for m in languages.LANGUAGES.values()
            if m.PERCENTILE_OF_WORDS.get(analyte)
        ),
        re.I,
    )
    for analyte in {a for m in languages.LANGUAGES.values() for a in m.PERCENTILE_OF_WORDS}
}
# "<3rd", "below the 3rd", "more than the 97th": the comparator words the values use.
_LEADING_COMPARATOR = re.compile(rf"^\s*({languages.literal_alternatives(COMPARATORS)}|<|>)", re.I)


# The scales a growth measure is given on: the pattern result's name -> the suffix of the measure's
# analyte in place of "percentile" ("head circumference percentile", "head circumference SDS").
_GROWTH_SCALES = {"percentile": "percentile", "SD score": "SDS"}
# "低于同龄儿均值2个标准差" / "below the mean": an unsigned score after a word for below is negative.
_BELOW_WORDS = re.compile(r"^\s*(?:below|under|less than|低于|小于)", re.I)


def _growth_score(
    doc: Doc,
    patient: Patient,
    found: list[tuple[int, int]],
    spans: tuple[int, int, int],
    written: str,
    value: float | None,
    scale: str,
) -> bool:
    """A percentile or SD score of the height, weight, head circumference or BMI named before it in
    its sentence ("height 118 cm (>97th centile)", "head circumference 44 cm (-2.5 SD)"): a
    measurement of that score, with the finding its result implies (above the 97th: tall stature;
    below -2 SD: microcephaly). False when no such measure is named."""
    s0, a, b = spans
    before = doc.text[max(s0, a - 80) : a]
    named = [
        (m.end(), analyte) for analyte, pattern in _PERCENTILE_OF.items() for m in pattern.finditer(before)
    ]
    analyte = max(named)[1].replace("percentile", _GROWTH_SCALES[scale]) if named else None
    info = doc.vocab.analytes.get(analyte) if analyte else None
    if info is None or value is None:
        return False
    lead = _LEADING_COMPARATOR.match(written)
    comparator = COMPARATORS.get(lead.group(1).lower(), lead.group(1)) if lead else None
    unit = "percentile" if scale == "percentile" else "SD"
    if unit == "SD":
        signed = re.search(r"[-−–+]\s?\d", written) is not None
        if not signed and _BELOW_WORDS.match(written):
            value, comparator = -abs(value), "<"  # "低于均值2个标准差": under the mean less that many SD
    interpretation = interpretation_from_range(value, info.ref_low, info.ref_high, comparator)
    fact = {
        "analyte": info.name,
        "value": value,
        "comparator": comparator,
        "unit": unit,
        "interpretation": interpretation,
        "evidence": doc.ev(a, b),
    }
    emit_measurement(patient, fact, info)
    found.append((a, b))
    return True


# "101.3°F (38.5°C)", "3% (120/µL)", "12,000/mm3 (poly: 65%)": one value with its unit, alone in a
# bracket right after a result (a label word before it at most), is the result again in another unit
# or a part of it; a range, a comparator or a reference word makes the bracket a reference interval.
_BRACKETED_VALUE = re.compile(
    rf"\s*[(（]\s*(?:(?P<label>[A-Za-z][A-Za-z-]{{1,15}})\s*[:=]?\s*)?(?P<val>{NUM})\s*"
    rf"(?P<unit>%|{LAB_UNIT}|°\s*[cf]|℃)\s*[)）]",
    re.I,
)
_REFERENCE_LABEL = re.compile(
    rf"^(?:{languages.alternatives('REFERENCE_WORDS')}|nl|n|uln|lln|cut-?off|limit|baseline|previously|before|after|from|to)$",
    re.I,
)


def bracketed_result(doc: Doc, end: int, fact: dict) -> dict | None:
    """The same result in another unit, or a labelled part of it, in the bracket that opens at
    `end` right after `fact`'s value; None when the bracket is a reference interval or holds
    something else."""
    bm = _BRACKETED_VALUE.match(doc.text, end, min(len(doc.text), end + 48))
    if not bm or fact.get("value") is None:
        return None
    label = bm.group("label")
    if label and _REFERENCE_LABEL.match(label):
        return None
    unit = normalise_unit(bm.group("unit").replace(" ", ""))
    if not label and unit == fact.get("unit"):
        return None  # the same unit again: a reference value, not the result in another unit
    other = {
        "analyte": label.lower() if label else fact["analyte"],
        "value": parse_number(bm.group("val")),
        "comparator": None,
        "unit": unit,
        "interpretation": None if label else fact.get("interpretation"),
        "evidence": doc.ev(bm.start("val"), bm.end("unit")),
    }
    if fact.get("when"):
        other["when"] = fact["when"]
    return other
