"""Stage: findings. Phenotypic features and diagnoses from the clinical mentions of a sentence.

A mention of an HPO term becomes a feature (excluded when its assertion is negated or the surface
form itself states absence), and also a diagnosis when a diagnosis cue precedes or follows it; a
disease mention becomes a diagnosis whose status (final, differential, history) comes from its
assertion and the cues around it; a generic finding the vocabulary cannot code becomes an uncoded
feature. Mentions about a relative are no facts of the patient. The diagnosis, history and
summary cues are the report language's (`vocab/languages/`, section "findings and diagnoses").

Also here: the diagnoses a title or abstract names that the case part never repeats, and the
per-patient clean-up of features.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vocab import languages

from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .structure import CASE, Sentence
from .vocabulary import DISEASE, FINDING, HPO, Mention

# "a 3-month history of dyspnea" dates the present illness; it is not a past diagnosis. Written in
# any language, whatever the report's.
_DURATION_HISTORY = re.compile(languages.alternatives("DURATION_HISTORY_WORDS"), re.I)


def link_findings(
    doc: Doc,
    sentence: Sentence,
    clinical: list[Mention],
    patient: Patient,
    onset_at: Callable[[int], str | None],
) -> None:
    """Features and diagnoses of `patient` from the clinical mentions of one case sentence.

    `onset_at(pos)` is the year the text has reached at `pos` (see `extractor.py`).
    """
    s0 = sentence.start
    text = doc.text[s0 : sentence.end]
    lang = languages.get(doc.language)
    for m in clinical:
        rel_start, rel_end = m.start - s0, m.end - s0
        ctx = assertion_of(text, rel_start, rel_end, doc.language)
        if ctx.family:
            continue
        evidence = doc.ev(m.start, m.end)
        before = text[max(0, rel_start - 60) : rel_start]
        if m.kind == HPO:
            concept = most_specific(m.concepts)
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
            post_dx = lang.DIAGNOSIS_POST_RE.match(text, rel_end) if lang.DIAGNOSIS_POST_RE else None
            if lang.DIAGNOSIS_CUE_RE.search(before) or (
                lang.DIAGNOSIS_LIST_RE is not None and lang.DIAGNOSIS_LIST_RE.search(text, 0, rel_start)
            ):
                status = "differential" if ctx.uncertain else "final"
            elif post_dx and not ctx.negated:
                status = "differential" if post_dx.group(1) or ctx.uncertain else "final"
            elif (
                lang.HISTORY_CUE_RE.search(before)
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
            twin = next((x for x in clinical if x.kind == HPO and (x.start, x.end) == (m.start, m.end)), None)
            if twin is not None and concept.code.startswith("OMIM:"):
                # "Obesity", "Asthma": OMIM files these as susceptibility entries; the HPO term
                # is the better code for the diagnosis.
                concept = most_specific(twin.concepts)
            if ctx.negated or ctx.uncertain:
                status = "differential"
            elif ctx.historical or lang.HISTORY_CUE_RE.search(before):
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


def summary_diagnoses(doc: Doc, by_sentence: dict[int, list[Mention]], patients: list[Patient]) -> None:
    """The title or abstract often names the diagnosis that the case part never repeats ("We
    describe two siblings with familial Mediterranean fever"): diseases in a sentence that
    presents the case are the patients' final diagnoses."""
    cue = languages.get(doc.language).SUMMARY_CUE_RE
    for si, sentence in enumerate(doc.sentences):
        if sentence.section == CASE:
            break  # only what precedes the case part
        if not cue.search(doc.text, sentence.start, sentence.end):
            continue
        for m in by_sentence.get(si, []):
            if m.kind != DISEASE:
                continue
            text = doc.text[sentence.start : sentence.end]
            ctx = assertion_of(text, m.start - sentence.start, m.end - sentence.start, doc.language)
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


def tidy_features(patient: Patient) -> None:
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
