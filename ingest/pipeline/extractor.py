"""The orchestrator: report text -> extraction record (the contract in DESIGN.md, "Extraction
record"), by running the stages in order. It decides nothing about the text itself.

Order of work:

1. `normalize.py`: clean the text, keeping the map back to the original offsets;
2. detect the language (`vocab.languages`) unless the caller gave it;
3. `structure.py`: sentences, sections, and the patient each sentence is about;
4. `mentions.py`: one pass of the vocabulary for every mention, plus defined abbreviations and
   drug-name stems;
5. `demographics.py`: age and sex of each patient;
6. per sentence of the case part, with the year the text has reached (for onsets):
   `measurements.py` (+ `unnamed_results.py`), `treatments.py`, `findings.py`, `outcomes.py`;
   each asks `assertions.py` whether a mention is negated, a relative's, hypothetical, past or
   resolved;
7. `findings.summary_diagnoses`: diseases a title or abstract names;
8. per patient clean-up, and the measured series of outcomes.

One fact per finding per patient: the clean-up (`findings.tidy_findings`, `merging.py`) merges the
mentions of a finding into one fact that lists every span under "mentions", so that the case page
can still highlight every place and the curator judge each.
"""

from __future__ import annotations

import bisect
import time

from vocab import languages

from .citation import front_matter_end
from .demographics import demographics
from .document import Doc, Patient
from .findings import link_findings, summary_diagnoses, tidy_findings
from .genetics import genetics
from .measurement_facts import sort_measurements
from .measurements import measurements
from .mentions import find_mentions
from .normalize import normalise
from .outcomes import outcomes, tidy_outcomes
from .structure import CASE, Sentence, layout
from .treatment_agents import fold_class_mentions, merge_treatments
from .treatments import treatments
from .vocabulary import ANALYTE, DISEASE, DRUG, FINDING, HPO, Mention, Vocabulary, key_text, lower_text
from .vocabulary_build import load_vocabulary

TIME_BUDGET = 20.0  # seconds of fact extraction per report before it stops and says so
MAX_CHARS = 600_000  # a case report is far shorter (a book chapter at most); beyond this nothing is read


class Extractor:
    def __init__(self, vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or load_vocabulary()

    def run(self, text: str, *, source: str | None, language: str | None) -> dict:
        truncated = len(text) > MAX_CHARS
        body = text[:MAX_CHARS]
        lang = language if language in languages.LANGUAGES else languages.detect_language(body)
        record: dict = {"source": source, "language": lang, "patients": []}
        if truncated:
            record["truncated_at"] = MAX_CHARS
        if lang == "und" or not body.strip():
            record["language"] = language or "und"
            return record
        norm = normalise(body, language=lang)
        sentences, n_patients = layout(norm.text, lang)
        doc = Doc(
            norm=norm,
            text=norm.text,
            key=key_text(norm.text),
            lower=lower_text(norm.text),
            language=lang,
            sentences=sentences,
            starts=[s.start for s in sentences],
            mentions=[],
            vocab=self.vocab,
        )
        doc.mentions = find_mentions(doc)
        doc.front_end = bisect.bisect_left(norm.starts, front_matter_end(body))
        case_years = [
            int(next(g for g in ym.groups() if g))
            for s_ in sentences
            if s_.section == CASE
            for ym in languages.get(lang).YEAR_RE.finditer(doc.text, s_.start, s_.end)
            if ym.start() >= doc.front_end
        ]
        doc.latest_year = max(case_years) if case_years else None
        patients = [Patient() for _ in range(n_patients)]
        for i, patient in enumerate(patients):
            spans = [(s.start, s.end) for s in sentences if s.patient == i and s.section == CASE]
            if not spans:
                spans = [(s.start, s.end) for s in sentences if s.patient == i]
            demographics(doc, patient, spans)
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
            year = _sentence(doc, sentence, by_sentence.get(si, []), patient, year)
        summary_diagnoses(doc, by_sentence, patients)
        for index, patient in enumerate(patients):
            tidy_findings(patient)
            sort_measurements(patient)
            patient.treatments = merge_treatments(fold_class_mentions(doc, patient.treatments))
            if patient.outcomes:
                # A measured series: sizes given for the same lesion in several sentences.
                tidy_outcomes(doc, patient, index)
        record["patients"] = [p.as_dict() for p in patients]
        return record


def _sentence(
    doc: Doc, sentence: Sentence, mentions: list[Mention], patient: Patient, year: str | None
) -> str | None:
    """Run the fact stages over one case sentence; returns the year the text has reached after it."""
    s0 = sentence.start
    text = doc.text[s0 : sentence.end]
    years = [
        (m.start(1) + s0, m.group(1))
        for m in languages.get(doc.language).YEAR_RE.finditer(text)
        if m.start(1) + s0 >= doc.front_end
    ]

    def onset_at(pos: int) -> str | None:
        """The year the text has reached at `pos`: when a test was done."""
        found = [y for p, y in years if p < pos]
        return found[-1] if found else year

    def stated_year_at(pos: int) -> str | None:
        """The year this sentence states before `pos`: a finding's onset only when the text gives
        one for it, not the admission year for everything that follows."""
        found = [y for p, y in years if p < pos]
        return found[-1] if found else None

    measurement_spans = measurements(doc, sentence, mentions, patient, onset_at)
    treatments(doc, sentence, mentions, measurement_spans, patient)
    clinical = [m for m in mentions if m.kind in (HPO, DISEASE, FINDING)]
    link_findings(doc, sentence, clinical, patient, stated_year_at)
    # A test named inside a drug's name is the drug ("静脉注射免疫球蛋白", "insulin glargine"), not
    # what an outcome after that drug is about.
    drugs = [m for m in mentions if m.kind == DRUG]
    about = [
        m
        for m in mentions
        if m.kind in (HPO, DISEASE, FINDING)
        or (m.kind == ANALYTE and not any(d.start <= m.start and m.end <= d.end for d in drugs))
    ]
    outcomes(doc, sentence, about, patient)
    genetics(doc, sentence, mentions, patient)
    # A year of the past history ("past medical history notable for uveitis in 2015", 既往2015年…)
    # dates that episode; the story does not move on to it, so the tests that follow keep the year
    # the story had reached.
    history = languages.get(doc.language).HISTORY_RE
    story_years = [y for p, y in years if not history.search(doc.text, s0, p)]
    return story_years[-1] if story_years else year
