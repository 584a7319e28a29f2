"""Re-parse from the review queue: machine facts replaced by the real pipeline, curator-locked
and rejected facts kept, and a per-case summary shown to the curator."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.curation import services
from cases.models import Outcome, PhenotypicFeature, Provenance, Term
from tests.curation.conftest import PASSWORD, case_from_fixture

pytestmark = pytest.mark.django_db

reparse_service = pytest.importorskip("ingest.services", reason="ingestion's report_reparse is not built yet")


def test_locked_facts_survive_reparse_and_summary_is_shown(client, curator):
    from ingest.pipeline import PARSER_VERSION

    case = case_from_fixture("crest-2019-en.txt")
    # A curator corrects one fact, rejects another and adds a third tied to a span.
    edited = case.phenotypicfeatures.get(term__hpo_id="HP:0011838")
    services.fact_update(fact=edited, user=curator, onset="2006", severity="moderate")
    rejected = case.phenotypicfeatures.get(term__hpo_id="HP:0001009")
    services.fact_reject(
        fact=rejected, user=curator, reason="facial telangiectasia belongs to the discussion"
    )
    start = case.report.text.index("painful")
    added = services.fact_create(
        fact_model=PhenotypicFeature,
        case=case,
        user=curator,
        term=Term.objects.get(hpo_id="HP:0012531"),
        evidence_start=start,
        evidence_end=start + 7,
    )
    machine_outcome_ids = set(Outcome.objects.filter(case=case).values_list("pk", flat=True))
    locked_ids = {edited.pk, rejected.pk, added.pk}

    assert client.login(username=curator.username, password=PASSWORD)
    # The case page's button posts this action for the one case.
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert 'id="reparse-button"' in page
    response = client.post(
        reverse("admin:cases_case_changelist"), {"action": "reparse", "_selected_action": [str(case.pk)]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Re-parse summary" in page
    assert "failed" not in page.split('id="reparse-totals"')[1].split("</p>")[0]

    # The three facts a curator touched are all still there, unchanged.
    kept = {f.pk: f for f in PhenotypicFeature.objects.filter(pk__in=locked_ids)}
    assert set(kept) == locked_ids
    assert (kept[edited.pk].onset, kept[edited.pk].severity, kept[edited.pk].locked) == (
        "2006",
        "moderate",
        True,
    )
    assert kept[rejected.pk].rejected and kept[rejected.pk].rejected_reason.startswith("facial")
    assert kept[added.pk].provenance == Provenance.CURATOR and kept[added.pk].evidence_text == "painful"
    # The fixture's machine facts were replaced by the pipeline's.
    assert not Outcome.objects.filter(pk__in=machine_outcome_ids).exists()
    machine = PhenotypicFeature.objects.filter(case=case, provenance=Provenance.MACHINE, locked=False)
    assert set(machine.values_list("parser_version", flat=True)) == {PARSER_VERSION}
    # No machine duplicate of a kept fact (Sclerodactyly is kept locked; the parser finds it again).
    assert PhenotypicFeature.objects.filter(case=case, term=edited.term, rejected=False).count() == 1

    row = re.search(
        r'<td class="added">(\d+)</td><td class="removed">(\d+)</td>'
        r'<td class="unchanged">(\d+)</td><td class="kept">(\d+)</td>',
        page,
    )
    assert row is not None
    added_n, removed_n, unchanged_n, kept_n = map(int, row.groups())
    assert kept_n == 3
    assert removed_n >= len(machine_outcome_ids)
    # Every machine fact now on the case was either added or found again by this parse.
    from cases.models import FACT_MODELS

    now_machine = sum(m.objects.filter(case=case, locked=False, rejected=False).count() for m in FACT_MODELS)
    assert added_n + unchanged_n == now_machine > 0
    assert f"parser {PARSER_VERSION}" in page


def test_viewer_has_no_reparse_action(client, viewer):
    case = case_from_fixture("lupus-2022-en.txt")
    assert client.login(username=viewer.username, password=PASSWORD)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert 'value="reparse"' not in page
    response = client.post(
        reverse("admin:cases_case_changelist"), {"action": "reparse", "_selected_action": [str(case.pk)]}
    )
    assert b"Re-parse summary" not in response.content


def test_reparse_refuses_too_large_a_selection(client, curator, monkeypatch):
    import ingest.admin

    monkeypatch.setattr(ingest.admin, "REPARSE_MAX_REPORTS", 1)
    cases_ = [case_from_fixture("lupus-2022-en.txt"), case_from_fixture("crest-2019-en.txt")]
    before = {c.pk: set(c.phenotypicfeatures.values_list("pk", flat=True)) for c in cases_}
    assert client.login(username=curator.username, password=PASSWORD)
    response = client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "reparse", "_selected_action": [str(c.pk) for c in cases_]},
        follow=True,
    )
    assert "re-parse at most 1 at a time" in response.content.decode()
    assert {c.pk: set(c.phenotypicfeatures.values_list("pk", flat=True)) for c in cases_} == before
