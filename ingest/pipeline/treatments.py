"""Stage: treatments. What the patient was given: agent, dose, unit, route, frequency, duration,
dose changes and why a drug was stopped.

Each drug mention of a case sentence (not negated, not a relative's, not a substance named as a
test: "glucose 472 mg/dL") reads its administration from the words after it, up to the next drug;
coordinated agents ("chlorhexidine and hydrogen peroxide dressings daily") share what is written
once after the last of them. Frequencies are normalised by `frequency.py`.
"""

from __future__ import annotations

import re

from . import frequency as freq
from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .quantities import parse_number
from .structure import Sentence
from .vocabulary import DRUG, HPO, Mention

_DOSE_UNIT = (
    r"mg/kg/d(?:ay)?|mg/kg|mg/m2|mg/m²|μg/kg|ug/kg|mg|mcg|μg|ug|ng|g(?![a-z])|ml|iu|units?|u(?![a-z])|"
    r"mmol|meq|tablets?|tabs?|capsules?|caps?|drops?|puffs?|片|粒|支|袋|丸|克|毫克|单位"
)
_DOSE_RE = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<val>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)(?:\s*(?:-|–|~|to)\s*\d+(?:\.\d+)?)?\s*(?P<unit>{_DOSE_UNIT})(?![a-z])",
    re.I,
)
_DOSE_BEFORE_RE = re.compile(
    rf"(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>{_DOSE_UNIT})(?:\s*(?:/\s*(?:day|d)|daily|per day|a day))?\s*(?:of\s+)?(?:\w+\s+)?$",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
_ROUTES = [
    ("intralesional", re.compile(r"intralesional|病灶内注射|皮损内注射", re.I)),
    (
        "intravenous",
        re.compile(
            r"静滴|静脉滴注|静脉注射|静注|静推|静脉输注|静脉|\bintravenous(?:ly)?\b|\bi\.?v\.?(?![a-z])|\binfusions?\b|\bdrip\b",
            re.I,
        ),
    ),
    (
        "intramuscular",
        re.compile(r"肌注|肌内注射|肌肉注射|\bintramuscular(?:ly)?\b|\bi\.?m\.?(?![a-z])", re.I),
    ),
    (
        "subcutaneous",
        re.compile(r"皮下注射|皮下|\bsubcutaneous(?:ly)?\b|\bs\.?c\.?(?![a-z])|\bsubcut\b", re.I),
    ),
    ("inhaled", re.compile(r"吸入|雾化|\binhal(?:ed|ation|er)\b|\bnebuli[sz]ed\b", re.I)),
    (
        "topical",
        re.compile(
            r"外用|外敷|湿敷|涂抹|涂擦|局部|换药|消毒|\btopical(?:ly)?\b|\bointment\b|\bcream\b|\bdressings?\b|\bwound care\b|\bapplied to\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
    (
        "oral",
        re.compile(
            r"口服|顿服|肠溶片|缓释片|控释片|片剂|胶囊|颗粒|口服液|片(?=[0-9,，、\s])|\boral(?:ly)?\b|\bp\.?o\.?(?![a-z])|\bby mouth\b|\btablets?\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
]
_DURATION_EN = re.compile(
    r"\bfor\s+(?:a total of\s+|another\s+|the next\s+|about\s+|approximately\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several)\s*(days?|weeks?|months?|years?)\b",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
_DURATION_ZH = re.compile(
    r"(?:口服|服用|治疗|用药|使用|应用|连续|共|持续|[×x*])\s*(\d+)\s*(?:个|多个)?\s*(天|日|周|月|年|d(?![a-z]))"
)
_ZH_UNIT = {"天": "days", "日": "days", "d": "days", "周": "weeks", "月": "months", "年": "years"}
_STOP_EN = re.compile(
    r"(?:discontinued|stopped|withdrawn|ceased|interrupted|held|switched|tapered off|not tolerated|poorly tolerated)\b[^.;]{0,30}?\b(?:due to|because(?: of)?|owing to|secondary to|after (?:the )?(?:development|onset|appearance) of|for)\s+([^.;,]{3,60})"  # noqa: E501 - a pattern reads best on one line
    r"|(?:due to|because of|owing to)\s+([^.;,]{3,60}?)[, ]+(?:\w+\s+){0,4}(?:was|were|had to be)\s+(?:discontinued|stopped|withdrawn)",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
_STOP_ZH = re.compile(
    r"(?:出现|因|发生|引起|导致)([^,，。;；]{1,20}?)(?:后|而)?(?:停用|停药|停服|撤药|减停|停止)"
)
_STOP_BEFORE_ZH = re.compile(r"(?:因|由于)(?:出现)?([^,，。;；]{1,20}?)(?:而)?(?:停用|停药|停服|撤停)$")
_CHANGE_RE = [
    (
        "decreased",
        re.compile(
            r"减量|逐渐减|减至|减为|\btaper(?:ed|ing)?\b|\breduced to\b|\bdecreased to\b|\bweaned\b", re.I
        ),
    ),
    ("increased", re.compile(r"加量|增至|增加至|加至|\bincreased to\b|\bescalated\b|\buptitrated\b", re.I)),
    ("stopped", re.compile(r"停用|停药|停服|\bdiscontinued\b|\bstopped\b|\bwithdrawn\b|\bceased\b", re.I)),
]
# "increased to 1 mg twice daily", "逐渐减量至15mg": the dose from then on.
_DOSE_CHANGE_RE = re.compile(
    r"(increased|decreased|reduced|tapered|titrated(?: up| down)?|escalated|raised|lowered|weaned|"
    r"加量|减量|增加|减少|调整)"
    rf"\s*(?:again\s*)?(?:至|到|为|to)\s*(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>{_DOSE_UNIT})",
    re.I,
)
_ZH_ADMIN_CLAUSE = re.compile(
    r"\s*(?:每|隔|[0-9]+\s*次|q[0-9dwh]|bid|tid|qid|qd|qod|静|口服|顿服|皮下|肌|雾化|外用|局部|疗程|共|连续|持续|"
    r"[0-9.]+\s*(?:mg|g|μg|ug|ml|片|粒|u|iu))",
    re.I,
)
_COORD_ZH = re.compile(r"^\s*(?:联合|合并|加用|和|及|与|、|加|\+|/)\s*$")
_COORD_EN = re.compile(r"^\s*(?:,|and|with|plus|\+|/|or|,\s*and)\s*$", re.I)
_WORDNUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}


# A substance named as a test, not given: "glucose 472 mg/dL", "aldosterone levels", "C-peptide was".
_LAB_CONTEXT = re.compile(
    r"\s*(?:\(\w{1,10}\)\s*)?(?:levels?|concentrations?|assays?|tests?|testing|stain(?:ing)?|immunostaining|"
    r"positive|negative|ratio|index|clearance|scan|scintigraphy|(?:was|were|is|of)\s+(?:\d|elevated|increased|decreased|"
    r"low|high|normal|within)|[:=]?\s*\d+(?:\.\d+)?\s*(?:mg/dl|mmol/l|g/dl|g/l|ng/ml|pg/ml|u/l|iu/l|%|μmol/l|umol/l))",
    re.I,
)


def _dose_unit(unit: str) -> str:
    u = unit.lower().replace("μ", "u")
    return {
        "mcg": "ug",
        "片": "tablet",
        "tablets": "tablet",
        "tabs": "tablet",
        "tab": "tablet",
        "粒": "capsule",
        "capsules": "capsule",
        "caps": "capsule",
        "cap": "capsule",
        "ml": "mL",
        "iu": "IU",
        "units": "U",
        "unit": "U",
        "u": "U",
        "克": "g",
        "毫克": "mg",
        "单位": "U",
        "drops": "drop",
        "puffs": "puff",
        "支": "vial",
        "袋": "bag",
        "丸": "pill",
        "mg/m²": "mg/m2",
        "mg/kg/day": "mg/kg/d",
    }.get(u, u)


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
    zh = doc.language == "zh"
    facts: list[dict] = []
    for i, m in enumerate(drugs):
        ctx = assertion_of(text, m.start - s0, m.end - s0, doc.language, post=False)
        if ctx.family:
            facts.append({})
            continue
        limit = drugs[i + 1].start if i + 1 < len(drugs) else s1
        window = doc.text[m.end : min(limit, m.end + 100)]
        if not zh and i + 1 < len(drugs) and limit <= m.end + 100:
            # "loperamide 2 mg as needed and topical mupirocin": "topical" is the next drug's.
            cut = re.search(r"(?:,|\band\b|\bplus\b|\bwith\b)(?:\s+[\w-]+){0,2}\s*$", window)
            if cut:
                window = window[: cut.start()]
        # A Chinese clause ends at a comma; English writes "prednisone, 60 mg daily".
        if zh:
            # "0.5g静脉滴注，每日1次": the administration may continue in the next clause.
            clauses = re.split(r"[,，。;；]", window)
            window = clauses[0]
            truncated = i + 1 < len(drugs) and limit <= m.end + 100
            for k, clause in enumerate(clauses[1:], 1):
                if not _ZH_ADMIN_CLAUSE.match(clause) or (truncated and k == len(clauses) - 1):
                    break  # the last clause before the next drug is that drug's ("，静脉滴注丙种球蛋白")
                window += "，" + clause
        else:
            window = re.split(r"[;]|\.\s", window)[0]
        before = doc.text[max(s0, m.start - 40) : m.start]
        if zh:
            before = re.split(r"[,，。;；]", before)[-1]
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
        if dm and not zh and dm.start() > 45:
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
                if (
                    route == "oral"
                    and not pattern.search(window)
                    and not re.search(r"oral|口服|p\.?o", before[-20:], re.I)
                ):
                    continue
                fact["route"] = route
                break
        fact["frequency"] = freq.frequency(window)
        dur = (_DURATION_ZH if zh else _DURATION_EN).search(window)
        if dur:
            n = dur.group(1)
            n = str(_WORDNUM.get(n.lower(), n)) if not n.isdigit() else n
            fact["duration"] = f"{n} {_ZH_UNIT.get(dur.group(2), dur.group(2).lower())}"
            if not fact["duration"].endswith("s") and n != "1":
                fact["duration"] += "s"
        stop = (_STOP_ZH if zh else _STOP_EN).search(window)
        if stop:
            reason = next(g for g in stop.groups() if g)
            fact["stopped_because"] = _reason(doc, m.end + window.find(reason), reason)
        elif zh and (pre := _STOP_BEFORE_ZH.search(before)):
            # "因出现肝功能异常停用甲氨蝶呤": the reason comes before the drug.
            reason = pre.group(1)
            fact["stopped_because"] = _reason(doc, m.start - len(before) + pre.start(1), reason)
        changes = [
            {
                "change": "increased"
                if re.match(r"inc|esc|rai|up|加|增", cm.group(1), re.I)
                else "decreased",
                "dose": parse_number(cm.group("val")),
                "unit": _dose_unit(cm.group("unit")),
                "evidence": doc.ev(m.end + cm.start(), m.end + cm.end()),
            }
            for cm in _DOSE_CHANGE_RE.finditer(window)
        ]
        if changes:
            fact["dose_changes"] = changes
        for change, pattern in _CHANGE_RE:
            if pattern.search(window[:40]) or pattern.search(before[-12:]):
                fact["change"] = change
                break
        facts.append(fact)
    # Coordinated agents share the administration written once after the last of them:
    # "洗必泰联合H2O2…局部换药1次/2d", "chlorhexidine and hydrogen peroxide dressings daily".
    coord = _COORD_ZH if zh else _COORD_EN
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
