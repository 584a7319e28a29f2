"""`outcome:improved`: the case reports an outcome in this direction (Case.outcome_codes, the
stable small integers of cases.models.OUTCOME_CODES)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.search.facets.base import Column, Repeated
from cases.search.facets.choice import ChoiceFacet

DIRECTIONS = ("improved", "resolved", "stable", "worsened", "recurred", "died")  # Outcome.Direction


@dataclass(frozen=True, kw_only=True)
class OutcomeFacet(ChoiceFacet):
    def stored(self, value: str) -> int:
        # Imported here: the facet declarations load without Django (the query parser reads them).
        from cases.models import OUTCOME_CODES

        return OUTCOME_CODES[value]

    def label(self, choice: str) -> str:
        return choice


OUTCOME = OutcomeFacet(
    name="outcome",
    choices=DIRECTIONS,
    param=Repeated(enum=DIRECTIONS),
    column=Column("outcome_codes", family="outcome", array=True),
    title="Outcomes",
    key="outcomes",
    position=40,
    example="outcome:improved",
)
