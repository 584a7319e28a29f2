"""`sex:female`, `sex=female`: the sex of the patient (Case.sex)."""

from __future__ import annotations

from cases.search.facets.base import Column, Single
from cases.search.facets.choice import ChoiceFacet

SEXES = ("female", "male", "other", "unknown")  # Case.Sex

SEX = ChoiceFacet(
    name="sex",
    choices=SEXES,
    synonyms={"f": "female", "m": "male", "woman": "female", "man": "male", "女": "female", "男": "male"},
    param=Single(description="Filter by sex", enum=SEXES),
    column=Column("sex", family="sex", key=lambda sex: sex or "unknown"),
    title="Sex",
    position=50,
    example="sex:female",
)
