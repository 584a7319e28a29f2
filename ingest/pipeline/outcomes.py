"""Stage: outcomes. How the patient's course went (improved, resolved, stable, worsened,
recurred, died), about which finding, and the sizes measured along the way.

An outcome cue in a case sentence (not negated, not a relative's) is about the nearest coded
finding or disease named before it, else after it, else the patient's overall condition. When the
finding's sentences give the same lesion's size several times, the outcome carries the series.
"""

from __future__ import annotations

import re

from .assertions import assertion_of
from .document import Doc, Patient
from .mentions import most_specific
from .structure import CASE, Sentence
from .vocabulary import FINDING, HPO, Mention

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


def outcomes(doc: Doc, sentence: Sentence, clinical: list[Mention], patient: Patient) -> None:
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
        follow = (_FOLLOW_UP_ZH if doc.language == "zh" else _FOLLOW_UP_EN).search(text)
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
