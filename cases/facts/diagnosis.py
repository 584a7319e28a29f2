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
from .phenopacket import PhenopacketExport, source_field, source_of, time_element, time_text
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
    onset = models.CharField(max_length=100, blank=True, help_text="As given (an ISO 8601 age exactly)")
    phenopacket = source_field()
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
    source = source_of(item)
    label = text(item.get("label"), 500)
    if source:
        # Structured data: a code the loaded vocabularies lack is kept (flagged), never nulled.
        disease_id = context.disease_kept(item.get("code"), label, "diseases")
    else:
        disease_id = context.vocabulary.disease(item.get("code"))
    if disease_id is None and not label:
        return None
    status = item.get("status") if item.get("status") in _STATUSES else Diagnosis.Status.FINAL
    if item.get("status") == "excluded":
        # Ruled out (pipeline-2.0): no status of its own in the model yet; stored as the
        # differential it was written as before, never as a final diagnosis.
        status = Diagnosis.Status.DIFFERENTIAL
    return {
        # An id, or an unsaved Disease (a kept code) that the write step saves
        **({"disease": disease_id} if isinstance(disease_id, models.Model) else {"disease_id": disease_id}),
        "label": label,
        "status": status,
        "onset": text(item.get("onset"), 100),
        "phenopacket": source,
    }


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
    pending = vocabulary.pending_disease(code)
    if pending is not None:
        for diagnosis in diagnoses:
            if Diagnosis.disease.field.get_cached_value(diagnosis, default=None) is pending:
                return diagnosis
    wanted = str(label or "").strip().casefold()
    if wanted:
        for diagnosis in diagnoses:
            if diagnosis.label.strip().casefold() == wanted:
                return diagnosis
    return None


def _search(diagnoses: list[Diagnosis], closure: Closure) -> dict[str, set[int]]:
    """Diagnosed diseases with the MONDO closure (every code of the concept and of each more
    general concept), so "systemic sclerosis" finds limited cutaneous systemic sclerosis. A
    differential diagnosis is one the report considered, not one the patient has."""
    diagnosed = {
        d.disease_id
        for d in diagnoses
        if d.disease_id is not None and d.status != Diagnosis.Status.DIFFERENTIAL
    }
    return {"disease_ids": closure.diseases(diagnosed) | diagnosed}


def _disease(diagnosis: Diagnosis) -> dict[str, Any] | None:
    """The Disease element of a diagnosis: an imported one as imported (modifiers, onset,
    resolution, stage…), with the code and its label from the loaded vocabulary and the onset a
    curator changed written over it."""
    source = diagnosis.phenopacket or {}
    if source.get(FROM_INTERPRETATION):
        return None
    excluded = bool(source.get("excluded"))
    # A differential diagnosis is not a diagnosis of the patient, so it is not exported, unless
    # it came as one the phenopacket excluded (stored as differential, given back as excluded).
    if diagnosis.status == Diagnosis.Status.DIFFERENTIAL and not excluded:
        return None
    if diagnosis.disease is not None:
        term = {"id": diagnosis.disease.code, "label": diagnosis.disease.label}
    elif isinstance(source.get("term"), dict):
        term = source["term"]
    else:
        return None
    item: dict[str, Any] = {**source, "term": term}
    if excluded and diagnosis.status != Diagnosis.Status.DIFFERENTIAL:
        item.pop("excluded")  # a curator confirmed it
    if diagnosis.onset != time_text(source.get("onset")):
        item.pop("onset", None)
        onset = time_element(diagnosis.onset)
        if onset:
            item["onset"] = onset
    return item


def _to_phenopacket(diagnoses: list[Diagnosis], export: PhenopacketExport) -> None:
    export.add("diseases", [item for item in map(_disease, diagnoses) if item is not None])


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for disease in packet.get("diseases") or []:
        term = disease.get("term") or {}
        if term.get("id"):
            # Each element is its own item (the same code twice, with other onsets, stays twice).
            items.append(
                {
                    "code": term["id"],
                    "label": term.get("label", ""),
                    # Excluded: not the patient's disease, kept as a differential (see _disease).
                    "status": "differential" if disease.get("excluded") else "final",
                    "onset": time_text(disease.get("onset")),
                    "phenopacket": disease,
                }
            )
    known = {item["code"] for item in items}
    for interpretation in packet.get("interpretations") or []:
        term = ((interpretation.get("diagnosis") or {}).get("disease")) or {}
        if term.get("id") and term["id"] not in known:
            known.add(term["id"])
            # Known only from an interpretation: it goes back out there, not into `diseases`.
            items.append(
                {
                    "code": term["id"],
                    "label": term.get("label", ""),
                    "status": "final",
                    "phenopacket": {"term": term, FROM_INTERPRETATION: True},
                }
            )
    return items


# Marks the element of a diagnosis an import took from an interpretation's diagnosis.
FROM_INTERPRETATION = "_fromInterpretation"


class DiagnosisSerializer(FactSerializer):
    code = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Diagnosis.Status.choices)
    onset = serializers.CharField(help_text="As given: an imported ISO 8601 age exactly")
    in_release = serializers.SerializerMethodField(
        help_text="False for a code the loaded vocabularies lack (kept as given)"
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, diagnosis: Diagnosis) -> str | None:
        return diagnosis.disease.code if diagnosis.disease is not None else None

    def get_in_release(self, diagnosis: Diagnosis) -> bool:
        return diagnosis.disease is None or diagnosis.disease.in_release

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
    editable=("disease", "label", "status", "onset"),
    admin=AdminLayout(
        fields=("disease", "label", "status", "onset"),
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
            '{% if fact.disease %} <span class="code">{{ fact.disease.code }}</span>'
            '{% if not fact.disease.in_release %} <span class="badge" title="Kept as given">'
            "not in the loaded release</span>{% endif %}{% endif %}"
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
