"""Stage: outcomes. How the patient's course went (improved, resolved, stable, worsened,
recurred, died), about which finding, and the sizes measured along the way.

An outcome cue in a case sentence (not negated, not a relative's) is about the nearest coded
finding or disease named before it, else after it, else the patient's overall condition. When the
finding's sentences give the same lesion's size several times, the outcome carries the series.
The cues (`OUTCOME_RE`, `FOLLOW_UP_RE`) are the report language's (`vocab/languages/`).
"""

from __future__ import annotations

import re

from vocab import languages

from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .structure import CASE, Sentence
from .vocabulary import FINDING, HPO, Mention

# The record's outcome directions: the named groups a language's `OUTCOME_RE` may use.
DIRECTIONS = ("improved", "resolved", "stable", "worsened", "recurred", "died")
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|mm)(?![A-Za-z])", re.I)


def outcomes(doc: Doc, sentence: Sentence, clinical: list[Mention], patient: Patient) -> None:
    """Outcomes of `patient` from the outcome cues of one case sentence."""
    s0, s1 = sentence.start, sentence.end
    text = doc.text[s0:s1]
    lang = languages.get(doc.language)
    if not lang.may_state_outcome(text):
        return
    for om in lang.OUTCOME_RE.finditer(text):
        a, b = om.span()
        direction = om.lastgroup
        # "无发热" is not an outcome; "未再加重" (no further worsening) is matched as stable.
        ctx = assertion_of(text, a, b, doc.language, post=False)
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
                most_specific(about_mention.concepts)
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
        follow = lang.FOLLOW_UP_RE.search(text)
        if follow:
            outcome["follow_up"] = follow.group(0).strip()
        patient.outcomes.append(outcome)


def measured_series(doc: Doc, patient: Patient, patient_index: int) -> None:
    """Sizes written in the sentences that name the outcome's finding, in text order."""
    sentences_of: dict[str, set[int]] = {}
    for m in doc.mentions:
        if m.kind == HPO:
            si = doc.sentence_of(m.start)
            sentence = doc.sentences[si]
            if sentence.section == CASE and sentence.patient == patient_index:
                sentences_of.setdefault(most_specific(m.concepts).code, set()).add(si)
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
