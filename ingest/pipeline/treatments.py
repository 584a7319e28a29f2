"""Stage: treatments. What the patient was given: agent, dose, unit, route, frequency, duration,
dose changes and why a drug was stopped.

Each drug mention of a case sentence (not negated, not a relative's, not a substance named as a
test: "glucose 472 mg/dL") reads its administration from the words after it, up to the next drug;
coordinated agents ("chlorhexidine and hydrogen peroxide dressings daily") share what is written
once after the last of them. Frequencies are normalised by `frequency.py`. What counts as the
drug's clause, durations and stop reasons are the report language's (`vocab/languages/`).
"""

from __future__ import annotations

import re

from vocab import languages

from . import frequency as freq
from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .quantities import parse_number
from .structure import Sentence
from .vocabulary import DRUG, HPO, Mention

# Everything below is tried on every report whatever its language (a Chinese report writes "iv",
# "bid" and "mg" as an English one does): the words come from every language module
# (`vocab/languages/`, section "treatments"), the symbols and units are here.

# Dose units as written -> the record's unit.
_UNIT_NAMES = {
    "mcg": "ug",
    "ml": "mL",
    "iu": "IU",
    "u": "U",
    "mg/m²": "mg/m2",
    "mg/kg/day": "mg/kg/d",
    **languages.merged("DOSE_UNIT_WORDS"),
}
_DOSE_UNIT = (
    r"mg/kg/d(?:ay)?|mg/kg|mg/m2|mg/m²|μg/kg|ug/kg|mg|mcg|μg|ug|ng|g(?![a-z])|ml|iu|u(?![a-z])|mmol|meq|"
    + languages.literal_alternatives(languages.merged("DOSE_UNIT_WORDS"))
)
_RANGE = rf"-|–|~|{languages.alternatives('RANGE_WORDS')}"
_DOSE_RE = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<val>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)(?:\s*(?:{_RANGE})\s*\d+(?:\.\d+)?)?\s*(?P<unit>{_DOSE_UNIT})(?![a-z])",
    re.I,
)
# "20 mg/day of prednisone": the dose written before the drug.
_DOSE_BEFORE_RE = re.compile(
    rf"(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>{_DOSE_UNIT})(?:\s*(?:/\s*(?:day|d)|{languages.alternatives('PER_DAY_WORDS')}))?"
    rf"\s*(?:(?:{languages.alternatives('QUANTITY_OF_WORDS')})\s+)?(?:\w+\s+)?$",
    re.I,
)
# The routes a language's `ROUTE_WORDS` may name (keys of `vocab.codes.ROUTES`), in the order they
# are tried: the first route the words name wins.
ROUTE_ORDER = ("intralesional", "intravenous", "intramuscular", "subcutaneous", "inhaled", "topical", "oral")
_ROUTES = [(route, re.compile(languages.alternatives("ROUTE_WORDS", route), re.I)) for route in ROUTE_ORDER]
# Words that imply the oral route only after the drug ("tablets") do not count before it.
_STATED_ORAL = re.compile(languages.alternatives("STATED_ORAL_WORDS"), re.I)
# The dose changes a language's `CHANGE_WORDS` may name, in the order they are tried.
CHANGE_ORDER = ("decreased", "increased", "stopped")
_CHANGES = [
    (change, re.compile(languages.alternatives("CHANGE_WORDS", change), re.I)) for change in CHANGE_ORDER
]
# "increased to 1 mg twice daily", "逐渐减量至15mg": the dose from then on.
_DOSE_CHANGE_RE = re.compile(
    rf"({languages.alternatives('DOSE_CHANGE_WORDS')})"
    rf"\s*(?:(?:{languages.alternatives('AGAIN_WORDS')})\s*)?(?:{languages.alternatives('DOSE_CHANGE_TO_WORDS')})"
    rf"\s*(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>{_DOSE_UNIT})",
    re.I,
)
_INCREASE = re.compile(languages.alternatives("INCREASE_WORDS"), re.I)
# A substance named as a test, not given: "glucose 472 mg/dL", "aldosterone levels", "C-peptide was".
_LAB_CONTEXT = re.compile(
    rf"\s*(?:\(\w{{1,10}}\)\s*)?(?:{languages.alternatives('LAB_CONTEXT_WORDS')}|"
    r"[:=]?\s*\d+(?:\.\d+)?\s*(?:mg/dl|mmol/l|g/dl|g/l|ng/ml|pg/ml|u/l|iu/l|%|μmol/l|umol/l))",
    re.I,
)


def _dose_unit(unit: str) -> str:
    u = unit.lower().replace("μ", "u")
    return _UNIT_NAMES.get(u, u)


def treatments(
    doc: Doc, sentence: Sentence, mentions: list[Mention], taken: list[tuple[int, int]], patient: Patient
) -> None:
    """Treatments of `patient` from the drug mentions of one case sentence.

    `taken` are the spans the measurement stage read as test results: a drug name inside one is
    the substance measured, not a treatment.
    """
    drugs = [
        m
        for m in mentions
        if m.kind == DRUG
        and not any(a <= m.start < b for a, b in taken)
        and not _LAB_CONTEXT.match(doc.text, m.end)
    ]
    _treatments(doc, sentence, drugs, patient)


def _treatments(doc: Doc, sentence: Sentence, drugs: list[Mention], patient: Patient) -> None:
    s0, s1 = sentence.start, sentence.end
    text = doc.text[s0:s1]
    lang = languages.get(doc.language)
    facts: list[dict] = []
    for i, m in enumerate(drugs):
        ctx = assertion_of(text, m.start - s0, m.end - s0, doc.language, post=False)
        if ctx.family:
            facts.append({})
            continue
        limit = drugs[i + 1].start if i + 1 < len(drugs) else s1
        # The administration is written after the drug, up to the next one (`truncated`: the
        # window stops there) and within what the language counts as the drug's clause.
        truncated = i + 1 < len(drugs) and limit <= m.end + 100
        window = lang.administration_window(doc.text[m.end : min(limit, m.end + 100)], truncated)
        before = lang.administration_before(doc.text[max(s0, m.start - 40) : m.start])
        concept = m.concepts[0]
        drug = doc.vocab.drugs.get(concept.code)
        fact: dict = {
            "agent": concept.code,
            "code": drug.code if drug and drug.code else None,
            "dose": None,
            "unit": None,
            "route": None,
            "frequency": None,
            "duration": None,
            "stopped_because": None,
            "evidence": doc.ev(m.start, m.end),
        }
        if ctx.negated:
            facts.append({})
            continue
        dm = _DOSE_RE.search(window)
        if dm and lang.DOSE_REACH is not None and dm.start() > lang.DOSE_REACH:
            dm = None
        if dm:
            fact["dose"] = parse_number(dm.group("val"))
            fact["unit"] = _dose_unit(dm.group("unit"))
        else:
            bm = _DOSE_BEFORE_RE.search(before)
            if bm:
                fact["dose"] = parse_number(bm.group("val"))
                fact["unit"] = _dose_unit(bm.group("unit"))
        for route, pattern in _ROUTES:
            if pattern.search(window) or pattern.search(before[-20:]):
                if route == "oral" and not pattern.search(window) and not _STATED_ORAL.search(before[-20:]):
                    continue
                fact["route"] = route
                break
        fact["frequency"] = freq.frequency(window)
        dur = lang.DURATION_RE.search(window)
        if dur:
            n = dur.group(1)
            n = str(lang.NUMBER_NAMES.get(n.lower(), n)) if not n.isdigit() else n
            fact["duration"] = f"{n} {lang.TIME_UNITS.get(dur.group(2), dur.group(2).lower())}"
            if not fact["duration"].endswith("s") and n != "1":
                fact["duration"] += "s"
        stop = lang.STOP_RE.search(window)
        if stop:
            reason = next(g for g in stop.groups() if g)
            fact["stopped_because"] = _reason(doc, m.end + window.find(reason), reason)
        elif lang.STOP_BEFORE_RE is not None and (pre := lang.STOP_BEFORE_RE.search(before)):
            # "因出现肝功能异常停用甲氨蝶呤": the reason comes before the drug.
            reason = pre.group(1)
            fact["stopped_because"] = _reason(doc, m.start - len(before) + pre.start(1), reason)
        changes = [
            {
                "change": "increased" if _INCREASE.match(cm.group(1)) else "decreased",
                "dose": parse_number(cm.group("val")),
                "unit": _dose_unit(cm.group("unit")),
                "evidence": doc.ev(m.end + cm.start(), m.end + cm.end()),
            }
            for cm in _DOSE_CHANGE_RE.finditer(window)
        ]
        if changes:
            fact["dose_changes"] = changes
        for change, pattern in _CHANGES:
            if pattern.search(window[:40]) or pattern.search(before[-12:]):
                fact["change"] = change
                break
        facts.append(fact)
    # Coordinated agents share the administration written once after the last of them:
    # "洗必泰联合H2O2…局部换药1次/2d", "chlorhexidine and hydrogen peroxide dressings daily".
    coord = lang.COORDINATION_RE
    for i in range(len(drugs) - 2, -1, -1):
        a, b = facts[i], facts[i + 1]
        if not a or not b:
            continue
        gap = doc.text[drugs[i].end : drugs[i + 1].start]
        if coord.match(gap):
            for key in ("route", "frequency", "duration", "stopped_because"):
                if a.get(key) is None and b.get(key) is not None:
                    a[key] = b[key]
    patient.treatments.extend(f for f in facts if f)


def _reason(doc: Doc, pos: int, reason: str) -> str:
    """The stop reason as an HPO label when the vocabulary knows it ("闭经" -> "amenorrhea")."""
    for m in doc.mentions:
        if m.kind == HPO and pos <= m.start < pos + len(reason) + 1:
            return most_specific(m.concepts).label.lower()
    return reason.strip()
