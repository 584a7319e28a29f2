"""The facets of the search, each declared once: `FACETS` below is the registry every other part
reads, and each facet kind lives in its own small module.

A declaration (base.Facet) says, for one field of the query language:
- its name and aliases (`lang:`, `language:`) and how a value is checked (`parse`);
- its URL/API parameter(s) and whether they repeat (`param`: Single, Repeated or Range);
- the Case column the index reads and how the bitmap family is built from it (`column`);
- how a value selects cases (`evaluate`), how values are counted, ordered and labelled
  (`count`), its sidebar title, the name of its counts and their position, its chip label.

Who reads the registry: the query parser (query.py: fields and aliases), the evaluator
(evaluation.py), the index builder (index.py: one bitmap family per declared column), facet
counting (counting.py), CaseSearch (engine.py: URL parameters), the HTML views and templates
(sidebar, facet links, chips, syntax help), and the API (its parameters and OpenAPI schema).

Adding a facet: a module with the declaration, one entry in FACETS, and the Case column it reads
(with its migration, and the fact-kind code that fills it on write). For example a facet over
Case.country, counted in the sidebar and refinable with `?country=…`:

    # cases/search/facets/country.py
    from cases.search.facets.base import Column, Single
    from cases.search.facets.value import ValueFacet

    COUNTRY = ValueFacet(name="country", param=Single(description="Country of the patient"),
                         column=Column("country", family="country"), title="Country",
                         position=90, example="country:Japan")

    # here, in FACETS below: …, TEXT, COUNTRY

tests/search/test_facet_registry.py registers such a facet at run time (`FACETS.registered`) and
sees it parsed, filtered and counted end to end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cases.search.facets.age import AGE
from cases.search.facets.agent import DRUG
from cases.search.facets.base import Column, Facet, FacetValue, ParameterDoc, Range, Repeated, Single
from cases.search.facets.disease import DISEASE
from cases.search.facets.gene import GENE
from cases.search.facets.language import LANGUAGE
from cases.search.facets.outcome import OUTCOME
from cases.search.facets.sex import SEX
from cases.search.facets.term import EXCLUDED, HPO
from cases.search.facets.text import TEXT
from cases.search.facets.variant import VARIANT
from cases.search.facets.year import YEAR

__all__ = [
    "FACETS",
    "Column",
    "Facet",
    "FacetRegistry",
    "FacetValue",
    "ParameterDoc",
    "Range",
    "Repeated",
    "Single",
]


class FacetRegistry:
    """The declared facets, in query-language order (the order fields are listed in messages and
    parameters in URLs); the counts follow each facet's `position`."""

    def __init__(self, facets: list[Facet]) -> None:
        self._lock = threading.Lock()
        self._facets: list[Facet] = []
        self.version = 0  # changes with every (un)registration: caches key on it
        for facet in facets:
            self.register(facet)

    def _rebuild(self) -> None:
        by_name: dict[str, Facet] = {}
        by_param: dict[str, Facet] = {}
        by_concept: dict[str, Facet] = {}
        for facet in self._facets:
            for name in (facet.name, *facet.aliases):
                if name in by_name:
                    raise ValueError(f"facet name {name!r} declared twice")
                by_name[name] = facet
            for param in facet.param_names:
                by_param[param] = facet
            if facet.concept_kind:
                by_concept[facet.concept_kind] = facet
        self._by_name, self._by_param, self._by_concept = by_name, by_param, by_concept
        self.version += 1

    def register(self, facet: Facet) -> None:
        with self._lock:
            self._facets.append(facet)
            try:
                self._rebuild()
            except ValueError:
                self._facets.pop()
                raise

    def unregister(self, name: str) -> None:
        with self._lock:
            self._facets = [facet for facet in self._facets if facet.name != name]
            self._rebuild()

    @contextmanager
    def registered(self, facet: Facet) -> Iterator[Facet]:
        """`with FACETS.registered(facet):` the facet exists for the block only (tests)."""
        self.register(facet)
        try:
            yield facet
        finally:
            self.unregister(facet.name)

    # --- lookups --------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Facet]:
        return iter(list(self._facets))

    def get(self, name: str) -> Facet | None:
        """The facet declared under `name` or one of its aliases."""
        return self._by_name.get(name)

    def __getitem__(self, name: str) -> Facet:
        return self._by_name[name]

    @property
    def fields(self) -> tuple[str, ...]:
        """Field names of the query language, in order."""
        return tuple(facet.name for facet in self._facets)

    def for_param(self, param: str) -> Facet | None:
        """The facet a URL/API parameter (`sex`, `age_min`, …) belongs to."""
        return self._by_param.get(param)

    def for_concept(self, kind: str) -> Facet | None:
        """The facet whose values are vocabulary entries of `kind` (term, disease, agent)."""
        return self._by_concept.get(kind)

    def with_params(self) -> list[Facet]:
        return [facet for facet in self._facets if facet.param is not None]

    def counted(self) -> list[Facet]:
        """Facets with counts, in sidebar order."""
        return sorted((facet for facet in self._facets if facet.counted), key=lambda facet: facet.position)

    def columns(self) -> list[Column]:
        """Every column the index reads, once per family."""
        columns: dict[str, Column] = {}
        for facet in self._facets:
            if facet.column is not None:
                columns.setdefault(facet.column.family, facet.column)
        return list(columns.values())


FACETS = FacetRegistry([SEX, AGE, DRUG, OUTCOME, HPO, DISEASE, GENE, VARIANT, LANGUAGE, YEAR, EXCLUDED, TEXT])
