"""Diagnoses: the diseases the report diagnoses in the patient (final, historical or only
considered in the differential)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from .base import Fact
from .kind import (
    AdminLayout,
    Closure,
    FactKind,
    FactVocabulary,
    PageSection,
    RecordContext,
    SearchColumn,
)
from .phenopacket import PhenopacketExport
from .serializers import FactSerializer
from .values import text


class Diagnosis(Fact):
    class Status(models.TextChoices):
        FINAL = "final", "Final"
        HISTORY = "history", "History"
        DIFFERENTIAL = "differential", "Differential"

    # Named here: the base class's "%(class)ss" pattern would give `case.diagnosiss`.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="diagnoses")
    disease = models.ForeignKey(
        "cases.Disease", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FINAL)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        verbose_name_plural = "diagnoses"
        constraints = [
            *Fact.fact_constraints("diagnosis"),
            models.CheckConstraint(
                condition=Q(status__in=["final", "history", "differential"]), name="diagnosis_status_valid"
            ),
        ]


_STATUSES = set(Diagnosis.Status.values)


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    disease_id = context.vocabulary.disease(item.get("code"))
    label = text(item.get("label"), 500)
    if disease_id is None and not label:
        return None
    status = item.get("status") if item.get("status") in _STATUSES else Diagnosis.Status.FINAL
    if item.get("status") == "excluded":
        # Ruled out (pipeline-2.0): no status of its own in the model yet; stored as the
        # differential it was written as before, never as a final diagnosis.
        status = Diagnosis.Status.DIFFERENTIAL
    return {"disease_id": disease_id, "label": label, "status": status}


def find_diagnosis(
    reference: object, diagnoses: list[Diagnosis], vocabulary: FactVocabulary
) -> Diagnosis | None:
    """The diagnosis of the same patient a record item refers to ({"code", "label"} or a code or a
    label): by disease when the vocabulary knows the code, else by the label as written."""
    if isinstance(reference, dict):
        code, label = reference.get("code") or reference.get("id"), reference.get("label")
    else:
        code, label = reference, reference
    disease_id = vocabulary.disease(code)
    if disease_id is not None:
        for diagnosis in diagnoses:
            if diagnosis.disease_id == disease_id:
                return diagnosis
    wanted = str(label or "").strip().casefold()
    if wanted:
        for diagnosis in diagnoses:
            if diagnosis.label.strip().casefold() == wanted:
                return diagnosis
    return None


def _search(diagnoses: list[Diagnosis], closure: Closure) -> dict[str, set[int]]:
    # A differential diagnosis is one the report considered, not one the patient has.
    return {
        "disease_ids": {
            d.disease_id
            for d in diagnoses
            if d.disease_id is not None and d.status != Diagnosis.Status.DIFFERENTIAL
        }
    }


def _to_phenopacket(diagnoses: list[Diagnosis], export: PhenopacketExport) -> None:
    # A differential diagnosis is not a diagnosis of the patient, so it is not exported.
    export.add(
        "diseases",
        [
            {"term": {"id": d.disease.code, "label": d.disease.label}}
            for d in diagnoses
            if d.disease is not None and d.status != Diagnosis.Status.DIFFERENTIAL
        ],
    )


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    diseases: dict[str, dict] = {}
    for disease in packet.get("diseases") or []:
        term = disease.get("term") or {}
        if term.get("id") and not disease.get("excluded"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    for interpretation in packet.get("interpretations") or []:
        term = ((interpretation.get("diagnosis") or {}).get("disease")) or {}
        if term.get("id"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    return list(diseases.values())


class DiagnosisSerializer(FactSerializer):
    code = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Diagnosis.Status.choices)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, diagnosis: Diagnosis) -> str | None:
        return diagnosis.disease.code if diagnosis.disease is not None else None

    def get_label(self, diagnosis: Diagnosis) -> str:
        return diagnosis.disease.label if diagnosis.disease is not None else diagnosis.label


def _describe(diagnosis: Diagnosis) -> str:
    return str(diagnosis.disease) if diagnosis.disease_id is not None else diagnosis.label or str(diagnosis)


KIND = FactKind(
    name="diagnosis",
    model=Diagnosis,
    record_key="diagnoses",
    anchor="d",
    from_record=_from_record,
    identity=lambda d: (d.disease_id or d.label.lower(), d.status),
    describe=_describe,
    related=("disease",),
    editable=("disease", "label", "status"),
    admin=AdminLayout(
        fields=("disease", "label", "status"),
        autocomplete=("disease",),
        list_display=("id", "case", "disease", "label", "status", "provenance", "locked", "rejected"),
    ),
    highlight="#fbcfe8",
    api_field="diagnoses",
    serializer=DiagnosisSerializer,
    columns=(SearchColumn("disease_ids", meaning="Diseases diagnosed (not differential)"),),
    search=_search,
    to_phenopacket=_to_phenopacket,
    from_phenopacket=_from_phenopacket,
    sections=(
        PageSection(
            id="diagnoses",
            title="Diagnoses",
            template='<a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">'
            "{% if fact.disease %}{{ fact.disease.label }}{% else %}{{ fact.label }}{% endif %}</a>"
            '{% if fact.disease %} <span class="code">{{ fact.disease.code }}</span>{% endif %}'
            ' <span class="muted">{{ fact.get_status_display|lower }}</span>',
        ),
    ),
    csv_row=lambda d: [
        d.disease.code if d.disease else "",
        d.disease.label if d.disease else d.label,
        d.status,
        "",
        "",
    ],
)
