"""`lang:zh`, `lang=zh`: the language of the report (Case.language, an ISO 639 code)."""

from __future__ import annotations

from cases.search.facets.base import Column, Single
from cases.search.facets.value import ValueFacet

LANGUAGE_LABELS = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}

LANGUAGE = ValueFacet(
    name="lang",
    aliases=("language",),
    pattern=r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)?",
    pattern_help="a language code such as en or zh",
    lowercase=True,
    labels=LANGUAGE_LABELS,
    param=Single(description="Report language, e.g. `en` or `zh`"),
    column=Column("language", family="language", key=lambda language: language or ""),
    title="Language",
    key="language",
    position=70,
    example="lang:zh",
)
