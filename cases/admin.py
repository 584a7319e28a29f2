"""Admin registrations. The curation workflow builds on these (review queue, inline facts)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import models


@admin.register(models.Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("hpo_id", "label", "information_content", "is_phenotype")
    search_fields = ("hpo_id", "label", "synonyms_en", "synonyms_zh")
    list_filter = ("is_phenotype",)


@admin.register(models.Disease)
class DiseaseAdmin(admin.ModelAdmin):
    list_display = ("code", "label")
    search_fields = ("code", "label", "synonyms_en", "synonyms_zh")


@admin.register(models.Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "drug_class")
    search_fields = ("name", "code", "synonyms_en", "synonyms_zh")
    list_filter = ("drug_class",)


@admin.register(models.Analyte)
class AnalyteAdmin(admin.ModelAdmin):
    list_display = ("name", "default_unit", "term_when_high", "term_when_low", "term_when_positive")
    search_fields = ("name", "synonyms_en", "synonyms_zh")
    raw_id_fields = ("term_when_high", "term_when_low", "term_when_positive")


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "format", "language", "year", "pmid", "parse_status", "received_at")
    list_filter = ("format", "language", "parse_status", "parser_version")
    search_fields = ("title", "pmid", "doi", "filename", "content_hash")
    readonly_fields = ("content_hash", "received_at", "parsed_at", "parser_version", "parse_error")
    exclude = ("raw",)


@admin.register(models.IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ("id", "filename", "status", "report", "attempts", "queued_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("filename", "error")
    readonly_fields = ("queued_at", "started_at", "finished_at")
    raw_id_fields = ("report", "created_by")


class FactAdmin(SimpleHistoryAdmin):
    list_filter = ("provenance", "locked", "rejected")
    raw_id_fields = ("case", "edited_by")


@admin.register(models.Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("id", "label", "sex", "age_years", "status", "language", "year", "assignee")
    list_filter = ("status", "sex", "language")
    search_fields = ("label", "report__title", "report__pmid")
    raw_id_fields = ("report", "assignee")
    readonly_fields = ("term_ids", "excluded_term_ids", "disease_ids", "agent_ids", "outcome_codes")


@admin.register(models.PhenotypicFeature)
class PhenotypicFeatureAdmin(FactAdmin):
    list_display = ("id", "case", "term", "label", "excluded", "provenance", "locked", "rejected")
    raw_id_fields = (*FactAdmin.raw_id_fields, "term")


@admin.register(models.Diagnosis)
class DiagnosisAdmin(FactAdmin):
    list_display = ("id", "case", "disease", "label", "status", "provenance", "locked", "rejected")
    raw_id_fields = (*FactAdmin.raw_id_fields, "disease")


@admin.register(models.Measurement)
class MeasurementAdmin(FactAdmin):
    list_display = ("id", "case", "analyte", "value", "unit", "interpretation", "provenance", "locked")
    raw_id_fields = (*FactAdmin.raw_id_fields, "analyte_ref", "term")


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
    raw_id_fields = (*FactAdmin.raw_id_fields, "agent")


@admin.register(models.Outcome)
class OutcomeAdmin(FactAdmin):
    list_display = ("id", "case", "about", "direction", "follow_up", "provenance", "locked")
    raw_id_fields = (*FactAdmin.raw_id_fields, "term")
