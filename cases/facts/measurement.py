"""Measurements: laboratory results and antibodies, with value, unit and interpretation, and the
HPO finding an abnormal result implies."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from vocab.codes import INTERPRETATIONS

from .base import Fact
from .kind import AdminLayout, FactKind, PageSection, RecordContext
from .phenopacket import PhenopacketExport, local_code, source_field, source_of, time_text, unit
from .serializers import FactSerializer, hpo_id
from .values import number, text


class Measurement(Fact):
    class Interpretation(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"
        ABNORMAL = "abnormal", "Abnormal"
        UNKNOWN = "", "Not stated"

    analyte = models.CharField(max_length=200)
    analyte_ref = models.ForeignKey(
        "cases.Analyte", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.FloatField(null=True, blank=True)
    value_text = models.CharField(max_length=200, blank=True)
    comparator = models.CharField(max_length=2, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    interpretation = models.CharField(max_length=10, choices=Interpretation.choices, blank=True)
    observed = models.CharField(max_length=100, blank=True, help_text="When, as written")
    term = models.ForeignKey(
        "cases.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The HPO finding the result implies",
    )
    phenopacket = source_field()
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("measurement"),
            models.CheckConstraint(
                condition=Q(comparator__in=["", "<", "<=", ">", ">=", "="]),
                name="measurement_comparator_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    interpretation__in=["", "high", "low", "normal", "positive", "negative", "abnormal"]
                ),
                name="measurement_interpretation_valid",
            ),
        ]


_INTERPRETATIONS = set(Measurement.Interpretation.values)
# Measurement.comparator's values (its check constraint), and the spellings that mean them.
_COMPARATORS = {"", "<", "<=", ">", ">=", "="}
_COMPARATOR_SPELLINGS = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">=", "＜": "<", "＞": ">", "==": "="}


def _comparator(value: object) -> tuple[str, str]:
    """(comparator, "") for a comparator the model stores, ("", text) for one it does not: a
    report is never refused for how a comparison was written."""
    written = str(value or "").strip()
    written = _COMPARATOR_SPELLINGS.get(written, written)
    return (written, "") if written in _COMPARATORS else ("", written)


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    fields = _fields(item)
    if fields is None:
        return None
    return {
        **fields,
        "analyte_ref_id": context.vocabulary.analyte(fields["analyte"]),
        "term_id": context.vocabulary.term(item.get("code") or item.get("term")),
        "phenopacket": source_of(item),
    }


# The fields `_fields` fills: what the export compares to tell a curator's edit from the import.
_MODELLED = ("analyte", "value", "value_text", "comparator", "unit", "interpretation", "observed")


def _fields(item: dict) -> dict[str, Any] | None:
    """The item's fields that need no vocabulary."""
    analyte = text(item.get("analyte"), 200)
    if not analyte:
        return None
    value = number(item.get("value"))
    value_text = "" if value is not None or item.get("value") is None else text(item.get("value"), 200)
    value_text = value_text or text(item.get("value_text"), 200)
    comparator, unknown_comparator = _comparator(item.get("comparator"))
    if unknown_comparator and not value_text:
        # Kept where a curator sees it rather than dropped: "≈ 12" as the value's text.
        value_text = text(f"{unknown_comparator} {item.get('value')}", 200)
    value_high = number(item.get("value_high"))
    if value is not None and value_high is not None and not value_text:
        # A range as the result ("3～5个/HP"): `value` keeps its bottom for sorting and search, the
        # text shows the whole range.
        value_text = f"{value:g}–{value_high:g}"
    interpretation = item.get("interpretation") or ""
    return {
        "analyte": analyte,
        "value": value,
        "value_text": value_text,
        "comparator": comparator,
        "unit": text(item.get("unit"), 50),
        "interpretation": interpretation if interpretation in _INTERPRETATIONS else "",
        "observed": text(item.get("when") or item.get("observed"), 100),
    }


def _measurement(measurement: Measurement) -> dict[str, Any]:
    analyte = measurement.analyte_ref.name if measurement.analyte_ref else measurement.analyte
    result: dict[str, Any] = {"assay": {"id": local_code("analyte", analyte), "label": analyte}}
    description = [analyte]
    if measurement.comparator:
        description.append(measurement.comparator)
    if measurement.value is not None:
        description.append(f"{measurement.value:g}")
        quantity: dict[str, Any] = {"unit": unit(measurement.unit or "1"), "value": measurement.value}
        result["value"] = {"quantity": quantity}
        if measurement.unit:
            description.append(measurement.unit)
    elif measurement.interpretation in INTERPRETATIONS:
        code, label = INTERPRETATIONS[measurement.interpretation]
        result["value"] = {"ontologyClass": {"id": code, "label": label}}
    elif measurement.value_text:
        result["value"] = {
            "ontologyClass": {
                "id": local_code("value", measurement.value_text),
                "label": measurement.value_text,
            }
        }
    if measurement.interpretation:
        description.append(f"({measurement.interpretation})")
    if measurement.observed:
        description.append(f"[{measurement.observed}]")
    result["description"] = " ".join(description)
    return result


def _exported(measurement: Measurement) -> dict[str, Any]:
    """An imported measurement as imported (its assay code, LOINC or other, the value and unit
    as given, reference range, time, procedure) while what the registry models of it is
    unchanged; after a curator's edit, the registry's mapping written over the element."""
    source = measurement.phenopacket or {}
    if not source:
        return _measurement(measurement)
    imported = _fields(_items([source])[0]) or {}
    if all(imported.get(name) == getattr(measurement, name) for name in _MODELLED):
        return source
    fresh = _measurement(measurement)
    if measurement.analyte == imported.get("analyte"):
        fresh["assay"] = source.get("assay", fresh["assay"])
    if "description" in source:
        fresh.pop("description")
    return {**source, **fresh}


def _to_phenopacket(measurements: list[Measurement], export: PhenopacketExport) -> None:
    """`assay` is the analyte; a quantity with its UCUM unit when there is a number, else the
    interpretation (positive/negative/...) as an ontology class; the reported interpretation and
    comparator are kept in `description`."""
    export.add("measurements", [_exported(m) for m in measurements])


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    return _items(packet.get("measurements") or [])


def _items(measurements: list[dict]) -> list[dict[str, Any]]:
    items = []
    for measurement in measurements:
        assay = measurement.get("assay") or {}
        value = measurement.get("value") or {}
        item = {
            "analyte": assay.get("label") or assay.get("id") or "",
            "when": time_text(measurement.get("timeObserved")),
            "phenopacket": measurement,
        }
        if isinstance(value.get("quantity"), dict):
            item["value"] = value["quantity"].get("value")
            item["unit"] = (value["quantity"].get("unit") or {}).get("label", "")
        elif isinstance(value.get("ontologyClass"), dict):
            item["value_text"] = value["ontologyClass"].get("label") or value["ontologyClass"].get("id")
            label = str(item["value_text"]).lower()
            for word in ("high", "low", "normal", "positive", "negative", "abnormal"):
                if word in label:
                    item["interpretation"] = word
                    break
        items.append(item)
    return items


class MeasurementSerializer(FactSerializer):
    analyte = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    value_text = serializers.CharField()
    comparator = serializers.CharField()
    unit = serializers.CharField()
    interpretation = serializers.ChoiceField(choices=Measurement.Interpretation.choices)
    observed = serializers.CharField()
    hpo_id = serializers.SerializerMethodField(help_text="The HPO finding the result implies")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hpo_id(self, measurement: Measurement) -> str | None:
        return hpo_id(measurement.term)


def _csv_row(m: Measurement) -> list[str]:
    value = m.value_text or (f"{m.comparator}{m.value:g}" if m.value is not None else "")
    return [
        m.term.hpo_id if m.term else "",
        m.analyte,
        m.interpretation,
        f"{value} {m.unit}".strip(),
        m.observed,
    ]


_ROW = (
    '<td><a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">'
    "{{ fact.analyte }}</a>{% if fact.term %} "
    '<span class="code" title="{{ fact.term.label }}">{{ fact.term.hpo_id }}</span>{% endif %}</td>\n'
    "      <td>{% if fact.value_text %}{{ fact.value_text }}"
    '{% elif fact.value is not None %}{{ fact.comparator }}{{ fact.value|stringformat:"g" }}{% endif %}'
    " {{ fact.unit }}</td>"
    "<td>{{ fact.get_interpretation_display }}</td><td>{{ fact.observed }}</td>"
)

KIND = FactKind(
    name="measurement",
    model=Measurement,
    record_key="measurements",
    anchor="m",
    from_record=_from_record,
    identity=lambda m: (m.analyte.lower(), m.value, m.unit, m.interpretation, m.observed),
    describe=lambda m: str(m.term) if m.term_id is not None else m.analyte or str(m),
    related=("term", "analyte_ref"),
    editable=(
        "analyte",
        "analyte_ref",
        "value",
        "value_text",
        "comparator",
        "unit",
        "interpretation",
        "observed",
        "term",
    ),
    admin=AdminLayout(
        fields=(
            "analyte",
            "analyte_ref",
            "value",
            "comparator",
            "unit",
            "interpretation",
            "observed",
            "term",
        ),
        autocomplete=("analyte_ref", "term"),
        list_display=("id", "case", "analyte", "value", "unit", "interpretation", "provenance", "locked"),
    ),
    highlight="#bfdbfe",
    api_field="measurements",
    serializer=MeasurementSerializer,
    to_phenopacket=_to_phenopacket,
    from_phenopacket=_from_phenopacket,
    sections=(
        PageSection(
            id="measurements",
            title="Measurements",
            layout="table",
            columns=("Analyte", "Value", "Interpretation", "When"),
            template=_ROW,
        ),
    ),
    csv_row=_csv_row,
)
