"""Report text -> extraction record (the contract in DESIGN.md, "Extraction record").

Order of work: normalise (keeping the offset map) -> detect language -> sentences, sections and
patients -> one Aho-Corasick pass for every vocabulary mention -> per sentence of the case part:
demographics, features, diagnoses, measurements (and the features they imply), treatments,
outcomes -> per patient clean-up.

Facts are reported per mention: a finding named three times gives three entries with the same code,
each with its own evidence, so that the case page can highlight every place and the curator can
judge each. Consumers that want one row per finding group by (code, excluded).
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass, field

from vocab.hpo import load_hpo
from vocab.languages import detect_language

from . import frequency as freq
from .context import context_of
from .normalize import Normalised, normalise
from .structure import CASE, Sentence, layout
from .vocabulary import (
    ANALYTE,
    DISEASE,
    DRUG,
    FINDING,
    HPO,
    Concept,
    Mention,
    Vocabulary,
    key_text,
    load_vocabulary,
)

TIME_BUDGET = 20.0  # seconds of fact extraction per report before it stops and says so
MAX_CHARS = 600_000  # a case report is far shorter (a book chapter at most); beyond this nothing is read


@dataclass(slots=True)
class Patient:
    sex: str = "unknown"
    sex_evidence: dict | None = None
    age: dict | None = None
    features: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    measurements: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = {
            "sex": self.sex,
            "age": self.age,
            "features": self.features,
            "diagnoses": self.diagnoses,
            "measurements": self.measurements,
            "treatments": self.treatments,
            "outcomes": self.outcomes,
        }
        if self.sex_evidence:
            out["sex_evidence"] = self.sex_evidence
        return out


@dataclass(slots=True)
class Doc:
    norm: Normalised
    text: str  # normalised text
    key: str  # matcher view of it
    language: str
    sentences: list[Sentence]
    starts: list[int]
    mentions: list[Mention]
    vocab: Vocabulary
    latest_year: int | None = None  # the last year the case part names: the report's "now"

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def ev(self, start: int, end: int) -> dict:
        return self.norm.evidence(start, end)


# ----------------------------------------------------------------- demographics
_SUMMARY_CUE_EN = re.compile(
    r"\bwe (?:describe|report|present)|\bcase (?:of|report|series)|\ba case\b|\bpatients? with\b|"
    r"\b(?:man|woman|boy|girl|child|infant|siblings?|brothers|sisters) with\b",
    re.I,
)
_SUMMARY_CUE_ZH = re.compile(r"报道|报告|病例|1例|一例|\d例|例患者")
_AGE_EN = re.compile(
    r"\b(\d{1,3}(?:\.\d)?)\s*[- ]?\s*(years?|yrs?|y|months?|mos?|weeks?|wks?|days?)\s*[- ]?\s*old\b"
    r"|\b(\d{1,3})\s+(years?|months?|weeks?|days?)\s+of\s+age\b"
    r"|\baged?\s*(?:of\s*)?(\d{1,3})\b(?:\s*(years?|months?))?"
    r"|\b(\d{1,3})\s*[- ]?\s*(y/?o|yo)\b",  # "45 y/o", "45-yo"
    re.I,
)
_AGE_ZH = re.compile(
    r"(\d{1,3})\s*岁(?:\s*(\d{1,2})\s*个?月)?|(\d{1,2})\s*个?月(?:龄|大|婴儿|患儿|(?=[,，]))|(\d{1,2})\s*(?:天|日)龄"
)
_SEX_EN = re.compile(
    r"\b(man|woman|male|female|boy|girl|gentleman|lady|men|women|mr|mrs|ms|gravida|pregnant|primigravida|"
    r"g\d+\s*p\d+)\b",  # "G3P2": obstetric history, a woman
    re.I,
)
# "a 12-year-old boy", "his 8-year-old sister": the noun after the age names the patient.
_AGE_NOUN_EN = re.compile(
    r"(?:year|month|week|day)s?[- ]old\s+(?:[a-z]+\s+){0,3}?"
    r"(man|woman|boy|girl|male|female|gentleman|lady|infant\s+(?:boy|girl)|sister|brother|daughter|son|"
    r"mother|father|wife|husband|aunt|uncle|niece|nephew|twin\s+(?:sister|brother))\b",
    re.I,
)
_FEMALE_RELATIVES = {"sister", "daughter", "mother", "wife", "aunt", "niece"}
_PRONOUN_EN = re.compile(r"\b(he|his|him|she|her|hers)\b", re.I)
_SEX_ZH = re.compile(
    r"(男|女)(?=[,，、\s]*\d{1,3}\s*岁)|(?:患者|患儿|病人)[,，\s]*(男|女)|(男|女)(?:性)?(?:患者|患儿)|(男|女)性"
)
_FEMALE_RE = re.compile(r"g\d+\s*p\d+", re.I)
_FEMALE = {
    "woman",
    "female",
    "girl",
    "lady",
    "women",
    "mrs",
    "ms",
    "gravida",
    "pregnant",
    "primigravida",
    "女",
}


def _age_years(number: str, unit: str) -> float:
    value = float(number)
    unit = (unit or "y").lower()
    if unit.startswith("mo") or unit == "月":
        return round(value / 12, 2)
    if unit.startswith("w"):
        return round(value / 52, 2)
    if unit.startswith("d") or unit in ("天", "日"):
        return round(value / 365, 3)
    return value


def _demographics(doc: Doc, patient: Patient, spans: list[tuple[int, int]]) -> None:
    text = doc.text
    for start, end in spans:
        chunk = text[start:end]
        if patient.age is None:
            if doc.language == "zh":
                m = _AGE_ZH.search(chunk)
                if m:
                    if m.group(1):
                        years = float(m.group(1)) + (float(m.group(2)) / 12 if m.group(2) else 0)
                    elif m.group(3):
                        years = _age_years(m.group(3), "月")
                    else:
                        years = _age_years(m.group(4), "天")
                    patient.age = {
                        "years": round(years, 2),
                        "evidence": doc.ev(start + m.start(), start + m.end()),
                    }
            else:
                m = _AGE_EN.search(chunk)
                if m:
                    number = m.group(1) or m.group(3) or m.group(5) or m.group(7)
                    unit = m.group(2) or m.group(4) or m.group(6) or "years"
                    years = _age_years(number, unit)
                    if years <= 120:
                        patient.age = {"years": years, "evidence": doc.ev(start + m.start(), start + m.end())}
        if patient.sex == "unknown" and doc.language != "zh":
            m = _AGE_NOUN_EN.search(chunk)
            if m:
                word = m.group(1).lower().split()[-1]
                patient.sex = "female" if word in _FEMALE or word in _FEMALE_RELATIVES else "male"
                patient.sex_evidence = doc.ev(start + m.start(1), start + m.end(1))
        if patient.sex == "unknown":
            m = (_SEX_ZH if doc.language == "zh" else _SEX_EN).search(chunk)
            if m:
                word = next(g for g in m.groups() if g) if m.groups() else m.group(0)
                patient.sex = "female" if word.lower() in _FEMALE or _FEMALE_RE.fullmatch(word) else "male"
                gi = next(i for i, g in enumerate(m.groups(), 1) if g) if m.groups() else 0
                patient.sex_evidence = doc.ev(start + m.start(gi), start + m.end(gi))
        if patient.age is not None and patient.sex != "unknown":
            return
    if patient.sex == "unknown" and doc.language != "zh":
        # No sex noun: the pronouns decide, when they agree clearly.
        he = she = 0
        for start, end in spans:
            for m in _PRONOUN_EN.finditer(text, start, end):
                if m.group(1).lower() in ("he", "his", "him"):
                    he += 1
                else:
                    she += 1
        if he >= 2 * she + 1:
            patient.sex = "male"
        elif she >= 2 * he + 1:
            patient.sex = "female"


# ----------------------------------------------------------------- helpers
_YEAR_ZH = re.compile(r"((?:19|20)\d\d)\s*年")
# A year, not a quantity: "in 2009", "March 2009" but not "2000 mg" or "1,950 cells".
_YEAR_EN = re.compile(
    r"(?<![\d,.])((?:19|20)\d\d)\b"
    r"(?!\s*(?:mg|g|ml|l|iu|u|units?|cells|μg|ug|mcg|kg|mm|cm|ng|pg|mmol|meq|%|/|,\d|\.\d)(?![a-z]))",
    re.I,
)


def _most_specific(concepts: tuple[Concept, ...]) -> Concept:
    if len(concepts) == 1:
        return concepts[0]
    hpo = load_hpo()

    def depth(c: Concept) -> int:
        term = hpo.get(c.code)
        return len(term.ancestors) if term else 0

    return max(concepts, key=depth)


_DX_CUE_EN = re.compile(
    r"(?:diagnos(?:ed|is|es)\b(?:\s+(?:was|of|as|with|had|is))*|consistent with|compatible with|confirmed|suggestive of|impression of|"  # noqa: E501 - a pattern reads best on one line
    r"found to have|proven)\s*(?:an?|the|primary|secondary|acute|chronic|severe|typical|definite)?\s*"
    # "diagnosed with DKA and thyroid storm": the cue covers every item of the list
    r"(?:[\w'-]+(?:\s+[\w'-]+){0,3}\s*(?:,\s*and|,|and|or)\s+(?:an?\s+|the\s+)?){0,3}$",
    re.I,
)
# "methimazole-induced neutropenia was suspected", "... was diagnosed"
_DX_POST_EN = re.compile(
    r"\s*(?:was|were|is)\s+(?:(suspected|considered|likely)|diagnosed|confirmed|established)\b", re.I
)
_DX_LIST_ZH = re.compile(r"(?:入院|出院|临床|最终|术后|初步)?诊断[:：]")  # "诊断：A，B，C"
_DX_CUE_ZH = re.compile(r"(?:诊断|确诊|诊为|考虑)[为是:]?\s*[\"“]?\s*$")
_HISTORY_CUE_EN = re.compile(
    r"(?:history of|known|previous|prior|previously diagnosed)\s*(?:\w+\s+){0,3}$", re.I
)
# "a 3-month history of dyspnea" dates the present illness; it is not a past diagnosis.
_DURATION_HISTORY = re.compile(r"\d+[- ](?:day|week|month|year)s?[- ]history of\s*(?:[\w-]+\s+){0,3}$", re.I)
_HISTORY_CUE_ZH = re.compile(r"(?:既往|曾经?|素有|原有|早年)[^,，。]{0,12}$")


# ----------------------------------------------------------------- measurements
_NUM = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
_UNIT = (
    r"(?:x|×|\*)?\s*10\s*(?:\^|e)?\s*(?:9|12|6|3)\s*/\s*l|×10⁹/l|×10¹²/l|"
    r"mmol/l|μmol/l|umol/l|nmol/l|pmol/l|mg/dl|mg/l|g/dl|g/l|ng/ml|ng/dl|pg/ml|μg/l|ug/l|μg/dl|ug/dl|"
    r"miu/l|miu/ml|μiu/ml|uiu/ml|iu/l|iu/ml|u/l|u/ml|meq/l|mosm/kg|mm/1h|mm/h|mm/hr|mm/hour|mmhg|cmh2o|kpa|"
    r"cells/mm3|cells/mm³|/mm3|/mm³|/μl|/ul|/hpf|cells/μl|cells/ul|beats/min|beats per minute|bpm|breaths/min|/min|"  # noqa: E501 - a pattern reads best on one line
    r"°c|℃|°f|次/分|次/min|kg/m2|kg|cm|mm|fl|pg|sec|s|ml|l/min|%|m(?![a-z])|g(?![a-z])"
)
# What may stand between a test name and its value: "(IgG)", "level was", "为", ":" — a closed set
# of filler tokens, so a value is never borrowed from the next test in a list.
_FILLER = (
    r"(?:\s|[:=：,]|\([^()]{0,15}\)|（[^（）]{0,15}）|为|约|是|达|升至|降至|高达|"
    r"(?:was|were|is|are|of|at|level|levels|count|counts|titer|titre|concentration|value|values|measured|"
    r"reached|increased to|elevated to|decreased to|rose to|fell to|dropped to|about|approximately|around|"
    r"a|an|the|serum|plasma|blood|total|peak|maximum|showed|revealed|initially|only|still|again|had|has|have|been|"
    r"score|scored|reading|result|"
    r"elevated|raised|increased|decreased|high|low|mildly|markedly|slightly)(?![a-z]))*"
)
_VALUE_RE = re.compile(
    rf"^{_FILLER}"
    r"(?P<cmp>[<>≤≥]=?|less than|greater than|more than|below|above|over|under|up to|higher than|lower than|<=|>=)?\s*"  # noqa: E501 - a pattern reads best on one line
    rf"(?P<val>{_NUM})(?:\s*/\s*(?P<val2>\d+(?:\.\d+)?))?\s*(?P<unit>{_UNIT})?",
    re.I,
)
_RANGE_RE = re.compile(
    rf"(?:normal|reference|ref\.?|range|参考值|参考范围|正常值|正常)[^\d]{{0,20}}(?P<lo>{_NUM})\s*(?:-|–|~|～|to)\s*(?P<hi>{_NUM})",
    re.I,
)
_QUAL_RE = [
    (
        "positive",
        re.compile(
            r"弱阳性|阳性|\(\s*\++\s*\)|(?<![\w-])(?:strongly |weakly |diffusely |focally )?positiv(?:e|ity)\b|\bdetected\b|\breactive\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
    (
        "negative",
        re.compile(
            r"阴性|\(\s*-\s*\)|(?<![\w-])negative\b|\bnot detected\b|\bnon-?reactive\b|\bundetectable\b", re.I
        ),
    ),
    (
        "high",
        re.compile(
            r"↑|\(h\)|升高|增高|偏高|增快|增加|(?<![\w-])(?:elevated|raised|increased|high|higher|abnormally high|markedly elevated)\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
    (
        "low",
        re.compile(
            r"↓|\(l\)|降低|减低|偏低|减少|下降|(?<![\w-])(?:decreased|reduced|low|lower|depressed|diminished)\b",
            re.I,
        ),
    ),
    (
        "normal",
        re.compile(
            r"正常|(?<![\w-])(?:normal|within normal limits|unremarkable|within (?:the )?(?:normal|reference) (?:range|limits|intervals?))\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
]
# "(normal <300 U/L)", "(reference: < 5)": only an upper limit is stated.
_UPPER_LIMIT_RE = re.compile(
    rf"(?:normal|reference|ref\.?|range|参考值|参考范围|正常值|正常)[^\d<>≤]{{0,20}}(?:<|≤|less than|below|up to)\s*(?P<hi>{_NUM})",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
_PRE_QUAL_EN = re.compile(
    r"(elevated|raised|increased|high|higher|low|decreased|reduced|suppressed|positive|negative|normal|"
    r"elevation|increase|rise|decrease|reduction|drop)\s+(?:(?:of|in)\s+)?"
    r"(?:serum\s+|plasma\s+|blood\s+|levels? of\s+)?$",
    re.I,
)


_GENERIC_VALUE = re.compile(
    r"(?<![\w.])(?P<cmp>[<>≤≥]=?\s*)?(?P<val>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)(?:\s*/\s*\d+(?:\.\d+)?)?\s*"
    r"(?P<unit>%|iu/l|u/l|mg/dl|ng/ml|ng/dl|mmhg|g/dl|pg/ml|/mm3|/mm³|/μl|/ul|g/l|mmol/l|μmol/l|umol/l|meq/l|miu/l|"
    r"bpm|beats/min|beats per minute|breaths/min|/min|°c|℃|(?:x|×)\s*10\^?\d+\s*/\s*l)(?![a-z])",
    re.I,
)
_GENERIC_QUAL = re.compile(
    r"(?<![\w-])(?:(?:strongly|weakly|diffusely|focally)\s+)?(?:positive|positivity|negative|negativity|within normal (?:limits|ranges?)|"  # noqa: E501 - a pattern reads best on one line
    r"unremarkable|uneventful|elevated|increased|raised|reduced|decreased|normali[sz]ed|diminished|depressed|abnormal|normal)(?![\w-])"
    r"|\(\s*(?:\+{1,4}|-)\s*\)"
    # Marker status written as a suffix: "CD56+ CD138+", "CD19-".
    r"|(?<=[A-Za-z0-9])(?<=\d|[A-Z])(?:\+{1,3}|-)(?=[\s,;.)]|$)",
    re.I,
)
_GENERIC_WORDS = {
    "positivity": "positive",
    "negativity": "negative",
    "within normal limits": "normal",
    "within normal range": "normal",
    "within normal ranges": "normal",
    "unremarkable": "normal",
    "uneventful": "normal",
    "elevated": "high",
    "increased": "high",
    "raised": "high",
    "reduced": "low",
    "decreased": "low",
    "diminished": "low",
    "depressed": "low",
    "normalized": "normal",
    "normalised": "normal",
    "+": "positive",
    "-": "negative",
    "abnormal": "abnormal",
}
_SUBJECT_STOP = re.compile(
    r"\b(?:was|were|is|are|be|been|being|of|at|showed|revealed|demonstrated|came back|remained|became|with|and|had|has|found|to)\b|[,;:()]",  # noqa: E501 - a pattern reads best on one line
    re.I,
)
_DETERMINERS = re.compile(r"^(?:the|a|an|his|her|their|its|both|all|serum|plasma)\s+", re.I)


def _subject_phrase(before: str, after: str) -> str | None:
    """The test a result is said of: the last words before "was/were/of…" ("the biopsy was
    positive" -> "biopsy"), else the words right after ("positive for S-100" -> "s-100")."""
    chunk = before.rstrip()
    chunk = re.sub(
        r"(?:\s+(?:was|were|is|are|came back|remained|became|of|at|showed|revealed|markedly|mildly|slightly|significantly|highly|strongly|weakly|also|all|both|found to be|noted to be))+$",  # noqa: E501 - a pattern reads best on one line
        "",
        chunk,
        flags=re.I,
    )
    parts = _SUBJECT_STOP.split(chunk)
    words = parts[-1].strip().split() if parts else []
    phrase = " ".join(words[-4:])
    phrase = _DETERMINERS.sub("", phrase).strip(" .")
    if not phrase:
        m = re.match(r"\s*(?:for|in)\s+([\w\-/ ]{2,40}?)(?:[,.;]|\s+(?:and|was|were|in)\b|$)", after)
        phrase = m.group(1).strip() if m else ""
    return phrase.lower() or None


_TITER_RE = re.compile(r"^[^\d;,，。]{0,12}?(1\s*[:∶/]\s*(\d{1,6}))(?!\d)")

# Values outside these bounds are not the patient's vital signs (a device setting, a typo).
_PLAUSIBLE = {
    "body temperature": (30.0, 43.5),
    "heart rate": (15.0, 320.0),
    "respiratory rate": (3.0, 90.0),
    "SpO2": (30.0, 100.0),
}


def _parse_number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _unit_norm(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.strip().replace(" ", "").replace("μ", "u").replace("µ", "u").replace("cells/", "/")
    u = u.replace("mm³", "mm3")
    low = u.lower()
    table = {
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
        "kpa": "kPa",
        "°c": "C",
        "℃": "C",
        "°f": "F",
        "bpm": "/min",
        "次/分": "/min",
        "次/min": "/min",
        "beats/min": "/min",
        "beatsperminute": "/min",
        "breaths/min": "/min",
        "ml": "mL",
        "fl": "fL",
        "/ul": "/uL",
        "/mm³": "/mm3",
        "cells/ul": "/uL",
    }
    if low in table:
        return table[low]
    if re.fullmatch(r"(?:x|×|\*)?10(?:\^|e)?9/l|×10⁹/l", low):
        return "10^9/L"
    if re.fullmatch(r"(?:x|×|\*)?10(?:\^|e)?12/l|×10¹²/l", low):
        return "10^12/L"
    return u


# Units a report often leaves out ("temperature 39", "heart rate 120"); for others a bare number
# may be a fraction or another scale ("中性粒细胞0.78"), so it is not compared with the table.
_UNITLESS_OK = frozenset({"C", "/min", "mmHg", "%", "ratio", "score"})
_UNIT_EQUIVALENT = {
    "uiu/ml": "miu/l",
    "mu/l": "miu/l",
    "ug/l": "ng/ml",
    "mcg/l": "ng/ml",
    "iu/l": "u/l",
    "/min": "/min",
}


def _same_unit(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.lower().replace("μ", "u"), b.lower().replace("μ", "u")
    return _UNIT_EQUIVALENT.get(a, a) == _UNIT_EQUIVALENT.get(b, b)


def _to_unit(value: float, unit: str | None, target: str) -> float | None:
    """`value` in `target` units when the two units are the same or a known scale apart."""
    if _same_unit(unit, target):
        return value
    u = (unit or "").lower().replace("μ", "u").replace("cells", "")
    if target == "10^9/L" and u in ("/mm3", "/ul"):
        return value / 1000  # 2,800/mm3 = 2.8 x 10^9/L
    if target == "g/L" and u == "g/dl":
        return value * 10
    return None


def _interpretation_from_range(
    value: float, low: float | None, high: float | None, comparator: str | None
) -> str | None:
    if low is None and high is None:
        return None
    if comparator in ("<", "≤", "<=", "less than", "below", "under", "lower than") and high is not None:
        return "normal" if value <= high else None
    if (
        comparator in (">", "≥", ">=", "greater than", "more than", "above", "over", "higher than")
        and high is not None
    ):
        return "high" if value >= high else None
    if high is not None and value > high:
        return "high"
    if low is not None and value < low:
        return "low"
    return "normal"


_COMPARATORS = {
    "less than": "<",
    "below": "<",
    "under": "<",
    "lower than": "<",
    "up to": "<=",
    "greater than": ">",
    "more than": ">",
    "above": ">",
    "over": ">",
    "higher than": ">",
    "≤": "<=",
    "≥": ">=",
}


# ----------------------------------------------------------------- treatments
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


# ----------------------------------------------------------------- outcomes
_OUTCOMES_ZH = [
    ("stable", re.compile(r"稳定|未再加重|无新增|无进展|未见进展|无明显变化|未再复发|无复发")),
    ("died", re.compile(r"死亡|去世|病逝")),
    ("resolved", re.compile(r"消失|痊愈|治愈|愈合|消退|恢复正常|完全缓解")),
    ("recurred", re.compile(r"复发|再发|再次出现")),
    ("worsened", re.compile(r"加重|恶化|进展|加剧")),
    ("improved", re.compile(r"好转|改善|缩小|减轻|缓解|减少|下降|控制(?:良好|尚可|稳定|可)|得到控制")),
]
_OUTCOMES_EN = [
    (
        "stable",
        re.compile(
            r"\b(?:remained stable|stable|unchanged|no (?:further )?progression|no recurrence|no new)\b", re.I
        ),
    ),
    ("died", re.compile(r"\b(?:died|death|passed away|expired|deceased|succumbed)\b", re.I)),
    (
        "resolved",
        re.compile(
            r"\b(?:resolved|resolution|disappeared|complete(?:ly)? (?:remission|recovery|response)|recovered|cured|healed|normali[sz]ed|normali[sz]ation|(?:attack|symptom|disease|recurrence|seizure|pain)[- ]free|asymptomatic|in remission)\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
    ),
    ("recurred", re.compile(r"\b(?:recurred|recurrence|relapsed?|reappeared|recurrent)\b", re.I)),
    (
        "worsened",
        re.compile(
            r"\b(?:worsened|worsening|deteriorat(?:ed|ion)|progressed|progression|exacerbat(?:ed|ion)|aggravated)\b",
            re.I,
        ),
    ),
    (
        "improved",
        re.compile(
            r"\b(?:improved|improvement|improving|better|decreased in size|shrank|shrunk|regressed|regression|alleviated|relieved|subsided|partial (?:remission|response)|reduced in size|less frequent|less severe|decreased in frequency|good (?:general )?condition|"  # noqa: E501 - a pattern reads best on one line
            r"recovered uneventfully|uneventful recovery|was discharged|discharged home)\b",
            re.I,
        ),
    ),
]
# One alternation per language; at one position the earlier direction wins, and a longer cue that
# starts earlier ("未再加重", "no progression") is found before the shorter one inside it.
_OUTCOME_ZH_RE = re.compile("|".join(f"(?P<{d}>{p.pattern})" for d, p in _OUTCOMES_ZH))
_OUTCOME_EN_RE = re.compile("|".join(f"(?P<{d}>{p.pattern})" for d, p in _OUTCOMES_EN), re.I)
_WORD_RE = re.compile(r"[a-z]+")
# Every word that can start or anchor an English outcome cue (see _OUTCOMES_EN).
_OUTCOME_EN_WORDS = frozenset(
    """
    stable unchanged progression recurrence new died death passed expired deceased succumbed resolved
    resolution disappeared remission recovery response recovered cured healed normalized normalised
    normalization normalisation free asymptomatic recurred relapse relapsed reappeared recurrent
    worsened worsening deteriorated deterioration progressed exacerbated exacerbation aggravated improved
    improvement improving better decreased shrank shrunk regressed regression alleviated relieved subsided
    partial reduced less good uneventfully uneventful discharged
    """.split()
)
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|mm)(?![A-Za-z])", re.I)
_FOLLOW_UP_ZH = re.compile(
    r"((?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?)\s*随访|随访\s*(\d+)\s*(?:个)?(天|周|月|年)|随访时"
)
_FOLLOW_UP_EN = re.compile(
    r"(?:follow(?:ed)?[- ]up (?:of|for|after|at)?\s*|after\s+|at\s+)(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several)\s*[- ]?(days?|weeks?|months?|years?)(?:[- ]follow[- ]up)?",  # noqa: E501 - a pattern reads best on one line
    re.I,
)


# ================================================================= the extractor
class Extractor:
    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or load_vocabulary()

    def run(self, text: str, *, source: str | None, language: str | None) -> dict:
        truncated = len(text) > MAX_CHARS
        body = text[:MAX_CHARS]
        lang = language if language in ("zh", "en") else detect_language(body)
        record: dict = {"source": source, "language": lang, "patients": []}
        if truncated:
            record["truncated_at"] = MAX_CHARS
        if lang == "und" or not body.strip():
            record["language"] = language or "und"
            return record
        norm = normalise(body, language=lang)
        key = key_text(norm.text)
        sentences, n_patients = layout(norm.text, lang)
        doc = Doc(
            norm=norm,
            text=norm.text,
            key=key,
            language=lang,
            sentences=sentences,
            starts=[s.start for s in sentences],
            mentions=[],
            vocab=self.vocab,
        )
        doc.mentions = _with_inn_stems(doc, _with_abbreviations(doc, self.vocab.find(key)))
        case_years = [
            int(next(g for g in ym.groups() if g))
            for s_ in sentences
            if s_.section == CASE
            for ym in (_YEAR_ZH if lang == "zh" else _YEAR_EN).finditer(doc.text, s_.start, s_.end)
        ]
        doc.latest_year = max(case_years) if case_years else None
        patients = [Patient() for _ in range(n_patients)]
        for i, patient in enumerate(patients):
            spans = [(s.start, s.end) for s in sentences if s.patient == i and s.section == CASE]
            if not spans:
                spans = [(s.start, s.end) for s in sentences if s.patient == i]
            _demographics(doc, patient, spans)
        by_sentence: dict[int, list[Mention]] = {}
        for m in doc.mentions:
            by_sentence.setdefault(doc.sentence_of(m.start), []).append(m)
        year: str | None = None
        deadline = time.monotonic() + TIME_BUDGET
        for si, sentence in enumerate(sentences):
            if sentence.section != CASE:
                continue
            if si % 50 == 0 and time.monotonic() > deadline:
                # A worker must not hang on one document: report what was read so far.
                record["truncated_at"] = norm.span(sentence.start, sentence.start + 1)[0]
                break
            patient = patients[min(sentence.patient, len(patients) - 1)]
            mentions = by_sentence.get(si, [])
            year = self._sentence(doc, sentence, mentions, patient, year)
        self._summary_diagnoses(doc, by_sentence, patients)
        for index, patient in enumerate(patients):
            _tidy(patient)
            if patient.outcomes:
                # A measured series: sizes given for the same lesion in several sentences.
                self._series(doc, patient, index)
        record["patients"] = [p.as_dict() for p in patients]
        return record

    def _summary_diagnoses(
        self, doc: Doc, by_sentence: dict[int, list[Mention]], patients: list[Patient]
    ) -> None:
        """The title or abstract often names the diagnosis that the case part never repeats ("We
        describe two siblings with familial Mediterranean fever"): diseases in a sentence that
        presents the case are the patients' final diagnoses."""
        cue = _SUMMARY_CUE_ZH if doc.language == "zh" else _SUMMARY_CUE_EN
        for si, sentence in enumerate(doc.sentences):
            if sentence.section == CASE:
                break  # only what precedes the case part
            if not cue.search(doc.text, sentence.start, sentence.end):
                continue
            for m in by_sentence.get(si, []):
                if m.kind != DISEASE:
                    continue
                text = doc.text[sentence.start : sentence.end]
                ctx = context_of(text, m.start - sentence.start, m.end - sentence.start, doc.language)
                if ctx.negated:
                    continue  # relatives here are the patients ("two siblings with ..."): no family filter
                concept = m.concepts[0]
                for patient in patients:
                    if concept.code not in {d["code"] for d in patient.diagnoses[:200]}:
                        patient.diagnoses.append(
                            {
                                "code": concept.code,
                                "label": concept.label,
                                "status": "differential" if ctx.uncertain else "final",
                                "evidence": doc.ev(m.start, m.end),
                            }
                        )

    # ------------------------------------------------------------- one sentence
    def _sentence(
        self, doc: Doc, sentence: Sentence, mentions: list[Mention], patient: Patient, year: str | None
    ) -> str | None:
        s0, s1 = sentence.start, sentence.end
        text = doc.text[s0:s1]
        lang = doc.language
        years = [
            (m.start(1) + s0, m.group(1)) for m in (_YEAR_ZH if lang == "zh" else _YEAR_EN).finditer(text)
        ]

        def onset_at(pos: int) -> str | None:
            found = [y for p, y in years if p < pos]
            return found[-1] if found else year

        measurement_spans = self._measurements(doc, sentence, mentions, patient, onset_at)
        drugs = [
            m
            for m in mentions
            if m.kind == DRUG
            and not any(a <= m.start < b for a, b in measurement_spans)
            and not _LAB_CONTEXT.match(doc.text, m.end)
        ]
        self._treatments(doc, sentence, drugs, patient)
        clinical = [m for m in mentions if m.kind in (HPO, DISEASE, FINDING)]
        for m in clinical:
            rel_start, rel_end = m.start - s0, m.end - s0
            ctx = context_of(text, rel_start, rel_end, lang)
            if ctx.family:
                continue
            evidence = doc.ev(m.start, m.end)
            before = text[max(0, rel_start - 60) : rel_start]
            if m.kind == HPO:
                concept = _most_specific(m.concepts)
                feature = {
                    "code": concept.code,
                    "label": concept.label,
                    "excluded": ctx.negated or concept.absent,
                    "onset": None if ctx.negated or concept.absent else onset_at(m.start),
                    "evidence": evidence,
                }
                if ctx.uncertain:
                    feature["uncertain"] = True
                patient.features.append(feature)
                status = None
                post_dx = _DX_POST_EN.match(text, rel_end) if lang != "zh" else None
                if (_DX_CUE_ZH if lang == "zh" else _DX_CUE_EN).search(before) or (
                    lang == "zh" and _DX_LIST_ZH.search(text, 0, rel_start)
                ):
                    status = "differential" if ctx.uncertain else "final"
                elif post_dx and not ctx.negated:
                    status = "differential" if post_dx.group(1) or ctx.uncertain else "final"
                elif (
                    (_HISTORY_CUE_ZH if lang == "zh" else _HISTORY_CUE_EN).search(before)
                    and not _DURATION_HISTORY.search(before)
                    and not ctx.negated
                ):
                    status = "history"
                if status and not ctx.negated and not any(c.kind == DISEASE for c in m.concepts):
                    patient.diagnoses.append(
                        {"code": concept.code, "label": concept.label, "status": status, "evidence": evidence}
                    )
            elif m.kind == FINDING:
                patient.features.append(
                    {
                        "code": None,
                        "label": m.concepts[0].label,
                        "excluded": ctx.negated,
                        "onset": None if ctx.negated else onset_at(m.start),
                        "evidence": evidence,
                    }
                )
            else:
                concept = m.concepts[0]
                twin = next(
                    (x for x in clinical if x.kind == HPO and (x.start, x.end) == (m.start, m.end)), None
                )
                if twin is not None and concept.code.startswith("OMIM:"):
                    # "Obesity", "Asthma": OMIM files these as susceptibility entries; the HPO term
                    # is the better code for the diagnosis.
                    concept = _most_specific(twin.concepts)
                if ctx.negated or ctx.uncertain:
                    status = "differential"
                elif ctx.historical or (_HISTORY_CUE_ZH if lang == "zh" else _HISTORY_CUE_EN).search(before):
                    status = "history"
                else:
                    status = "final"
                    onset = onset_at(m.start)
                    if onset and doc.latest_year and int(onset) < doc.latest_year - 1:
                        status = "history"  # diagnosed years before the admission the report is about
                dx = {"code": concept.code, "label": concept.label, "status": status, "evidence": evidence}
                if ctx.negated:
                    dx["excluded"] = True
                patient.diagnoses.append(dx)
        self._outcomes(doc, sentence, clinical, patient)
        return years[-1][1] if years else year

    # ------------------------------------------------------------- measurements
    def _measurements(
        self, doc: Doc, sentence: Sentence, mentions: list[Mention], patient: Patient, onset_at
    ) -> list[tuple[int, int]]:
        s0, s1 = sentence.start, sentence.end
        analytes: list[Mention] = []
        for m in mentions:
            if m.kind != ANALYTE:
                continue
            # "免疫球蛋白G（IgG）18.2", "C-reactive protein (CRP) 12": the bracketed abbreviation
            # is the same test, not a new one.
            if (
                analytes
                and analytes[-1].concepts[0].code == m.concepts[0].code
                and re.fullmatch(r"\s*[(（]\s*", doc.text[analytes[-1].end : m.start])
            ):
                continue
            analytes.append(m)
        spans: list[tuple[int, int]] = []
        prev_pre: tuple[int, str] | None = None  # (end, interpretation) of a pre-qualified test
        pending: list[Mention] = []  # tests named without a result yet
        for i, m in enumerate(analytes):
            concept = m.concepts[0]
            info = doc.vocab.analytes.get(concept.code)
            limit = analytes[i + 1].start if i + 1 < len(analytes) else s1
            limit = min(limit, m.end + 70)
            window = doc.text[m.end : limit]
            value = comparator = unit = diastolic = None
            interpretation = None
            end = m.end
            vm = _VALUE_RE.match(window)
            titer = _TITER_RE.match(window)
            if titer:
                vm = None  # "1:320" is a dilution, not the number 1
                end = m.end + titer.end()
            if vm:
                value = _parse_number(vm.group("val"))
                comparator = vm.group("cmp")
                comparator = _COMPARATORS.get((comparator or "").lower(), comparator) if comparator else None
                unit = _unit_norm(vm.group("unit"))
                end = m.end + vm.end()
                diastolic = _parse_number(vm.group("val2")) if vm.group("val2") else None
            # The result words belong to this test only up to the next list separator. With a
            # number, an arrow or a stated reference range outranks words like "normal" in "(normal 11-14)".
            offset = end - m.end if value is not None else 0
            tail = window[offset : offset + 40]
            # A bracket with a number in it is a reference interval: its "normal" is not the result.
            qual_window = re.split(r"[;；。、,，]", re.sub(r"[(（][^()（）]*\d[^()（）]*[)）]?", " ", tail))[
                0
            ]
            rm = _RANGE_RE.search(tail) if value is not None else None
            upper = _UPPER_LIMIT_RE.search(tail) if value is not None and not rm else None
            arrow = re.match(r"\s*(↑|↓|\(h\)|\(l\))", tail, re.I) if value is not None else None
            if arrow:
                interpretation = "high" if arrow.group(1).lower() in ("↑", "(h)") else "low"
                end = m.end + offset + arrow.end()
            elif rm:
                interpretation = _interpretation_from_range(
                    value, _parse_number(rm.group("lo")), _parse_number(rm.group("hi")), comparator
                )
            elif upper:
                interpretation = _interpretation_from_range(
                    value, None, _parse_number(upper.group("hi")), comparator
                )
            else:
                for label, pattern in _QUAL_RE:
                    qm = pattern.search(qual_window)
                    if qm:
                        interpretation = label
                        end = max(end, m.end + offset + qm.end())
                        break
            start_pre = m.start
            pm = None
            if interpretation is None and doc.language != "zh":
                pre_text = doc.text[max(s0, m.start - 30) : m.start]
                pm = _PRE_QUAL_EN.search(pre_text)
                if pm:
                    word = pm.group(1).lower()
                    interpretation = {
                        "raised": "high",
                        "elevated": "high",
                        "increased": "high",
                        "higher": "high",
                        "decreased": "low",
                        "reduced": "low",
                        "suppressed": "low",
                        "elevation": "high",
                        "increase": "high",
                        "rise": "high",
                        "decrease": "low",
                        "reduction": "low",
                        "drop": "low",
                    }.get(word, word)
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
            if value is not None and interpretation is None and info and info.ref_unit:
                scaled = _to_unit(value, unit, info.ref_unit)
                if scaled is None and not unit and info.ref_unit in _UNITLESS_OK and info.ref_high:
                    scaled = value  # no unit written: compare only when the number is on the same scale
                if scaled is not None:
                    interpretation = _interpretation_from_range(
                        scaled, info.ref_low, info.ref_high, comparator
                    )
            if value is not None and interpretation is None and vm:
                # No reference to compare with: "had decreased to 2,800", "rose to 45" say which way.
                filler = window[: vm.start("val")]
                if re.search(r"decreas|fell|dropped|reduc|declin|lower", filler, re.I):
                    interpretation = "low"
                elif re.search(r"increas|elevat|rose|raised|higher", filler, re.I):
                    interpretation = "high"
            if (
                interpretation is None
                and value is None
                and prev_pre
                and re.fullmatch(r"[^.;]{0,25}?(?:,|\band\b|,\s*and\b)\s*", doc.text[prev_pre[0] : m.start])
            ):
                # "elevated levels of anti-GAD antibody, anti-IA-2 antibody and insulin autoantibody"
                interpretation = prev_pre[1]
            if (
                interpretation == "high"
                and value is None
                and info
                and info.hpo_positive
                and not info.hpo_high
            ):
                interpretation = "positive"  # an antibody "elevated" is an antibody found
            limits = _PLAUSIBLE.get(concept.code)
            if value is not None and limits and not limits[0] <= value <= limits[1]:
                continue  # "maximum temperature of 48 °C" is the catheter's, not the patient's
            if value is None and interpretation is None:
                ctx = context_of(doc.text[s0:s1], m.start - s0, m.end - s0, doc.language, post=False)
                if ctx.negated and info and info.hpo_positive:
                    interpretation = "negative"  # "negative for ANA", "no anti-Scl-70"
                else:
                    pending.append(m)  # may share the result of the next test: "A、B均阴性"
                    continue
            # The evidence is the result as written ("18.2 g/L↑", "negative"); the test name has
            # its own span, so a page can highlight both without a sentence-long snippet.
            result_start = m.end + vm.start("val") if value is not None and vm else None
            if result_start is None and interpretation is not None:
                result_start = start_pre if start_pre < m.start else None
            if result_start is None:
                qm2 = None
                for _, pattern in _QUAL_RE:
                    qm2 = pattern.search(doc.text, m.end, end)
                    if qm2:
                        break
                result_start = qm2.start() if qm2 else m.start
            if start_pre < m.start:
                evidence = doc.ev(start_pre, start_pre + len(pm.group(1)))
            else:
                evidence = doc.ev(result_start, max(end, result_start + 1))
            prev_pre = (end, interpretation) if (start_pre < m.start or prev_pre) and value is None else None
            fact = {
                "analyte": concept.code,
                "value": value,
                "comparator": comparator,
                "unit": unit,
                "interpretation": interpretation,
                "evidence": evidence,
                "analyte_evidence": doc.ev(m.start, m.end),
            }
            if titer:
                fact["titer"] = "1:" + titer.group(2)
            if diastolic is not None:
                fact["value2"] = diastolic  # the second number of "120/80 mmHg"
            when = onset_at(m.start)
            if when:
                fact["when"] = when
            reference = re.match(r"\s*[(（][^()（）]{0,40}\d[^()（）]{0,20}[)）]", doc.text[end : end + 64])
            spans.append((m.start, end + (reference.end() if reference else 0)))  # "(normal <5)" is no result
            _emit_measurement(patient, fact, info)
            shared = (
                value is None and pending and _SHARED_RESULT.search(doc.text, pending[-1].end, result_start)
            )
            if shared:
                # "抗核抗体、抗dsDNA抗体均阴性", "ANA and anti-dsDNA were both negative"
                chain = [m]
                for earlier in reversed(pending):
                    if not _LIST_GAP.fullmatch(doc.text[earlier.end : chain[-1].start]):
                        break
                    chain.append(earlier)
                for earlier in chain[1:]:
                    other = dict(
                        fact,
                        analyte=earlier.concepts[0].code,
                        analyte_evidence=doc.ev(earlier.start, earlier.end),
                    )
                    other.pop("code", None)  # the other test's own finding is looked up afresh
                    _emit_measurement(patient, other, doc.vocab.analytes.get(earlier.concepts[0].code))
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
                    _emit_measurement(patient, fact, doc.vocab.analytes.get(earlier.concepts[0].code))
                spans.append((tail.start("result"), tail.end("result")))
        if doc.language != "zh":
            spans.extend(self._generic_results(doc, sentence, mentions, patient, spans, onset_at))
        return spans

    def _generic_results(
        self,
        doc: Doc,
        sentence: Sentence,
        mentions: list[Mention],
        patient: Patient,
        known: list[tuple[int, int]],
        onset_at,
    ) -> list[tuple[int, int]]:
        """Results of tests the analyte table does not know: "the biopsy was positive", "an ejection
        fraction of 35%". The analyte is the phrase the result is said of; the evidence is the result."""
        s0, s1 = sentence.start, sentence.end
        blocked = known + [(m.start, m.end) for m in mentions if m.kind != ANALYTE]

        found: list[tuple[int, int]] = []
        for pattern, kind in ((_GENERIC_VALUE, "value"), (_GENERIC_QUAL, "qual")):
            for gm in pattern.finditer(doc.text, s0, s1):
                a, b = gm.span()
                if any(x < b and a < y for x, y in blocked + found):
                    continue
                if kind == "qual" and re.match(r"\s+to\s+\d", doc.text[b : b + 8]):
                    continue  # "increased to 1 mg": a dose change, not a test result
                if gm.group(0).startswith("("):
                    # "(+)": the sign is the result; the brackets are typography.
                    inner = re.search(r"\++|-", gm.group(0))
                    a, b = a + inner.start(), a + inner.end()
                marker = None
                if kind == "qual" and gm.group(0)[0] in "+-":
                    marker = re.search(r"([A-Za-z0-9][A-Za-z0-9/-]{0,15})$", doc.text[max(s0, a - 16) : a])
                    if gm.group(0) == "-" and (not marker or not re.search(r"\d", marker.group(1))):
                        continue  # a hyphen after a word is punctuation; "CD19-" is a result
                before = doc.text[max(s0, gm.start() - 60) : gm.start()]
                after = doc.text[gm.end() : min(s1, gm.end() + 50)]
                value = unit = comparator = None
                if kind == "value":
                    value = _parse_number(gm.group("val"))
                    unit = _unit_norm(gm.group("unit"))
                    comparator = _COMPARATORS.get((gm.group("cmp") or "").lower(), gm.group("cmp")) or None
                    interpretation = None
                    rm = _RANGE_RE.search(after)
                    if rm and value is not None:
                        interpretation = _interpretation_from_range(
                            value, _parse_number(rm.group("lo")), _parse_number(rm.group("hi")), comparator
                        )
                else:
                    word = gm.group(0).lower().strip("() ")
                    word = "+" if word.startswith("+") else word
                    interpretation = _GENERIC_WORDS.get(
                        word,
                        word if word in ("positive", "negative", "normal", "high", "low") else "abnormal",
                    )
                analyte = (
                    marker.group(1).lower()
                    if marker
                    else _subject_phrase(before, after if kind == "qual" else "")
                )
                fact = {
                    "analyte": analyte,
                    "value": value,
                    "comparator": comparator,
                    "unit": unit,
                    "interpretation": interpretation,
                    "evidence": doc.ev(a, b),
                }
                when = onset_at(a)
                if when:
                    fact["when"] = when
                patient.measurements.append(fact)
                found.append((a, b))
        return found

    # ------------------------------------------------------------- treatments
    def _treatments(self, doc: Doc, sentence: Sentence, drugs: list[Mention], patient: Patient) -> None:
        s0, s1 = sentence.start, sentence.end
        text = doc.text[s0:s1]
        zh = doc.language == "zh"
        facts: list[dict] = []
        for i, m in enumerate(drugs):
            ctx = context_of(text, m.start - s0, m.end - s0, doc.language, post=False)
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
                fact["dose"] = _parse_number(dm.group("val"))
                fact["unit"] = _dose_unit(dm.group("unit"))
            else:
                bm = _DOSE_BEFORE_RE.search(before)
                if bm:
                    fact["dose"] = _parse_number(bm.group("val"))
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
                fact["stopped_because"] = self._reason(doc, m.end + window.find(reason), reason)
            elif zh and (pre := _STOP_BEFORE_ZH.search(before)):
                # "因出现肝功能异常停用甲氨蝶呤": the reason comes before the drug.
                reason = pre.group(1)
                fact["stopped_because"] = self._reason(doc, m.start - len(before) + pre.start(1), reason)
            changes = [
                {
                    "change": "increased"
                    if re.match(r"inc|esc|rai|up|加|增", cm.group(1), re.I)
                    else "decreased",
                    "dose": _parse_number(cm.group("val")),
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

    def _reason(self, doc: Doc, pos: int, reason: str) -> str:
        """The stop reason as an HPO label when the vocabulary knows it ("闭经" -> "amenorrhea")."""
        for m in doc.mentions:
            if m.kind == HPO and pos <= m.start < pos + len(reason) + 1:
                return _most_specific(m.concepts).label.lower()
        return reason.strip()

    # ------------------------------------------------------------- outcomes
    def _outcomes(self, doc: Doc, sentence: Sentence, clinical: list[Mention], patient: Patient) -> None:
        s0, s1 = sentence.start, sentence.end
        text = doc.text[s0:s1]
        if doc.language == "zh":
            cues = _OUTCOME_ZH_RE
        else:
            # Most sentences carry no outcome word; a set look-up spares them the long alternation.
            if _OUTCOME_EN_WORDS.isdisjoint(_WORD_RE.findall(text.lower())):
                return
            cues = _OUTCOME_EN_RE
        for om in cues.finditer(text):
            a, b = om.span()
            direction = om.lastgroup
            # "无发热" is not an outcome; "未再加重" (no further worsening) is matched as stable.
            ctx = context_of(text, a, b, doc.language, post=False)
            if (ctx.negated and direction != "stable") or ctx.family:
                continue  # "her mother died of breast cancer" is not this patient's outcome
            # What improved/recurred: the nearest finding or disease named before the cue,
            # else the nearest one after it.
            about_mention = None
            coded = [m for m in clinical if m.kind != FINDING]
            preceding = [m for m in coded if m.end - s0 <= a]
            following = [m for m in coded if m.start - s0 >= b]
            if preceding:
                about_mention = preceding[-1]
            elif following:
                about_mention = following[0]
            if about_mention is not None:
                concept = (
                    _most_specific(about_mention.concepts)
                    if about_mention.kind == HPO
                    else about_mention.concepts[0]
                )
                about = concept.label
            else:
                about = "overall condition"  # no finding named near the cue: the patient as a whole
            outcome = {
                "about": about,
                "direction": direction,
                "evidence": doc.ev(s0 + a, s0 + b),
            }
            if about_mention is not None:
                outcome["code"] = concept.code
            follow = (_FOLLOW_UP_ZH if doc.language == "zh" else _FOLLOW_UP_EN).search(text)
            if follow:
                outcome["follow_up"] = follow.group(0).strip()
            patient.outcomes.append(outcome)

    def _series(self, doc: Doc, patient: Patient, patient_index: int) -> None:
        """Sizes written in the sentences that name the outcome's finding, in text order."""
        sentences_of: dict[str, set[int]] = {}
        for m in doc.mentions:
            if m.kind == HPO:
                si = doc.sentence_of(m.start)
                sentence = doc.sentences[si]
                if sentence.section == CASE and sentence.patient == patient_index:
                    sentences_of.setdefault(_most_specific(m.concepts).code, set()).add(si)
        done: set[str] = set()
        for outcome in patient.outcomes:
            code = outcome.get("code")
            if not code or code in done or code not in sentences_of:
                continue
            done.add(code)
            values = set()
            for si in sentences_of[code]:
                sentence = doc.sentences[si]
                for sm in _SIZE_RE.finditer(doc.text, sentence.start, sentence.end):
                    values.add((sm.start(), float(sm.group(1)), sm.group(2).lower()))
            ordered = sorted(values)
            if len(ordered) >= 2 and len({u for _, _, u in ordered}) == 1:
                outcome["series"] = [
                    {"value": v, "unit": u, "evidence": doc.ev(p, p + len(f"{v:g}"))} for p, v, u in ordered
                ]


_SHARED_TAIL = re.compile(
    r"[^.;。；]{0,100}?(?:\b(?:were|are)\s+(?:all\s+|both\s+)?|均|都|皆)"
    r"(?P<result>within normal (?:limits|ranges?)|normal|negative|positive|elevated|increased|decreased|"
    r"unremarkable|正常|阴性|阳性|升高|增高|降低|减低)",
    re.I,
)
_SHARED_WORDS = {
    "within normal limits": "normal",
    "within normal range": "normal",
    "within normal ranges": "normal",
    "unremarkable": "normal",
    "elevated": "high",
    "increased": "high",
    "decreased": "low",
    "正常": "normal",
    "阴性": "negative",
    "阳性": "positive",
    "升高": "high",
    "增高": "high",
    "降低": "low",
    "减低": "low",
}
_SHARED_RESULT = re.compile(r"均|都|皆|\ball\b|\bboth\b|\bwere\b|\bare\b", re.I)
_LIST_GAP = re.compile(r"\s*(?:[、,，/]|和|及|与|\band\b|\bor\b|,\s*and\b)\s*", re.I)


def _emit_measurement(patient: Patient, fact: dict, info) -> None:
    """Record a measurement and the HPO finding its result implies (ESR high -> HP:0003565,
    ANA negative -> HP:0003493 excluded)."""
    patient.measurements.append(fact)
    if not info:
        return
    interpretation = fact.get("interpretation")
    implied, excluded = None, False
    if interpretation == "high":
        implied = info.hpo_high
    elif interpretation == "low":
        implied = info.hpo_low
    elif interpretation == "positive":
        implied = info.hpo_positive
    elif interpretation == "negative":
        implied, excluded = info.hpo_positive, True
    term = load_hpo().get(implied) if implied else None
    if term:
        fact["code"] = term.id  # the finding this result speaks to (present or, if negative, absent)
        patient.features.append(
            {
                "code": term.id,
                "label": term.name,
                "excluded": excluded,
                "onset": None if excluded else fact.get("when"),
                "evidence": fact["evidence"],
                "from_measurement": fact["analyte"],
            }
        )


def _tidy(patient: Patient) -> None:
    """Per-patient clean-up: one entry per (code, polarity, place).

    A finding negated at one time and present at another keeps both entries (each mention has its
    own evidence and date); consumers that need one answer per finding let "present" win.
    """
    kept = []
    seen = set()
    for f in patient.features:
        key = (f["code"] or f["label"], f["excluded"], f["evidence"]["start"])
        if key in seen:
            continue
        seen.add(key)
        kept.append(f)
    patient.features = sorted(kept, key=lambda f: f["evidence"]["start"])
    patient.measurements.sort(key=lambda m: (m.get("analyte_evidence") or m["evidence"])["start"])


_ABBREVIATION = re.compile(r"\s*[(（]\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*[)）]")


def _with_abbreviations(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Abbreviations the report defines ("diabetic ketoacidosis (DKA)") stand for the same concept
    wherever they are used later in that report."""
    aliases: dict[str, tuple] = {}
    for m in mentions:
        am = _ABBREVIATION.match(doc.text, m.end)
        if am:
            abbr = am.group(1)
            if abbr.lower() != doc.text[m.start : m.end].lower() and not abbr.isdigit():
                aliases.setdefault(abbr, m.concepts)
    if not aliases:
        return mentions
    # The bracketed abbreviation right after its definition is the same mention, not a second one.
    defined = set()
    for m in mentions:
        am = _ABBREVIATION.match(doc.text, m.end)
        if am:
            defined.add((am.start(1), am.end(1)))
    mentions = [m for m in mentions if (m.start, m.end) not in defined]
    taken = bytearray(len(doc.text) + 1)
    for a, b in [(m.start, m.end) for m in mentions] + list(defined):
        taken[a:b] = b"\x01" * (b - a)
    extra: list[Mention] = []
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])("
        + "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
        + r")(?![A-Za-z0-9-])"
    )
    for am in pattern.finditer(doc.text):
        a, b = am.span()
        if taken.find(1, a, b) != -1:
            continue
        extra.append(Mention(a, b, aliases[am.group(1)]))
    if not extra:
        return mentions
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


# Stems that only drug names have (targeted therapies are named faster than any list is updated).
_NEW_DRUG_RE = re.compile(
    r"(?<![A-Za-z-])[A-Za-z]{3,}(?:tinib|zumab|ximab|mumab|tumab|ciclib|parib|lisib|rafenib|zomib|degib)(?![A-Za-z-])"
)


def _with_inn_stems(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    taken = bytearray(len(doc.text) + 1)
    for m in mentions:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    extra = []
    for dm in _NEW_DRUG_RE.finditer(doc.text):
        a, b = dm.span()
        if taken.find(1, a, b) == -1:
            name = dm.group(0).lower()
            extra.append(Mention(a, b, (Concept(DRUG, name, name, 3),)))
    if not extra:
        return mentions
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))
