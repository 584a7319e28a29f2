"""Vocabulary admins (HPO terms, diseases, agents, analytes): search that understands codes,
labels and both languages' synonyms, best matches first; also what the fact inlines' autocompletes
ask."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case as When_
from django.db.models import F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Length

from cases import models


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
    list_display = ("code", "label", "mondo_id", "depth")
    search_fields = ("code", "label", "mondo_id")
    # The hierarchy comes from the shipped MONDO release (load_vocabularies), not from edits here.
    readonly_fields = ("mondo_id", "xrefs", "parent_ids", "ancestor_ids", "depth")


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
