"""Languages and scripts of the reports, one module each, declared once.

Every part of the registry that must know which language a text is in, or what counts as a Chinese
character, asks here: the readers (a decoded report's language), the extraction pipeline (its
cues and patterns), search (query words, full-text tokens). Adding a language is one module here
plus one entry in `LANGUAGES`.

Django-free, like the pipeline that uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import en, zh
from ._common import CASE, DISCUSSION, INTRO, REFERENCES, SECTION_KINDS

# Code -> module. Each module carries at least `CODE`, `NAME` and `share(sample) -> float`, the
# weight of evidence that a sample is written in it.
LANGUAGES = {module.CODE: module for module in (zh, en)}
CODES: tuple[str, ...] = tuple(LANGUAGES)
UNDETERMINED = "und"

# The Han ideographs of CJK Unified Ideographs, Extension A and the compatibility block: what
# "Chinese text" means for detection, tokenising and normalisation alike.
CJK_CHARS = zh.HAN_CHARS
CJK_RE = re.compile(f"[{CJK_CHARS}]")
CJK_RUN_RE = re.compile(f"[{CJK_CHARS}]+")

SAMPLE_CHARS = 20_000  # detection reads this much: bounded cost, and plenty to decide


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def detect_language(text: str) -> str:
    """The language code of `text` ("zh", "en", …), or "und" when it holds no words at all.

    Counted on a sample so the cost is bounded; a Chinese report with English terms in brackets is
    still Chinese, an English report quoting one Chinese name is still English.
    """
    sample = text[:SAMPLE_CHARS]
    weights = {code: module.share(sample) for code, module in LANGUAGES.items()}
    best = max(weights, key=lambda code: weights[code])
    if weights[best] <= 0:
        return UNDETERMINED
    return best


def get(code: str | None):
    """The module of a language code; English when the code is unknown or undetermined."""
    return LANGUAGES.get(code or "", en)


NEVER = r"(?!)"  # a pattern that matches nothing: what an alternation of no words is


def alternatives(name: str, key: str | None = None) -> str:
    """The regular-expression alternatives that the registered languages give under `name` (a
    `_WORDS` string, or with `key` one entry of a `_WORDS` dict), joined in registry order.

    For patterns tried on every report whatever its language. `NEVER` when no language gives any.
    """
    parts = []
    for module in LANGUAGES.values():
        value = getattr(module, name)
        part = value.get(key, "") if key is not None else value
        if part:
            parts.append(part)
    return "|".join(parts) if parts else NEVER


def merged(name: str) -> dict:
    """The `_WORDS` dicts of every registered language under `name`, as one dict."""
    out: dict = {}
    for module in LANGUAGES.values():
        out.update(getattr(module, name))
    return out


def literal_alternatives(words: Iterable[str]) -> str:
    """Literal `words` as regular-expression alternatives, longest first (so that "tablets" is
    tried before "tablet")."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) or NEVER


__all__ = [
    "CASE",
    "CJK_CHARS",
    "CJK_RE",
    "CJK_RUN_RE",
    "CODES",
    "DISCUSSION",
    "INTRO",
    "LANGUAGES",
    "NEVER",
    "REFERENCES",
    "SECTION_KINDS",
    "alternatives",
    "detect_language",
    "get",
    "has_cjk",
    "literal_alternatives",
    "merged",
]
