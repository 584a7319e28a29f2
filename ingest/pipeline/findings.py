"""Stage: findings. Phenotypic features and diagnoses from the clinical mentions of a sentence.

A mention of an HPO term becomes a feature with the mention's assertion (`assertions.py`:
present, negated, historical, hypothetical, resolved; `excluded` exactly when negated, or when
the surface form itself states absence: 双下肢不肿), and also a diagnosis when a diagnosis cue
precedes or follows it. A disease mention becomes a diagnosis whose status is final ("诊断为",
"was diagnosed with", "consistent with"), differential ("考虑", "suspected", "rule out"),
history ("既往", "history of") or excluded ("排除", "ruled out"). Mentions about a relative are
no facts of the patient.

Not every word is a feature:
- a word the vocabulary cannot code ("lesion", 感染) is kept apart, under the patient's
  `uncoded_findings`, for full-text search and curation, and never shown as a feature;
- a generic term named by a loose word ("pain", 疼痛, "tumour", 出血) says too little to code:
  it goes there too, unless a more specific phrase names it or the text states it absent ("no
  oedema" is a clear statement);
- a procedure filed in HPO (Caesarean section) is not the patient's phenotype.

Also here: the diagnoses a title or abstract names that the case part never repeats, and the
per-patient clean-up (`tidy_findings`: one fact per finding, see `merging.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType

from vocab import languages
from vocab.languages.chinese_script import character_table

from .assertions import NEGATED, PRESENT, assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .merging import drop_covered_ancestors, merge_facts, merge_features, status_rank
from .structure import CASE, Sentence
from .vocabulary import DISEASE, FINDING, HPO, Mention

# "a 3-month history of dyspnea" dates the present illness; it is not a past diagnosis. Written in
# any language, whatever the report's.
_DURATION_HISTORY = re.compile(languages.alternatives("DURATION_HISTORY_WORDS"), re.I)

# HPO terms that name a kind of finding, not a finding: coded only from a phrase that says more
# than the bare word ("pain" alone is not coded, "chest pain" is, with its own term).
GENERIC_CODES = frozenset(
    {
        "HP:0012531",  # Pain
        "HP:0000969",  # Edema
        "HP:0002664",  # Neoplasm
        "HP:0001892",  # Abnormal bleeding
        "HP:0012393",  # Allergy
    }
)
# Findings of the skin or of the whole patient that a bare lesion word names (溃疡, 糜烂, 水肿): on a
# mucosa seen by endoscopy (`MUCOSAL_CONTEXT_RE`) they say too little to code.
SURFACE_CODES = frozenset(
    {
        "HP:0200042",  # Skin ulcer
        "HP:0200041",  # Skin erosion
        "HP:0000969",  # Edema
    }
)
# HPO files the way a child was delivered under "Abnormal delivery"; in a case report it is a
# procedure done to the mother, not a phenotype.
PROCEDURE_CODES = frozenset(
    {
        "HP:0011410",  # Caesarian section
        "HP:0030363",  # Primary Caesarian section
        "HP:0030364",  # Secondary Caesarian section
        "HP:0030365",  # Vaginal birth after Caesarian
        "HP:0011411",  # Forceps delivery
        "HP:0011412",  # Ventouse delivery
        "HP:0030366",  # Delivery by Odon device
        "HP:0030369",  # Induced vaginal delivery
        "HP:0030449",  # Therapeutic abortion
    }
)
# Words that name a finding too loosely to code it with a generic term (in any language).
_LOOSE_NAME_RE = re.compile(
    languages.literal_alternatives({w for m in languages.LANGUAGES.values() for w in m.LOOSE_FINDING_NAMES})
)
# Names that are their finding only after words of its kind in the sentence (in any language).
_CONTEXT_BOUND = {
    name: re.compile(context)
    for m in languages.LANGUAGES.values()
    for name, context in m.CONTEXT_BOUND_NAMES.items()
}
# One "word" of a surface form: a Latin word, or two Han characters (about one Chinese word).
_WORD_RE = re.compile(rf"[A-Za-z0-9]+|[{languages.CJK_CHARS}]{{1,2}}")


def _loose_word(surface: str) -> bool:
    return len(_WORD_RE.findall(surface)) <= 1


def _on_a_mucosa(lang: ModuleType, code: str, surface: str, before: str) -> bool:
    """A skin or whole-body finding named by one bare word after an endoscopy or a mucosa in its
    sentence: 结肠镜示…可见多发浅溃疡 is an ulcer of the colon, not of the skin."""
    return (
        code in SURFACE_CODES
        and lang.MUCOSAL_CONTEXT_RE is not None
        and _loose_word(surface)
        and lang.MUCOSAL_CONTEXT_RE.search(before) is not None
    )


def link_findings(
    doc: Doc,
    sentence: Sentence,
    clinical: list[Mention],
    patient: Patient,
    onset_at: Callable[[int], str | None],
) -> None:
    """Features and diagnoses of `patient` from the clinical mentions of one case sentence.

    `onset_at(pos)` is the year the sentence states before `pos`, if any (see `extractor.py`).
    """
    s0 = sentence.start
    text = doc.text[s0 : sentence.end]
    lang = languages.get(doc.language)
    listed: bool | None = None  # whether the sentence is an item of a diagnosis list, once asked
    last_diagnosis: tuple[int, str] | None = None  # (end, status) of the diagnosis named last
    # Where the finding named last ends, when it was named as no diagnosis: "发热合并抽搐" joins two
    # symptoms, and a finding joined to a symptom that way is no diagnosis either.
    last_symptom_end: int | None = None
    for m in clinical:
        rel_start, rel_end = m.start - s0, m.end - s0
        ctx = assertion_of(text, rel_start, rel_end, doc.language)
        if ctx.family:
            continue  # a relative's finding is no fact of the patient
        evidence = doc.ev(m.start, m.end)
        before = text[max(0, rel_start - 60) : rel_start]
        absent = any(c.absent for c in m.concepts)
        assertion = NEGATED if absent else ctx.value
        negated = assertion == NEGATED
        onset = None if negated else onset_at(m.start)
        if m.kind == HPO:
            concept = most_specific(m.concepts)
            if concept.code in PROCEDURE_CODES:
                continue
            feature = {
                "code": concept.code,
                "label": concept.label,
                "excluded": negated,
                "assertion": assertion,
                "onset": onset,
                "evidence": evidence,
            }
            # "no oedema" is a clear statement about the patient; "oedema" alone says too little. A
            # bare ulcer stated absent stays the excluded finding even at an endoscopy (the brat
            # figures count it; a statement of absence is worth keeping).
            surface = doc.text[m.start : m.end].lower()
            bound = _CONTEXT_BOUND.get(surface.translate(character_table()))  # either script
            if bound is not None and not bound.search(text[:rel_start].translate(character_table())):
                continue  # "双下肢水肿，晨轻暮重": the oedema's course, no weakness
            if (concept.code in GENERIC_CODES and not negated and _LOOSE_NAME_RE.fullmatch(surface)) or (
                not negated and _on_a_mucosa(lang, concept.code, surface, text[:rel_start])
            ):
                patient.uncoded_findings.append({**feature, "reason": "generic"})
                continue  # nor a diagnosis: "既往…疼痛" names no past disease
            patient.features.append(feature)
            if listed is None:
                listed = _in_diagnosis_list(doc, sentence)
            status = _feature_diagnosis_status(lang, text, before, rel_start, rel_end, ctx, listed=listed)
            if status is None and last_diagnosis is not None and lang.DIAGNOSIS_JOIN_RE is not None:
                end, previous = last_diagnosis
                if previous != "excluded" and lang.DIAGNOSIS_JOIN_RE.fullmatch(text, end, rel_start):
                    status = previous  # "诊断为肺炎、脓毒症": named in a row with a diagnosis
            if (
                status
                and not listed
                and last_symptom_end is not None
                and lang.DIAGNOSIS_JOIN_RE is not None
                and lang.DIAGNOSIS_JOIN_RE.fullmatch(text, last_symptom_end, rel_start)
                and not (lang.DIAGNOSIS_POST_RE and lang.DIAGNOSIS_POST_RE.match(text, rel_end))
            ):
                status = None  # "发热合并抽搐": 合并 joins a symptom to a symptom, not a diagnosis
            # a disease's name (its own mention may come before or after this one) is no symptom
            disease_named = any(c.kind == DISEASE for c in m.concepts) or any(
                x.kind == DISEASE and (x.start, x.end) == (m.start, m.end) for x in clinical
            )
            last_symptom_end = rel_end if status is None and not disease_named else None
            if status and not negated:
                last_diagnosis = (rel_end, status)
            if status and not negated and not any(c.kind == DISEASE for c in m.concepts):
                patient.diagnoses.append(
                    {"code": concept.code, "label": concept.label, "status": status, "evidence": evidence}
                )
            elif (
                negated
                and lang.DIAGNOSIS_EXCLUDED_RE is not None
                and not any(c.kind == DISEASE for c in m.concepts)
                and lang.DIAGNOSIS_EXCLUDED_RE.search(before)
            ):
                # "排除白血病": a disease the vocabulary codes as a finding, ruled out as the diagnosis
                patient.diagnoses.append(
                    {
                        "code": concept.code,
                        "label": concept.label,
                        "status": "excluded",
                        "excluded": True,
                        "evidence": evidence,
                    }
                )
        elif m.kind == FINDING:
            patient.uncoded_findings.append(
                {
                    "code": None,
                    "label": m.concepts[0].label,
                    "excluded": negated,
                    "assertion": assertion,
                    "onset": onset,
                    "evidence": evidence,
                    "reason": "uncoded",
                }
            )
        else:
            concept = m.concepts[0]
            twin = next((x for x in clinical if x.kind == HPO and (x.start, x.end) == (m.start, m.end)), None)
            if twin is not None and concept.code.startswith("OMIM:"):
                # "Obesity", "Asthma": OMIM files these as susceptibility entries; the HPO term
                # is the better code for the diagnosis.
                concept = most_specific(twin.concepts)
            status = _disease_status(lang, doc, before, ctx, onset)
            dx = {"code": concept.code, "label": concept.label, "status": status, "evidence": evidence}
            last_diagnosis = (rel_end, status)
            last_symptom_end = None
            if status == "excluded":
                dx["excluded"] = True
            patient.diagnoses.append(dx)


# An item of a numbered list: "1. 肾衰竭", "② Pneumonia", "(3) …".
_LIST_ITEM_RE = re.compile(
    r"(?:^|(?<=\s)|(?<=[为:：]))\s*(?:\d{1,2}\s*[.、．)）]|[\u2460-\u2473]|[(（]\d{1,2}[)）]"
    # ① once normalised: a bare number before a word that is no unit ("1急性…", not "1年")
    rf"|\d{{1,2}}(?=[{languages.CJK_CHARS}])(?![年月日天周次岁个型级度分例倍期]))"
)
_LIST_LOOKBACK = 12  # sentences: a diagnosis list is short
_ITEM_LEAD = 8  # characters before an item's marker


def _in_diagnosis_list(doc: Doc, sentence: Sentence) -> bool:
    """Whether `sentence` is an item of a numbered list under a diagnosis heading ("诊断：" on its
    own line, then "1. 肾衰竭", "2. 高血压"; an English "1." may stand as a sentence of its own)."""
    pattern = languages.get(doc.language).DIAGNOSIS_LIST_RE

    def item(j: int) -> bool:
        s = doc.sentences[j]
        # the marker opens the sentence, or follows a few words ("西医为①ARDS ②…")
        if _LIST_ITEM_RE.search(doc.text, s.start, min(s.end, s.start + _ITEM_LEAD)):
            return True
        p = doc.sentences[j - 1] if j else None
        return p is not None and _LIST_ITEM_RE.fullmatch(doc.text, p.start, p.end) is not None

    i = doc.sentence_of(sentence.start)
    if pattern is None or not item(i):
        return False
    for j in range(i - 1, max(-1, i - _LIST_LOOKBACK), -1):
        previous = doc.sentences[j]
        if pattern.search(doc.text, previous.start, previous.end):
            return True
        if not (item(j) or _LIST_ITEM_RE.fullmatch(doc.text, previous.start, previous.end)):
            return False
    return False


def _feature_diagnosis_status(
    lang, text: str, before: str, rel_start: int, rel_end: int, ctx, *, listed: bool = False
) -> str | None:
    """The status of a finding named as a diagnosis ("诊断：肺炎", "was diagnosed with
    pneumonia", an item of a diagnosis list), or None when it is only a finding."""
    post_dx = lang.DIAGNOSIS_POST_RE.match(text, rel_end) if lang.DIAGNOSIS_POST_RE else None
    history = lang.HISTORY_CUE_RE.search(before) and not _DURATION_HISTORY.search(before) and not ctx.negated
    if (
        listed
        or lang.DIAGNOSIS_CUE_RE.search(before)
        or (lang.DIAGNOSIS_LIST_RE is not None and lang.DIAGNOSIS_LIST_RE.search(text, 0, rel_start))
    ):
        # "当时诊断“急性脊髓炎”", "previously diagnosed with": a diagnosis of the past
        return "differential" if ctx.uncertain else "history" if history else "final"
    if post_dx and not ctx.negated:
        return "differential" if post_dx.group(1) or ctx.uncertain else "final"
    if ctx.uncertain and not ctx.negated and _in_differential_list(lang, text, rel_start):
        return "differential"  # "鉴别诊断需考虑结核、淋巴瘤及结节病": each item is one
    return "history" if history else None


def _in_differential_list(lang, text: str, rel_start: int) -> bool:
    """Whether a list of differentials that a head opens earlier in the sentence reaches the
    mention at `rel_start` ("Differential diagnoses included …", 鉴别诊断：…)."""
    heads = list(lang.DIFFERENTIAL_HEAD_RE.finditer(text, 0, rel_start))
    return bool(heads) and not lang.DIFFERENTIAL_LIST_END_RE.search(text, heads[-1].end(), rel_start)


def _disease_status(lang, doc: Doc, before: str, ctx, onset: str | None) -> str:
    """final, differential, history or excluded, from the mention's assertion and cues."""
    if ctx.negated:
        return "excluded"  # "排除川崎病", "Kawasaki disease was ruled out"
    if ctx.uncertain:
        return "differential"  # "考虑川崎病", "suspected", "rule out", "川崎病？"
    if ctx.historical or (lang.HISTORY_CUE_RE.search(before) and not _DURATION_HISTORY.search(before)):
        return "history"  # "既往", "history of"; not "a 10-year history of", the illness of now
    if onset and doc.latest_year and int(onset) < doc.latest_year - 1:
        return "history"  # diagnosed years before the admission the report is about
    return "final"  # "诊断为不完全川崎病", "was diagnosed with", or simply named as the patient's


def summary_diagnoses(doc: Doc, by_sentence: dict[int, list[Mention]], patients: list[Patient]) -> None:
    """The title or abstract often names the diagnosis that the case part never repeats ("We
    describe two siblings with familial Mediterranean fever"): diseases in a sentence that
    presents the case are the patients' final diagnoses."""
    lang = languages.get(doc.language)
    cue = lang.SUMMARY_CUE_RE
    for si, sentence in enumerate(doc.sentences):
        if sentence.section == CASE:
            break  # only what precedes the case part
        if not cue.search(doc.text, sentence.start, sentence.end):
            continue
        mentions = by_sentence.get(si, [])
        disease_spans = {(m.start, m.end) for m in mentions if m.kind == DISEASE}
        last_end: int | None = None  # where the diagnosis named last ends
        for m in mentions:
            joined = (
                m.kind == HPO
                and last_end is not None
                and (m.start, m.end) not in disease_spans
                and lang.DIAGNOSIS_JOIN_RE is not None
                and lang.DIAGNOSIS_JOIN_RE.fullmatch(doc.text, last_end, m.start) is not None
            )
            if m.kind != DISEASE and not joined:
                continue  # "系统性红斑狼疮合并肺动脉高压1例": a finding joined to a disease is one too
            text = doc.text[sentence.start : sentence.end]
            ctx = assertion_of(text, m.start - sentence.start, m.end - sentence.start, doc.language)
            if ctx.negated:
                continue  # relatives here are the patients ("two siblings with ..."): no family filter
            last_end = m.end
            concept = most_specific(m.concepts) if joined else m.concepts[0]
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


def tidy_findings(patient: Patient) -> None:
    """Per-patient clean-up: one fact per finding, per diagnosis and per uncoded word.

    A general term goes when a specific one covers it; a finding that is a final diagnosis of the
    patient is present whatever a stray cue said of one of its mentions.
    """
    patient.diagnoses = merge_facts(
        patient.diagnoses, key=lambda d: d.get("code") or d["label"].lower(), rank=status_rank
    )
    for dx in patient.diagnoses:
        if dx["status"] != "excluded":
            dx.pop("excluded", None)
    diagnosed = {d["code"]: d for d in patient.diagnoses if d["status"] in ("final", "history")}
    features = merge_features(patient.features)
    for f in features:
        dx = diagnosed.get(f["code"])
        if dx is not None and f["excluded"]:
            # The diagnosis is the clearer mention: "… were ruled out and the diagnosis of cor
            # triatriatum was confirmed" leaves no doubt that the patient has it.
            spans = {
                (s["start"], s["end"]): s
                for s in f.get("mentions") or [{**f["evidence"], "assertion": NEGATED}]
            }
            spans.setdefault(
                (dx["evidence"]["start"], dx["evidence"]["end"]), {**dx["evidence"], "assertion": PRESENT}
            )
            f.update(excluded=False, assertion=PRESENT, evidence=dx["evidence"], onset=dx.get("onset"))
            if len(spans) > 1:
                f["mentions"] = [spans[k] for k in sorted(spans)]
    # A loose word kept apart ("the pain") may refer back to a specific finding ("chest pain"):
    # it then joins that finding's mentions instead.
    uncoded = merge_features(patient.uncoded_findings)
    kept = drop_covered_ancestors(features + uncoded)
    patient.features = [f for f in kept if f.get("reason") is None]
    patient.uncoded_findings = [f for f in kept if f.get("reason") is not None]
