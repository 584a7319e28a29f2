"""Stage: outcomes. How the patient's course went after treatment (improved, resolved, stable,
worsened, recurred, died), about which finding or measurement, when, and after which treatment.

An outcome cue in a case sentence (not negated, not a relative's) is an outcome only when it
describes the course after treatment: a treatment of the patient was named before it, the sentence
itself places it there ("治疗后", "at follow-up", "after surgery"), or an earlier case sentence of the
patient (or the words before the cue) gave care that is no drug fact: an operation, dialysis, plasma
exchange, radiotherapy, supportive care, a drug stopped ("行胆囊切除术。腹痛消失"). The history
of the illness ("双下肢无力再发加重1天", "the rash progressed over 2 months") and triggers
("日晒后加重", "worse with exertion") are not outcomes; a death always is.

What it is about: the nearest finding, disease or test named in the cue's clause (before it, else
after it), else in its sentence, else the patient's overall condition — so "complement returned to
normal" is about the complement, not the rash named earlier in the sentence. It happened after the
last treatment named before it (`after_treatment`). When the sentences of the finding give the
same lesion's size several times, the outcome carries the series. The cues are the report
language's (`vocab/languages/`).
"""

from __future__ import annotations

import re

from vocab import languages
from vocab.hpo import load_hpo

from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .merging import head_word
from .structure import CASE, Sentence
from .vocabulary import ANALYTE, FINDING, HPO, Mention

# The record's outcome directions: the named groups a language's `OUTCOME_RE` may use.
DIRECTIONS = ("improved", "resolved", "stable", "worsened", "recurred", "died")
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|mm)(?![A-Za-z])", re.I)
_CLAUSE_BREAK = re.compile(r"[,，;；:：]|\b(?:and|but|while|whereas)\b|但|而")


def outcomes(doc: Doc, sentence: Sentence, mentions: list[Mention], patient: Patient) -> None:
    """Outcomes of `patient` from the outcome cues of one case sentence; `mentions` are the
    sentence's clinical and analyte mentions."""
    s0, s1 = sentence.start, sentence.end
    text = doc.text[s0:s1]
    lang = languages.get(doc.language)
    if not lang.may_state_outcome(text):
        return
    after_words = lang.AFTER_TREATMENT_RE.search(text) is not None
    level_findings = _level_findings(patient, doc.ev(s0, s1))
    care_before: bool | None = None  # looked up at the first cue that needs it

    def in_course(a: int, treatment: str | None) -> bool:
        """Whether what the sentence states at `a` is the course after care, not the history."""
        nonlocal care_before
        if treatment is not None or after_words:
            return True
        if care_before is None:
            care_before = _care_given_before(doc, sentence, lang)
        return care_before or lang.CARE_GIVEN_RE.search(text, 0, a) is not None

    changed: list[tuple[int, int]] = []
    if lang.LEVEL_CHANGED_TO_RE is not None and patient.measurements:
        changed = _level_changes(doc, sentence, patient, lang.LEVEL_CHANGED_TO_RE, in_course)
    claimed: set[tuple[int, int]] = set()  # mentions an earlier cue's own clause spoke of
    for om in lang.OUTCOME_RE.finditer(text):
        a, b = om.span()
        direction = om.lastgroup
        if _names_a_finding(doc, s0 + a, s0 + b, mentions, level_findings):
            continue  # "血小板减少", "视力下降", "腱反射消失": the cue is part of a finding's name
        if changed and any(p <= a < q for p, q in changed):
            continue  # "血红蛋白下降至60 g/L": the change was read with its value
        # "无发热" is not an outcome; "未再加重" (no further worsening) is matched as stable.
        ctx = assertion_of(text, a, b, doc.language, post=False)
        if ctx.negated and direction in ("recurred", "worsened"):
            # "随访1年未见肿瘤复发", "病情无进展", "no progression": no recurrence is a stable course
            direction = "stable"
        elif (ctx.negated and direction != "stable") or ctx.family:
            continue  # "her mother died of breast cancer" is not this patient's outcome
        clause_start, clause_end = _clause(text, a, b)
        if lang.TRIGGER_RE.search(text[clause_start:a]) or lang.TRIGGER_RE.search(text[b:clause_end]):
            continue  # "日晒后加重", "worse with exertion": a trigger, not the course
        treatment = _last_treatment(patient, s0 + a)
        if direction != "died" and not in_course(a, treatment):
            continue  # the history of the illness before any treatment
        about_mention = _about(mentions, s0 + clause_start, s0 + a, s0 + b, s0 + clause_end, claimed)
        outcome = {"about": "overall condition", "direction": direction, "evidence": doc.ev(s0 + a, s0 + b)}
        # a cue that names its finding ("seizure-free", "热退") is about it, whatever stands before
        own = _named_by_cue(om.group(0))
        if direction == "died":
            # the patient died, not a finding: "the oedema persisted and she died" is no oedema's death
            own = about_mention = None
        elif own is None and about_mention is None:
            own = _named_by_its_head(doc, patient, mentions, s0 + clause_start, s0 + clause_end)
        elif own is None and about_mention.kind == ANALYTE:
            # "血小板减少好转": the thrombocytopenia the test's level word names improved
            own = _finding_of_level(doc, patient, about_mention, s0 + a)
        elif own is None and about_mention.kind == HPO:
            # "his weakness improved" after "left-sided weakness": the hemiparesis stated before
            own = _feature_headed_by(doc, patient, about_mention) or _more_specific_feature(
                patient, most_specific(about_mention.concepts).code
            )
        if own is not None:
            outcome["about"] = own["label"]
            outcome["code"] = outcome["about_code"] = own["code"]
        elif about_mention is not None:
            concept = about_mention.concepts[0]
            if about_mention.kind == HPO:
                concept = most_specific(about_mention.concepts)
            outcome["about"] = concept.label
            if about_mention.kind == ANALYTE:
                outcome["about_measurement"] = concept.code
            else:
                outcome["code"] = outcome["about_code"] = concept.code
        if treatment is not None:
            outcome["after_treatment"] = treatment
        follow = lang.FOLLOW_UP_RE.search(text)
        if follow:
            outcome["follow_up"] = follow.group(0).strip()
        patient.outcomes.append(outcome)


def _level_changes(
    doc: Doc, sentence: Sentence, patient: Patient, changed_to: re.Pattern[str], in_course
) -> list[tuple[int, int]]:
    """Outcomes about tests whose level changed to a value after care ("血小板升至120×10^9/L",
    "肌酐由356降至98 μmol/L"), each better or worse by the value's interpretation and the test's
    earlier value (`_level_direction`). Returns the spans of the change words read, relative to
    the sentence."""
    s0 = sentence.start
    text = doc.text[s0 : sentence.end]
    spans: list[tuple[int, int]] = []
    for cm in changed_to.finditer(text):
        value_at = doc.ev(s0 + cm.end(), s0 + cm.end() + 1)["start"]
        fact = next(
            (
                f
                for f in patient.measurements
                if isinstance(f.get("value"), int | float)
                and f["evidence"]["start"] <= value_at < f["evidence"]["end"]
            ),
            None,
        )
        if fact is None:
            continue
        treatment = _last_treatment(patient, s0 + cm.start())
        if not in_course(cm.start(), treatment):
            continue  # "入院前肌酐升至356": the history
        if not _judged(doc, fact["analyte"]):
            # a level of a test with no usual interval was called high or low only by the word
            # that moved it ("VEGF decreased to 825 pg/mL"): that says nothing of better or worse
            fact = {**fact, "interpretation": None}
        direction = _level_direction(patient, fact, cm.lastgroup)
        if direction is None:
            continue
        outcome = {
            "about": fact["analyte"],
            "about_measurement": fact["analyte"],
            "direction": direction,
            "evidence": doc.ev(s0 + cm.start(), s0 + cm.end()),
        }
        if treatment is not None:
            outcome["after_treatment"] = treatment
        patient.outcomes.append(outcome)
        spans.append(cm.span())
    return spans


# Tests the measurement stage judges by cut-offs of its own, not by the table's interval.
_JUDGED_BY_RULE = frozenset({"blood pressure"})


def _judged(doc: Doc, analyte: str) -> bool:
    """Whether a level of `analyte` is called high or low against an interval (the table's usual
    one, or the stage's own cut-offs), not only by the word that moved it."""
    info = doc.vocab.analytes.get(analyte)
    has_interval = info is not None and (info.ref_low is not None or info.ref_high is not None)
    return has_interval or analyte in _JUDGED_BY_RULE


def _level_direction(patient: Patient, fact: dict, verb: str | None) -> str | None:
    """resolved, improved or worsened: a level now within its interval is resolved (unless it was
    there before); one still outside it is better or worse than the test's earlier value outside
    it, else by which way it moved (a high level falling is improving); a level recovering to a
    value is improving; None when neither the interval nor an earlier abnormal value tells."""
    value, now = fact["value"], fact.get("interpretation")
    start = fact["evidence"]["start"]
    earlier = [
        f
        for f in patient.measurements
        if f["analyte"] == fact["analyte"]
        and f["evidence"]["start"] < start
        and isinstance(f.get("value"), int | float)
        and f.get("unit") == fact.get("unit")
    ]
    prior = max(earlier, key=lambda f: f["evidence"]["start"]) if earlier else None
    before = prior.get("interpretation") if prior else None
    if now == "normal":
        return None if before == "normal" else "resolved"
    if now in ("high", "low"):
        if before == "normal":
            return "worsened"
        if before == now and value != prior["value"]:
            better = value < prior["value"] if now == "high" else value > prior["value"]
            return "improved" if better else "worsened"
        if verb == "back":
            return "improved"
        return "improved" if (verb == "fall") == (now == "high") else "worsened"
    if before in ("high", "low") and verb in ("rise", "fall"):
        return "improved" if (verb == "fall") == (before == "high") else "worsened"
    return "improved" if verb == "back" else None  # "肌力由2级恢复至4级": back towards what it was


def _level_findings(patient: Patient, sentence: dict) -> list[tuple[int, int]]:
    """Original-text spans, within the `sentence` evidence, of a test's level word that implies a
    finding ("血小板减少": thrombocytopenia, no value)."""
    return [
        (f["evidence"]["start"], f["evidence"]["end"])
        for f in patient.measurements
        if f.get("code")
        and f.get("value") is None
        and sentence["start"] <= f["evidence"]["start"] < sentence["end"]
    ]


def _names_a_finding(
    doc: Doc, a: int, b: int, mentions: list[Mention], level_findings: list[tuple[int, int]]
) -> bool:
    """Whether the cue at [a, b) is part of the name of an abnormality: of a finding whose words hold
    more than the cue ("视力下降" reduced visual acuity, "腱反射消失" areflexia), or a test's level
    word that implies a finding ("血小板减少"). A decrease there is the abnormality, not a recovery;
    "尿蛋白减少" names no finding and stays a course."""
    if any(m.kind == HPO and m.start <= a and b <= m.end and (m.start, m.end) != (a, b) for m in mentions):
        return True
    if not level_findings:
        return False
    ev = doc.ev(a, b)
    return any(p < ev["end"] and ev["start"] < q for p, q in level_findings)


def _care_given_before(doc: Doc, sentence: Sentence, lang) -> bool:
    """Whether a case sentence of the same patient before `sentence` gives care (`CARE_GIVEN_RE`):
    an operation or supportive care is treatment too, though no drug fact records it."""
    for s in doc.sentences:
        if s.start >= sentence.start:
            return False
        if (
            s.end <= sentence.start  # a sentence that holds this one is not before it
            and s.section == CASE
            and s.patient == sentence.patient
            and lang.CARE_GIVEN_RE.search(doc.text, s.start, s.end)
        ):
            return True
    return False


def _clause(text: str, a: int, b: int) -> tuple[int, int]:
    """The clause of the cue at [a, b) of `text`."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, a)]
    after = _CLAUSE_BREAK.search(text, b)
    return (breaks[-1] if breaks else 0), (after.start() if after else len(text))


def _about(
    mentions: list[Mention], c0: int, a: int, b: int, c1: int, claimed: set[tuple[int, int]]
) -> Mention | None:
    """The finding, disease or test the cue at [a, b) speaks of: the nearest named before it in
    its clause, else after it in its clause, else the nearest before it in the sentence that no
    earlier cue's own clause spoke of ("发热消退，淋巴结缩小": the nodes shrank, not the fever).
    What a clause speaks of is added to `claimed`."""
    coded = [m for m in mentions if m.kind != FINDING]
    in_clause_before = [m for m in coded if c0 <= m.start and m.end <= a]
    if in_clause_before:
        # the one ending nearest the cue; of a finding and the test inside its words ("视力下降改善":
        # reduced visual acuity, not the visual acuity test), the finding
        # (and of equal spans the last found, as the vocabulary orders them)
        ranked = enumerate(in_clause_before)
        found = max(ranked, key=lambda im: (im[1].end, im[1].kind != ANALYTE, -im[1].start, im[0]))[1]
        claimed.add((found.start, found.end))
        return found
    in_clause_after = [m for m in coded if b <= m.start and m.end <= c1]
    if in_clause_after:
        claimed.add((in_clause_after[0].start, in_clause_after[0].end))
        return in_clause_after[0]
    before = [m for m in coded if m.end <= a and m.kind != ANALYTE and (m.start, m.end) not in claimed]
    return before[-1] if before else None


# HPO id -> the cue words, of every language, that name that finding themselves (退烧: the fever).
_SUBJECT_OF_CUE = [
    (code, re.compile(words))
    for module in languages.LANGUAGES.values()
    for code, words in module.OUTCOME_SUBJECT_WORDS.items()
]


def _finding_of_level(doc: Doc, patient: Patient, test: Mention, cue_start: int) -> dict | None:
    """The finding a level word right after `test` implies ("血小板减少好转": thrombocytopenia), as
    {code, label}, when the patient's result there names one."""
    between = doc.ev(test.end, cue_start)
    named_at = doc.ev(test.start, test.end)["start"]
    for fact in patient.measurements:
        named = fact.get("analyte_evidence") or {}
        if (
            fact.get("code")
            and named.get("start") == named_at
            and between["start"] <= fact["evidence"]["start"] < between["end"]
        ):
            term = load_hpo().get(fact["code"])
            return {"code": fact["code"], "label": term.name} if term is not None else None
    return None


def _named_by_cue(cue: str) -> dict | None:
    """The finding an outcome cue names itself ("热退", "退烧": the fever), as {code, label}."""
    for code, pattern in _SUBJECT_OF_CUE:
        if pattern.search(cue):
            term = load_hpo().get(code)
            return {"code": code, "label": term.name} if term is not None else None
    return None


def _present_features(patient: Patient) -> list[dict]:
    return [f for f in patient.features if not f.get("excluded") and f.get("code")]


def _more_specific_feature(patient: Patient, code: str) -> dict | None:
    """The patient's one feature that is a kind of `code`: "the ulcers healed" speaks of the
    digital ulcers stated before, not of skin ulcers in general."""
    hpo = load_hpo()
    below = {
        f["code"]: f
        for f in _present_features(patient)
        if f["code"] != code and _is_below(hpo, f["code"], code)
    }
    return next(iter(below.values())) if len(below) == 1 else None


def _is_below(hpo, code: str, ancestor: str) -> bool:
    term = hpo.get(code)
    return term is not None and ancestor in term.ancestors


def _named_by_its_head(doc: Doc, patient: Patient, mentions: list[Mention], c0: int, c1: int) -> dict | None:
    """A bare word the vocabulary cannot code ("the nodules shrank") that is the head of exactly
    one feature stated before ("subcutaneous nodules"): that feature."""
    for m in mentions:
        if m.kind == FINDING and c0 <= m.start and m.end <= c1:
            own = _feature_headed_by(doc, patient, m)
            if own is not None:
                return own
    return None


def _feature_headed_by(doc: Doc, patient: Patient, m: Mention) -> dict | None:
    """The one feature stated before `m` whose words end with `m`'s one word ("weakness" after
    "left-sided weakness"), when its code is another; None for a phrase or no single such feature."""
    written = doc.text[m.start : m.end].strip()
    word = head_word(written)
    if not word or " " in written or not word.isalpha():
        return None
    own = {
        f["code"]: f
        for f in _present_features(patient)
        if f["evidence"]["start"] < m.start
        and " " in f["evidence"]["text"].strip()
        and head_word(f["evidence"]["text"]) == word
    }
    return next(iter(own.values())) if len(own) == 1 else None


def _last_treatment(patient: Patient, pos: int) -> str | None:
    """The agent of the last treatment of `patient` named before `pos`."""
    named = [t for t in patient.treatments if t["evidence"]["start"] < pos]
    return max(named, key=lambda t: t["evidence"]["start"])["agent"] if named else None


def tidy_outcomes(doc: Doc, patient: Patient, patient_index: int) -> None:
    """Per-patient clean-up: one outcome per (what, direction, treatment) with every mention, and
    the measured series of each finding's outcome."""
    merged: dict[tuple, dict] = {}
    for outcome in patient.outcomes:
        key = (outcome.get("code") or outcome["about"], outcome["direction"], outcome.get("after_treatment"))
        kept = merged.get(key)
        if kept is None:
            merged[key] = outcome
            continue
        spans = kept.get("mentions") or [_span(kept)]
        spans.append(_span(outcome))
        kept["mentions"] = spans
        if not kept.get("follow_up") and outcome.get("follow_up"):
            kept["follow_up"] = outcome["follow_up"]
    patient.outcomes = list(merged.values())
    measured_series(doc, patient, patient_index)


def _span(fact: dict) -> dict:
    ev = fact["evidence"]
    return {"start": ev["start"], "end": ev["end"], "text": ev["text"]}


def measured_series(doc: Doc, patient: Patient, patient_index: int) -> None:
    """Sizes of the outcome's finding, in text order: a size belongs to the finding named nearest to
    it in its clause (a nodule's size is not the ulcer's)."""
    sizes_of: dict[str, list[tuple[int, float, str]]] = {}
    for sentence in doc.sentences:
        if sentence.section != CASE or sentence.patient != patient_index:
            continue
        findings = [m for m in doc.mentions if m.kind == HPO and sentence.start <= m.start < sentence.end]
        if not findings:
            continue
        text = doc.text[sentence.start : sentence.end]
        for sm in _SIZE_RE.finditer(doc.text, sentence.start, sentence.end):
            c0, c1 = (
                sentence.start + k
                for k in _clause(text, sm.start() - sentence.start, sm.end() - sentence.start)
            )
            # The nearest finding of the size's clause ("直径约5cm的破溃", "a 2 cm nodule", "the ulcer
            # measured 3 cm"), else the nearest named before it in the sentence.
            owner = sorted(
                (m for m in findings if c0 <= m.start and m.end <= c1),
                key=lambda m: min(abs(m.start - sm.end()), abs(sm.start() - m.end)),
            )
            if not owner:
                owner = [m for m in findings if m.end <= sm.start()][-1:]
            if owner:
                code = most_specific(owner[0].concepts).code
                sizes_of.setdefault(code, []).append(
                    (sm.start(), sm.end(1), float(sm.group(1)), sm.group(2).lower())
                )
    done: set[str] = set()
    for outcome in patient.outcomes:
        code = outcome.get("code")
        if not code or code in done or code not in sizes_of:
            continue
        done.add(code)
        ordered = sorted(set(sizes_of[code]))
        if len(ordered) >= 2 and len({u for *_, u in ordered}) == 1:
            outcome["series"] = [{"value": v, "unit": u, "evidence": doc.ev(p, q)} for p, q, v, u in ordered]
