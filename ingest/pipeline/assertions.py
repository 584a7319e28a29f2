"""Stage: assertions. What a mention asserts: present, negated, historical, a relative's,
hypothetical (uncertain or conditional) or resolved.

The one place that says what a mention asserts; findings, measurements, treatments and outcomes
all ask `assertion_of` and never look for cues themselves. ConText-style, scoped to the clause:

- a pre-cue ("no", "denied", 无, 否认) governs the mentions after it up to the clause boundary: the
  last clause break before the mention (；。 in both languages, ，too in Chinese, where a comma ends a
  clause) or a word that starts another clause ("but", "however", "although", "whereas",
  "except", a new verb: "… presenting with chest pain", 但, 而). Between cue and mention there may
  be a list ("no fever, chills or rash": every item is negated), but nothing that the cue negates
  instead: "it was never possible to correct the metabolic acidosis" negates "possible", not the
  acidosis; the language's `negation_reaches(cue, gap)` decides;
- a post-cue ("… were negative", 阴性, "… resolved", 消失) governs the mention right before it,
  or every item of a list that ends right before it;
- a cue inside a cue is no cue of its own ("出现" in "未出现").

The cues and boundaries are the report language's (`vocab/languages/`, section "assertions").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocab import languages

PRESENT, NEGATED, HISTORICAL, FAMILY, HYPOTHETICAL, RESOLVED = (
    "present",
    "negated",
    "historical",
    "family",
    "hypothetical",
    "resolved",
)
# The values of a feature's "assertion" (DESIGN.md, "Extraction record"), from the strongest claim
# about the patient's phenotype to the weakest: when the mentions of one finding disagree, the
# merged fact takes the first of this order that any mention has (see `merging.py`).
ASSERTIONS = (PRESENT, RESOLVED, HISTORICAL, HYPOTHETICAL, NEGATED, FAMILY)

# "his 8-year-old sister had fever" in a case series: the relative is a patient of the report.
# Written in any language, whatever the report's.
_AGED_RELATIVE = re.compile(languages.alternatives("AGED_RELATIVE_WORDS"))
_PARENTAGE = re.compile(languages.alternatives("PARENTAGE_WORDS"), re.I)
# … unless the words after the relative are said of the relative ("born to a mother with epilepsy").
_OF_THE_RELATIVE = re.compile(r"[^,;，；]*?\b(?:with|who|having|affected|suffering)\b", re.I)
# "a 3-month history of dyspnea" dates the present illness; it is not a past finding.
_DURATION_HISTORY = re.compile(languages.alternatives("DURATION_HISTORY_WORDS"), re.I)

_LEADING_COLON = re.compile(r"^\s*[:：]")
_BEFORE = 320  # characters of the sentence read before a mention: bounded cost per mention
_NEAR_SCOPE_END = 80  # … of which the last are read first for where the mention's scope starts
_AFTER = 200


@dataclass(slots=True)
class Assertion:
    negated: bool = False
    family: bool = False
    uncertain: bool = False  # hypothetical: suspected, possible, conditional ("if", "to prevent")
    historical: bool = False
    resolved: bool = False

    @property
    def value(self) -> str:
        """The one assertion value of the record: a relative's, then negated, hypothetical,
        resolved, historical, else present."""
        if self.family:
            return FAMILY
        if self.negated:
            return NEGATED
        if self.uncertain:
            return HYPOTHETICAL
        if self.resolved:
            return RESOLVED
        if self.historical:
            return HISTORICAL
        return PRESENT


def _scope_start(lang, before: str, mention: str, clause: int, cues: list[re.Match[str]]) -> int:
    """Where the scope holding the mention starts in `before`: after the last word that starts a
    new clause ("but", "presenting"), unless that word is part of a cue ("出现" in "未出现").

    The mention's own words are read too, for a clause that starts in `before` and ends inside
    the mention: "no sign of haemolysis, elevated CRP" — ", elevated" makes "elevated CRP" an
    item of its own, not one that "no sign of" reaches."""
    text = before + mention
    # The last scope end wins, and most lie near the mention: the words just before it are read
    # first, the whole clause only when they hold none (a bounded cost per mention).
    near = max(clause, len(before) - _NEAR_SCOPE_END)
    for lo in (near, clause) if near > clause else (clause,):
        start = lo
        for m in lang.SCOPE_END_RE.finditer(text, lo):
            if m.start() >= len(before):
                break
            if not any(c.start() <= m.start() < c.end() for c in cues):
                start = max(start, m.end())
        if start > lo:
            return start
    return clause


def assertion_of(sentence: str, start: int, end: int, language: str, *, post: bool = True) -> Assertion:
    """The assertion of the mention at [start, end) of `sentence` (offsets relative to the sentence).

    `post=False` ignores post-cues ("… was negative", "… resolved"): a drug or an outcome word is
    not negated by a result that follows it.
    """
    lang = languages.get(language)
    lo = max(0, start - _BEFORE)
    before = sentence[lo:start]
    after = sentence[end : end + _AFTER]
    ctx = Assertion()
    # One character of the mention is read too: a break may need to see what follows it ("4低蛋白
    # 血症", an item number).
    breaks = [
        m.end() - lo
        for m in lang.CLAUSE_BREAK_RE.finditer(sentence, lo, min(end, start + 1))
        if m.end() <= start
    ]
    clause = breaks[-1] if breaks else 0
    cues = list(lang.NEGATION_RE.finditer(before, clause))
    if cues:
        pseudo = [m.span() for m in lang.PSEUDO_NEGATION_RE.finditer(before, clause)]
        cues = [m for m in cues if not any(a <= m.start() < b for a, b in pseudo)]
    scope_start = _scope_start(lang, before, sentence[start:end], clause, cues)
    scope = before[scope_start:]
    # Only the nearest real cue matters: a farther one has a longer gap to the mention.
    nearest = next((m for m in reversed(cues) if m.start() >= scope_start), None)
    if nearest is not None:
        gap = before[nearest.end() :]
        cue = nearest.group(0)
        ctx.negated = lang.negation_reaches(cue, gap) and not lang.starts_own_clause(cue, gap, after)
    if post:
        _post_cues(lang, after, ctx)
    # A relative is the subject of the clause up to where the patient is again.
    family_scope = before[max(clause, len(before) - 60) :]
    for m in lang.FAMILY_RE.finditer(family_scope):
        if _AGED_RELATIVE.search(family_scope[: m.start()][-20:]):
            continue  # the relative is a patient of a case series
        if _PARENTAGE.search(family_scope[: m.start()][-60:]) and not _OF_THE_RELATIVE.match(
            family_scope, m.end()
        ):
            continue  # "the first child of healthy parents": whose child the patient is
        if lang.FAMILY_SCOPE_END_RE is not None and lang.FAMILY_SCOPE_END_RE.search(family_scope, m.end()):
            continue
        ctx.family = True
    ctx.uncertain = (
        ctx.uncertain
        or bool(lang.UNCERTAIN_RE.search(scope[-50:]))
        or _in_differential_list(lang, sentence, lo, start)
    )
    ctx.historical = bool(lang.HISTORY_RE.search(scope[-40:])) and not _DURATION_HISTORY.search(scope)
    if not ctx.historical and post and lang.POST_HISTORY_RE is not None:
        hm = lang.POST_HISTORY_RE.match(after)
        items = hm.groupdict().get("items") if hm else None
        # a list the history word ends reaches back over its items, unless one of them starts a
        # clause of its own ("发热、咳嗽伴胸痛史")
        ctx.historical = bool(hm) and not (items and lang.LIST_BREAK_RE and lang.LIST_BREAK_RE.search(items))
    # Anchored at the mention: read from the clause's start, past any scope end ("未再出现").
    if lang.RESOLVED_RE is not None and lang.RESOLVED_RE.search(before[max(clause, len(before) - 60) :]):
        ctx.resolved = True
    return ctx


def _in_differential_list(lang, sentence: str, lo: int, start: int) -> bool:
    """Whether the mention at `start` is an item of a list of differentials that a head opens
    earlier in the sentence ("Differential diagnoses included lymphoma, tuberculosis and
    sarcoidosis"): commas inside the list break no clause for the head."""
    heads = list(lang.DIFFERENTIAL_HEAD_RE.finditer(sentence, lo, start))
    return bool(heads) and not lang.DIFFERENTIAL_LIST_END_RE.search(sentence, heads[-1].end(), start)


def _post_cues(lang, after: str, ctx: Assertion) -> None:
    """Cues after the mention: within its clause ("… but the cultures were negative" is not the
    mention's), or after a list that ends with it."""
    # "HIV: negative", "乙肝表面抗原：阴性": a colon right after the mention introduces its result.
    tail = _LEADING_COLON.sub("", after[:60], count=1)
    if lang.POST_SCOPE_END_RE is not None:
        tail = lang.POST_SCOPE_END_RE.split(tail, 1)[0]
    if lang.POST_UNCERTAIN_RE.match(tail):
        ctx.uncertain = True  # "lymphoma could not be excluded", 淋巴瘤不能排除: not a negation
        return
    if lang.LIST_UNCERTAIN_RE is not None and lang.LIST_BREAK_RE is not None:
        # "lymphoma and sarcoidosis were considered", 与淋巴瘤、结核相鉴别: the list's every item
        lm = lang.LIST_UNCERTAIN_RE.match(after[:160])
        if lm and not lang.LIST_BREAK_RE.search(lm.group("items")):
            ctx.uncertain = True
            return
    if not ctx.negated and lang.POST_NEGATION_RE.match(tail):
        ctx.negated = True
    if not ctx.negated and lang.LIST_NEGATION_RE is not None:
        # "Patent foramen ovale (PFO), atrial septal defect and anomalous veins were ruled out":
        # a post-cue after a list reaches back over every item of it.
        lm = lang.LIST_NEGATION_RE.match(after[:160])
        if lm and not lang.LIST_BREAK_RE.search(lm.group("items")):
            ctx.negated = True
    if ctx.negated:
        return
    if lang.POST_RESOLVED_RE.match(tail):
        ctx.resolved = True
    elif lang.LIST_RESOLVED_RE is not None:
        # "her nausea, vomiting and gait disturbance disappeared"
        lm = lang.LIST_RESOLVED_RE.match(after[:160])
        if lm and not lang.LIST_BREAK_RE.search(lm.group("items")):
            ctx.resolved = True
