"""Facets over whole numbers queried by range (`age:30-50`, `year:2010-`): one bitmap per value,
a range is the union of the values inside it. Counted per band when bands are declared (age),
else per value (year)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyroaring import BitMap

from cases.search.facets.base import Counting, Evaluation, Facet, FacetValue
from cases.search.syntax import Field, QuerySyntaxError, parse_range


@dataclass(frozen=True, kw_only=True)
class RangeFacet(Facet):
    minimum: int  # a bound outside [minimum, maximum] is an error
    maximum: int
    bands: tuple[tuple[int, int], ...] = ()  # counted per band (inclusive); empty: per value
    limit: int = 30  # values counted when there are no bands, highest first

    def parse(self, value: str, position: int) -> Field:
        where = self.value_position(position)
        low, high = parse_range(value, where, what=self.name)
        if any(bound is not None and not self.minimum <= bound <= self.maximum for bound in (low, high)):
            raise QuerySyntaxError(f"{self.name} out of range: {value!r}", where)
        return Field(position, self.name, value, low, high)

    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        low = node.low if node.low is not None else -1
        high = node.high if node.high is not None else 10_000
        family = evaluation.family(self.column.family)
        chosen = [bitmap for key, bitmap in family.items() if low <= key <= high]
        return BitMap.union(*chosen) if chosen else BitMap()

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        family = counting.family(self.column.family)
        if not self.bands:
            return sorted(
                (
                    FacetValue(str(value), str(value), count, "", self.name)
                    for value, bitmap in family.items()
                    if (count := result.intersection_cardinality(bitmap))
                ),
                key=lambda value: value.key,
                reverse=True,
            )[: self.limit]
        counts = {value: result.intersection_cardinality(bitmap) for value, bitmap in family.items()}
        values = []
        for low, high in self.bands:
            count = sum(n for value, n in counts.items() if low <= value <= high)
            if count:
                values.append(
                    FacetValue(f"{low}-{high}", band_label(low, high, self.maximum), count, "", self.name)
                )
        return values


def band_label(low: int, high: int, maximum: int) -> str:
    """`30–39`, or `80+` for the band that reaches the maximum."""
    return f"{low}+" if high >= maximum else f"{low}–{high}"
