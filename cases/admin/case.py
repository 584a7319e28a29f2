"""The case review queue and the review page: the case form beside its facts (inlines generated
from the fact kinds), the report text with every fact's evidence highlighted, state transitions
and history.

Every write a curator makes here goes through cases.curation.services, so the state machine,
the permissions, the fact locks and the history attribution hold exactly as they do elsewhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from cases import models
from cases.curation import services
from cases.curation.selectors import case_citations, case_evidence_spans, case_history, text_window_segments
from cases.facts import FACT_KINDS

from .actions import CaseActionsMixin, curators, error_message
from .facts import FACT_INLINES, VocabularyAutocompleteView, _plain_related, fact_pages, text_window
from .filters import AssigneeFilter, DuplicateFilter, FeatureFilter, ParserVersionFilter
from .history import ReadOnlyHistoryAdmin

S = models.Case.Status


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = models.Case
        fields = ("label", "sex", "age_years", "age_text", "country", "assignee", "review_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = curators()


@admin.register(models.Case)
class CaseAdmin(CaseActionsMixin, ReadOnlyHistoryAdmin):
    form = CaseAdminForm
    change_form_template = "admin/cases/case/change_form.html"
    list_display = (
        "id",
        "title",
        "status_badge",
        "sex",
        "age_years",
        "language",
        "year",
        "assignee",
        "parser_version",
    )
    list_display_links = ("id", "title")
    list_filter = (
        "status",
        "language",
        AssigneeFilter,
        ParserVersionFilter,
        FeatureFilter,
        DuplicateFilter,
        "sex",
    )
    list_select_related = ("report", "assignee")
    search_fields = ("label", "report__title", "report__pmid")
    list_per_page = 50
    # At a million cases an unfiltered COUNT(*) per page view is the slowest query of the queue;
    # the filtered count is enough to paginate.
    show_full_result_count = False
    # Facet counts run one COUNT per filter choice over the whole queue: too slow at scale.
    show_facets = admin.ShowFacets.NEVER
    history_list_display = ("status", "assignee")
    inlines = FACT_INLINES
    readonly_fields = ("status", "report_link", "merged_into", "created_at", "updated_at")
    fieldsets = (
        ("Patient", {"fields": ("label", "sex", "age_years", "age_text", "country")}),
        ("Review", {"fields": ("status", "assignee", "review_note")}),
        ("Source", {"fields": ("report_link", "merged_into", "created_at", "updated_at")}),
    )
    actions = (
        "assign_to_curator",
        "start_review",
        "mark_curated",
        "publish",
        "reject",
        "find_duplicates",
    )

    @classmethod
    def add_action(cls, action) -> None:
        """Offer another app's bulk action in the queue (ingestion adds "reparse"): `cases` never
        imports those apps. The action names its permissions (admin.action(permissions=…))."""
        if action not in cls.actions:
            cls.actions = (*cls.actions, action)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _plain_related(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_queryset(self, request):
        # The queue shows report titles; never drag every report's raw bytes and full text along.
        return super().get_queryset(request).defer("report__raw", "report__text")

    # Cases come from ingestion, never typed in; only a superuser may delete one.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(services.EDIT_PERMISSION):
            for name in ("assign_to_curator", "start_review", "mark_curated", "find_duplicates"):
                actions.pop(name, None)
        if not request.user.has_perm(services.PUBLISH_PERMISSION):
            for name in ("publish", "reject"):
                actions.pop(name, None)
        return actions

    @admin.display(description="case", ordering="id")
    def title(self, case: models.Case) -> str:
        head = case.label or f"Case {case.pk}"
        return f"{head} — {case.report.title[:80]}" if case.report.title else head

    @admin.display(description="state", ordering="status")
    def status_badge(self, case: models.Case) -> str:
        return format_html(
            '<span class="case-state state-{}">{}</span>', case.status, case.get_status_display()
        )

    @admin.display(description="parser", ordering="report__parser_version")
    def parser_version(self, case: models.Case) -> str:
        return case.report.parser_version

    @admin.display(description="report")
    def report_link(self, case: models.Case) -> str:
        report = case.report
        url = reverse("admin:cases_report_change", args=[report.pk])
        return format_html(
            '<a href="{}">{}</a> ({}, {})', url, report, report.language or "?", report.year or "?"
        )

    # --- the review page ---

    def get_urls(self):
        return [
            path(
                "vocabulary-autocomplete/",
                self.admin_site.admin_view(VocabularyAutocompleteView.as_view(admin_site=self.admin_site)),
                name="cases_vocabulary_autocomplete",
            ),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="cases_case_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if case is not None:
            text = case.report.text
            # One window of a long report at a time (?text=N), like the public case page.
            window = text_window(request, len(text))
            low, high = window["low"], window["high"]
            spans = case_evidence_spans(case=case, low=low, high=high)
            extra.update(
                segments=text_window_segments(text=text, spans=spans, low=low, high=high),
                report_text=text[low:high],
                report_base=low,
                report_length=min(high, len(text)),
                text_window=window,
                citations=case_citations(case=case),
                curation_history=case_history(case=case, limit=50),
                transitions=self._transitions_for(request, case),
                duplicates=models.CaseDuplicate.objects.filter(
                    Q(case_a=case) | Q(case_b=case)
                ).select_related("case_a", "case_b"),
                fact_prefixes=[(kind.label, kind.accessor) for kind in FACT_KINDS],
                can_edit_facts=self.has_change_permission(request, case),
                # The page's button posts the "reparse" action, offered when ingestion added it.
                can_reparse="reparse" in self.get_actions(request),
                fact_pages=fact_pages(request, case),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _transitions_for(self, request, case: models.Case) -> list[tuple[str, str]]:
        allowed = []
        for target in S.values:
            if target not in services.TRANSITIONS[case.status]:
                continue
            permission = services.transition_permission(from_status=case.status, to_status=target)
            if request.user.has_perm(permission):
                allowed.append((target, S(target).label))
        return allowed

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = get_object_or_404(models.Case, pk=object_id)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        try:
            services.case_transition(
                case=case,
                to_status=request.POST.get("to_status", ""),
                user=request.user,
                note=request.POST.get("note", "").strip(),
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error_message(error), messages.ERROR)
        else:
            self.message_user(request, f"{case} is now {case.get_status_display()}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = ("edited: " + ", ".join(form.changed_data))[:100] if form.changed_data else ""
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Route every inline change through the curation services (lock, provenance, history)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        case = form.instance
        fact_model = formset.model
        content_fields = [
            name for name in formset.form.base_fields if name not in services.FACT_SYSTEM_FIELDS
        ]
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            data = inline_form.cleaned_data
            if inline_form.instance.pk is None:
                values = {name: data.get(name) for name in content_fields if name in data}
                values = {k: v for k, v in values.items() if v not in (None, "")}
                fact = services.fact_create(fact_model=fact_model, case=case, user=request.user, **values)
                if data.get("rejected"):
                    services.fact_reject(fact=fact, user=request.user, reason=data.get("rejected_reason", ""))
                formset.new_objects.append(fact)
                continue
            fact = fact_model.objects.get(pk=inline_form.instance.pk)
            changed = [name for name in inline_form.changed_data if name in content_fields]
            if changed:
                fact = services.fact_update(
                    fact=fact, user=request.user, **{name: data.get(name) for name in changed}
                )
            if data.get("rejected") and (
                not fact.rejected or data.get("rejected_reason", "") != fact.rejected_reason
            ):
                fact = services.fact_reject(
                    fact=fact, user=request.user, reason=data.get("rejected_reason", "")
                )
            elif not data.get("rejected") and fact.rejected:
                fact = services.fact_unreject(fact=fact, user=request.user)
            formset.changed_objects.append((fact, inline_form.changed_data))
