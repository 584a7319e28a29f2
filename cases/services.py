"""Writes to cases. Every function here is the one place its kind of change happens."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from cases.facts import FACT_KINDS, Fact
from cases.facts.search import search_columns
from cases.models import Case, Disease, Term


class DatabaseClosure:
    """The HPO and disease closures of a few ids, read from the database (cases.facts.Closure)."""

    @staticmethod
    def _read(model: type[Term] | type[Disease], ids: Iterable[int]) -> set[int]:
        found = set(ids)
        for ancestors in model.objects.filter(id__in=list(found)).values_list("ancestor_ids", flat=True):
            found.update(ancestors)
        return found

    def terms(self, term_ids: Iterable[int]) -> set[int]:
        return self._read(Term, term_ids)

    def diseases(self, disease_ids: Iterable[int]) -> set[int]:
        return self._read(Disease, disease_ids)


_closure = DatabaseClosure()


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


def cases_refresh_disease_closure() -> int:
    """Rewrite Case.disease_ids of every case from its diagnoses and the stored disease closure,
    after a vocabulary load changed the hierarchy; returns how many cases changed. One statement
    rather than a refresh per case: it must stay affordable at millions of cases. The rule is
    diagnosis.py's `_search` (non-rejected, non-differential diagnoses with their closure); cases
    whose column is already right are not written, so their search stamp does not move."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH wanted AS (
                SELECT c.id, coalesce((
                    SELECT array_agg(DISTINCT a ORDER BY a)::integer[]
                    FROM cases_diagnosis dg
                    JOIN cases_disease d ON d.id = dg.disease_id
                    CROSS JOIN LATERAL unnest(array_append(d.ancestor_ids, d.id)) AS a
                    WHERE dg.case_id = c.id AND NOT dg.rejected AND dg.status <> %s
                ), '{}'::integer[]) AS ids
                FROM cases_case c
            )
            UPDATE cases_case c SET disease_ids = wanted.ids
            FROM wanted WHERE wanted.id = c.id AND c.disease_ids IS DISTINCT FROM wanted.ids
            """,
            ["differential"],
        )
        return cursor.rowcount
