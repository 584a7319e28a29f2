"""What every language module spells its results in: the extraction record's own vocabulary.

Not a language (it is in no registry): the record is written in one controlled vocabulary whatever
the report's language, so a Chinese "1次/2d" and an English "every other day" both become
"every 2 days". Language modules build those values with these helpers instead of spelling them
each on their own.
"""

from __future__ import annotations

# Section kinds a heading pattern's named groups may use (see `structure.py` of the pipeline).
CASE, DISCUSSION, REFERENCES, INTRO = "case", "discussion", "references", "intro"
# A field of the patient's record ("查体：", "现病史："): inside the case part, which may have begun
# before it, where a case heading ("病例资料") would mark where it begins.
CASE_FIELD = "case_field"
SECTION_KINDS = (CASE, CASE_FIELD, DISCUSSION, REFERENCES, INTRO)

# Dosing frequencies (DESIGN.md, "Extraction record"): "once daily", "three times weekly", …
_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}
ADVERB = {"day": "daily", "week": "weekly", "month": "monthly", "hour": "hourly"}


def times_per(n: int, period: str) -> str:
    """`n` administrations a `period` ("day", "week", "month", "hour"): "twice daily"."""
    if n == 1:
        return f"once {ADVERB[period]}"
    return f"{_TIMES.get(n, f'{n} times')} {ADVERB[period]}"
