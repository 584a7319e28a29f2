"""Stage: assertions. Whether a mention is negated, about a relative, uncertain or historical.

The one place that says what a mention asserts; findings, measurements, treatments and outcomes
all ask `assertion_of` and never look for cues themselves. ConText-style: a cue governs the
mentions after it (or, for post-cues such as "was negative" / 阴性, the mention just before it) up
to a scope boundary: the last clause break, or a terminating word ("but", "however", 但). The cues
and boundaries are the report language's (`vocab/languages/`, section "assertions").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocab import languages

# "his 8-year-old sister had fever" in a case series: the relative is a patient of the report.
# Written in any language, whatever the report's.
_AGED_RELATIVE = re.compile(languages.alternatives("AGED_RELATIVE_WORDS"))


@dataclass(slots=True)
class Assertion:
    negated: bool = False
    family: bool = False
    uncertain: bool = False
    historical: bool = False


def _masked(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def assertion_of(sentence: str, start: int, end: int, language: str, *, post: bool = True) -> Assertion:
    """The assertion of the mention at [start, end) of `sentence` (offsets relative to the sentence).

    `post=False` ignores post-cues ("… was negative"): a drug or an outcome word is not negated
    by a result that follows it.
    """
    lang = languages.get(language)
    # Cues act within a clause: a bounded window keeps the cost per mention constant.
    before = sentence[max(0, start - 160) : start]
    after = sentence[end : end + 200]
    ctx = Assertion()
    # The pre-cue scope: back to the last clause break, then past any terminating word.
    breaks = [m.end() for m in lang.CLAUSE_BREAK_RE.finditer(before)]
    scope_start = breaks[-1] if breaks else 0
    for m in lang.SCOPE_END_RE.finditer(before, scope_start):
        scope_start = max(scope_start, m.end())
    scope = before[scope_start:]
    pseudo = _masked(lang.PSEUDO_NEGATION_RE, scope)
    # Only the nearest real cue matters: a farther one has a longer gap to the mention.
    nearest = None
    for m in lang.NEGATION_RE.finditer(scope):
        if not any(a <= m.start() < b for a, b in pseudo):
            nearest = m
    if nearest is not None:
        ctx.negated = lang.negation_reaches(scope[nearest.end() :])
    if not ctx.negated and post:
        tail = after[:40]
        if lang.POST_SCOPE_END_RE is not None:
            tail = lang.POST_SCOPE_END_RE.split(tail, 1)[0]
        if lang.POST_NEGATION_RE.search(tail):
            ctx.negated = True
    if not ctx.negated and post and lang.LIST_NEGATION_RE is not None:
        # "Patent foramen ovale (PFO), atrial septal defect and anomalous veins were ruled out":
        # a post-cue after a list reaches back over every item of it.
        lm = lang.LIST_NEGATION_RE.match(after[:160])
        if lm and not lang.LIST_BREAK_RE.search(lm.group("items")):
            ctx.negated = True
    family = [m for m in lang.FAMILY_RE.finditer(before[-60:])]
    ctx.family = any(not _AGED_RELATIVE.search(before[-60:][: m.start()][-20:]) for m in family)
    ctx.uncertain = bool(lang.UNCERTAIN_RE.search(scope[-50:]))
    ctx.historical = bool(lang.HISTORY_RE.search(before[-40:]))
    return ctx
