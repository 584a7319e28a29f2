"""Facts in the admin, generated from the fact kinds' declarations (cases.facts): one tabular
inline per kind on the case page (its columns from `admin.fields`, then evidence, rejection and
source), and a read-only list per kind (`admin.list_display`) with its history. Edits happen on
the case page, through cases.curation.services (see CaseAdmin.save_formset)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError

from cases import models
from cases.curation import services
from cases.facts import FACT_KINDS, FactKind

from .history import ReadOnlyHistoryAdmin


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
        if db_field.related_model in FACT_KINDS.models:
            return self._fact_link_field(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _fact_link_field(self, db_field, request, **kwargs):
        """A link to another fact (a variant's diagnosis) offers the facts of the same case only,
        labelled as the kind describes them."""
        case_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("object_id")
        target = FACT_KINDS.for_model(db_field.related_model)
        facts = target.model.objects.filter(rejected=False).select_related(*target.related)
        kwargs["queryset"] = facts.filter(case_id=case_id) if case_id and case_id.isdigit() else facts.none()
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        formfield.label_from_instance = target.describe
        return formfield

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


def fact_inline(kind: FactKind) -> type[FactInline]:
    """The inline of one kind, from its declaration."""
    return type(
        f"{kind.model.__name__}Inline",
        (FactInline,),
        {
            "__module__": __name__,
            "model": kind.model,
            "fields": (*kind.admin.fields, *_EVIDENCE_FIELDS, "source"),
            "autocomplete_fields": kind.admin.autocomplete,
        },
    )


FACT_INLINES: tuple[type[FactInline], ...] = tuple(fact_inline(kind) for kind in FACT_KINDS)


def _formset_prefix(fact_model: type[models.Fact]) -> str:
    return FACT_KINDS.for_model(fact_model).accessor


class FactAdmin(ReadOnlyHistoryAdmin):
    """A kind's facts on their own: a read-only list with history (edits happen on the case page)."""

    list_filter = ("provenance", "locked", "rejected")
    raw_id_fields = ("case", "edited_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def fact_admin(kind: FactKind) -> type[FactAdmin]:
    """The read-only list of one kind, from its declaration."""
    attrs = {"__module__": __name__, "list_display": kind.admin.list_display or ("id", "case")}
    return type(f"{kind.model.__name__}Admin", (FactAdmin,), attrs)


for kind in FACT_KINDS:
    admin.site.register(kind.model, fact_admin(kind))
