"""What each API response loads, and only that, with a fixed number of queries whatever the
number of cases: the columns no response reads are deferred (a report's bytes and text, a case's
search arrays, the large arrays of vocabulary rows) and facts come through prefetches.

Result lists do not come through here: cases/summaries.py builds them in one query.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch

from cases.models import Case, Diagnosis, Measurement, Outcome, PhenotypicFeature, Treatment

# Columns no response reads: the report's bytes and text, and the case's search arrays.
DEFERRED = (
    "report__raw",
    "report__text",
    "report__metadata",
    "term_ids",
    "excluded_term_ids",
    "disease_ids",
    "agent_ids",
    "outcome_codes",
)


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


def _vocabulary_arrays(*relations: str) -> list[str]:
    """Large array columns of the vocabulary rows a fact joins to, which no response reads."""
    columns = {
        "term": ("synonyms_en", "synonyms_zh", "parent_ids", "ancestor_ids"),
        "disease": ("synonyms_en", "synonyms_zh", "annotated_term_ids"),
        "agent": ("synonyms_en", "synonyms_zh"),
        "analyte_ref": ("synonyms_en", "synonyms_zh"),
    }
    return [f"{relation}__{column}" for relation in relations for column in columns[relation]]


def detail_prefetches() -> list[Prefetch]:
    """Every fact of a case with what its serializer reads (5 queries for any number of cases)."""
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False)
            .select_related("term", "edited_by")
            .defer(*_vocabulary_arrays("term")),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False)
            .select_related("disease", "edited_by")
            .defer(*_vocabulary_arrays("disease")),
        ),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(rejected=False)
            .select_related("term", "analyte_ref", "edited_by")
            .defer(*_vocabulary_arrays("term", "analyte_ref")),
        ),
        Prefetch(
            "treatments",
            queryset=Treatment.objects.filter(rejected=False)
            .select_related("agent", "edited_by")
            .defer(*_vocabulary_arrays("agent")),
        ),
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.filter(rejected=False)
            .select_related("term", "edited_by")
            .defer(*_vocabulary_arrays("term")),
        ),
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
