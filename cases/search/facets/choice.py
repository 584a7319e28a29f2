"""Facets over a fixed set of values (sex, outcome direction): every value is checked against the
set, and counts follow the set's order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pyroaring import BitMap

from cases.search.facets.base import Counting, Facet, FacetValue
from cases.search.syntax import Field, QuerySyntaxError


@dataclass(frozen=True, kw_only=True)
class ChoiceFacet(Facet):
    choices: tuple[str, ...]
    synonyms: Mapping[str, str] = field(default_factory=dict)  # other spellings people type

    def parse(self, value: str, position: int) -> Field:
        choice = self.synonyms.get(value.lower(), value.lower())
        if choice not in self.choices:
            raise QuerySyntaxError(
                f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}",
                self.value_position(position),
            )
        return Field(position, self.name, choice)

    def label(self, choice: str) -> str:
        return choice.capitalize()

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        family = counting.family(self.column.family)
        return [
            FacetValue(choice, self.label(choice), count, "", self.name)
            for choice in self.choices
            if (count := result.intersection_cardinality(family.get(self.stored(choice)) or BitMap()))
        ]
