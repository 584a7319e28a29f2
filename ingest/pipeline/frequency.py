"""Dosing frequency as written (1次/d, 3次/d, 1次/周, 1次/2d, qd, bid, tid, qw, "every other day")
into the controlled vocabulary of DESIGN.md: "once daily", "twice daily", "three times daily",
"four times daily", "once weekly", "every 2 days", "every 8 hours", "once monthly", …

The rules are the languages' (`FREQUENCY_RULES` of each module in `vocab/languages/`), all of them
tried on every report: a Chinese report writes "bid" as often as "2次/d".
"""

from __future__ import annotations

import re

from vocab import languages

# Order matters: the first rule that matches wins, so each language lists its specific forms before
# its general ones; languages are tried in registry order.
_RULES = [rule for module in languages.LANGUAGES.values() for rule in module.FREQUENCY_RULES]


def frequency(text: str) -> str | None:
    """The first frequency expression in `text`, normalised; None when there is none."""
    for pattern, answer in _RULES:
        m = pattern.search(text)
        if m:
            return answer if isinstance(answer, str) else answer(m)
    return None


# "每日服用异烟肼", "每日60毫克的泼尼松": a frequency right before the drug, with at most a verb of
# giving or the dose between it and the drug's name.
_LEAD_IN = re.compile(rf"\s*(?:{languages.alternatives('GIVEN_WORDS')}|服用|使用|应用)?\s*$", re.I)
_DOSE_LEAD_IN = re.compile(r"\s*\d+(?:\.\d+)?\s*[^\W\d]{1,3}\s*的?\s*$")


def frequency_before(text: str) -> str | None:
    """The frequency written just before a drug's name at the end of `text`; None when there is
    none there."""
    for pattern, answer in _RULES:
        for m in pattern.finditer(text):
            rest = text[m.end() :]
            if _LEAD_IN.fullmatch(rest) or _DOSE_LEAD_IN.fullmatch(rest):
                return answer if isinstance(answer, str) else answer(m)
    return None
