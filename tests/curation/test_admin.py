"""The review queue and review page in the admin, driven through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Case, PhenotypicFeature, Provenance, Term
from tests.curation.conftest import PASSWORD, case_from_fixture
from tests.factories import CaseFactory, ReportFactory, UserFactory

S = Case.Status
pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def inline_management(case: Case) -> dict[str, str]:
    """The POST data of the case page's inline formsets with every existing fact unchanged."""
    data: dict[str, str] = {}
    from cases.admin import FACT_INLINES, _formset_prefix

    for inline in FACT_INLINES:
        prefix = _formset_prefix(inline.model)
        facts = list(inline.model.objects.filter(case=case).order_by("evidence_start", "id"))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(facts))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(facts))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, fact in enumerate(facts):
            data[f"{prefix}-{i}-id"] = str(fact.pk)
            data[f"{prefix}-{i}-case"] = str(case.pk)
            for name in inline.fields:
                if name in ("source", "evidence"):  # read-only columns
                    continue
                value = (
                    getattr(fact, name + "_id", None) if hasattr(fact, name + "_id") else getattr(fact, name)
                )
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{name}"] = "on"
                elif value is not None:
                    data[f"{prefix}-{i}-{name}"] = str(value)
    return data


def case_form_data(case: Case) -> dict[str, str]:
    data = {
        "label": case.label,
        "sex": case.sex,
        "age_years": "" if case.age_years is None else str(case.age_years),
        "age_text": case.age_text,
        "country": case.country,
        "assignee": str(case.assignee_id or ""),
        "review_note": case.review_note,
    }
    data.update(inline_management(case))
    return data


def test_anonymous_and_non_staff_cannot_reach_the_admin(client, crest_case, roles):
    url = reverse("admin:cases_case_changelist")
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get(reverse("admin:cases_case_change", args=[crest_case.pk]))
    assert response.status_code == 302
    user = UserFactory(username="reader", is_staff=False)
    login(client, user)
    assert client.get(url).status_code == 302


def test_viewer_reads_the_queue_but_cannot_edit(client, crest_case, viewer):
    login(client, viewer)
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 200
    assert crest_case.report.title in response.content.decode()
    page = client.get(reverse("admin:cases_case_change", args=[crest_case.pk])).content.decode()
    assert 'id="transition-form"' not in page
    assert 'id="span-tools"' not in page
    assert 'id="reparse-button"' not in page
    data = case_form_data(crest_case) | {"label": "changed by viewer"}
    response = client.post(reverse("admin:cases_case_change", args=[crest_case.pk]), data)
    assert response.status_code == 403
    response = client.post(
        reverse("admin:cases_case_transition", args=[crest_case.pk]), {"to_status": S.IN_REVIEW}
    )
    crest_case.refresh_from_db()
    assert crest_case.label == "" and crest_case.status == S.MACHINE


def test_review_page_highlights_evidence_escaped(client, curator):
    report = ReportFactory(text='Fever <script>alert("x")</script> and calcinosis & rash.')
    case = CaseFactory(report=report)
    text = report.text
    start = text.index("calcinosis")
    PhenotypicFeature.objects.create(
        case=case,
        term=Term.objects.get(hpo_id="HP:0003761"),
        evidence_start=start,
        evidence_end=start + 10,
        evidence_text="calcinosis",
    )
    login(client, curator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    mark = re.search(r'<mark class="ev ev-feature" data-start="(\d+)"[^>]*>([^<]*)</mark>', page)
    assert mark is not None and int(mark.group(1)) == start and mark.group(2) == "calcinosis"
    # The text pane, with tags stripped and entities decoded, is the report text exactly.
    pane = re.search(r'<div id="report-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    import html

    assert html.unescape(re.sub(r"<[^>]+>", "", pane)) == text


def test_crlf_text_keeps_exact_offsets(client, curator):
    case = case_from_fixture("crest-2020-zh.txt")
    login(client, curator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    text = case.report.text
    assert "\r\n" in text
    for start, content in re.findall(r'data-start="(\d+)"[^>]*>([^<]*)</(?:span|mark)>', page):
        import html

        content = html.unescape(content)
        assert text[int(start) : int(start) + len(content)] == content


def test_curator_edits_inline_facts_through_the_services(client, crest_case, curator):
    login(client, curator)
    url = reverse("admin:cases_case_change", args=[crest_case.pk])
    data = case_form_data(crest_case)
    features = list(crest_case.phenotypicfeatures.order_by("evidence_start", "id"))
    index = next(i for i, f in enumerate(features) if f.term.hpo_id == "HP:0001009")
    data[f"phenotypicfeatures-{index}-rejected"] = "on"
    data[f"phenotypicfeatures-{index}-rejected_reason"] = "describes the sister"
    edited = next(i for i, f in enumerate(features) if f.term.hpo_id == "HP:0011838")
    data[f"phenotypicfeatures-{edited}-onset"] = "2010"
    # A new feature tied to a span, as the page script fills it in.
    text = crest_case.report.text
    start = text.index("painful")
    n = len(features)
    data["phenotypicfeatures-TOTAL_FORMS"] = str(n + 1)
    data[f"phenotypicfeatures-{n}-case"] = str(crest_case.pk)
    data[f"phenotypicfeatures-{n}-term"] = str(Term.objects.get(hpo_id="HP:0012531").pk)  # Pain
    data[f"phenotypicfeatures-{n}-evidence_start"] = str(start)
    data[f"phenotypicfeatures-{n}-evidence_end"] = str(start + 7)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    rejected = PhenotypicFeature.objects.get(pk=features[index].pk)
    assert rejected.rejected and rejected.rejected_reason == "describes the sister"
    assert rejected.edited_by == curator and rejected.locked
    edited_fact = PhenotypicFeature.objects.get(pk=features[edited].pk)
    assert edited_fact.onset == "2010" and edited_fact.provenance == Provenance.CURATOR and edited_fact.locked
    new = PhenotypicFeature.objects.get(case=crest_case, term__hpo_id="HP:0012531")
    assert (new.evidence_start, new.evidence_end, new.evidence_text) == (start, start + 7, "painful")
    assert new.provenance == Provenance.CURATOR and new.locked and new.edited_by == curator
    # Untouched facts stay machine facts.
    untouched = PhenotypicFeature.objects.get(pk=features[0].pk) if index and edited else None
    if untouched is not None and untouched.pk not in (rejected.pk, edited_fact.pk):
        assert untouched.provenance == Provenance.MACHINE and not untouched.locked
    # The history of the case page lists who did what.
    page = client.get(url).content.decode()
    assert "rejected: describes the sister" in page
    assert "entered by curator" in page


def test_rejecting_without_a_reason_is_an_error_on_the_page(client, crest_case, curator):
    login(client, curator)
    data = case_form_data(crest_case)
    data["phenotypicfeatures-0-rejected"] = "on"
    response = client.post(reverse("admin:cases_case_change", args=[crest_case.pk]), data)
    assert response.status_code == 200
    assert "Say why the fact is wrong." in response.content.decode()
    assert not PhenotypicFeature.objects.filter(case=crest_case, rejected=True).exists()


def test_span_outside_the_text_is_an_error_on_the_page(client, crest_case, curator):
    login(client, curator)
    data = case_form_data(crest_case)
    n = int(data["phenotypicfeatures-TOTAL_FORMS"])
    data["phenotypicfeatures-TOTAL_FORMS"] = str(n + 1)
    data[f"phenotypicfeatures-{n}-case"] = str(crest_case.pk)
    data[f"phenotypicfeatures-{n}-label"] = "x"
    data[f"phenotypicfeatures-{n}-evidence_start"] = "10"
    data[f"phenotypicfeatures-{n}-evidence_end"] = str(len(crest_case.report.text) + 1)
    response = client.post(reverse("admin:cases_case_change", args=[crest_case.pk]), data)
    assert response.status_code == 200
    assert "lies outside the report text" in response.content.decode()
    data[f"phenotypicfeatures-{n}-evidence_end"] = ""
    response = client.post(reverse("admin:cases_case_change", args=[crest_case.pk]), data)
    assert "needs both a start and an end" in response.content.decode()
    assert not PhenotypicFeature.objects.filter(case=crest_case, label="x").exists()


def test_transition_buttons_and_bulk_actions(client, curator):
    cases = [CaseFactory(), CaseFactory(), CaseFactory(status=S.PUBLISHED)]
    login(client, curator)
    changelist = reverse("admin:cases_case_changelist")
    ids = [str(c.pk) for c in cases[:2]]
    client.post(changelist, {"action": "start_review", "_selected_action": ids})
    assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.IN_REVIEW}
    client.post(changelist, {"action": "mark_curated", "_selected_action": ids})
    client.post(changelist, {"action": "publish", "_selected_action": ids})
    assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.PUBLISHED}
    # A forbidden move in a bulk action is reported, not applied.
    response = client.post(
        changelist, {"action": "mark_curated", "_selected_action": [str(cases[2].pk)]}, follow=True
    )
    assert "cannot go from Published to Curated" in response.content.decode()
    # Rejecting asks for a reason first.
    page = client.post(changelist, {"action": "reject", "_selected_action": ids})
    assert page.status_code == 200 and b"Why are they rejected?" in page.content
    client.post(
        changelist, {"action": "reject", "_selected_action": ids, "apply": "1", "note": "not a case report"}
    )
    assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.REJECTED}
    assert Case.objects.get(pk=ids[0]).review_note == "not a case report"
    # The single-case buttons.
    url = reverse("admin:cases_case_transition", args=[cases[0].pk])
    client.post(url, {"to_status": S.IN_REVIEW, "note": "second look"})
    assert Case.objects.get(pk=cases[0].pk).status == S.IN_REVIEW
    response = client.post(url, {"to_status": S.PUBLISHED}, follow=True)
    assert "cannot go from In review to Published" in response.content.decode()


def test_bulk_assign(client, curator, second_curator):
    cases = [CaseFactory(), CaseFactory()]
    login(client, curator)
    changelist = reverse("admin:cases_case_changelist")
    ids = [str(c.pk) for c in cases]
    page = client.post(changelist, {"action": "assign_to_curator", "_selected_action": ids})
    assert page.status_code == 200 and "curator2" in page.content.decode()
    client.post(
        changelist,
        {"action": "assign_to_curator", "_selected_action": ids, "apply": "1", "curator": second_curator.pk},
    )
    assert Case.objects.filter(assignee=second_curator).count() == 2
    response = client.get(changelist, {"assignee": str(second_curator.pk)})
    assert len(response.context["cl"].result_list) == 2


def test_queue_filters(client, curator):
    zh = case_from_fixture("crest-2020-zh.txt", status=S.IN_REVIEW)
    en = case_from_fixture("lupus-2022-en.txt")
    login(client, curator)
    changelist = reverse("admin:cases_case_changelist")

    def listed(**params) -> set[int]:
        response = client.get(changelist, params)
        assert response.status_code == 200
        return {case.pk for case in response.context["cl"].result_list}

    assert listed(status__exact="in_review") == {zh.pk}
    assert listed(language__exact="en") == {en.pk}
    assert listed(parser="fixture-1") == {zh.pk, en.pk}
    # Feature filter: HPO id, English label, Chinese name; a general term finds specific codes.
    assert listed(feature="HP:0025300") == {en.pk}
    assert listed(feature="calcinosis") == {zh.pk}
    assert listed(feature="钙质沉着") == {zh.pk}
    assert listed(feature="雷诺现象") == {zh.pk, en.pk}
    assert listed(feature="Abnormality of the skin") >= {zh.pk, en.pk}
    assert listed(feature="no such feature at all") == set()


def test_autocomplete_in_both_languages(client, crest_case, curator):
    login(client, curator)
    url = reverse("admin:autocomplete")

    def search(term: str, model: str, field: str) -> list[str]:
        response = client.get(
            url, {"term": term, "app_label": "cases", "model_name": model, "field_name": field}
        )
        assert response.status_code == 200, response.content
        return [result["text"] for result in response.json()["results"]]

    assert search("钙质沉着", "phenotypicfeature", "term")[0] == "HP:0003761 Calcinosis"
    assert search("calcinosis", "phenotypicfeature", "term")[0] == "HP:0003761 Calcinosis"
    assert search("HP:0030880", "phenotypicfeature", "term") == ["HP:0030880 Raynaud phenomenon"]
    assert search("泼尼松", "treatment", "agent")[0] == "prednisone"
    assert search("CREST综合征", "diagnosis", "disease")[0].startswith("ORPHA:220402")

    # The fact rows' widgets use the same search, answering with the matching Chinese name.
    page = client.get(reverse("admin:cases_case_change", args=[crest_case.pk])).content.decode()
    url = reverse("admin:cases_vocabulary_autocomplete")
    assert f'data-ajax--url="{url}"' in page
    assert search("钙质沉着症", "phenotypicfeature", "term")[0] == "HP:0003761 Calcinosis · 钙质沉着症"
    assert search("calcinosis", "phenotypicfeature", "term")[0] == "HP:0003761 Calcinosis · 钙质沉着"
    assert search("泼尼松", "treatment", "agent")[0] == "prednisone · 泼尼松"


def test_history_is_shown_but_cannot_be_reverted(client, crest_case, curator):
    from cases.curation import services

    services.case_transition(case=crest_case, to_status=S.IN_REVIEW, user=curator, note="looking")
    login(client, curator)
    history_url = reverse("admin:cases_case_history", args=[crest_case.pk])
    page = client.get(history_url).content.decode()
    assert "Machine-extracted → In review: looking" in page and "curator" in page
    first = crest_case.history.order_by("history_id").first()
    form_url = reverse("admin:cases_case_simple_history", args=[crest_case.pk, first.history_id])
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, case_form_data(crest_case))
    assert response.status_code == 403
    assert Case.objects.get(pk=crest_case.pk).status == S.IN_REVIEW
    feature = crest_case.phenotypicfeatures.first()
    services.fact_update(fact=feature, user=curator, onset="1999")
    page = client.get(reverse("admin:cases_phenotypicfeature_history", args=[feature.pk])).content.decode()
    assert "onset" in page and "1999" in page and "curator" in page
