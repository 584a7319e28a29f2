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
from vocab.languages._common import times_per

from . import frequency as freq
from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .quantities import parse_number
from .structure import Sentence
from .treatment_agents import is_treatment
from .vocabulary import DISEASE, DRUG, HPO, Mention

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
# Doses by body weight or surface ("2 g/kg", "375 mg/m2", "30 mg/(kg·d)", "0.1 U/kg/h") before the
# plain amounts, so that "2 g/kg" is never read as "2 g".
_AMOUNT = r"mg|g|μg|ug|mcg|iu|u|ml|mmol|meq"
_INVERSE = r"\^?[-−⁻]\s*1?"  # "-1", "−1", "^-1" (and the "-" of "m-2")
_PER_BODY = (
    rf"(?:{_AMOUNT})\s*/\s*(?:\(\s*(?:kg|m2|m²)\s*[·.*]\s*(?:d|day|h|min)\s*\)|(?:kg|m2|m²)"
    r"(?:\s*/\s*(?:d|day|h|hr|min|dose|wk|week))?)"
    # the negative powers of Chinese journals: "1 mg·kg-1·d-1", "375 mg·m-2" (NFKC: kg⁻¹ -> kg−1)
    rf"|(?:{_AMOUNT})\s*[·•.*]\s*(?:kg\s*{_INVERSE}|m\s*{_INVERSE}2)(?:\s*[·•.*]\s*(?:d|h|min)\s*{_INVERSE})?"
)
_DOSE_UNIT = (
    rf"{_PER_BODY}|mg|mcg|μg|ug|ng|g(?![a-z])|ml|iu|u(?![a-z])|mmol|meq|"
    + languages.literal_alternatives(languages.merged("DOSE_UNIT_WORDS"))
)
_RANGE = rf"-|–|~|{languages.alternatives('RANGE_WORDS')}"
# "480万U": a count of ten thousands (`DOSE_MULTIPLIER_WORDS`) between the number and its unit.
_MULTIPLIERS = languages.merged("DOSE_MULTIPLIER_WORDS")
_MULTIPLIER = languages.literal_alternatives(_MULTIPLIERS)
# A dose with a decimal comma ("0,6 ml/day", as many European reports write it) is one number,
# never the digits after its comma.
_DOSE_RE = re.compile(
    rf"(?<![0-9A-Za-z.])(?<!\d,)(?P<val>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+,\d{{1,2}}(?=\s*[A-Za-zμµ])|\d+(?:\.\d+)?)(?:\s*(?:{_RANGE})\s*\d+(?:\.\d+)?)?"
    # ("4.1 mmol/L", "6.3 ng/mL": per litre or millilitre is a concentration measured, not a dose)
    rf"\s*(?:(?P<mult>{_MULTIPLIER})\s*)?(?P<unit>{_DOSE_UNIT})(?![a-z])(?!\s*/\s*(?:d?l|ml)(?![a-z]))",
    re.I,
)
# "每次一片", "每天兩顆": a count of tablets or capsules written as a word (`COUNT_NUMBER_WORDS`),
# only after a word of dosing (一片红斑 is a patch of rash).
_COUNT_NUMBERS = languages.merged("COUNT_NUMBER_WORDS")
_COUNT_UNITS = {"tablet", "capsule", "pill", "vial", "bag"}
_COUNT_DOSE_RE = re.compile(
    r"(?<=每次|每日|每天|每晚|每晨|每早|服用|口服|顿服|给予|予以)\s*"
    rf"(?P<val>{languages.literal_alternatives(_COUNT_NUMBERS)})\s*(?P<unit>"
    + languages.literal_alternatives(
        w for w, u in languages.merged("DOSE_UNIT_WORDS").items() if u in _COUNT_UNITS
    )
    + ")"
)
# "每公斤2公克": the body the dose is by, written before the amount (`PER_BODY_BEFORE_WORDS`).
_PER_BODY_BEFORE = [
    (body, re.compile(rf"(?:{words})\s*$", re.I))
    for body, words in languages.merged("PER_BODY_BEFORE_WORDS").items()
]
# "20 mg/day of prednisone": the dose written before the drug.
_DOSE_BEFORE_RE = re.compile(
    rf"(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>{_DOSE_UNIT})(?:\s*(?:/\s*(?:day|d)|{languages.alternatives('PER_DAY_WORDS')}))?"
    rf"\s*(?:(?:{languages.alternatives('QUANTITY_OF_WORDS')})\s*)?(?:\w+\s+)?$",
    re.I,
)
# The routes a language's `ROUTE_WORDS` may name (keys of `vocab.codes.ROUTES`), in the order they
# are tried: the first route the words name wins.
ROUTE_ORDER = (
    "intralesional",
    "intrathecal",
    "intra-articular",
    "intravenous",
    "intramuscular",
    "subcutaneous",
    "inhaled",
    "ophthalmic",
    "nasal",
    "rectal",
    "transdermal",
    "topical",
    "sublingual",
    "oral",
)
_ROUTES = [(route, re.compile(languages.alternatives("ROUTE_WORDS", route), re.I)) for route in ROUTE_ORDER]
# Words that imply the oral route only after the drug ("tablets") do not count before it.
_STATED_ORAL = re.compile(languages.alternatives("STATED_ORAL_WORDS"), re.I)
_GIVEN_BEFORE = re.compile(rf"(?:{languages.alternatives('GIVEN_WORDS')})\s*$", re.I)
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
# "methimazole-induced neutropenia": the finding after these words is the drug's adverse effect.
_ADVERSE_LINK = re.compile(languages.alternatives("ADVERSE_LINK_WORDS"), re.I)
_JOINER = re.compile(
    rf"[,，、;；]|\b(?:and|or|with|plus|then)\b|{languages.alternatives('LIST_JOIN_WORDS')}", re.I
)
# "，均每日1次口服" (all of them) after a list of drugs, before the clause or sentence ends.
_ALL_OF_THEM = re.compile(rf"[^。;；]*?[,，]\s*(?:{languages.alternatives('ALL_OF_THEM_WORDS')})")
_PARTS = {"two": 2, "three": 3, "four": 4, "二": 2, "三": 3, "四": 4}


def _dose_unit(unit: str) -> str:
    """The record's spelling of a dose unit: "mg/(kg·d)" and "mg/kg/day" -> "mg/kg/d", "U/kg" ->
    "U/kg", "mg/m²" -> "mg/m2"."""
    u = re.sub(r"\s+", "", unit).lower().replace("μ", "u").replace("²", "2")
    # "mg·kg-1·d-1" -> "mg/kg/d", "mg·m-2" -> "mg/m2"
    u = re.sub(r"[·•.*](kg|d|h|min)\^?[-−⁻]1?", r"/\1", u)
    u = re.sub(r"[·•.*]m\^?[-−⁻]2", "/m2", u)
    per_body = re.fullmatch(r"([a-z]+)/\(?(kg|m2)[·.*/]?(d|day|h|hr|min|dose|wk|week)?\)?", u)
    if per_body and u not in _UNIT_NAMES:
        amount, body, per = per_body.groups()
        amount = _UNIT_NAMES.get(amount, amount)
        per = {"day": "d", "hr": "h", "week": "wk"}.get(per or "", per or "")
        return f"{amount}/{body}" + (f"/{per}" if per else "")
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
        and is_treatment(doc, m, sentence.start)
    ]
    drugs = _without_vehicles(doc, _without_components(doc, _without_appositive_classes(doc, drugs)))
    _treatments(doc, sentence, drugs, patient)


# "左氧氟沙星氯化钠注射液", "甲硝唑葡萄糖注射液": a premixed infusion names its vehicle right after the
# drug, with the form after it (`VEHICLE_AFTER_WORDS`); the vehicle is part of the product's name.
_VEHICLE_AFTER = re.compile(rf"\s*(?:{languages.alternatives('VEHICLE_AFTER_WORDS')})", re.I)
_VEHICLES = ("sodium chloride", "glucose")


def _without_vehicles(doc: Doc, drugs: list[Mention]) -> list[Mention]:
    return [
        m
        for i, m in enumerate(drugs)
        if not (
            i
            and m.concepts[0].code in _VEHICLES
            and drugs[i - 1].end == m.start
            and (_VEHICLE_AFTER.match(doc.text, m.end) or _VEHICLE_AFTER.search(doc.text, m.start, m.end))
        )
    ]


# "口服類固醇prednisolone", "靜脈注射抗生素ceftriaxone", "激素（甲泼尼龙）": a drug class written
# right against an agent describes the agent; it is no second treatment, and the words before the
# class (the route) are the agent's. With a space between ("steroids (prednisone)") English reports
# name the class as a treatment of its own, and annotators mark both.
_APPOSITION_GAP = re.compile(r"[(（:：]?")


def _without_appositive_classes(doc: Doc, drugs: list[Mention]) -> list[Mention]:
    out = []
    for i, m in enumerate(drugs):
        drug = doc.vocab.drugs.get(m.concepts[0].code)
        following = drugs[i + 1] if i + 1 < len(drugs) else None
        if (
            following is not None
            and drug is not None
            and drug.drug_class == "class"
            and _APPOSITION_GAP.fullmatch(doc.text, m.end, following.start)
        ):
            continue
        out.append(m)
    return out


# "trimethoprim-sulfamethoxazole 15 mg/kg/day (trimethoprim component) in three divided doses": a
# part of a combination named just after it says what its dose is of; it is no second treatment,
# and the administration after it stays the combination's.
_COMPONENT_REACH = 40  # characters from the combination's name to its part's


def _without_components(doc: Doc, drugs: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in drugs:
        previous = out[-1] if out else None
        if (
            previous is not None
            and m.start - previous.end <= _COMPONENT_REACH
            and m.concepts[0].code != previous.concepts[0].code
            and re.search(rf"\b{re.escape(m.concepts[0].code)}\b", previous.concepts[0].code)
        ):
            continue
        out.append(m)
    return out


_WINDOW = 100  # characters after a drug read for its administration
_STOP_WINDOW = 220  # … and for a stop said later in its sentence part


def _treatments(doc: Doc, sentence: Sentence, drugs: list[Mention], patient: Patient) -> None:
    s0, s1 = sentence.start, sentence.end
    text = doc.text[s0:s1]
    lang = languages.get(doc.language)
    facts: list[dict] = []
    for i, m in enumerate(drugs):
        ctx = assertion_of(text, m.start - s0, m.end - s0, doc.language, post=False)
        if ctx.family or ctx.negated:
            facts.append({})
            continue
        limit = drugs[i + 1].start if i + 1 < len(drugs) else s1
        # The administration is written after the drug, up to the next one (`truncated`: the
        # window stops there) and within what the language counts as the drug's clause; the words
        # before it reach back to the previous drug at most ("an infusion of hydrocortisone and
        # levothyroxine": the infusion is not the levothyroxine's).
        truncated = i + 1 < len(drugs) and limit <= m.end + _WINDOW
        window = lang.administration_window(doc.text[m.end : min(limit, m.end + _WINDOW)], truncated)
        reach = max(s0, m.start - 40)
        before = lang.administration_before(doc.text[reach : m.start])
        if i and drugs[i - 1].end > reach:
            # "hydrocortisone by intravenous infusion and levothyroxine": after the previous drug,
            # only the words after the last joiner are this drug's ("… and intravenous X").
            own = doc.text[drugs[i - 1].end : m.start]
            joiner = list(_JOINER.finditer(own))
            before = own[joiner[-1].end() :] if joiner else ""
        facts.append(_administration(doc, m, window, before, lang))
        if facts[-1]["stopped_because"] is None and limit > m.end + _WINDOW:
            # "Methotrexate 10 mg weekly was introduced as a steroid-sparing agent but was
            # discontinued after 2 months because of …": a stop said late in the drug's own
            # sentence part, past the words read for its administration.
            far = lang.administration_window(
                doc.text[m.end : min(limit, m.end + _STOP_WINDOW)], limit <= m.end + _STOP_WINDOW
            )
            stop = lang.STOP_RE.search(far)
            if stop:
                reason = next(g for g in stop.groups() if g)
                facts[-1]["change"] = "stopped"
                facts[-1]["stopped_because"] = _reason(doc, m.end + far.find(reason), reason)
        if lang.STOP_LATER_RE is not None and facts[-1]["stopped_because"] is None:
            # "予羟氯喹0.2 g…，3个月后因视物模糊停药": a stop in a later clause, before the next drug
            later = lang.STOP_LATER_RE.search(doc.text, m.end, limit)
            if later:
                facts[-1]["change"] = "stopped"
                facts[-1]["stopped_because"] = _reason(doc, later.start(1), later.group(1))
    # Coordinated agents share the administration written once after the last of them:
    # "洗必泰联合H2O2…局部换药1次/2d", "chlorhexidine and hydrogen peroxide dressings daily".
    coord = lang.COORDINATION_RE
    for i in range(len(drugs) - 2, -1, -1):
        a, b = facts[i], facts[i + 1]
        if not a or not b:
            continue
        gap = doc.text[drugs[i].end : drugs[i + 1].start]
        # "异烟肼0.3 g、利福平0.45 g，均每日1次口服": each with its own dose, the rest shared when
        # the words after the list say it is said of all of them (not "泼尼松30 mg、甲氨蝶呤10 mg每周1次")
        own_dose = _DOSE_RE.match(gap.lstrip())
        if own_dose and _ALL_OF_THEM.match(doc.text, drugs[-1].end, s1):
            gap = gap.lstrip()[own_dose.end() :]
        if coord.match(gap):
            for key in ("route", "frequency", "duration", "stopped_because"):
                if a.get(key) is None and b.get(key) is not None:
                    a[key] = b[key]
    # … and a route written once before the first of them: "topical calcipotriol and betamethasone",
    # "intravenous vancomycin and meropenem".
    for i in range(len(drugs) - 1):
        a, b = facts[i], facts[i + 1]
        if not a or not b or a["route"] is None or b["route"] is not None:
            continue
        if coord.match(doc.text[drugs[i].end : drugs[i + 1].start]) and _route_before(
            doc, drugs[i], a["route"], s0
        ):
            b["route"] = a["route"]
    for m, fact in zip(drugs, facts, strict=True):
        if fact and fact["route"] is None:
            # A route the drug's own name states ("静脉注射免疫球蛋白", "intravenous immunoglobulin",
            # "inhaled corticosteroids"): that drug's alone, so not shared with its neighbours above.
            named = f"{doc.text[m.start : m.end]} {m.concepts[0].code}"
            fact["route"] = next((route for route, pattern in _ROUTES if pattern.search(named)), None)
    patient.treatments.extend(f for f in facts if f)


def _administration(doc: Doc, m: Mention, window: str, before: str, lang) -> dict:
    """The fact of one drug mention: what `window` (the words after it) and `before` say."""
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
    dm = _DOSE_RE.search(window)
    if dm and lang.DOSE_REACH is not None and dm.start() > lang.DOSE_REACH:
        dm = None
    if not dm:
        dm = _DOSE_BEFORE_RE.search(before)
    if not dm:
        counted = _COUNT_DOSE_RE.search(window)
        if counted:
            fact["dose"] = float(_COUNT_NUMBERS[counted.group("val")])
            fact["unit"] = _dose_unit(counted.group("unit"))
    if dm:
        fact["dose"] = parse_number(dm.group("val"))
        fact["unit"] = _dose_unit(dm.group("unit"))
        mult = dm.groupdict().get("mult")
        if mult and fact["dose"] is not None:
            fact["dose"] = round(fact["dose"] * float(_MULTIPLIERS[mult]), 4)
        if dm.string is window and "/" not in fact["unit"]:
            for body, pattern in _PER_BODY_BEFORE:
                if pattern.search(window, 0, dm.start()):
                    fact["unit"] += f"/{body}"
                    break
    for route, pattern in _ROUTES:
        # A route is stated, or implied by the form ("tablets", "infusion", "cream"); before the
        # drug only its own words count (the route of a drug named earlier is that drug's), and
        # the route of the words that say it was given ("a subcutaneous injection of adalimumab").
        if (
            pattern.search(window)
            or pattern.search(before, max(0, len(before) - 20))  # (the words before it read too: "stage IV")
            or _route_of_giving(pattern, before)
        ):
            if route == "oral" and not pattern.search(window) and not _STATED_ORAL.search(before[-20:]):
                continue
            fact["route"] = route
            break
    fact["frequency"] = freq.frequency(window) or freq.frequency_before(before)
    split = lang.DIVIDED_DOSES_RE.search(window)
    if split:
        _divide(fact, split, lang)
    dur = lang.DURATION_RE.search(window)
    if dur:
        n = dur.group(1)
        n = str(lang.NUMBER_NAMES.get(n.lower(), n)) if not n.isdigit() else n
        fact["duration"] = f"{n} {lang.TIME_UNITS.get(dur.group(2), dur.group(2).lower())}"
        if not fact["duration"].endswith("s") and n != "1":
            fact["duration"] += "s"
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
    else:
        # "methimazole was switched to propylthiouracil": stopped for the drug after it
        if lang.SWITCHED_TO_RE.search(doc.text, m.end, min(len(doc.text), m.end + len(window) + 16)):
            fact["change"] = "stopped"
    fact["stopped_because"] = _stop_reason(doc, m, window, before, lang, fact.get("change") == "stopped")
    return fact


def _route_before(doc: Doc, m: Mention, route: str, s0: int) -> bool:
    """Whether `route` is written in the words right before the drug `m`."""
    pattern = dict(_ROUTES)[route]
    return pattern.search(doc.text, max(s0, m.start - 20), m.start) is not None


def _route_of_giving(route: re.Pattern[str], before: str) -> bool:
    """Whether `route` is named right before the words that say the drug was given, with at most
    one word between ("a subcutaneous injection of", "intravenous pulse infusion of")."""
    given = _GIVEN_BEFORE.search(before)
    if given is None:
        return False
    named = list(route.finditer(before, max(0, given.start() - 30), given.start()))
    return bool(named) and _ONE_WORD.fullmatch(before, named[-1].end(), given.start()) is not None


_ONE_WORD = re.compile(r"\s*(?:[\w-]+\s+)?")


def _divide(fact: dict, split: re.Match[str], lang) -> None:
    """ "60 mg/d，分3次", "30 mg/kg/day in three divided doses": the day's dose is given in parts, so
    the frequency is the number of parts, the dose one part, and the day's total is kept."""
    raw = next(g for g in split.groups() if g)
    parts = int(raw) if raw.isdigit() else _PARTS.get(raw.lower(), 0)
    if parts < 2:
        return
    fact["frequency"] = times_per(parts, "day")
    if fact["dose"] is not None:
        unit = fact["unit"] or ""
        fact["daily_dose"] = {"value": fact["dose"], "unit": unit.removesuffix("/d")}
        fact["dose"] = round(fact["dose"] / parts, 4)
        fact["unit"] = unit.removesuffix("/d")


def _stop_reason(doc: Doc, m: Mention, window: str, before: str, lang, stopped: bool) -> str | None:
    """Why the drug was stopped: "discontinued because of …", "因…停用", "Because of …, X was
    withheld", or a finding the sentence calls the drug's adverse effect ("methimazole-induced
    neutropenia was suspected and methimazole was stopped")."""
    stop = lang.STOP_RE.search(window)
    if stop:
        reason = next(g for g in stop.groups() if g)
        return _reason(doc, m.end + window.find(reason), reason)
    if stopped and lang.STOP_BEFORE_RE is not None:
        # "因出现肝功能异常停用甲氨蝶呤", "因出现视物模糊，停用羟氯喹", "Because of suspected
        # agranulocytosis, methimazole was withheld": the reason may be a clause of its own before
        # the drug's, so the sentence up to the drug is read, not only the drug's clause.
        sentence_start = doc.sentences[doc.sentence_of(m.start)].start
        wide = doc.text[sentence_start : m.start]
        pre = lang.STOP_BEFORE_RE.search(wide)
        if pre:
            return _reason(doc, sentence_start + pre.start(1), pre.group(1))
    if stopped:
        # This sentence or the one before it ("… was suspected; methimazole was discontinued").
        si = doc.sentence_of(m.start)
        start, end = doc.sentences[max(0, si - 1)].start, doc.sentences[si].end
        for other in doc.mentions:
            if (
                other.kind == DRUG
                and other.concepts[0].code == m.concepts[0].code
                and start <= other.start < end
            ):
                link = _ADVERSE_LINK.match(doc.text, other.end, end)
                if link:
                    return _reason(doc, link.end(), doc.text[link.end() : link.end() + 40])
    return None


# Where a stop reason read as raw words ends: its clause ("pneumonitis was suspected and …").
# (a decimal point or a thousands comma is no end: "a rise in creatinine to 1.9 mg/dL")
_REASON_END = re.compile(
    r"\s+(?:was|were|is|are|and|but|which|so)\b|(?<!\d)[,.]|[,.](?!\d)|[;:，；：。()（）]"
)


def _reason(doc: Doc, pos: int, reason: str) -> str:
    """The stop reason as an HPO or disease label when the vocabulary knows it ("闭经" ->
    "amenorrhea", "suspected neutropenia" -> "neutropenia"), else its words up to the end of its
    clause."""
    for m in doc.mentions:
        if m.kind in (HPO, DISEASE) and pos <= m.start < pos + len(reason) + 1:
            return most_specific(m.concepts).label.lower()
    return _REASON_END.split(reason.strip(), 1)[0].strip()
