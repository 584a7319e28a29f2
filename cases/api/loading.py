"""What each API response loads, and only that, with a fixed number of queries whatever the
number of cases: the columns no response reads are deferred (a report's bytes and text, a case's
search arrays, the large arrays of vocabulary rows) and facts come through prefetches.

Result lists do not come through here: cases/summaries.py builds them in one query.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.postgres.fields import ArrayField
from django.db.models import Prefetch

from cases.facts import FACT_KINDS
from cases.models import Case, Diagnosis, Outcome, PhenotypicFeature, Treatment

# Columns no response reads: the report's bytes and text, and the case's search arrays.
DEFERRED = ("report__raw", "report__text", "report__metadata", *FACT_KINDS.column_names())


def summary_prefetches() -> list[Prefetch]:
    """What CaseSummarySerializer reads (its coded, non-rejected features and diagnoses, 2 queries):
    the documented shape of a list entry, which cases/api/results.py writes without it."""
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False, term__isnull=False).select_related(
                "term"
            ),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False, disease__isnull=False).select_related(
                "disease"
            ),
        ),
    ]


def _vocabulary_arrays(model, *relations: str) -> list[str]:
    """Large array columns of the rows a fact joins to (a term's ancestors, synonyms), which no
    response reads."""
    deferred = []
    for relation in relations:
        related = model
        for step in relation.split("__"):
            related = related._meta.get_field(step).related_model
        deferred += [
            f"{relation}__{field.name}"
            for field in related._meta.concrete_fields
            if isinstance(field, ArrayField)
        ]
    return deferred


def detail_prefetches() -> list[Prefetch]:
    """Every fact of a case with what its serializer reads: one query per fact kind (cases.facts)
    for any number of cases."""
    return [
        Prefetch(
            kind.accessor,
            queryset=kind.model.objects.filter(rejected=False)
            .select_related(*kind.related, "edited_by")
            .defer(*_vocabulary_arrays(kind.model, *kind.related)),
        )
        for kind in FACT_KINDS
    ]


def csv_prefetches() -> list[Prefetch]:
    """What a CSV row reads, and only that: the vocabulary rows carry large arrays (ancestors,
    synonyms) that an export of thousands of cases must not load."""
    fact_fields = ("id", "case_id", "rejected", "evidence_start")
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False, term__isnull=False)
            .select_related("term")
            .only(*fact_fields, "excluded", "term__hpo_id", "term__label"),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False, disease__isnull=False)
            .select_related("disease")
            .only(*fact_fields, "disease__code", "disease__label"),
        ),
        Prefetch(
            "treatments",
            queryset=Treatment.objects.filter(rejected=False)
            .select_related("agent")
            .only(*fact_fields, "agent_name", "agent__name"),
        ),
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.filter(rejected=False).only(*fact_fields, "about", "direction"),
        ),
    ]


def cases_in_order(ids: list[int], *, user, prefetches: list[Prefetch]) -> list[Case]:
    """The visible cases with these ids, in the order given, loaded with a fixed number of queries."""
    if not ids:
        return []
    rows = (
        Case.objects.visible_to(user)
        .filter(id__in=ids)
        .select_related("report")
        .defer(*DEFERRED)
        .prefetch_related(*prefetches)
    )
    by_id = {case.id: case for case in rows}
    return [by_id[case_id] for case_id in ids if case_id in by_id]


def iter_cases(ids: list[int], *, user, prefetches: list[Prefetch], chunk: int = 500) -> Iterator[Case]:
    for index in range(0, len(ids), chunk):
        yield from cases_in_order(ids[index : index + chunk], user=user, prefetches=prefetches)
