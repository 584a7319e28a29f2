"""Duplicate patients: the same woman written up in English (2019) and Chinese (2020) is found;
a different woman of the same age and a man with the same disease are not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from cases.curation import services
from cases.curation.duplicates import (
    DUPLICATE_THRESHOLD,
    _InformationContent,
    candidate_ids,
    case_profile,
    duplicates_detect,
    score_pair,
)
from cases.curation.selectors import case_citations
from cases.models import Case, CaseDuplicate, PhenotypicFeature, Provenance, Term, Treatment
from tests.curation.conftest import PASSWORD, case_from_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def patients(db):
    return {
        "en": case_from_fixture("crest-2019-en.txt"),
        "zh": case_from_fixture("crest-2020-zh.txt"),
        "lupus": case_from_fixture("lupus-2022-en.txt"),
        "man": case_from_fixture("crest-man-2019-en.txt"),
    }


def test_planted_duplicate_is_found_and_others_are_not(patients):
    result = duplicates_detect()
    pairs = {(d.case_a_id, d.case_b_id): d for d in result.flagged}
    same = tuple(sorted((patients["en"].pk, patients["zh"].pk)))
    assert set(pairs) == {same}
    duplicate = pairs[same]
    assert duplicate.score >= DUPLICATE_THRESHOLD
    assert duplicate.status == CaseDuplicate.Status.OPEN
    calcinosis = Term.objects.get(hpo_id="HP:0003761").pk
    assert calcinosis in duplicate.reasons["shared_terms"]
    assert duplicate.reasons["shared_years"] == [2016, 2017, 2018]
    assert len(duplicate.reasons["shared_agents"]) == 2
    assert result.scanned == 4


def test_scores_separate_same_patient_from_different_ones(patients):
    ic = _InformationContent()
    profiles = {name: case_profile(case) for name, case in patients.items()}
    same = score_pair(profiles["en"], profiles["zh"], ic)
    lupus = score_pair(profiles["en"], profiles["lupus"], ic)
    assert same.score > 0.85
    assert lupus.score < 0.5
    assert score_pair(profiles["en"], profiles["man"], ic) is None  # a different sex rules it out
    # The candidate query uses the indexed arrays: the man is never even a candidate.
    candidates = candidate_ids(profiles["en"], ic)
    assert patients["zh"].pk in candidates and patients["man"].pk not in candidates


def test_detection_keeps_a_curator_verdict(patients, curator):
    duplicates_detect()
    duplicate = CaseDuplicate.objects.get()
    services.duplicate_dismiss(duplicate=duplicate, user=curator)
    duplicates_detect()
    duplicate.refresh_from_db()
    assert duplicate.status == CaseDuplicate.Status.DISMISSED
    assert CaseDuplicate.objects.count() == 1


def test_merge_keeps_every_citation_and_curator_fact(patients, curator):
    keep, merge = patients["en"], patients["zh"]
    duplicates_detect(cases=[keep])
    # The Chinese write-up has a curator fact the English one lacks, and a curator correction of
    # a fact both have.
    text = merge.report.text
    start = text.index("疼痛")
    extra = services.fact_create(
        fact_model=PhenotypicFeature,
        case=merge,
        user=curator,
        term=Term.objects.get(hpo_id="HP:0012531"),
        evidence_start=start,
        evidence_end=start + 2,
    )
    services.fact_update(
        fact=merge.phenotypicfeatures.get(term__hpo_id="HP:0003761"), user=curator, onset="2016"
    )
    services.case_merge(keep=keep, merge=merge, user=curator)

    merge.refresh_from_db()
    assert merge.merged_into == keep
    assert [r.pk for r in case_citations(case=keep)] == [keep.report_id, merge.report_id]
    # The merged case keeps its own facts, evidence offsets intact.
    extra.refresh_from_db()
    assert extra.case_id == merge.pk and extra.evidence_text == "疼痛"
    copied = PhenotypicFeature.objects.get(case=keep, term__hpo_id="HP:0012531")
    assert copied.provenance == Provenance.CURATOR and copied.locked
    assert copied.evidence_text == "疼痛" and copied.evidence_start is None
    # A fact `keep` already has is not duplicated.
    assert PhenotypicFeature.objects.filter(case=keep, term__hpo_id="HP:0003761").count() == 1
    keep.refresh_from_db()
    assert Term.objects.get(hpo_id="HP:0012531").pk in keep.term_ids
    assert CaseDuplicate.objects.get().status == CaseDuplicate.Status.MERGED
    public = Case.objects.visible_to(AnonymousUser())
    assert public.filter(pk=keep.pk).exists() and not public.filter(pk=merge.pk).exists()
    assert merge.history.first().history_user == curator
    with pytest.raises(Exception, match="already merged"):
        services.case_merge(keep=patients["lupus"], merge=merge, user=curator)


def test_merge_machine_facts_are_not_copied(patients, curator):
    keep, merge = patients["en"], patients["zh"]
    before = Treatment.objects.filter(case=keep).count()
    services.case_merge(keep=keep, merge=merge, user=curator)
    assert Treatment.objects.filter(case=keep).count() == before


def test_command_and_admin_actions(patients, client, curator, capsys):
    call_command("detect_duplicates")
    assert "1 probable duplicates" in capsys.readouterr().out
    assert client.login(username=curator.username, password=PASSWORD)
    CaseDuplicate.objects.all().delete()
    response = client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "find_duplicates", "_selected_action": [str(patients["zh"].pk)]},
    )
    assert response.status_code == 302 and "caseduplicate" in response["Location"]
    duplicate = CaseDuplicate.objects.get()
    page = client.get(reverse("admin:cases_caseduplicate_changelist")).content.decode()
    assert "shared feature" in page
    listed = client.get(reverse("admin:cases_case_changelist"), {"duplicate": "open"})
    assert {c.pk for c in listed.context["cl"].result_list} == {patients["en"].pk, patients["zh"].pk}
    client.post(
        reverse("admin:cases_caseduplicate_changelist"),
        {"action": "merge_into_first", "_selected_action": [str(duplicate.pk)]},
    )
    duplicate.refresh_from_db()
    assert duplicate.status == CaseDuplicate.Status.MERGED
    assert Case.objects.get(pk=duplicate.case_b_id).merged_into_id == duplicate.case_a_id
    # The kept case's review page cites both reports.
    page = client.get(reverse("admin:cases_case_change", args=[duplicate.case_a_id])).content.decode()
    assert "also reported in" in page
    for case in (duplicate.case_a, duplicate.case_b):
        assert case.report.title in page


def test_viewer_cannot_merge_or_dismiss(patients, client, viewer):
    duplicates_detect()
    duplicate = CaseDuplicate.objects.get()
    assert client.login(username=viewer.username, password=PASSWORD)
    changelist = reverse("admin:cases_caseduplicate_changelist")
    page = client.get(changelist).content.decode()
    assert "shared feature" in page and 'value="merge_into_first"' not in page
    client.post(changelist, {"action": "merge_into_first", "_selected_action": [str(duplicate.pk)]})
    client.post(changelist, {"action": "dismiss", "_selected_action": [str(duplicate.pk)]})
    duplicate.refresh_from_db()
    assert duplicate.status == CaseDuplicate.Status.OPEN
    assert not Case.objects.filter(merged_into__isnull=False).exists()
