"""`year:2010-2020`, `year_min=2010&year_max=2020`: the publication year of the report (Case.year),
counted per year, newest first."""

from __future__ import annotations

from cases.search.facets.base import Column, Range
from cases.search.facets.range import RangeFacet

YEAR = RangeFacet(
    name="year",
    minimum=1800,
    maximum=2100,
    param=Range(low_description="Earliest publication year", high_description="Latest publication year"),
    column=Column("year", family="year", key=lambda year: int(year) if year else None),
    title="Year",
    position=80,
    example="year:2010-2020",
)
