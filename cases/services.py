"""Writes to cases. Every function here is the one place its kind of change happens."""

from __future__ import annotations

from collections.abc import Iterable

from cases.facts import FACT_KINDS, Fact
from cases.facts.search import search_columns
from cases.models import Case, Term


def _closure(term_ids: Iterable[int]) -> set[int]:
    """The terms with all their ancestors, read from the database."""
    found = set(term_ids)
    for ancestors in Term.objects.filter(id__in=list(found)).values_list("ancestor_ids", flat=True):
        found.update(ancestors)
    return found


def case_refresh_search_columns(*, case: Case, save: bool = True) -> Case:
    """Rebuild the denormalised integer arrays of a case from its (non-rejected) facts, with the
    builder ingestion uses too (cases.facts.search; each kind's `search` says what it adds)."""
    facts: dict[type[Fact], list[Fact]] = {
        kind.model: list(kind.model.objects.filter(case=case, rejected=False))
        for kind in FACT_KINDS
        if kind.search is not None
    }
    columns = search_columns(facts, closure=_closure)
    for name, value in columns.items():
        setattr(case, name, value)
    report = case.report
    case.language = report.language
    case.year = report.year
    if save:
        # A queryset update, not save(): these columns are derived, so they must not add an entry
        # to the curation history every time a fact changes.
        Case.objects.filter(pk=case.pk).update(**columns, language=case.language, year=case.year)
    return case
