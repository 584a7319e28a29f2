"""Stage: demographics. Each patient's age and sex, from the sentences about that patient.

The first age and the first sex the patient's sentences of the case part state win (the
orchestrator falls back to all of the patient's sentences when the case part says nothing).
"""

from __future__ import annotations

import re

from .document import Doc, Patient

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


def demographics(doc: Doc, patient: Patient, spans: list[tuple[int, int]]) -> None:
    """Fill `patient.age` and `patient.sex` from the text spans about that patient."""
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
