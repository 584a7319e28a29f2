"""English."""

from __future__ import annotations

import re

CODE = "en"
NAME = "English"

# Words of two or more Latin letters, full-width ones included (PDF text of Chinese journals).
LATIN_WORD_RE = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}")


def share(sample: str) -> float:
    """Evidence that `sample` is English: its Latin words, each worth half a Han character, so a
    Chinese report with English terms in brackets is still Chinese."""
    return len(LATIN_WORD_RE.findall(sample)) * 0.5
