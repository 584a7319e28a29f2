"""Variants: a sequence variant of the patient in HGVS (c./g./p.), with its gene, zygosity, ACMG
class and the diagnosis it supports.

`search_keys` holds every form the variant answers to in `variant:` searches (vocab.hgvs: as
written, without the reference sequence, with the gene in front, protein changes in one- or
three-letter code); it is derived from the HGVS fields on every save and on the write path.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from vocab import hgvs
from vocab.codes import ACMG, INTERPRETATION_STATUSES, ZYGOSITY

from . import interpretation
from .base import Fact
from .diagnosis import find_diagnosis
from .gene import GENE_IDS, InterpretationStatus, hgnc_numbers, status_of
from .kind import AdminLayout, Closure, FactKind, PageSection, RecordContext
from .serializers import FactSerializer, LinkedDiagnosisSerializer
from .values import text, word


class Variant(Fact):
    class Zygosity(models.TextChoices):
        UNKNOWN = "", "Not stated"
        HETEROZYGOUS = "heterozygous", "Heterozygous"
        HOMOZYGOUS = "homozygous", "Homozygous"
        HEMIZYGOUS = "hemizygous", "Hemizygous"
        COMPOUND_HETEROZYGOUS = "compound_heterozygous", "Compound heterozygous"

    class Pathogenicity(models.TextChoices):
        UNKNOWN = "", "Not stated"
        PATHOGENIC = "pathogenic", "Pathogenic"
        LIKELY_PATHOGENIC = "likely_pathogenic", "Likely pathogenic"
        UNCERTAIN = "uncertain_significance", "Uncertain significance"
        LIKELY_BENIGN = "likely_benign", "Likely benign"
        BENIGN = "benign", "Benign"
        NOT_PROVIDED = "not_provided", "Not provided"

    gene_symbol = models.CharField(max_length=64, blank=True)
    gene_hgnc_id = models.CharField(max_length=32, blank=True, help_text="HGNC:… of the gene, as given")
    hgvs_c = models.CharField("HGVS c.", max_length=500, blank=True, help_text="c. (or n.) change")
    hgvs_g = models.CharField("HGVS g.", max_length=500, blank=True, help_text="g. (or m.) change")
    hgvs_p = models.CharField("HGVS p.", max_length=500, blank=True, help_text="p. change")
    label = models.CharField(max_length=500, blank=True, help_text="A variant no HGVS describes")
    zygosity = models.CharField(max_length=24, choices=Zygosity.choices, blank=True)
    pathogenicity = models.CharField("ACMG class", max_length=24, choices=Pathogenicity.choices, blank=True)
    status = models.CharField(max_length=16, choices=InterpretationStatus.choices, blank=True)
    diagnosis = models.ForeignKey(
        "cases.Diagnosis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The diagnosis of this case the variant supports",
    )
    search_keys = ArrayField(models.CharField(max_length=600), default=list, blank=True, editable=False)
    # What the source said that has no column (an import's descriptor id, VCF record, order, …).
    details = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["search_keys"])

    class Meta(Fact.Meta):
        indexes = [GinIndex(fields=["search_keys"], name="variant_search_keys_gin")]
        constraints = [
            *Fact.fact_constraints("variant"),
            models.CheckConstraint(
                condition=Q(
                    zygosity__in=["", "heterozygous", "homozygous", "hemizygous", "compound_heterozygous"]
                ),
                name="variant_zygosity_valid",
            ),
            models.CheckConstraint(
                condition=Q(pathogenicity__in=["", *(word(w) for w in ACMG)]), name="variant_acmg_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["", *INTERPRETATION_STATUSES]), name="variant_status_valid"
            ),
        ]

    def keys(self) -> list[str]:
        return hgvs.search_keys([self.hgvs_c, self.hgvs_g, self.hgvs_p], [self.gene_symbol])

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_keys = self.keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_keys"}
        super().save(*args, **kwargs)

    @property
    def hgvs(self) -> str:
        """The clearest description: c., else g., else p., else the label."""
        return self.hgvs_c or self.hgvs_g or self.hgvs_p or self.label


_ZYGOSITY = {word(w) for w in ZYGOSITY}
_ACMG = {word(w) for w in ACMG}
# Which field an HGVS description goes to, by the letter before its dot.
_FIELD_OF_KIND = {"c": "hgvs_c", "n": "hgvs_c", "r": "hgvs_c", "g": "hgvs_g", "m": "hgvs_g", "p": "hgvs_p"}


def _hgvs_fields(item: dict) -> dict[str, str]:
    fields = {"hgvs_c": "", "hgvs_g": "", "hgvs_p": ""}
    for value in (
        item.get("hgvs"),
        item.get("hgvs_c"),
        item.get("hgvs_g"),
        item.get("protein"),
        item.get("hgvs_p"),
    ):
        if not isinstance(value, str) or not value.strip():
            continue
        name = _FIELD_OF_KIND.get(hgvs.split(value)[1])
        if name and not fields[name]:
            fields[name] = text(value.strip(), 500)
    return fields


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    fields: dict[str, Any] = _hgvs_fields(item)
    fields["label"] = text(item.get("label"), 500)
    if not any(fields.values()):
        return None
    gene = item.get("gene")
    symbol, hgnc_id = (gene.get("symbol"), gene.get("hgnc_id")) if isinstance(gene, dict) else (gene, None)
    match = context.vocabulary.gene(symbol, hgnc_id) if (symbol or hgnc_id) else None
    zygosity, pathogenicity = word(item.get("zygosity")), word(item.get("interpretation"))
    details = dict(item.get("details") or {})
    if match is not None and not match.in_hgnc:
        details["gene_not_in_hgnc"] = True
    diagnosis = None
    if item.get("diagnosis"):
        diagnosis = find_diagnosis(item["diagnosis"], context.facts_of("diagnosis"), context.vocabulary)
    fields.update(
        gene_symbol=text(match.symbol, 64) if match else "",
        gene_hgnc_id=text(match.hgnc_id, 32) if match else "",
        zygosity=zygosity if zygosity in _ZYGOSITY else "",
        pathogenicity=pathogenicity if pathogenicity in _ACMG else "",
        status=status_of(item),
        diagnosis=diagnosis,
        details=details,
    )
    fields["search_keys"] = hgvs.search_keys(
        [fields["hgvs_c"], fields["hgvs_g"], fields["hgvs_p"]], [fields["gene_symbol"]]
    )
    return fields


def _search(variants: list[Variant], closure: Closure) -> dict[str, set[int]]:
    live = [v for v in variants if v.status != InterpretationStatus.REJECTED]
    return {"gene_ids": hgnc_numbers([v.gene_hgnc_id for v in live])}


class VariantSerializer(FactSerializer):
    gene_symbol = serializers.CharField()
    gene_hgnc_id = serializers.CharField()
    hgvs_c = serializers.CharField()
    hgvs_g = serializers.CharField()
    hgvs_p = serializers.CharField()
    label = serializers.CharField()
    zygosity = serializers.ChoiceField(choices=Variant.Zygosity.choices)
    acmg = serializers.ChoiceField(source="pathogenicity", choices=Variant.Pathogenicity.choices)
    status = serializers.ChoiceField(choices=InterpretationStatus.choices)
    diagnosis = serializers.SerializerMethodField()

    @extend_schema_field(LinkedDiagnosisSerializer(allow_null=True))
    def get_diagnosis(self, variant: Variant) -> dict | None:
        return LinkedDiagnosisSerializer(variant.diagnosis).data if variant.diagnosis_id else None


def _describe(variant: Variant) -> str:
    return " ".join(part for part in (variant.gene_symbol, variant.hgvs) if part) or str(variant)


_ROW = (
    '<td><a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">'
    "{{ fact.gene_symbol|default:'—' }}</a></td>"
    '<td><span class="code">{{ fact.hgvs_c|default:fact.hgvs_g|default:fact.label }}</span>'
    '{% if fact.hgvs_p %} <span class="code">{{ fact.hgvs_p }}</span>{% endif %}</td>'
    "<td>{{ fact.get_zygosity_display }}</td><td>{{ fact.get_pathogenicity_display }}</td>"
    "<td>{% if fact.diagnosis %}{% if fact.diagnosis.disease %}{{ fact.diagnosis.disease.label }}"
    "{% else %}{{ fact.diagnosis.label }}{% endif %}{% endif %}</td>"
)

KIND = FactKind(
    name="variant",
    model=Variant,
    record_key="variants",
    anchor="v",
    from_record=_from_record,
    identity=lambda v: ((v.hgvs_c or v.hgvs_g or v.hgvs_p or v.label).upper(), v.zygosity),
    describe=_describe,
    related=("diagnosis__disease",),
    editable=(
        "gene_symbol",
        "gene_hgnc_id",
        "hgvs_c",
        "hgvs_g",
        "hgvs_p",
        "label",
        "zygosity",
        "pathogenicity",
        "status",
        "diagnosis",
    ),
    admin=AdminLayout(
        fields=("gene_symbol", "gene_hgnc_id", "hgvs_c", "hgvs_p", "zygosity", "pathogenicity", "diagnosis"),
        list_display=(
            "id",
            "case",
            "gene_symbol",
            "hgvs_c",
            "hgvs_p",
            "zygosity",
            "pathogenicity",
            "provenance",
        ),
    ),
    highlight="#99f6e4",
    api_field="variants",
    serializer=VariantSerializer,
    columns=(GENE_IDS,),
    search=_search,
    to_phenopacket=interpretation.export_interpretations,
    from_phenopacket=interpretation.variant_items,
    sections=(
        PageSection(
            id="variants",
            title="Variants",
            layout="table",
            columns=("Gene", "Variant", "Zygosity", "ACMG class", "Diagnosis"),
            template=_ROW,
        ),
    ),
    csv_row=lambda v: [
        v.gene_hgnc_id,
        f"{v.gene_symbol} {v.hgvs}".strip(),
        v.pathogenicity,
        v.hgvs_p,
        v.zygosity,
    ],
)
