"""Writes to cases. Every function here is the one place its kind of change happens."""

from __future__ import annotations

from cases.models import OUTCOME_CODES, Case, Diagnosis, Outcome, PhenotypicFeature, Term, Treatment


def case_refresh_search_columns(*, case: Case, save: bool = True) -> Case:
    """Rebuild the denormalised integer arrays of a case from its (non-rejected) facts.

    Present features store their whole ancestor closure so that a search for a general term finds
    cases coded with a more specific one; excluded features store only the term itself, because
    "no calcinosis cutis" says nothing about calcinosis in general.
    """
    features = list(
        PhenotypicFeature.objects.filter(case=case, rejected=False, term__isnull=False).values_list(
            "term_id", "excluded"
        )
    )
    present = {term_id for term_id, excluded in features if not excluded}
    excluded = {term_id for term_id, is_excluded in features if is_excluded}
    closure: set[int] = set()
    for ancestors in Term.objects.filter(id__in=present).values_list("ancestor_ids", flat=True):
        closure.update(ancestors)
    case.term_ids = sorted(closure | present)
    case.excluded_term_ids = sorted(excluded - present)
    case.disease_ids = sorted(
        set(
            Diagnosis.objects.filter(case=case, rejected=False, disease__isnull=False)
            .exclude(status=Diagnosis.Status.DIFFERENTIAL)
            .values_list("disease_id", flat=True)
        )
    )
    case.agent_ids = sorted(
        set(
            Treatment.objects.filter(case=case, rejected=False, agent__isnull=False).values_list(
                "agent_id", flat=True
            )
        )
    )
    case.outcome_codes = sorted(
        {
            OUTCOME_CODES[direction]
            for direction in Outcome.objects.filter(case=case, rejected=False).values_list(
                "direction", flat=True
            )
            if direction in OUTCOME_CODES
        }
    )
    report = case.report
    case.language = report.language
    case.year = report.year
    if save:
        # A queryset update, not save(): these columns are derived, so they must not add an entry
        # to the curation history every time a fact changes.
        Case.objects.filter(pk=case.pk).update(
            term_ids=case.term_ids,
            excluded_term_ids=case.excluded_term_ids,
            disease_ids=case.disease_ids,
            agent_ids=case.agent_ids,
            outcome_codes=case.outcome_codes,
            language=case.language,
            year=case.year,
        )
    return case
