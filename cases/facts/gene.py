"""Genes: a gene the report (or an imported phenopacket's interpretation) names for the patient,
by HGNC id and symbol, linked to the diagnosis it supports.

A symbol or id the loaded HGNC set lacks is kept exactly as given with `in_hgnc` False ("not in
the loaded release"): it is still shown, exported and searchable by its id, never dropped. A
symbol several genes share (an alias) is kept without an id, its candidates in `details`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from vocab.codes import INTERPRETATION_STATUSES

from . import interpretation
from .base import Fact
from .diagnosis import find_diagnosis
from .kind import AdminLayout, Closure, FactKind, PageSection, RecordContext, SearchColumn
from .serializers import FactSerializer, LinkedDiagnosisSerializer
from .values import text, word


class InterpretationStatus(models.TextChoices):
    """GenomicInterpretation.interpretationStatus of a phenopacket ("" when the source says none)."""

    NONE = "", "Not stated"
    UNKNOWN = "unknown_status", "Unknown"
    REJECTED = "rejected", "Rejected"
    CANDIDATE = "candidate", "Candidate"
    CONTRIBUTORY = "contributory", "Contributory"
    CAUSATIVE = "causative", "Causative"


class Gene(Fact):
    hgnc_id = models.CharField(
        max_length=32, blank=True, help_text="HGNC:…, as given (also when the loaded HGNC set lacks it)"
    )
    symbol = models.CharField(max_length=64)
    in_hgnc = models.BooleanField(
        default=True, help_text="False: not in the loaded HGNC release, kept as given and flagged"
    )
    status = models.CharField(max_length=16, choices=InterpretationStatus.choices, blank=True)
    diagnosis = models.ForeignKey(
        "cases.Diagnosis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The diagnosis of this case the gene supports",
    )
    # What the source said that has no column: an import's phenopacket parts (ids, order, other
    # descriptor fields), an extraction's spelling and candidate genes.
    details = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("gene"),
            models.CheckConstraint(
                condition=Q(status__in=["", *INTERPRETATION_STATUSES]), name="gene_status_valid"
            ),
        ]


_STATUSES = set(INTERPRETATION_STATUSES)
# Fed by genes and by variants (their gene): one declaration, so the two kinds declare it alike.
GENE_IDS = SearchColumn("gene_ids", meaning="HGNC numbers of the case's genes and its variants' genes")
_EXTRACTION_DETAILS = ("as_written", "via", "ambiguous", "candidates")


def status_of(item: dict) -> str:
    status = word(item.get("status"))
    return status if status in _STATUSES else ""


def hgnc_numbers(hgnc_ids: list[str]) -> set[int]:
    """HGNC:3603 -> 3603 (Case.gene_ids); ids that are no HGNC number are left out."""
    numbers = set()
    for hgnc_id in hgnc_ids:
        prefix, _, number = (hgnc_id or "").partition(":")
        if prefix.upper() == "HGNC" and number.isdigit():
            numbers.add(int(number))
    return numbers


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    match = context.vocabulary.gene(item.get("symbol"), item.get("hgnc_id"))
    if match is None:
        return None
    details = dict(item.get("details") or {})
    details.update({key: item[key] for key in _EXTRACTION_DETAILS if item.get(key)})
    diagnosis = None
    if item.get("diagnosis"):
        diagnosis = find_diagnosis(item["diagnosis"], context.facts_of("diagnosis"), context.vocabulary)
    return {
        "hgnc_id": text(match.hgnc_id, 32),
        "symbol": text(match.symbol, 64),
        "in_hgnc": match.in_hgnc,
        "status": status_of(item),
        "diagnosis": diagnosis,
        "details": details,
    }


def _search(genes: list[Gene], closure: Closure) -> dict[str, set[int]]:
    # A gene the report rules out (an interpretation "rejected") is not the patient's gene.
    return {"gene_ids": hgnc_numbers([g.hgnc_id for g in genes if g.status != InterpretationStatus.REJECTED])}


class GeneSerializer(FactSerializer):
    hgnc_id = serializers.CharField(help_text="HGNC:…; empty when the symbol names no single gene")
    symbol = serializers.CharField()
    in_hgnc = serializers.BooleanField(help_text="False: not in the loaded HGNC release (kept as given)")
    status = serializers.ChoiceField(choices=InterpretationStatus.choices)
    diagnosis = serializers.SerializerMethodField()

    @extend_schema_field(LinkedDiagnosisSerializer(allow_null=True))
    def get_diagnosis(self, gene: Gene) -> dict | None:
        return LinkedDiagnosisSerializer(gene.diagnosis).data if gene.diagnosis_id else None


def _describe(gene: Gene) -> str:
    return f"{gene.symbol} ({gene.hgnc_id})" if gene.hgnc_id else gene.symbol


_FLAG = (
    '{% if not fact.in_hgnc %} <span class="badge" title="Kept as given: the loaded HGNC release lacks it">'
    "not in the loaded release</span>{% endif %}"
)
_PAGE = (
    '<a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">{{ fact.symbol }}</a>'
    '{% if fact.hgnc_id %} <span class="code">{{ fact.hgnc_id }}</span>{% endif %}'
    + _FLAG
    + "{% if fact.status %}"
    ' <span class="muted">{{ fact.get_status_display|lower }}</span>{% endif %}'
    "{% if fact.diagnosis %} → {% if fact.diagnosis.disease %}{{ fact.diagnosis.disease.label }}"
    "{% else %}{{ fact.diagnosis.label }}{% endif %}{% endif %}"
)

KIND = FactKind(
    name="gene",
    model=Gene,
    record_key="genes",
    anchor="g",
    from_record=_from_record,
    identity=lambda g: (g.hgnc_id or g.symbol.upper(),),
    describe=_describe,
    related=("diagnosis__disease",),
    editable=("hgnc_id", "symbol", "in_hgnc", "status", "diagnosis"),
    admin=AdminLayout(
        fields=("symbol", "hgnc_id", "in_hgnc", "status", "diagnosis"),
        list_display=("id", "case", "symbol", "hgnc_id", "in_hgnc", "status", "provenance", "locked"),
    ),
    highlight="#a7f3d0",
    api_field="genes",
    serializer=GeneSerializer,
    columns=(GENE_IDS,),
    search=_search,
    # Genes and variants are written together, in the interpretations' original order.
    to_phenopacket=lambda genes, export: None,
    from_phenopacket=interpretation.gene_items,
    sections=(PageSection(id="genes", title="Genes", template=_PAGE),),
    csv_row=lambda g: [
        g.hgnc_id,
        g.symbol,
        g.status,
        "",
        "" if g.in_hgnc else "not in the loaded HGNC release",
    ],
)
