"""Numbers, units, reference ranges and result words: what the measurement and treatment stages
share to read a quantity as written.

`VALUE_RE` reads "18.2 g/L", "< 5", "120/80 mmHg" after a test name; `RANGE_RE` and
`UPPER_LIMIT_RE` read a stated reference interval; `QUALIFIERS` are the result words (positive,
negative, high, low, normal) in the order they are tried; `normalise_unit` gives the record's
spelling of a unit and `to_unit` converts between the few scales reports mix.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vocab import languages

if TYPE_CHECKING:
    from .vocabulary import Analyte

# "1,763" (thousands) and "74,2 mm" (a decimal comma, as many European reports write it: one or two
# digits after the comma, then a unit).
NUM = (
    r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[ \u2009\u202f]\d{3})+(?=\s*(?:[A-Za-z%°℃μµ/×]|per\b))(?!\d)"
    r"|\d+,\d{1,2}(?=\s*[A-Za-z%°℃μµ/×])|\d+(?:\.\d+)?"
)
# Units of concentrations, activities, counts and rates: written after a number, they make it a lab
# result even when no test is named ("hypoglycemia (27 mg/dL)").
LAB_UNIT = (
    # "2.1 × 10^3/μL" is 2.1 x 10^9/L, "4.2 × 10^6/μL" 4.2 x 10^12/L (US reports count per microlitre)
    r"(?:x|×|\*)?\s*10\s*(?:\^|e)?\s*(?:3|6)\s*/\s*(?:μl|µl|ul|mm3|mm³)|×10[³⁶]/(?:μl|µl|ul|mm3|mm³)|"
    # "×10^9个/L": Chinese may count the cells (个) in the unit
    r"(?:x|×|\*)?\s*10\s*(?:\^|e)?\s*(?:9|12|6|3)\s*(?:个\s*)?/\s*l|×10⁹/l|×10¹²/l|"
    r"mmol/l|μmol/l|umol/l|nmol/l|pmol/l|mg/dl|mg/l|g/dl|g/l|ng/ml|ng/dl|pg/ml|μg/l|ug/l|μg/dl|ug/dl|"
    r"ng/l|pg/l|μg/ml|ug/ml|mg/ml|g/mol|mg/mmol|μg/g|µg/g|ug/g|mg/g|μkat/l|ukat/l|l/min/m2|l/min/m²|ml/min/1\.73\s*m2|ml/\(min[·•.]?\s*1\.73\s*m2\)|ng/\(ml[·•.]?h\)|mosm/l|ml/min|l/min|"
    r"(?:ng|mg|pg|μg|ug) per (?:milliliter|millilitre|liter|litre|deciliter|decilitre)|"
    r"per (?:microliter|μl|mm3|cubic millimeter)|mg/liter|g/liter|"
    r"copies/ml|copy/ml|cp/ml|miu/l|miu/ml|μiu/ml|uiu/ml|iu/l|iu/ml|u/l|u/ml|meq/l|mosm/kg|mm/1h|mm/h|mm/hr|mm/hour|"
    r"mmhg|mm hg|cmh2o|mmh2o|kpa|ru/ml|au/ml|"
    r"k/μl|k/ul|k/mm3|cells?/mm3|cells?/mm³|/mm3|/mm³|cells?/μl|cells?/ul|/μl|/ul|/hpf|/hp(?![a-z])|/lpf|/lp(?![a-z])|nm(?![a-z])"
)
# A 24-hour collection: "proteinuria 3.5 g/24 h", "porphobilinogen 45 mg/24 hours". Only after a
# named test: without one, "10 mg/24 h" is more often a dose ("/d" and "/day" are left to doses).
PER_DAY_UNIT = r"(?:mg|g|μg|ug|mmol|μmol|umol|meq|ml)\s*/\s*24\s*-?\s*h(?:ours?|rs?)?(?![a-z])"
UNIT = (
    PER_DAY_UNIT
    + "|"
    + LAB_UNIT
    + "|"
    + languages.literal_alternatives(languages.merged("UNIT_WORDS"))  # "bpm", "次/分"
    # "a QTc of 520 ms" (lower case only: "3 MS relapses" is multiple sclerosis)
    + r"|(?-i:ms)(?![A-Za-z])"
    # seconds only as a word of their own: "2.8 SD" is no 2.8 s
    + r"|/min|°c|℃|°f|kg/m2|g/m2|g/m²|kg|cm|mm|fl|pg|sec(?:onds?)?(?![a-z])|s(?![a-z])|ml|%"
    + r"|db(?![a-z])|m(?![a-z])|g(?![a-z])"
)
# What may stand between a test name and its value: "(IgG)", "level was", "为", ":" — a closed set
# of filler tokens, so a value is never borrowed from the next test in a list.
# An opening bracket may hold the value itself: "serum amylase (227 IU/L, normal range 43-116)".
# A test named inside brackets closes them before its value ("international normalized ratio
# (INR) 6.9" read from "INR"), and a bracket may open on the test's abbreviation ("(CEA, 335.2").
FILLER = (
    r"[)）]?"
    rf"(?:\s|[:=：,]|(?<=[A-Za-z])[-–—](?=\s*\d)|\([^()]{{0,15}}\)|（[^（）]{{0,15}}）|"
    # "抗AQP4抗体IgG（判断标准：<3.0 u/mL为阴性）：脑脊液17.67 u/mL": criteria, then the value
    r"[(（][^()（）]{0,60}[)）]\s*[:：]|"
    rf"(?<![A-Za-z])(?P<specimen>{languages.literal_alternatives(languages.merged('SPECIMEN_WORDS'))})(?![a-z])|"
    rf"{languages.alternatives('VALUE_FILLER_WORDS')})*"
    r"(?:[(\[（]\s*(?:[A-Za-z][\w-]{0,10}\s*[,:;]\s*)?)?"
)
# "2.3×10^4 copies/mL", "5.6 × 10⁶ IU/mL" (NFKC has made the superscript "×106"), "4 × 10³
# cells/μL": a power of ten that is part of the number. Right before "/L", "/μL" or "/mm3" it is
# part of a count's unit instead ("2.8×10⁹/L"), which `LAB_UNIT` reads.
SCIENTIFIC = (
    # "5.6E+05 IU/mL": a computer's exponent.
    r"(?:(?:\s*[x×*]\s*10\s*(?:\^|e)?\s*|e(?=[-+]\d))(?P<exp>[-−+]?\d{1,2})(?!\d|\s*/\s*(?:l|ul|μl|µl|mm)(?![a-z]))"
    rf"(?=\s*(?:{UNIT})))?"  # with no unit after it, "13 × 109" may be a count whose unit is left out
)
# Specimens as written ("脑脊液", "CSF") -> the record's word.
SPECIMENS = {key.lower(): value for key, value in languages.merged("SPECIMEN_WORDS").items()}
# Comparators as written ("less than", "≤") -> the record's symbol.
COMPARATORS = {**languages.merged("COMPARATOR_WORDS"), "≤": "<=", "≥": ">="}
VALUE_RE = re.compile(
    # "HCO3- 5.2", "K+ 4.1": an ion's charge ends its name (the vocabulary's keys drop it).
    rf"^(?:[-+](?=\s))?{FILLER}"
    rf"(?P<cmp>[<>≤≥]=?|{languages.literal_alternatives(languages.merged('COMPARATOR_WORDS'))}|<=|>=)?\s*"
    # A minus sign only where a value may start: "BE -24.6 mmol/L", "T值为-3.1" (after a Chinese
    # word: Chinese writes no hyphen between a word and a number).
    # (atomic: "2.5 weeks" must not give up its ".5" to become the result 2)
    rf"(?P<val>(?>(?:(?<=[\s:：={languages.CJK_CHARS}])[-−])?(?:{NUM}))){SCIENTIFIC}"
    rf"(?:\s*/\s*(?P<val2>\d+(?:\.\d+)?))?\s*(?P<unit>{UNIT})?"
    # "thyroglobulin level at 4 weeks", "复查3次": a time or a count, not the result; "height 2.8 SD
    # below the mean": a score, read as one (`PATTERN_RESULTS`), not the height.
    r"(?!\s*(?:weeks?|days?|months?|years?|hours?|hrs?|minutes?|min(?![a-z/])|times|cycles?|doses?|周|天|日|个月|月|年|小时|分钟|钟|次"
    r"|SDS?(?![a-z])|s\.d\.|standard deviations?|个?标准差))",
    re.I,
)
# The same, for the words right after a test name that ends in a Chinese character: a minus at the
# start is the value's sign ("骨密度T值-3.1"), as the look-behind above would say if it could see the name.
VALUE_AFTER_CJK_RE = re.compile(
    VALUE_RE.pattern.replace(
        f"(?:(?<=[\\s:：={languages.CJK_CHARS}])[-−])?",
        f"(?:(?:(?<=[\\s:：={languages.CJK_CHARS}])|^)[-−])?",
        1,
    ),
    re.I,
)
_REFERENCE = languages.alternatives("REFERENCE_WORDS")
RANGE_RE = re.compile(
    rf"(?:{_REFERENCE})[^\d]{{0,20}}(?P<lo>{NUM})\s*(?:-|–|~|～|{languages.alternatives('RANGE_WORDS')})\s*(?P<hi>{NUM})",
    re.I,
)
# "(normal <300 U/L)", "(reference: < 5)": only an upper limit is stated.
UPPER_LIMIT_RE = re.compile(
    rf"(?:{_REFERENCE})[^\d<>≤]{{0,20}}(?:<|≤|{languages.alternatives('UPPER_LIMIT_WORDS')})\s*(?P<hi>{NUM})",
    re.I,
)
# Result symbols of every script; the words come from the languages (`RESULT_WORDS`).
_RESULT_SYMBOLS = {
    "positive": r"\(\s*\++\s*\)",
    "negative": r"\(\s*-\s*\)",
    "high": r"↑|\(h\)",
    "low": r"↓|\(l\)",
    "normal": "",
}
# Interpretations (the keys of a language's `RESULT_WORDS`) in the order they are tried: the first
# that matches wins.
RESULT_ORDER = ("positive", "negative", "high", "low", "normal")
QUALIFIERS = [
    (
        label,
        re.compile(
            "|".join(p for p in (_RESULT_SYMBOLS[label], languages.alternatives("RESULT_WORDS", label)) if p),
            re.I,
        ),
    )
    for label in RESULT_ORDER
]


def value_of(match: re.Match) -> float | None:
    """The number a `VALUE_RE` match wrote, times its power of ten ("2.3×10^4")."""
    value = parse_number(match.group("val"))
    exp = match.group("exp")
    if value is None or not exp:
        return value
    return float(f"{value}e{exp.replace('−', '-')}")


def parse_number(text: str) -> float | None:
    try:
        text = text.replace("−", "-").replace("–", "-")
        text = text.replace(" ", "").replace("\u2009", "").replace("\u202f", "")
        if re.fullmatch(r"-?\d+,\d{1,2}", text):
            return float(text.replace(",", "."))  # a decimal comma: "74,2 mm"
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _unit_key(unit: str) -> str:
    return (
        unit.strip()
        .replace(" ", "")
        .replace("μ", "u")
        .replace("µ", "u")
        .replace("cells/", "/")
        .replace("mm³", "mm3")
        .lower()
    )


# Units as written (lower case, no spaces) -> the record's spelling.
_UNIT_SPELLING = {
    "mmol/l": "mmol/L",
    "umol/l": "umol/L",
    "nmol/l": "nmol/L",
    "pmol/l": "pmol/L",
    "mg/dl": "mg/dL",
    "mg/l": "mg/L",
    "g/dl": "g/dL",
    "g/l": "g/L",
    "ng/ml": "ng/mL",
    "ng/dl": "ng/dL",
    "pg/ml": "pg/mL",
    "ug/l": "ug/L",
    "ug/dl": "ug/dL",
    "copies/ml": "copies/mL",
    "copy/ml": "copies/mL",
    "cp/ml": "copies/mL",
    "miu/l": "mIU/L",
    "miu/ml": "mIU/mL",
    "uiu/ml": "uIU/mL",
    "iu/l": "IU/L",
    "iu/ml": "IU/mL",
    "u/l": "U/L",
    "u/ml": "U/mL",
    "meq/l": "mEq/L",
    "mm/1h": "mm/h",
    "mm/hr": "mm/h",
    "mm/hour": "mm/h",
    "mmhg": "mmHg",
    "cmh2o": "cmH2O",
    "mmh2o": "mmH2O",
    # "eGFR 98 mL/(min·1.73 m2)", "肾素活性0.1 ng/(mL·h)": Chinese journals bracket the denominator.
    "ml/(min·1.73m2)": "mL/min/1.73m2",
    "ml/(min•1.73m2)": "mL/min/1.73m2",
    "ml/(min.1.73m2)": "mL/min/1.73m2",
    "ml/(min1.73m2)": "mL/min/1.73m2",
    "ng/(ml·h)": "ng/mL/h",
    "ng/(ml•h)": "ng/mL/h",
    "ng/(ml.h)": "ng/mL/h",
    "ng/(mlh)": "ng/mL/h",
    "mosm/l": "mOsm/L",
    "ru/ml": "RU/mL",
    "au/ml": "AU/mL",
    "kpa": "kPa",
    "°c": "C",
    "℃": "C",
    "°f": "F",
    "ml": "mL",
    "fl": "fL",
    "/ul": "/uL",
    "/mm³": "/mm3",
    "cells/ul": "/uL",
    "cell/ul": "/uL",
    "permicroliter": "/uL",
    "perul": "/uL",
    "permm3": "/mm3",
    "percubicmillimeter": "/mm3",
    "ngpermilliliter": "ng/mL",
    "ngpermillilitre": "ng/mL",
    "mgperdeciliter": "mg/dL",
    "mgperdecilitre": "mg/dL",
    "pgpermilliliter": "pg/mL",
    "mg/liter": "mg/L",
    "g/liter": "g/L",
    "ng/l": "ng/L",
    "pg/l": "pg/L",
    "ug/ml": "ug/mL",
    "mg/ml": "mg/mL",
    "ukat/l": "ukat/L",
    "ml/min": "mL/min",
    "l/min": "L/min",
    "l/min/m2": "L/min/m2",
    "l/min/m²": "L/min/m2",
    "nm": "nmol/L",
    "db": "dB",
    "/hpf": "/HPF",
    "/hp": "/HPF",
    "/lpf": "/LPF",
    "/lp": "/LPF",
    **{_unit_key(written): unit for written, unit in languages.merged("UNIT_WORDS").items()},
}


def normalise_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.strip().replace(" ", "").replace("μ", "u").replace("µ", "u").replace("个/", "/")
    if u in ("G/L", "G/l"):
        return "10^9/L"  # giga per litre: "WBC 12.5 G/L" (grams are written g/L)
    if u in ("T/L", "T/l"):
        return "10^12/L"
    u = u.replace("cells/", "/").replace("Cells/", "/")
    u = u.replace("mm³", "mm3")
    low = u.lower()
    if low in _UNIT_SPELLING:
        return _UNIT_SPELLING[low]
    per_day = re.fullmatch(r"(mg|g|ug|mmol|umol|meq|ml)/24-?h(?:ours?|rs?)?", low)
    if per_day:
        return _UNIT_SPELLING.get(per_day.group(1), per_day.group(1)) + "/24h"  # the dev golds' spelling
    if re.fullmatch(
        r"k/(?:ul|mm3)|(?:x|×|\*)?10(?:\^|e)?9/l|×10⁹/l|(?:x|×|\*)?10(?:\^|e)?3/(?:ul|mm3)|×10³/(?:ul|mm3)",
        low,
    ):
        return "10^9/L"
    if re.fullmatch(r"(?:x|×|\*)?10(?:\^|e)?6/(?:ul|mm3)|×10⁶/(?:ul|mm3)", low):
        return "10^12/L"
    if re.fullmatch(r"(?:x|×|\*)?10(?:\^|e)?12/l|×10¹²/l", low):
        return "10^12/L"
    if re.fullmatch(r"(?:x|×|\*)?10(?:\^|e)?6/l|×10⁶/l", low):
        return "10^6/L"  # cerebrospinal fluid and other body-fluid cell counts
    return u


# Units a report often leaves out ("temperature 39", "heart rate 120"); for others a bare number
# may be a fraction or another scale ("中性粒细胞0.78"), so it is not compared with the table.
UNITLESS_OK = frozenset({"C", "/min", "mmHg", "%", "ratio", "score"})
_UNIT_EQUIVALENT = {
    "uiu/ml": "miu/l",
    "uu/ml": "miu/l",  # insulin: μU/mL and mU/L are one unit
    "mu/l": "miu/l",
    "ug/l": "ng/ml",
    "mcg/l": "ng/ml",
    "iu/l": "u/l",
    "/min": "/min",
}


def same_unit(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.lower().replace("μ", "u"), b.lower().replace("μ", "u")
    return _UNIT_EQUIVALENT.get(a, a) == _UNIT_EQUIVALENT.get(b, b)


# Mass and amount concentrations, in g/L and mol/L: conventional (US) units against SI ones.
_GRAMS_PER_LITRE = {
    "g/l": 1.0,
    "g/dl": 10.0,
    "mg/ml": 1.0,
    "mg/dl": 1e-2,
    "mg/l": 1e-3,
    "ug/ml": 1e-3,
    "ug/dl": 1e-5,
    "ug/l": 1e-6,
    "mcg/l": 1e-6,
    "ng/ml": 1e-6,
    "ng/dl": 1e-8,
    "ng/l": 1e-9,
    "pg/ml": 1e-9,
}
_MOLES_PER_LITRE = {"mol/l": 1.0, "mmol/l": 1e-3, "umol/l": 1e-6, "nmol/l": 1e-9, "pmol/l": 1e-12}
# Grams per mole of what a test measures, for mass <-> amount ("bilirubin 5.06 mg/dL" against a
# reference in umol/L). Urea nitrogen is reported as the nitrogen of urea (2 N, 28 g/mol); phosphate
# as phosphorus.
MOLAR_MASS = {
    "total bilirubin": 584.66,
    "direct bilirubin": 584.66,
    "indirect bilirubin": 584.66,
    "creatinine": 113.12,
    "glucose": 180.16,
    "CSF glucose": 180.16,
    "BUN": 28.02,
    "uric acid": 168.11,
    "calcium": 40.08,
    "phosphate": 30.97,
    "phosphorus": 30.97,  # the curated lexicon's name for the same test
    "magnesium": 24.305,
    "cholesterol": 386.65,
    "LDL": 386.65,
    "HDL": 386.65,
    "total cholesterol": 386.65,
    "LDL cholesterol": 386.65,
    "HDL cholesterol": 386.65,
    "triglycerides": 885.7,
    "ammonia": 17.03,
    "lactate": 90.08,
    "iron": 55.845,
    "serum iron": 55.845,
    # thyroxine and triiodothyronine: Chinese laboratories give FT4/FT3 in pmol/L, the table in ng/dL, pg/mL
    "free T4": 776.87,
    "total T4": 776.87,
    "free T3": 650.97,
    "total T3": 650.97,
}


# Charges per ion, for milliequivalents ("potassium 2.8 mEq/L" is 2.8 mmol/L; calcium 2 mEq/L is
# 1 mmol/L): the electrolytes reports give in mEq/L.
VALENCE = {
    "sodium": 1,
    "potassium": 1,
    "chloride": 1,
    "bicarbonate": 1,
    "total CO2": 1,
    "anion gap": 1,
    "lithium": 1,
    "calcium": 2,
    "magnesium": 2,
}


def to_unit(value: float, unit: str | None, target: str, analyte: str | None = None) -> float | None:
    """`value` in `target` units when the two units are the same or a known scale apart: counts per
    mm3 and 10^9/L, any two mass concentrations, any two amount concentrations, mass against
    amount for the tests of `MOLAR_MASS`, and equivalents against amount for the ions of `VALENCE`."""
    if same_unit(unit, target):
        return value
    u = (unit or "").lower().replace("μ", "u").replace("cells", "")
    t = target.lower().replace("μ", "u")
    charge = VALENCE.get(analyte or "")
    if charge and u == "meq/l" and t != "meq/l":
        return to_unit(value / charge, "mmol/L", target, analyte)
    if charge and t == "meq/l" and u != "meq/l":
        amount = to_unit(value, unit, "mmol/L", analyte)
        return None if amount is None else amount * charge
    if target == "10^9/L" and u in ("/mm3", "/ul"):
        return value / 1000  # 2,800/mm3 = 2.8 x 10^9/L
    if target == "10^6/L" and u in ("/mm3", "/ul"):
        return value  # 35 cells/mm3 = 35 x 10^6/L
    if u in _GRAMS_PER_LITRE and t in _GRAMS_PER_LITRE:
        return value * _GRAMS_PER_LITRE[u] / _GRAMS_PER_LITRE[t]
    if u in _MOLES_PER_LITRE and t in _MOLES_PER_LITRE:
        return value * _MOLES_PER_LITRE[u] / _MOLES_PER_LITRE[t]
    grams_per_mole = MOLAR_MASS.get(analyte or "")
    if grams_per_mole is None:
        return None
    if u in _GRAMS_PER_LITRE and t in _MOLES_PER_LITRE:
        return value * _GRAMS_PER_LITRE[u] / grams_per_mole / _MOLES_PER_LITRE[t]
    if u in _MOLES_PER_LITRE and t in _GRAMS_PER_LITRE:
        return value * _MOLES_PER_LITRE[u] * grams_per_mole / _GRAMS_PER_LITRE[t]
    return None


def measured_in(unit: str | None, info: Analyte) -> bool:
    """Whether `unit` is one the test `info` is measured in (its unit, or one `to_unit` converts
    from): "Cr 186 μmol/L" is a creatinine result, "PT 3 times weekly" no prothrombin time."""
    return unit is not None and to_unit(1.0, unit, info.ref_unit or info.unit, info.name) is not None


def interpretation_from_range(
    value: float, low: float | None, high: float | None, comparator: str | None
) -> str | None:
    if low is None and high is None:
        return None
    # `comparator` is a symbol (see COMPARATORS); anything else is read as no comparator.
    if comparator in ("<", "≤", "<=") and low is not None and value <= low:
        return "low"  # "TSH <0.01 mIU/L": below the detection limit, under the interval
    if comparator in ("<", "≤", "<=") and high is not None:
        return "normal" if value <= high else None
    if comparator in (">", "≥", ">=") and high is not None:
        return "high" if value >= high else None
    if high is not None and value > high:
        return "high"
    if low is not None and value < low:
        return "low"
    return "normal"
