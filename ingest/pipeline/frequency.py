"""Dosing frequency as written (1次/d, 3次/d, 1次/周, 1次/2d, qd, bid, tid, qw, "every other day")
into the controlled vocabulary of DESIGN.md: "once daily", "twice daily", "three times daily",
"four times daily", "once weekly", "every 2 days", "every 8 hours", "once monthly", …
"""

from __future__ import annotations

import re

_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
_WORDS = {"once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "thrice": 3}
_PERIOD_ZH = {
    "d": "day",
    "日": "day",
    "天": "day",
    "周": "week",
    "w": "week",
    "星期": "week",
    "月": "month",
    "h": "hour",
    "小时": "hour",
}
_ADVERB = {"day": "daily", "week": "weekly", "month": "monthly", "hour": "hourly"}

# Order matters: the first pattern that matches wins, so specific forms come before general ones.
_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    # 1次/2d, 1次/2周, 每2日1次
    (re.compile(r"(\d+)\s*次\s*/\s*(\d+)\s*(d|日|天|周|w|月)", re.I), "zh_interval"),
    (re.compile(r"每\s*(\d+)\s*(日|天|周|月|小时|h)\s*(\d+)\s*次"), "zh_every_n"),
    (re.compile(r"(\d+)\s*次\s*/\s*(d|日|天|周|w|星期|月|h|小时)", re.I), "zh_times"),
    (re.compile(r"每\s*(日|天|周|星期|月)\s*(\d+)\s*次"), "zh_each"),
    (re.compile(r"隔日|隔天"), "every 2 days"),
    (re.compile(r"每周"), "once weekly"),
    (re.compile(r"每日|每天"), "once daily"),
    (
        re.compile(
            r"(?<![a-z])q\.?\s*o\.?\s*d\.?(?![a-z])|\bevery other day\b|\bon alternate days\b|\balternate[- ]day\b|\bevery second day\b",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "every 2 days",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:b\.?i\.?d\.?|twice (?:a |per |each )?day|twice daily)(?![a-z])",
            re.I,
        ),
        "twice daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:t\.?i\.?d\.?|three times (?:a |per |each )?day|three times daily|thrice daily)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "three times daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?i\.?d\.?|four times (?:a |per |each )?day|four times daily)(?![a-z])",
            re.I,
        ),
        "four times daily",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?w\.?|qwk|once (?:a |per |each )?week|once weekly|weekly|every week|per week)(?![a-z])|/\s*(?:week|wk)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "once weekly",
    ),
    (
        re.compile(
            r"\bevery\s+(\d+|two|three|four|six|eight|twelve)\s*(hours?|h|days?|weeks?|months?)\b", re.I
        ),
        "en_every",
    ),
    (re.compile(r"(?<![A-Za-z])q\s*(\d+)\s*h(?![a-z])", re.I), "en_qh"),
    (
        re.compile(r"(?<![a-z])(?:once (?:a |per |each )?month|monthly|every month)(?![a-z])", re.I),
        "once monthly",
    ),
    (
        re.compile(
            r"(?<![a-z])(?:q\.?d\.?|o\.?d\.?|once (?:a |per |each )?day|once daily|daily|every day|per day|a day|/\s*day|/\s*d|qam|qpm|at bedtime|qhs|nightly)(?![a-z])",  # noqa: E501 - a pattern reads best on one line
            re.I,
        ),
        "once daily",
    ),
    (re.compile(r"/\s*(?:day|d)(?![a-z])", re.I), "once daily"),  # "100 mg/day", "mg/d"
    (
        re.compile(r"(?<![a-z])(?:prn|p\.r\.n\.|as needed|on demand|when necessary)(?![a-z])", re.I),
        "as needed",
    ),
]


def _times(n: int, period: str) -> str:
    if n == 1:
        return f"once {_ADVERB[period]}"
    return f"{_TIMES.get(n, f'{n} times')} {_ADVERB[period]}"


def frequency(text: str) -> str | None:
    """The first frequency expression in `text`, normalised; None when there is none."""
    for pattern, kind in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        if isinstance(kind, str) and not kind.startswith(("zh_", "en_")):
            return kind
        if kind == "zh_interval":
            n, k, unit = int(m.group(1)), int(m.group(2)), _PERIOD_ZH.get(m.group(3).lower(), "day")
            if k <= 1:
                return _times(n, unit)
            return f"every {k} {unit}s" if n == 1 else f"{n} times every {k} {unit}s"
        if kind == "zh_every_n":
            k, unit, n = int(m.group(1)), _PERIOD_ZH.get(m.group(2), "day"), int(m.group(3))
            if k <= 1:
                return _times(n, unit)
            return f"every {k} {unit}s" if n == 1 else f"{n} times every {k} {unit}s"
        if kind == "zh_times":
            n, unit = int(m.group(1)), _PERIOD_ZH.get(m.group(2).lower(), "day")
            return _times(n, unit)
        if kind == "zh_each":
            unit, n = _PERIOD_ZH.get(m.group(1), "day"), int(m.group(2))
            return _times(n, unit)
        if kind == "en_every":
            raw = m.group(1).lower()
            k = (
                int(raw)
                if raw.isdigit()
                else {"two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "twelve": 12}[raw]
            )
            unit = m.group(2).lower().rstrip("s")
            unit = "hour" if unit in ("h", "hour") else unit
            # "every 8 hours" is kept as written: it fixes the interval, "three times daily" does not.
            if unit == "hour" and k == 24:
                return "once daily"
            return f"every {k} {unit}s" if k != 1 else f"once {_ADVERB.get(unit, unit)}"
        if kind == "en_qh":
            k = int(m.group(1))
            return "once daily" if k == 24 else f"every {k} hours"
    return None
