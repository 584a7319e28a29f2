"""Dosing frequency as written (1次/d, 3次/d, 1次/周, 1次/2d, qd, bid, tid, qw, "every other day")
into the controlled vocabulary of DESIGN.md: "once daily", "twice daily", "three times daily",
"four times daily", "once weekly", "every 2 days", "every 8 hours", "once monthly", …

The rules are the languages' (`FREQUENCY_RULES` of each module in `vocab/languages/`), all of them
tried on every report: a Chinese report writes "bid" as often as "2次/d".
"""

from __future__ import annotations

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
