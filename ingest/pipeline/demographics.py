"""Stage: demographics. Each patient's age and sex, from the sentences about that patient.

The first age and the first sex the patient's sentences state win: the orchestrator passes the
patient's sentences of the case part (or all of them when the case part says nothing). When the
case part of the first patient never states them, the title and abstract before it usually do
("52岁男性…1例", "A 45-year-old woman with …"), so those are read next. How an age or a sex is
written is the report language's (`find_age`, `find_sex`, `sex_from_pronouns` of its module in
`vocab/languages/`).
"""

from __future__ import annotations

import re

from vocab import languages

from .document import Doc, Patient
from .structure import CASE


def demographics(doc: Doc, patient: Patient, spans: list[tuple[int, int]]) -> None:
    """Fill `patient.age` and `patient.sex` from the text spans about that patient."""
    lang = languages.get(doc.language)
    _read(doc, patient, spans)
    if (patient.age is None or patient.sex == "unknown") and spans:
        first = doc.sentences[doc.sentence_of(spans[0][0])] if doc.sentences else None
        if first is not None and first.patient == 0:
            # The title and abstract of the report, before its case part.
            summary = [(s.start, s.end) for s in doc.sentences if s.section != CASE and s.end <= spans[0][0]]
            _read(doc, patient, summary)
    if patient.sex == "unknown":
        # No sex word: the pronouns decide, where the language lets them.
        patient.sex = lang.sex_from_pronouns(doc.text, spans) or patient.sex


def _read(doc: Doc, patient: Patient, spans: list[tuple[int, int]]) -> None:
    lang = languages.get(doc.language)
    text = doc.text
    for start, end in spans:
        if patient.age is not None and patient.sex != "unknown":
            return
        chunk = text[start:end]
        if patient.age is None:
            age = _patients(lang, lang.find_age, chunk)
            if age:
                years, a, b = age
                patient.age = {"years": years, "evidence": doc.ev(start + a, start + b)}
        if patient.sex == "unknown":
            sex = _patients(lang, lang.find_sex, chunk)
            if sex:
                patient.sex, a, b = sex
                patient.sex_evidence = doc.ev(start + a, start + b)


def _patients(lang, find, chunk: str) -> tuple | None:
    """The first (value, start, end) `find` reads in `chunk` that is not a relative's."""
    offset = 0
    while offset < len(chunk):
        found = find(chunk[offset:])
        if found is None:
            return None
        value, a, b = found
        if not _of_a_relative(lang, chunk, offset + a):
            return value, offset + a, offset + b
        offset += max(b, 1)
    return None


def _of_a_relative(lang, chunk: str, at: int) -> bool:
    """Whether the age or sex at `at` is a relative's: a relative is named before it in its sentence
    ("其父为一名50岁男子", "Her mother, a 45-year-old teacher, …") and the patient is not named again
    between them."""
    relatives = list(lang.FAMILY_RE.finditer(chunk, 0, at))
    return bool(relatives) and not _PATIENT_AGAIN.search(chunk, relatives[-1].end(), at)


# The patient named again after a relative: the age that follows is the patient's.
_PATIENT_AGAIN = re.compile(
    r"患者|患儿|病人|病患|本例|\b(?:the|our|this) (?:patient|child|boy|girl|infant)\b", re.I
)
