"""`age:30-50`, `age_min=30&age_max=50`: the patient's age in whole years (Case.age_years, floored),
counted in ten-year bands."""

from __future__ import annotations

import math

from cases.search.facets.base import Column, Range
from cases.search.facets.range import RangeFacet

AGE_BANDS = ((0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 130))


def _whole_years(age: float | None) -> int | None:
    return None if age is None or math.isnan(age) else int(age)


AGE = RangeFacet(
    name="age",
    minimum=0,
    maximum=130,
    bands=AGE_BANDS,
    param=Range(low_description="Youngest age in years", high_description="Oldest age in years"),
    column=Column("age_years", family="age", key=_whole_years),
    title="Age",
    position=60,
    example="age:30-50",
)
