"""Stage: measurements. Lab tests, vital signs and scores with their results, and the findings
those results imply.

For each analyte the vocabulary found in a case sentence, the result is read from the words right
after it (value, unit, comparator, titre, arrow, a stated reference range, result words) or
before it ("elevated ESR"); a value without words is compared with the analyte's reference
interval. A result written once for a list of tests ("ANA and anti-dsDNA were both negative",
"抗核抗体、抗dsDNA抗体均阴性") is given to every test of the list. A result that implies an HPO
finding adds that feature (ESR high -> HP:0003565; ANA negative -> HP:0003493 excluded). Results
of tests the vocabulary does not know are read by `unnamed_results.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vocab import languages

from .analyte_mentions import test_mentions
from .assertions import assertion_of
from .document import Doc, Patient
from .marker_results import marker_results
from .measurement_facts import emit_measurement, interpret
from .named_tests import named_test_results
from .quantities import (
    COMPARATORS,
    NUM,
    QUALIFIERS,
    RANGE_RE,
    SPECIMENS,
    UNIT,
    UPPER_LIMIT_RE,
    VALUE_AFTER_CJK_RE,
    VALUE_RE,
    interpretation_from_range,
    measured_in,
    normalise_unit,
    parse_number,
    value_of,
)
from .result_lists import further_values, respective_values
from .structure import Sentence
from .unnamed_results import bracketed_result, holds_phrase_result, pattern_results, unnamed_results
from .vocabulary import ANALYTE, DRUG, Analyte, Concept, Mention

# The lowest titre of an autoantibody read as positive when the report gives no cut-off.
_POSITIVE_TITER = 80
_TITER_RE = re.compile(r"^[^\d;,，。]{0,12}?(1\s*[:∶/]\s*(\d{1,6}))(?!\d)")
_TITER_AT = re.compile(_TITER_RE.pattern.removeprefix("^"))
_CRITERIA = re.compile(r"\s*[(（][^()（）]{0,60}[)）]\s*[:：]")
# "血肌酐进行性升高，最高达526 μmol/L" too.
# "抗核抗体阳性，滴度1:1000", "ANA阳性（1:320）", "positive at a titre of 1:160": the titre after the
# result word.
_VALUE_AFTER_RESULT = re.compile(
    r"\s*(?:[,，]\s*(?:(?:最高|最低|峰值)?(?:为|达|至)|约为|约|最高|最低|峰值)|(?:达|至|到|为)?\s*[(（]|达|至|到)\s*"
)
_TITER_AFTER = re.compile(
    rf"\s*[,，]?\s*(?:[(（]\s*(?={languages.alternatives('TITER_WORDS')}))?"  # "阳性（滴度1:80）"
    rf"(?:{languages.alternatives('TITER_WORDS')})?\s*(?:为|:|：)?\s*[(（]?\s*"
    r"1\s*[:∶]\s*(\d{1,6})(?!\d|\.\d)(?:\s*[)）])?",
    re.I,
)

# Values outside these bounds are not the patient's vital signs (a device setting, a typo).
# Tests of the body's size whose change word without a value tells a change, not a level: "体重下降"
# is weight loss, not a low weight.
_CHANGES_NOT_LEVELS = frozenset({"body weight", "BMI"})
_CHANGE_WORD = re.compile(languages.alternatives("LEVEL_CHANGE_WORDS"), re.I)
_PLAUSIBLE = {
    "body temperature": (30.0, 43.5),
    "heart rate": (15.0, 320.0),
    "respiratory rate": (3.0, 90.0),
    "SpO2": (30.0, 100.0),
}


# Written in any language, whatever the report's (see `vocab/languages/`, "measurements"):
# "had decreased to 2,800", "rose to 45" say which way a value went;
_FALLING = re.compile(languages.alternatives("FALLING_WORDS"), re.I)
_RISING = re.compile(languages.alternatives("RISING_WORDS"), re.I)
# "bilirubin, CEA and CA19-9 were all within normal ranges", "抗核抗体、抗dsDNA抗体均阴性": one
# result after a list of tests;
_SHARED_WORDS = languages.merged("SHARED_RESULT_WORDS")
_SHARED_TAIL = re.compile(
    rf"[^.;。；]{{0,100}}?(?:{languages.alternatives('SHARED_RESULT_CUE_WORDS')})"
    rf"(?P<result>{languages.literal_alternatives(_SHARED_WORDS)})",
    re.I,
)
_SHARED_JOIN = re.compile(rf"\s*(?:[/／、]|{languages.alternatives('LIST_JOIN_WORDS')})\s*", re.I)
_SHARED_RESULT = re.compile(languages.alternatives("SHARED_RESULT_MARKER_WORDS"), re.I)
_BRACKETED_SIGN = re.compile(r"[(（]\s*([+-]+)\s*[)）]")
_BRACKETED = re.compile(r"[(（][^()（）]{0,20}[)）]")
_CLAUSE_BREAK = re.compile(r"[.;:。；：]")
# "increased from 0.20 to 0.55", "肌酐由120升至300 μmol/L": the later value of the same test.
_SERIES_FROM = re.compile(languages.alternatives("SERIES_FROM_WORDS"), re.I)
_SERIES_NEXT = re.compile(
    rf"\s*(?:{languages.alternatives('SERIES_TO_WORDS')})\s*(?P<val>{NUM})\s*(?P<unit>{UNIT})?", re.I
)
# A device's settings are no measurements of the patient: in a sentence about them, neither vital
# signs nor values without a named test are read ("power of 5 W, maximum temperature of 48 °C").
_DEVICE_SETTING = re.compile(languages.alternatives("DEVICE_SETTING_WORDS"), re.I)
_VITAL_SIGNS = frozenset(
    {
        "body temperature",
        "heart rate",
        "pulse rate",
        "respiratory rate",
        "blood pressure",
        "diastolic blood pressure",
        "systolic blood pressure",
        "SpO2",
        "PaO2",
    }
)
# The words of a result written between the test and its value ("was elevated at 13.1 mg/dL").
_DIRECTION_BEFORE_VALUE = re.compile(
    "|".join(p.pattern for label, p in QUALIFIERS if label in ("high", "low", "normal"))
    + f"|{languages.alternatives('RISING_WORDS')}|{languages.alternatives('FALLING_WORDS')}",
    re.I,
)
# The rest of a date after its year: "2021-03-05", "2020/8/19", "2020.8.19".
_DATE_AFTER_YEAR = re.compile(r"(?<=(?:19|20)\d\d)[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)")
_TITER_CUTOFF = re.compile(
    rf"(?:{languages.alternatives('REFERENCE_WORDS')})[^)）]{{0,15}}<\s*1\s*[:∶/]\s*(\d+)", re.I
)
_SPECIMEN_WORDS_RE = languages.literal_alternatives(languages.merged("SPECIMEN_WORDS"))
# After a value in one specimen, the same test's value in another: "；血清>80.00 u/mL".
_SPECIMEN_NEXT = re.compile(
    r"[^;；。]{0,16}?[;；,，]\s*"
    rf"(?P<specimen>{_SPECIMEN_WORDS_RE})\s*[:：]?\s*"
    rf"(?P<cmp>[<>≤≥]=?)?\s*(?P<val>{NUM})\s*(?P<unit>{UNIT})?",
    re.I,
)
# The top of a range right after a value, with the unit after it ("3～5个/HP", "(45～60)×10^9/L").
_RANGE_NEXT = re.compile(rf"\s*(?:~|～|–|-)\s*(?P<hi>{NUM})\s*[)）]?\s*(?P<unit>{UNIT})", re.I)
# After a titre in one specimen, the titre in another: "脑脊液滴度1:10，阳性；血清滴度1:1000，阳性".
_SPECIMEN_NEXT_TITER = re.compile(
    r"[^;；。]{0,16}?[;；,，]\s*"
    rf"(?P<specimen>{_SPECIMEN_WORDS_RE})\s*(?:{languages.alternatives('TITER_WORDS')})?\s*(?:为|:|：)?\s*"
    r"(?P<titer>1\s*[:∶]\s*(?P<val>\d{1,6}))(?!\d|\.\d)",
    re.I,
)
_SPECIMEN_BEFORE_TITER = re.compile(rf"(?P<specimen>{_SPECIMEN_WORDS_RE})[^\d;；,，。]{{0,6}}$", re.I)
_RESULT_CLAUSE = re.compile(
    r"\s*(?:结果|结论|提示|亦为|也为|为|呈|which (?:was|is)|that (?:was|is))?\s*(?:"
    + "|".join(p.pattern for _, p in QUALIFIERS)
    + ")",
    re.I,
)
# "尿糖++++", "蛋白（PRO）+": a dipstick or staining grade written right after the test.
_PLUS_GRADE = re.compile(
    r"\s*(?:[(（][A-Za-z0-9-]{1,10}[)）])?\s*[:：]?\s*[(（]?\s*(?:\d\s*)?\+{1,4}(?![\d+])"
)
# "negative for ANA and anti-dsDNA": the negative result word written before the tests it is of
# (the list between them holds no clause break).
_NEGATIVE_BEFORE = re.compile(
    rf"(?P<word>{next(p.pattern for label, p in QUALIFIERS if label == 'negative')})"
    rf"\s*(?:{languages.alternatives('RESULT_FOR_WORDS')})\s+[^.;:。；：]{{0,50}}$",
    re.I,
)
# Digits written onto a test's name, then a number of their own ("vitamin D3 33.7").
_GLUED_DIGITS = re.compile(r"\d{1,2}(?=\s+[<>≤≥]?\s*\d)")
# The value of a target after its test: "of 2.0-3.0", "控制在2.0～3.0" (the first number and a range).
_TARGET_VALUE = re.compile(r"^[^\d,;，；。]{0,15}\d+(?:\.\d+)?(?:\s*(?:-|–|~|～|至|to)\s*\d+(?:\.\d+)?)?")
# The words of genetics right after a name in capitals ("EGFR exon 19", "EGFR突变", "EGFR 19号外显子"):
# the name is a gene's.
_GENE_WORDS_AFTER = re.compile(
    rf"\s*(?:\d{{1,2}}\s*号?\s*)?(?:{languages.alternatives('GENETIC_CONTEXT_WORDS')})", re.I
)
# Words between a test and a result word that make the result another quantity's (any language).
_OTHER_QUANTITY = re.compile(languages.alternatives("OTHER_QUANTITY_WORDS"), re.I)
# and what separates the tests of such a list.
_LIST_GAP = re.compile(rf"\s*(?:[、,，/]|{languages.alternatives('LIST_JOIN_WORDS')})\s*", re.I)


def measurements(
    doc: Doc,
    sentence: Sentence,
    mentions: list[Mention],
    patient: Patient,
    onset_at: Callable[[int], str | None],
) -> list[tuple[int, int]]:
    """Measurements of `patient` from the analyte mentions of one case sentence.

    Returns the spans the results occupy (test name to result), so the treatment stage does not
    read a substance named as a test ("glucose 472 mg/dL") as a drug given.
    """
    s0, s1 = sentence.start, sentence.end
    lang = languages.get(doc.language)
    analytes = [
        m
        for m in test_mentions(doc, sentence, mentions)
        # "EGFR 19号外显子缺失突变", "EGFR mutation": a gene written in capitals, no test (eGFR)
        if not (doc.text[m.start : m.end].isupper() and _GENE_WORDS_AFTER.match(doc.text, m.end))
    ]
    device = _DEVICE_SETTING.search(doc.text, s0, s1) is not None
    if device:
        analytes = [m for m in analytes if m.concepts[0].code not in _VITAL_SIGNS]
    drug_spans = [(d.start, d.end) for d in mentions if d.kind == DRUG]
    spans: list[tuple[int, int]] = []
    read_at: list[int] = []  # where the values read so far start
    listed = respective_values(doc, sentence, analytes)
    # (end, interpretation, evidence) of a test whose result word stands before it
    prev_pre: tuple[int, str, dict] | None = None
    pending: list[Mention] = []  # tests named without a result yet
    for i, m in enumerate(analytes):
        glued = _GLUED_DIGITS.match(doc.text, m.end, s1)
        if glued and re.match(r"[A-Za-z]", doc.text[m.end - 1 : m.end]):
            # "vitamin D3 33.7 ng/mL": digits written onto the name are part of it, not its value
            m = Mention(m.start, glued.end(), m.concepts)
        concept = m.concepts[0]
        info = doc.vocab.analytes.get(concept.code)
        limit = analytes[i + 1].start if i + 1 < len(analytes) else s1
        limit = min(limit, m.end + 70)
        window = doc.text[m.end : limit]
        if lang.TARGET_BEFORE_RE.search(
            doc.text, max(s0, m.start - 25), m.start
        ) or lang.TARGET_AFTER_RE.match(window):
            # "a target INR of 2.0-3.0", "INR控制在2.0-3.0": a value aimed at; no stage reads it as a result
            aimed = _TARGET_VALUE.search(window)
            spans.append((m.start, m.end + (aimed.end() if aimed else 0)))
            continue
        value = comparator = unit = diastolic = None
        interpretation = None
        end = m.end
        after_cjk = re.match(rf"[{languages.CJK_CHARS}]", doc.text[m.end - 1 : m.end]) is not None
        vm = (VALUE_AFTER_CJK_RE if after_cjk else VALUE_RE).match(window)
        if vm and any(m.end <= a < m.end + vm.end() for a, _ in drug_spans):
            vm = None  # a drug between the test and the number: the number is the drug's dose
        if vm and not vm.group("unit") and window[vm.end() : vm.end() + 1] == "+":
            vm = None  # "尿蛋白3+", "proteinuria 2+": a grade, not a number
        if vm and not vm.group("unit") and _DATE_AFTER_YEAR.match(window, vm.end("val")):
            vm = None  # "血常规（2021-03-05）：", "CT (2020/8/19)": the date of the test, not its value
        titer = _TITER_RE.match(window)
        if titer and re.search(r"[(（][^)）]*$", window[: titer.start(1)]):
            # "（阴性界值：1:10）": a cut-off in brackets, not the result; the result may follow the
            # criteria: "抗AQP4抗体IgG（阴性界值：血清1:10）：血清滴度1:100".
            criteria = _CRITERIA.match(window)
            titer = _TITER_AT.match(window, criteria.end()) if criteria else None
        if titer:
            vm = None  # "1:320" is a dilution, not the number 1
            end = m.end + titer.end()
        value_start = value_end = None  # the value as written
        if i in listed:
            vm = None  # "… were 174/127 mmHg, 88/min and 22/min, respectively"
            given = listed[i]
            value, diastolic, comparator, unit = given.value, given.value2, given.comparator, given.unit
            value_start, value_end = given.start, given.end
        if vm:
            value = value_of(vm)
            comparator = vm.group("cmp")
            comparator = COMPARATORS.get((comparator or "").lower(), comparator) if comparator else None
            unit = normalise_unit(vm.group("unit"))
            value_start, value_end = m.end + vm.start("val"), m.end + len(vm.group(0).rstrip())
            diastolic = parse_number(vm.group("val2")) if vm.group("val2") else None
            if diastolic is not None and info and info.unit == "grade" and diastolic == info.ref_high:
                # "muscle strength 4/5": a grade written over its scale's top, not two numbers
                diastolic, unit = None, "grade"
        value_high = None
        if vm and value is not None and not vm.group("unit") and diastolic is None:
            # "尿红细胞3～5个/HP", "血小板（45～60）×10^9/L": a range, its unit written once after it.
            span = _RANGE_NEXT.match(window, vm.end("val"))
            if span:
                value_high, unit = parse_number(span.group("hi")), normalise_unit(span.group("unit"))
                value_end = m.end + span.end()
        if value is None and not titer and info and _is_cell_count(info):
            # "with 85% neutrophils", "CSF analysis showed 30 leukocytes/µL": a count or share of
            # cells is often written before the cells it counts (a number no earlier test read).
            before = _COUNT_BEFORE.search(doc.text, max(s0, m.start - 24), m.start)
            per = _PER_VOLUME_AFTER.match(doc.text, m.end, s1)
            if before and not (before.group("pct") or per or _in_fluid(info)):
                before = None  # "32 lymph nodes": a bare number counts cells only in a fluid's panel
            if before and before.start("val") not in read_at:
                value = parse_number(before.group("val"))
                unit = "%" if before.group("pct") else normalise_unit(per.group("unit")) if per else None
                value_start, value_end = before.start("val"), per.end() if per else m.end
        if value_end is not None:
            end = value_end
        if unit == "%" and info and info.unit == "10^9/L":
            # "neutrophils 82%", "中性粒细胞比值45%": the cells' share, not their count.
            share = doc.vocab.analytes.get(concept.code.removesuffix("s") + " percentage")
            if share:
                concept, info = Concept(ANALYTE, share.name, share.name, 0), share
        # The result words belong to this test only up to the next list separator. With a
        # number, an arrow or a stated reference range outranks words like "normal" in "(normal 11-14)".
        tail_start = end if value is not None else m.end
        tail = doc.text[tail_start : max(tail_start, limit if i not in listed else s1)][:40]
        # A bracket with a number in it is a reference interval: its "normal" is not the result.
        clauses = re.split(r"[;；。、,，]", re.sub(r"[(（][^()（）]*\d[^()（）]*[)）]?", " ", tail))
        qual_window = clauses[0]
        if (value is not None or titer) and len(clauses) > 1 and _RESULT_CLAUSE.match(clauses[1]):
            # "17.67 u/mL，结果阳性", "1.2 g/L, which was low": the next clause gives the result.
            qual_window += " " + clauses[1]
        rm = RANGE_RE.search(tail) if value is not None else None
        upper = UPPER_LIMIT_RE.search(tail) if value is not None and not rm else None
        arrow = re.match(r"\s*(↑|↓|\(h\)|\(l\))", tail, re.I) if value is not None else None
        said = None  # the result word, where one gives the result
        if arrow:
            interpretation = "high" if arrow.group(1).lower() in ("↑", "(h)") else "low"
            end = tail_start + arrow.end()
        elif rm:
            interpretation = interpretation_from_range(
                value, parse_number(rm.group("lo")), parse_number(rm.group("hi")), comparator
            )
        elif upper:
            interpretation = interpretation_from_range(
                value, None, parse_number(upper.group("hi")), comparator
            )
        else:
            for label, pattern in QUALIFIERS:
                qm = pattern.search(qual_window)
                if qm:
                    if lang.CHANGE_AMOUNT_RE is not None and lang.CHANGE_AMOUNT_RE.match(
                        doc.text, tail_start + qm.end()
                    ):
                        break  # "creatinine was reduced by 30%": how much it changed, not its level
                    if value is None and _OTHER_QUANTITY.search(doc.text, m.end, tail_start + qm.start()):
                        break  # "platelet aggregation was reduced": another quantity's result
                    if (
                        value is not None
                        and i + 1 < len(analytes)
                        and limit == analytes[i + 1].start
                        and doc.text[tail_start + qm.end() : limit].isspace()
                    ):
                        break  # "4 x 10^9/L with normal hemoglobin": the word is the next test's
                    interpretation = label
                    end = max(end, tail_start + qm.end())
                    said = (tail_start + qm.start(), tail_start + qm.end())
                    break
        grade = _PLUS_GRADE.match(tail) if value is None and interpretation is None else None
        if grade:
            interpretation = "positive"  # "尿酮体+++", "潜血（BLD）++++", "HBsAg (+)"
            plus = re.search(r"\d?\s*\++", grade.group(0))
            value_start, end = tail_start + plus.start(), tail_start + plus.end()
        titer_after = None
        if interpretation is not None and value is None and not titer:
            titer_after = _TITER_AFTER.match(doc.text, end, s1)
            if titer_after:
                end = titer_after.end()
        if (
            said
            and value is None
            and not titer
            and not titer_after
            and info
            and interpretation in ("high", "low")
        ):
            # "肌酐明显升高（386 μmol/L）", "C反应蛋白升高，为86 mg/L", "降钙素原升高达12.5 ng/mL": the value
            # after the result word, in a unit the test is measured in.
            lead = _VALUE_AFTER_RESULT.match(doc.text, said[1], s1)
            later = VALUE_RE.match(doc.text[lead.end() : lead.end() + 40]) if lead else None
            later_unit = normalise_unit(later.group("unit")) if later else None
            if measured_in(later_unit, info):
                value, unit = value_of(later), later_unit
                written = later.group("cmp")
                comparator = COMPARATORS.get(written.lower(), written) if written else None
                value_start = said[0]
                end = lead.end() + len(later.group(0).rstrip())
                closing = re.match(r"\s*[)）]", doc.text[end : end + 3])
                end += closing.end() if closing else 0
        start_pre = m.start
        pm = None
        if interpretation is None and lang.PRE_QUALIFIER_RE is not None:
            # "elevated ESR": the result written before the test.
            pre_text = doc.text[max(s0, m.start - 30) : m.start]
            pm = lang.PRE_QUALIFIER_RE.search(pre_text)
            if (
                pm
                and lang.PRE_QUALIFIER_MEANINGS.get(pm.group(1).lower()) == "negative"
                and not (info and (info.hpo_positive or info.unit == "result"))
            ):
                # "absence of oligoclonal bands" is a result; "the absence of HCO3- from the gut"
                # says nothing of a concentration test
                pm = None
            if pm:
                word = pm.group(1).lower()
                interpretation = lang.PRE_QUALIFIER_MEANINGS.get(word, word)
                start_pre = m.start - (len(pre_text) - pm.start())
        if (
            value is not None
            and interpretation is None
            and diastolic is not None
            and concept.code == "blood pressure"
        ):
            # "180/110 mmHg": the value is the systolic pressure; either number can make it abnormal.
            if value >= 140 or diastolic >= 90:
                interpretation = "high"
            elif value < 90 or diastolic < 60:
                interpretation = "low"
            else:
                interpretation = "normal"
        if value is not None and interpretation is None:
            interpretation = interpret(info, value, unit, comparator)
            if value_high is not None and interpretation != "low":
                # a range is high when its top is, low when its bottom is
                top = interpret(info, value_high, unit, comparator)
                interpretation = top if top == "high" or interpretation is None else interpretation
        if value is not None and interpretation is None and vm:
            # No reference to compare with: "had decreased to 2,800", "rose to 45" say which way.
            filler = window[: vm.start("val")]
            if _FALLING.search(filler):
                interpretation = "low"
            elif _RISING.search(filler):
                interpretation = "high"
        shared_pre = None
        negative_word = None
        if (
            interpretation is None
            and value is None
            and prev_pre
            and lang.PRE_QUALIFIER_LIST_RE.fullmatch(doc.text[prev_pre[0] : m.start])
        ):
            # "elevated levels of anti-GAD antibody, anti-IA-2 antibody and insulin autoantibody"
            interpretation = prev_pre[1]
            shared_pre = prev_pre[2]
        if interpretation == "high" and value is None and info and info.hpo_positive and not info.hpo_high:
            interpretation = "positive"  # an antibody "elevated" is an antibody found
        if (
            value is None
            and said
            and concept.code in _CHANGES_NOT_LEVELS
            and _CHANGE_WORD.search(doc.text, *said)
        ):
            continue  # "体重下降", "her weight decreased": weight lost (a finding), no low weight
        limits = _PLAUSIBLE.get(concept.code)
        celsius = (value - 32) * 5 / 9 if value is not None and unit == "F" else value
        if celsius is not None and limits and not limits[0] <= celsius <= limits[1]:
            continue  # "maximum temperature of 48 °C" is the catheter's, not the patient's
        if titer and interpretation is None:
            # "1:320 (normal, <1:40)": a titre above the stated cut-off is a positive result.
            cut = _TITER_CUTOFF.search(doc.text, end, end + 40)
            if cut:
                interpretation = "positive" if int(titer.group(2)) > int(cut.group(1)) else "negative"
            elif (
                info and info.unit == "titer" and info.hpo_positive and int(titer.group(2)) >= _POSITIVE_TITER
            ):
                # "ANA 1:320", "抗核抗体滴度1∶1000": an autoantibody titre of 1:80 or more is
                # reported as positive by laboratories that screen from 1:40-1:100
                interpretation = "positive"
        if value is None and interpretation is None and not titer:
            ctx = assertion_of(doc.text[s0:s1], m.start - s0, m.end - s0, doc.language, post=False)
            if ctx.negated and info and (info.hpo_positive or info.unit == "result"):
                # "negative for ANA", "no anti-Scl-70", "痰涂片未找到抗酸杆菌": a test read as found
                # or not found (its unit is "result") stated not found is negative.
                interpretation = "negative"
                # "negative for ANA and anti-dsDNA": the result word before the tests is the evidence
                said_before = _NEGATIVE_BEFORE.search(doc.text, max(s0, m.start - 60), m.start)
                if said_before:
                    negative_word = said_before.span("word")
            else:
                pending.append(m)  # may share the result of the next test: "A、B均阴性"
                continue
        # The evidence is the result as written ("18.2 g/L↑", "negative"); the test name has
        # its own span, so a page can highlight both without a sentence-long snippet.
        result_start = value_start if value is not None or grade else None
        if titer and result_start is None:
            result_start = m.end + titer.start(1)  # "1:320 (speckled)": the titre is the result
        if vm and value is not None:
            # "was increased to 312 ng/mL", "升高至300 μmol/L": the direction is part of the result.
            # (up to the value's first digit: "very high-7443" is a dash before the value, no compound)
            said = _DIRECTION_BEFORE_VALUE.search(window, 0, vm.start("val") + 1)
            if said:
                result_start = m.end + said.start()
            elif lang.PRE_QUALIFIER_RE is not None:
                # "an elevated PTHrP of 301 pg/mL": the qualifier before the test is part of it.
                pre = lang.PRE_QUALIFIER_RE.search(doc.text, max(s0, m.start - 30), m.start)
                if pre and value_end - pre.start(1) <= 60:
                    result_start = pre.start(1)
        if result_start is None and interpretation is not None:
            result_start = start_pre if start_pre < m.start else None
        if result_start is None:
            qm2 = None
            for _, pattern in QUALIFIERS:
                qm2 = pattern.search(doc.text, m.end, end)
                if qm2:
                    break
            result_start = qm2.start() if qm2 else m.start
        if start_pre < m.start and value is None:
            evidence = doc.ev(start_pre, start_pre + len(pm.group(1)))
        elif negative_word is not None:
            evidence = doc.ev(*negative_word)
        elif shared_pre is not None:
            evidence = shared_pre  # "normal hemoglobin and platelet levels": the one word is the result
        else:
            result_end = max(end, result_start + 1)
            sign = _BRACKETED_SIGN.fullmatch(doc.text, result_start, result_end)
            if sign:  # "(+)": the sign is the result, the brackets are typography
                result_start, result_end = sign.span(1)
            evidence = doc.ev(result_start, result_end)
        prev_pre = (
            (end, interpretation, shared_pre or evidence)
            if (start_pre < m.start or prev_pre) and value is None
            else None
        )
        fact = {
            "analyte": concept.code,
            "value": value,
            "comparator": comparator,
            "unit": unit,
            "interpretation": interpretation,
            "evidence": evidence,
            "analyte_evidence": doc.ev(m.start, m.end),
        }
        dilution = titer.group(2) if titer else titer_after.group(1) if titer_after else None
        if dilution:
            fact["titer"] = "1:" + dilution
            if value is None:
                # A titre's value is its dilution's denominator (ANA 1:320 is 320), so titres compare
                # and sort as numbers; "titer" keeps it as written.
                fact["value"], fact["unit"] = float(dilution), unit or "titer"
        if vm and vm.group("specimen"):
            fact["specimen"] = SPECIMENS.get(vm.group("specimen").lower(), vm.group("specimen"))
        titer_specimen = _SPECIMEN_BEFORE_TITER.search(window[: titer.start(1)]) if titer else None
        if titer_specimen:
            fact["specimen"] = SPECIMENS.get(titer_specimen.group("specimen").lower())  # "脑脊液滴度1:10"
        if diastolic is not None:
            fact["value2"] = diastolic  # the second number of "120/80 mmHg"
        if value_high is not None:
            fact["value_high"] = value_high  # the top of a range written as the result
        when = onset_at(m.start)
        if when:
            fact["when"] = when
        reference = re.match(r"\s*[(（][^()（）]{0,40}\d[^()（）]{0,20}[)）]", doc.text[end : end + 64])
        if reference and holds_phrase_result(doc, end, end + reference.end()):
            reference = None  # "2,330 g (<10th percentile)": a result of its own
        # (a count written before its cells starts the result: "85% neutrophils")
        first = min(start_pre, value_start) if value_start is not None else start_pre
        first = min(first, negative_word[0]) if negative_word else first
        spans.append((first, end + (reference.end() if reference else 0)))  # "(normal <5)" is no result
        emit_measurement(patient, fact, info)
        if value_start is not None:
            read_at.append(value_start)
        other = bracketed_result(doc, end, fact) if reference else None
        if other:
            patient.measurements.append(other)  # its findings are the first value's
        later = (
            _SERIES_NEXT.match(doc.text, end, s1)
            if vm and _SERIES_FROM.search(window[: vm.start("val")])
            else None
        )
        if later:
            # "from 0.20 to 0.55": the second result of the test, with the unit written once.
            later_value = parse_number(later.group("val"))
            later_unit = normalise_unit(later.group("unit")) or unit
            if later_value is not None:
                if unit is None and later_unit:
                    unit = fact["unit"] = later_unit
                    fact["interpretation"] = fact["interpretation"] or interpret(
                        info, value, unit, comparator
                    )
                after = dict(
                    fact,
                    value=later_value,
                    unit=later_unit,
                    evidence=doc.ev(later.start("val"), later.end("unit" if later.group("unit") else "val")),
                    interpretation=interpret(info, later_value, later_unit, None),
                )
                after.pop("code", None)
                emit_measurement(patient, after, info)
                spans.append((later.start(), later.end()))
        if vm and value is not None and diastolic is None and not later:
            spans.extend(
                further_values(
                    doc,
                    patient,
                    fact,
                    info,
                    vm.group("unit"),
                    (end, s1),
                    plausible=_PLAUSIBLE.get(concept.code),
                    vital=concept.code in _VITAL_SIGNS,
                )
            )
        more = _SPECIMEN_NEXT.match(doc.text, end, s1) if vm and vm.group("specimen") else None
        if more:
            # "脑脊液17.67 u/mL，阳性；血清>80.00 u/mL": the same test in another specimen.
            other_value = parse_number(more.group("val"))
            if other_value is not None:
                other_cmp = more.group("cmp")
                other = dict(
                    fact,
                    value=other_value,
                    comparator=COMPARATORS.get(other_cmp.lower(), other_cmp) if other_cmp else None,
                    unit=normalise_unit(more.group("unit")) or unit,
                    specimen=SPECIMENS.get(more.group("specimen").lower(), more.group("specimen")),
                    evidence=doc.ev(more.start("val"), more.end("unit" if more.group("unit") else "val")),
                )
                other.pop("code", None)
                tail_words = doc.text[more.end() : more.end() + 12]
                other["interpretation"] = next(
                    (label for label, p in QUALIFIERS if p.search(re.split(r"[;；。]", tail_words)[0])), None
                )
                emit_measurement(patient, other, info)
                spans.append((more.start(), more.end()))
        more_titer = _SPECIMEN_NEXT_TITER.match(doc.text, end, s1) if titer_specimen else None
        if more_titer:
            # "脑脊液滴度1:10，阳性；血清滴度1:1000，阳性": the same test's titre in another specimen.
            tail_words = re.split(r"[;；。]", doc.text[more_titer.end() : more_titer.end() + 12])[0]
            other = dict(
                fact,
                value=float(more_titer.group("val")),
                titer="1:" + more_titer.group("val"),
                specimen=SPECIMENS.get(more_titer.group("specimen").lower()),
                evidence=doc.ev(more_titer.start("titer"), more_titer.end("titer")),
                interpretation=next((label for label, p in QUALIFIERS if p.search(tail_words)), None),
            )
            other.pop("code", None)
            emit_measurement(patient, other, info)
            spans.append((more_titer.start(), more_titer.end()))
        if diastolic is not None and concept.code == "blood pressure":
            # "126/93 mmHg": the diastolic pressure is a measurement of its own.
            dm = re.search(r"/\s*(\d+(?:\.\d+)?)", doc.text[value_start:value_end])
            d0, d1 = value_start + dm.start(1), value_start + dm.end(1)
            dia = dict(
                fact,
                analyte="diastolic blood pressure",
                value=diastolic,
                evidence=doc.ev(d0, d1),
            )
            dia.pop("value2", None)
            dia_info = doc.vocab.analytes.get("diastolic blood pressure")
            if dia_info:
                dia["interpretation"] = interpretation_from_range(
                    diastolic, dia_info.ref_low, dia_info.ref_high, None
                )
            patient.measurements.append(dia)
        shared = (
            value is None
            and pending
            and (
                _SHARED_RESULT.search(doc.text, pending[-1].end, result_start)
                # "CMV IgG/IgM阴性", "HBsAg/HBeAg阳性", "血常规、尿常规正常", "白细胞及中性粒细胞升高":
                # tests joined by a slash, an enumeration comma or a list word share the result
                # after them (Chinese needs no 均 for it)
                or _SHARED_JOIN.fullmatch(doc.text, pending[-1].end, m.start)
            )
        )
        if shared:
            # "抗核抗体、抗dsDNA抗体均阴性", "ANA and anti-dsDNA were both negative"
            chain = [m]
            for earlier in reversed(pending):
                if not _list_gap(doc.text[earlier.end : chain[-1].start]):
                    break
                chain.append(earlier)
            for earlier in chain[1:]:
                other = dict(
                    fact,
                    analyte=earlier.concepts[0].code,
                    analyte_evidence=doc.ev(earlier.start, earlier.end),
                )
                other.pop("code", None)  # the other test's own finding is looked up afresh
                emit_measurement(patient, other, doc.vocab.analytes.get(earlier.concepts[0].code))
        pending = []
    if pending:
        # "bilirubin, CEA and CA19-9 were all within normal ranges": the result follows the list.
        tail = _SHARED_TAIL.match(doc.text, pending[-1].end, min(s1, pending[-1].end + 140))
        chain = pending[-1:]
        for earlier in reversed(pending[:-1]):
            if not re.fullmatch(r"[^.;。；]{0,40}", doc.text[earlier.end : chain[-1].start]):
                break
            chain.append(earlier)
        if tail:
            word = tail.group("result").lower()
            interpretation = _SHARED_WORDS.get(word, word)
            for earlier in chain:
                fact = {
                    "analyte": earlier.concepts[0].code,
                    "value": None,
                    "comparator": None,
                    "unit": None,
                    "interpretation": interpretation,
                    "evidence": doc.ev(tail.start("result"), tail.end("result")),
                    "analyte_evidence": doc.ev(earlier.start, earlier.end),
                }
                emit_measurement(patient, fact, doc.vocab.analytes.get(earlier.concepts[0].code))
            spans.append((tail.start("result"), tail.end("result")))
    if not device:
        spans.extend(pattern_results(doc, sentence, patient, spans, onset_at))
        spans.extend(unnamed_results(doc, sentence, mentions, patient, spans, onset_at))
        spans.extend(marker_results(doc, sentence, patient, spans, onset_at))
        spans.extend(named_test_results(doc, sentence, patient, spans, onset_at))
    return spans


# A number right before a cell name, itself after a separator or a word ("with 85% neutrophils",
# "showed 30 leukocytes"), and the per-volume unit after the name ("30 leukocytes/µL").
_COUNT_BEFORE = re.compile(rf"(?<![\w.,/)\]-])(?P<val>{NUM})\s*(?P<pct>%)?\s*$")
_PER_VOLUME_AFTER = re.compile(
    r"\s*(?P<unit>/\s*(?:µl|μl|ul|mm3|mm³)|per\s+(?:µl|μl|microliter|microlitre|mm3|cubic millimeter))"
    r"(?![a-z])",
    re.I,
)
_CELL_COUNT_UNITS = frozenset({"10^9/L", "10^12/L", "10^6/L"})


def _is_cell_count(info: Analyte) -> bool:
    """Whether a test counts cells (blood or body-fluid counts and a fluid's cell shares)."""
    return info.unit in _CELL_COUNT_UNITS or (info.unit == "%" and _in_fluid(info))


def _in_fluid(info: Analyte) -> bool:
    """Whether a test is a body fluid's (a CSF or urine panel's member, `analyte_mentions`)."""
    return info.name.startswith(("CSF ", "urine "))


def _list_gap(gap: str) -> bool:
    """Whether `gap` separates two tests of one list: separators and "and", with at most short
    items of their own ("全血C反应蛋白（CRP）、白介素-6（IL-6）及血清铁蛋白均明显升高": a bracketed
    abbreviation, a test the vocabulary does not know, "血清")."""
    if _LIST_GAP.fullmatch(gap):
        return True
    bare = _BRACKETED.sub("", gap)
    if _CLAUSE_BREAK.search(bare) or not _LIST_GAP.search(bare):
        return False
    return all(len(item.strip()) <= 12 for item in _LIST_GAP.split(bare))
