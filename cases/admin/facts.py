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
from django.forms.models import BaseInlineFormSet

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


# The case page edits at most this many facts of a kind at once (`?page_<kind accessor>=N`): a
# report with 5,300 features made 5,300 rows of form widgets, past gunicorn's 30 s timeout.
INLINE_PAGE_SIZE = 25


def inline_page(request, accessor: str) -> int:
    value = request.GET.get(f"page_{accessor}", "") if request is not None else ""
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) < 9 else 1


class PagedFactFormSet(BaseInlineFormSet):
    """One page of the case's facts of a kind, in the inline's order. The page comes from the URL,
    which the change form posts back to, so a save edits exactly the rows that were shown."""

    page = 1
    page_size = INLINE_PAGE_SIZE

    def get_queryset(self):
        if not hasattr(self, "_page_queryset"):
            full = super().get_queryset()
            start = (self.page - 1) * self.page_size
            ids = list(full.values_list("pk", flat=True)[start : start + self.page_size])
            self._page_queryset = full.filter(pk__in=ids)
        return self._page_queryset


def text_window(request, length: int) -> dict:
    """The window of report text the change page shows (`?text=N`), as on the public case page."""
    from cases.selectors import TEXT_WINDOW

    value = request.GET.get("text", "")
    windows = max(1, -(-length // TEXT_WINDOW))
    index = int(value) if value.isascii() and value.isdigit() and len(value) < 9 else 0
    index = min(index, windows - 1)

    def url(number: int) -> str:
        query = request.GET.copy()
        query["text"] = str(number)
        return f"?{query.urlencode()}"

    return {
        "low": index * TEXT_WINDOW,
        "high": (index + 1) * TEXT_WINDOW,
        "count": windows,
        "first": index * TEXT_WINDOW + 1 if length else 0,
        "last": min((index + 1) * TEXT_WINDOW, length),
        "length": length,
        "prev": url(index - 1) if index > 0 else None,
        "next": url(index + 1) if index + 1 < windows else None,
    }


def fact_pages(request, case: models.Case) -> list[dict]:
    """Paging links for the kinds with more facts than one inline page shows."""
    pages = []
    for kind in FACT_KINDS:
        total = kind.model.objects.filter(case=case).count()
        if total <= INLINE_PAGE_SIZE:
            continue
        param = f"page_{kind.accessor}"
        count = -(-total // INLINE_PAGE_SIZE)
        page = min(inline_page(request, kind.accessor), count)

        def url(number: int, param: str = param) -> str:
            query = request.GET.copy()
            query[param] = str(number)
            return f"?{query.urlencode()}"

        pages.append(
            {
                "label": kind.label,
                "total": total,
                "first": (page - 1) * INLINE_PAGE_SIZE + 1,
                "last": min(page * INLINE_PAGE_SIZE, total),
                "prev": url(page - 1) if page > 1 else None,
                "next": url(page + 1) if page < count else None,
            }
        )
    return pages


class FactInline(admin.TabularInline):
    form = FactInlineForm
    formset = PagedFactFormSet
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
        formset = super().get_formset(request, obj, widgets=widgets, **kwargs)
        page = inline_page(request, FACT_KINDS.for_model(self.model).accessor)
        return type(formset.__name__, (formset,), {"page": page})

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
