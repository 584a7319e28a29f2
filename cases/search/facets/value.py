"""Facets over the distinct values of a text column (language): one bitmap per value, every value
present in a result counted, most frequent first."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pyroaring import BitMap

from cases.search.facets.base import Counting, Facet, FacetValue
from cases.search.syntax import Field, QuerySyntaxError


@dataclass(frozen=True, kw_only=True)
class ValueFacet(Facet):
    pattern: str = ""  # a value must match it (whole), e.g. a language code
    pattern_help: str = ""  # what the pattern asks for, in an error message: "a language code …"
    lowercase: bool = False  # values are compared in lower case (stored that way)
    labels: Mapping[str, str] = field(default_factory=dict)  # display names of values

    def parse(self, value: str, position: int) -> Field:
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise QuerySyntaxError(
                f"{self.name} must be {self.pattern_help}, not {value!r}", self.value_position(position)
            )
        return Field(position, self.name, value.lower() if self.lowercase else value)

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        family = counting.family(self.column.family)
        return sorted(
            (
                FacetValue(value, self.labels.get(value, value), count, "", self.name)
                for value, bitmap in family.items()
                if value and (count := result.intersection_cardinality(bitmap))
            ),
            key=lambda value: (-value.count, value.key),  # ties by value: the same however built
        )
