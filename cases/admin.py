"""The curation workflow in the Django admin: review queue, evidence beside the facts, history.

Every write a curator makes here goes through cases.curation.services, so the state machine,
the permissions, the fact locks and the history attribution hold exactly as they do elsewhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as When_
from django.db.models import F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Length
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from cases import models
from cases.curation import services
from cases.curation.duplicates import duplicates_detect
from cases.curation.selectors import case_citations, case_evidence_spans, case_history, text_segments

S = models.Case.Status
# Re-parsing runs the extraction pipeline in the request, so a selection must stay small enough
# to answer within the web server's timeout.
REPARSE_MAX_REPORTS = 100


# --- History: visible, never rewritten --------------------------------------------------------


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when; the revert form never saves, whatever is posted to it
    (SIMPLE_HISTORY_REVERT_DISABLED only hides its button)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("history is read-only")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True


# --- Vocabularies: autocomplete over labels and synonyms in English and Chinese -----------------


def _joined(column: str) -> Func:
    # The synonym arrays are searched as one string; a few tens of thousands of rows scan in
    # milliseconds, and the embedded PostgreSQL has no trigram extension to index them anyway.
    return Func(F(column), Value(" "), function="array_to_string", output_field=TextField())


class VocabularyAdmin(admin.ModelAdmin):
    """Search that understands codes, labels and both languages' synonyms, best matches first."""

    label_field = "label"
    code_field = "code"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = (
            Q(**{f"{self.code_field}__iexact": term})
            | Q(**{f"{self.label_field}__icontains": term})
            | Q(_syn_en__icontains=term)
            | Q(_syn_zh__icontains=term)
        )
        ranked = (
            queryset.annotate(_syn_en=_joined("synonyms_en"), _syn_zh=_joined("synonyms_zh"))
            .filter(matches)
            .annotate(
                _rank=When_(
                    When(**{f"{self.code_field}__iexact": term}, then=0),
                    When(**{f"{self.label_field}__iexact": term}, then=1),
                    When(synonyms_en__contains=[term], then=1),
                    When(synonyms_zh__contains=[term], then=1),
                    When(**{f"{self.label_field}__istartswith": term}, then=2),
                    default=3,
                    output_field=IntegerField(),
                ),
                _len=Length(self.label_field),
            )
            .order_by("_rank", "_len", "pk")
        )
        return ranked, False


@admin.register(models.Term)
class TermAdmin(VocabularyAdmin):
    code_field = "hpo_id"
    list_display = ("hpo_id", "label", "chinese", "information_content", "is_phenotype")
    search_fields = ("hpo_id", "label")
    list_filter = ("is_phenotype",)

    @admin.display(description="Chinese")
    def chinese(self, obj: models.Term) -> str:
        return ", ".join(obj.synonyms_zh[:3])


@admin.register(models.Disease)
class DiseaseAdmin(VocabularyAdmin):
    list_display = ("code", "label")
    search_fields = ("code", "label")


@admin.register(models.Agent)
class AgentAdmin(VocabularyAdmin):
    label_field = "name"
    list_display = ("name", "code", "drug_class", "chinese")
    search_fields = ("name", "code")
    list_filter = ("drug_class",)

    @admin.display(description="Chinese")
    def chinese(self, obj: models.Agent) -> str:
        return ", ".join(obj.synonyms_zh[:3])


@admin.register(models.Analyte)
class AnalyteAdmin(VocabularyAdmin):
    label_field = "name"
    code_field = "name"
    list_display = ("name", "default_unit", "term_when_high", "term_when_low", "term_when_positive")
    search_fields = ("name",)
    raw_id_fields = ("term_when_high", "term_when_low", "term_when_positive")


# --- Facts, edited inline on the case page ------------------------------------------------------


class VocabularyAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, with each term's Chinese name beside its English label, so a
    curator who searches in Chinese sees what matched (the matching name when there is one)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        names = list(getattr(obj, "synonyms_zh", None) or [])
        if names:
            term = self.term.strip()
            matched = next((name for name in names if term and term in name), names[0])
            result["text"] = f"{result['text']} · {matched}"
        return result


class VocabularyAutocomplete(AutocompleteSelect):
    url_name = "%s:cases_vocabulary_autocomplete"


def _plain_related(formfield):
    """Vocabulary terms and users are picked, never created or edited from a fact row or a case."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget.can_add_related = widget.can_change_related = False
        widget.can_delete_related = widget.can_view_related = False
    return formfield


class FactInlineForm(forms.ModelForm):
    """Checks what the services will check, so errors show beside the field instead of a 500."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rejected") and not (cleaned.get("rejected_reason") or "").strip():
            self.add_error("rejected_reason", "Say why the fact is wrong.")
        case_id = self.instance.case_id
        if case_id is not None and ({"evidence_start", "evidence_end"} & set(self.changed_data)):
            case = models.Case.objects.select_related("report").get(pk=case_id)
            values = {k: cleaned.get(k) for k in ("evidence_start", "evidence_end")}
            try:
                services.evidence_check(case=case, values=values)
            except ValidationError as error:
                self.add_error("evidence_end", error)
        return cleaned


_SMALL = forms.NumberInput(attrs={"style": "width:5em"})
_EVIDENCE_WIDGETS = {
    "evidence_start": _SMALL,
    "evidence_end": _SMALL,
    "rejected_reason": forms.TextInput(attrs={"size": 18}),
}
# The snippet is not a form field: it is always the report text between the offsets (a text
# input would also lose the newlines a snippet may span), filled in by the services.
_EVIDENCE_FIELDS = ("evidence_start", "evidence_end", "evidence", "rejected", "rejected_reason")


class FactInline(admin.TabularInline):
    form = FactInlineForm
    extra = 0
    can_delete = False  # a wrong fact is rejected with a reason, never deleted
    show_change_link = False
    readonly_fields = ("evidence", "source")
    classes = ("fact-inline",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edited_by", *self.autocomplete_fields)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _plain_related(super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields and "widget" not in kwargs:
            kwargs["widget"] = VocabularyAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        widgets = dict(_EVIDENCE_WIDGETS)
        widgets.update(kwargs.pop("widgets", {}) or {})
        return super().get_formset(request, obj, widgets=widgets, **kwargs)

    @admin.display(description="evidence text")
    def evidence(self, fact: models.Fact) -> str:
        return fact.evidence_text

    @admin.display(description="source")
    def source(self, fact: models.Fact) -> str:
        if not fact.pk:
            return "new (curator)"
        parts = [fact.get_provenance_display()]
        if fact.parser_version and fact.provenance == models.Provenance.MACHINE:
            parts.append(fact.parser_version)
        if fact.edited_by_id:
            parts.append(f"by {fact.edited_by}")
        if fact.locked:
            parts.append("locked")
        return " · ".join(parts)


class FeatureInline(FactInline):
    model = models.PhenotypicFeature
    fields = ("term", "label", "excluded", "onset", "severity", *_EVIDENCE_FIELDS, "source")
    autocomplete_fields = ("term",)


class DiagnosisInline(FactInline):
    model = models.Diagnosis
    fields = ("disease", "label", "status", *_EVIDENCE_FIELDS, "source")
    autocomplete_fields = ("disease",)


class MeasurementInline(FactInline):
    model = models.Measurement
    fields = (
        "analyte",
        "analyte_ref",
        "value",
        "comparator",
        "unit",
        "interpretation",
        "observed",
        "term",
        *_EVIDENCE_FIELDS,
        "source",
    )
    autocomplete_fields = ("analyte_ref", "term")


class TreatmentInline(FactInline):
    model = models.Treatment
    fields = (
        "agent",
        "agent_name",
        "dose",
        "dose_unit",
        "route",
        "frequency",
        "duration",
        "started",
        "stopped",
        "stopped_because",
        *_EVIDENCE_FIELDS,
        "source",
    )
    autocomplete_fields = ("agent",)


class OutcomeInline(FactInline):
    model = models.Outcome
    fields = ("about", "term", "direction", "follow_up", *_EVIDENCE_FIELDS, "source")
    autocomplete_fields = ("term",)


FACT_INLINES = (FeatureInline, DiagnosisInline, MeasurementInline, TreatmentInline, OutcomeInline)


def _formset_prefix(fact_model: type[models.Fact]) -> str:
    return fact_model._meta.get_field("case").remote_field.get_accessor_name(model=False)


# --- Review queue filters -----------------------------------------------------------------------


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")[:50]
        return [("me", "Assigned to me"), ("none", "Unassigned")] + [
            (str(u.pk), u.get_username()) for u in users
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class ParserVersionFilter(admin.SimpleListFilter):
    title = "parser version"
    parameter_name = "parser"

    def lookups(self, request, model_admin):
        # DISTINCT over every report is a full scan; the set of versions changes only on upgrades.
        versions = cache.get_or_set(
            "curation:parser-versions",
            lambda: list(
                models.Report.objects.exclude(parser_version="")
                .order_by("-parser_version")
                .values_list("parser_version", flat=True)
                .distinct()[:30]
            ),
            timeout=300,
        )
        return [(v, v) for v in versions]

    def queryset(self, request, queryset):
        return queryset.filter(report__parser_version=self.value()) if self.value() else queryset


class DuplicateFilter(admin.SimpleListFilter):
    title = "duplicates"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("open", "Probable duplicate (open)"), ("merged", "Merged into another case")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            open_pairs = models.CaseDuplicate.objects.filter(status=models.CaseDuplicate.Status.OPEN)
            return queryset.filter(
                Q(pk__in=open_pairs.values("case_a")) | Q(pk__in=open_pairs.values("case_b"))
            )
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        return queryset


def term_resolve(text: str) -> models.Term | None:
    """An HPO id, or a label or synonym in either language, to a term (exact names first)."""
    text = text.strip()
    if not text:
        return None
    exact = models.Term.objects.filter(
        Q(hpo_id__iexact=text)
        | Q(label__iexact=text)
        | Q(synonyms_en__contains=[text])
        | Q(synonyms_zh__contains=[text])
    ).first()
    if exact is not None:
        return exact
    return (
        TermAdmin(models.Term, admin.site)
        .get_search_results(None, models.Term.objects.all(), text)[0]
        .first()
    )


class FeatureFilter(admin.SimpleListFilter):
    """A free-text filter: an HPO id or a feature name in English or Chinese; matches cases with
    the term or any descendant through the GIN-indexed ancestor closure in Case.term_ids."""

    title = "feature"
    parameter_name = "feature"
    template = "admin/cases/case/feature_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        term = term_resolve(self.value() or "")
        yield {
            "value": self.value() or "",
            "term": term,
            "hidden": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name],
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        term = term_resolve(self.value())
        if term is None:
            return queryset.none()
        return queryset.filter(term_ids__contains=[term.pk])


# --- Cases: the review queue and the review page -----------------------------------------------


def _curators():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name="curators"))
        .distinct()
        .order_by("username")
    )


class CaseAdminForm(forms.ModelForm):
    class Meta:
        model = models.Case
        fields = ("label", "sex", "age_years", "age_text", "country", "assignee", "review_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = _curators()


class AssignForm(forms.Form):
    curator = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="(unassign)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = _curators()


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=True)


@admin.register(models.Case)
class CaseAdmin(ReadOnlyHistoryAdmin):
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
        "reparse",
        "find_duplicates",
    )

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
            for name in ("assign_to_curator", "start_review", "mark_curated", "reparse", "find_duplicates"):
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
            extra.update(
                segments=text_segments(text=text, spans=case_evidence_spans(case=case)),
                report_text=text,
                report_length=len(text),
                citations=case_citations(case=case),
                curation_history=case_history(case=case, limit=50),
                transitions=self._transitions_for(request, case),
                duplicates=models.CaseDuplicate.objects.filter(
                    Q(case_a=case) | Q(case_b=case)
                ).select_related("case_a", "case_b"),
                fact_prefixes=[
                    (inline.model._meta.verbose_name, _formset_prefix(inline.model))
                    for inline in FACT_INLINES
                ],
                can_edit_facts=self.has_change_permission(request, case),
                can_reparse=request.user.has_perm(services.EDIT_PERMISSION),
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
            self.message_user(request, _message(error), messages.ERROR)
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

    # --- bulk actions ---

    def _bulk_transition(self, request, queryset, to_status: str, note: str = "") -> None:
        done, failed = 0, []
        for case in queryset:
            try:
                services.case_transition(case=case, to_status=to_status, user=request.user, note=note)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                failed.append(_message(error))
        if done:
            self.message_user(request, f"{done} case(s) moved to {S(to_status).label}.", messages.SUCCESS)
        for message in failed[:10]:
            self.message_user(request, message, messages.WARNING)
        if len(failed) > 10:
            self.message_user(request, f"… and {len(failed) - 10} more not moved.", messages.WARNING)

    @admin.action(description="Start review of selected cases")
    def start_review(self, request, queryset):
        self._bulk_transition(request, queryset, S.IN_REVIEW)

    @admin.action(description="Mark selected cases curated")
    def mark_curated(self, request, queryset):
        self._bulk_transition(request, queryset, S.CURATED)

    @admin.action(description="Publish selected cases")
    def publish(self, request, queryset):
        self._bulk_transition(request, queryset, S.PUBLISHED)

    @admin.action(description="Reject selected cases…")
    def reject(self, request, queryset):
        form = NoteForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._bulk_transition(request, queryset, S.REJECTED, note=form.cleaned_data["note"])
            return None
        return self._action_page(request, queryset, form, "reject", "Reject cases", "Why are they rejected?")

    @admin.action(description="Assign selected cases to a curator…")
    def assign_to_curator(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            curator = form.cleaned_data["curator"]
            try:
                changed = services.case_assign(cases=list(queryset), curator=curator, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _message(error), messages.ERROR)
            else:
                who = curator.get_username() if curator else "nobody"
                self.message_user(request, f"{changed} case(s) assigned to {who}.", messages.SUCCESS)
            return None
        return self._action_page(request, queryset, form, "assign_to_curator", "Assign cases", "Assign to")

    def _action_page(self, request, queryset, form, action, title, prompt):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "prompt": prompt,
            "form": form,
            "action": action,
            "cases": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/case/action_form.html", context)

    @admin.action(description="Re-parse selected cases' reports (keeps curator-locked facts)")
    def reparse(self, request, queryset):
        reports = queryset.values("report_id").distinct().count()
        if reports > REPARSE_MAX_REPORTS:
            self.message_user(
                request,
                f"{reports} reports selected; re-parse at most {REPARSE_MAX_REPORTS} at a time here "
                "(the summary is built while you wait). Narrow the selection with the filters.",
                messages.ERROR,
            )
            return None
        try:
            outcomes = services.cases_reparse(
                cases=list(queryset.select_related("report")), user=request.user
            )
        except (ValidationError, PermissionDenied, ImportError) as error:
            self.message_user(request, _message(error), messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Re-parse summary",
            "outcomes": outcomes,
            "opts": self.model._meta,
            "totals": services.reparse_totals(outcomes),
        }
        return TemplateResponse(request, "admin/cases/case/reparse_summary.html", context)

    @admin.action(description="Find probable duplicates of selected cases")
    def find_duplicates(self, request, queryset):
        result = duplicates_detect(cases=list(queryset))
        self.message_user(
            request,
            f"{result.scanned} case(s) checked, {result.scored} candidate pair(s) scored, "
            f"{len(result.flagged)} probable duplicate(s) flagged.",
            messages.SUCCESS,
        )
        if result.flagged:
            url = reverse("admin:cases_caseduplicate_changelist") + "?status__exact=open"
            return HttpResponseRedirect(url)
        return None


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or error.__class__.__name__


# --- Probable duplicates ------------------------------------------------------------------------


@admin.register(models.CaseDuplicate)
class CaseDuplicateAdmin(admin.ModelAdmin):
    list_display = ("id", "first_case", "second_case", "score", "why", "status", "resolved_by")
    list_filter = ("status",)
    list_select_related = ("case_a__report", "case_b__report", "resolved_by")
    readonly_fields = (
        "case_a",
        "case_b",
        "score",
        "reasons",
        "status",
        "resolved_by",
        "resolved_at",
        "detected_at",
    )
    actions = ("merge_into_first", "merge_into_second", "dismiss")

    def get_queryset(self, request):
        heavy = ("case_a__report__raw", "case_a__report__text", "case_b__report__raw", "case_b__report__text")
        return super().get_queryset(request).defer(*heavy)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def _case_link(self, case: models.Case) -> str:
        url = reverse("admin:cases_case_change", args=[case.pk])
        return format_html(
            '<a href="{}">{}</a> · {} {} · {}',
            url,
            case,
            case.sex,
            case.age_years or "?",
            case.report.title[:50],
        )

    @admin.display(description="case A")
    def first_case(self, duplicate: models.CaseDuplicate) -> str:
        return self._case_link(duplicate.case_a)

    @admin.display(description="case B")
    def second_case(self, duplicate: models.CaseDuplicate) -> str:
        return self._case_link(duplicate.case_b)

    @admin.display(description="why")
    def why(self, duplicate: models.CaseDuplicate) -> str:
        components = duplicate.reasons.get("components", {})
        shared = len(duplicate.reasons.get("shared_terms", []))
        parts = [f"{name} {value:.2f}" for name, value in components.items()]
        return f"{', '.join(parts)}; {shared} shared feature(s)"

    def _merge(self, request, queryset, keep_first: bool) -> None:
        merged = 0
        for duplicate in queryset.filter(status=models.CaseDuplicate.Status.OPEN):
            keep, merge = (
                (duplicate.case_a, duplicate.case_b) if keep_first else (duplicate.case_b, duplicate.case_a)
            )
            try:
                services.case_merge(keep=keep, merge=merge, user=request.user)
                merged += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _message(error), messages.WARNING)
        self.message_user(request, f"{merged} pair(s) merged.", messages.SUCCESS)

    @admin.action(description="Merge: keep case A, merge case B into it", permissions=["change"])
    def merge_into_first(self, request, queryset):
        self._merge(request, queryset, keep_first=True)

    @admin.action(description="Merge: keep case B, merge case A into it", permissions=["change"])
    def merge_into_second(self, request, queryset):
        self._merge(request, queryset, keep_first=False)

    @admin.action(description="Dismiss: different patients", permissions=["change"])
    def dismiss(self, request, queryset):
        for duplicate in queryset.filter(status=models.CaseDuplicate.Status.OPEN):
            services.duplicate_dismiss(duplicate=duplicate, user=request.user)
        self.message_user(request, "Dismissed.", messages.SUCCESS)


# --- Facts on their own: read-only lists with history (edits happen on the case page) ----------


class FactAdmin(ReadOnlyHistoryAdmin):
    list_filter = ("provenance", "locked", "rejected")
    raw_id_fields = ("case", "edited_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.PhenotypicFeature)
class PhenotypicFeatureAdmin(FactAdmin):
    list_display = ("id", "case", "term", "label", "excluded", "provenance", "locked", "rejected")


@admin.register(models.Diagnosis)
class DiagnosisAdmin(FactAdmin):
    list_display = ("id", "case", "disease", "label", "status", "provenance", "locked", "rejected")


@admin.register(models.Measurement)
class MeasurementAdmin(FactAdmin):
    list_display = ("id", "case", "analyte", "value", "unit", "interpretation", "provenance", "locked")


@admin.register(models.Treatment)
class TreatmentAdmin(FactAdmin):
    list_display = (
        "id",
        "case",
        "agent_name",
        "dose",
        "dose_unit",
        "route",
        "frequency",
        "provenance",
        "locked",
    )


@admin.register(models.Outcome)
class OutcomeAdmin(FactAdmin):
    list_display = ("id", "case", "about", "direction", "follow_up", "provenance", "locked")
