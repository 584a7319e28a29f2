"""Phenotypic features: HPO-coded findings of the patient, present or explicitly excluded."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from .base import Fact
from .kind import AdminLayout, Closure, FactKind, PageSection, RecordContext, SearchColumn
from .phenopacket import (
    PhenopacketExport,
    evidence,
    iso8601_age,
    source_field,
    source_of,
    time_element,
    time_text,
)
from .serializers import FactSerializer, hpo_id
from .values import text


class PhenotypicFeature(Fact):
    term = models.ForeignKey("cases.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=500, blank=True, help_text="As written, when no term was found")
    excluded = models.BooleanField(default=False, help_text="Explicitly absent (negated)")
    onset = models.CharField(max_length=100, blank=True)
    severity = models.CharField(max_length=50, blank=True)
    phenopacket = source_field()
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = Fact.fact_constraints("feature")


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    source = source_of(item)
    label = text(item.get("label"), 500)
    if source:
        # Structured data: an id the loaded release lacks is kept as a code (flagged), not dropped.
        term_id = context.term_kept(item.get("code"), label, "phenotypicFeatures")
    else:
        term_id = context.vocabulary.term(item.get("code"))
    if term_id is None and not label:
        return None
    return {
        "term_id": term_id,
        "label": label,
        "excluded": bool(item.get("excluded")),
        "onset": text(item.get("onset"), 100),
        "severity": text(item.get("severity"), 50),
        "phenopacket": source,
    }


def _search(features: list[PhenotypicFeature], closure: Closure) -> dict[str, set[int]]:
    """Present features with their whole ancestor closure, so a search for a general term finds
    cases coded with a more specific one; excluded features as the terms themselves, because "no
    calcinosis cutis" says nothing about calcinosis in general."""
    coded = [f for f in features if f.term_id is not None]
    present = {f.term_id for f in coded if not f.excluded}
    excluded = {f.term_id for f in coded if f.excluded}
    return {"term_ids": closure.terms(present) | present, "excluded_term_ids": excluded - present}


# --- Phenopacket ------------------------------------------------------------------------------------

SEVERITY = {
    "borderline": ("HP:0012827", "Borderline"),
    "mild": ("HP:0012825", "Mild"),
    "moderate": ("HP:0012826", "Moderate"),
    "severe": ("HP:0012828", "Severe"),
    "profound": ("HP:0012829", "Profound"),
}

_ONSET_AGE = re.compile(
    r"^\s*(?:at\s+(?:the\s+)?age\s+(?:of\s+)?)?(\d{1,3}(?:\.\d+)?)\s*(?:years?|yrs?|y|岁)(?:\s*old)?\s*$",
    re.IGNORECASE,
)


def _onset(value: str) -> dict[str, Any] | None:
    """An onset the schema can hold: an age when the text is one. Other onsets (a year, "since
    childhood") stay in the feature's description rather than being forced into a code."""
    match = _ONSET_AGE.match(value or "")
    if match:
        return {"age": {"iso8601duration": iso8601_age(float(match.group(1)))}}
    return time_element(value)


def _to_phenopacket(features: list[PhenotypicFeature], export: PhenopacketExport) -> None:
    """An imported feature gives back its element as imported (modifiers, evidence, resolution,
    an ontology-class or gestational onset…), with what the registry models written over it
    when it differs: the term (its label from the loaded release), excluded, severity, onset."""
    items = []
    for feature in features:
        source = feature.phenopacket or {}
        if feature.term is not None:
            term = {"id": feature.term.hpo_id, "label": feature.term.label}
        elif isinstance(source.get("type"), dict):
            term = source["type"]
        else:
            continue
        item: dict[str, Any] = {**source, "type": term}
        if feature.excluded:
            item["excluded"] = True
        elif "excluded" in source:
            item["excluded"] = False
        if feature.severity != (source.get("severity") or {}).get("label", ""):
            item.pop("severity", None)
            severity = SEVERITY.get((feature.severity or "").strip().casefold())
            if severity:
                item["severity"] = {"id": severity[0], "label": severity[1]}
        if feature.onset != time_text(source.get("onset")):
            item.pop("onset", None)
            onset = _onset(feature.onset) if feature.onset else None
            if onset:
                item["onset"] = onset
            elif feature.onset and "description" not in source:
                item["description"] = f"onset: {feature.onset}"
        if not source:
            found = evidence(feature, export.reference)
            if found:
                item["evidence"] = found
        items.append(item)
    export.add("phenotypicFeatures", items)


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    return [
        {
            "code": feature["type"].get("id"),
            "label": feature["type"].get("label", ""),
            "excluded": bool(feature.get("excluded")),
            "onset": time_text(feature.get("onset")),
            "severity": (feature.get("severity") or {}).get("label", ""),
            "phenopacket": feature,
        }
        for feature in packet.get("phenotypicFeatures") or []
    ]


# --- API and pages ----------------------------------------------------------------------------------


class FeatureSerializer(FactSerializer):
    hpo_id = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    excluded = serializers.BooleanField()
    onset = serializers.CharField(help_text="As given: an imported ISO 8601 age exactly")
    severity = serializers.CharField()
    in_release = serializers.SerializerMethodField(
        help_text="False for an HPO id the loaded release lacks (kept as given, not in the ontology)"
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hpo_id(self, feature: PhenotypicFeature) -> str | None:
        return hpo_id(feature.term)

    def get_in_release(self, feature: PhenotypicFeature) -> bool:
        return feature.term is None or feature.term.in_release

    def get_label(self, feature: PhenotypicFeature) -> str:
        return feature.term.label if feature.term is not None else feature.label


def _describe(feature: PhenotypicFeature) -> str:
    return str(feature.term) if feature.term_id is not None else feature.label or str(feature)


def _csv_row(feature: PhenotypicFeature) -> list[str]:
    return [
        feature.term.hpo_id if feature.term else "",
        feature.term.label if feature.term else feature.label,
        "excluded" if feature.excluded else "present",
        "",
        feature.onset,
    ]


_LINK = '<a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">'
_NAME = "{% if fact.term %}{{ fact.term.label }}{% else %}{{ fact.label }}{% endif %}"
_CODE = (
    '{% if fact.term %} <span class="code">{{ fact.term.hpo_id }}</span>'
    '{% if not fact.term.in_release %} <span class="badge" title="Kept as given">'
    "not in the loaded release</span>{% endif %}{% endif %}"
)
_PRESENT = (
    f"{_LINK}{_NAME}</a>{_CODE}"
    '{% if fact.mention_total > 1 %} <span class="times" title="times the report states it">'
    "×{{ fact.mention_total }}</span>{% endif %}"
    '{% if fact.onset_stated %} <span class="muted">onset {{ fact.onset_stated }}</span>{% endif %}'
    '{% if fact.severity %} <span class="muted">{{ fact.severity }}</span>{% endif %}'
    "{% if fact.locked %} "
    '<span class="badge" title="Checked by a curator">curated</span>{% endif %}'
)
_EXCLUDED = f"{_LINK}no {_NAME}</a>{_CODE}"
KIND = FactKind(
    name="feature",
    model=PhenotypicFeature,
    record_key="features",
    anchor="f",
    from_record=_from_record,
    identity=lambda f: (f.term_id or f.label.lower(), f.excluded),
    describe=_describe,
    related=("term",),
    editable=("term", "label", "excluded", "onset", "severity"),
    admin=AdminLayout(
        fields=("term", "label", "excluded", "onset", "severity"),
        autocomplete=("term",),
        list_display=("id", "case", "term", "label", "excluded", "provenance", "locked", "rejected"),
    ),
    highlight="#fde68a",
    api_field="phenotypic_features",
    serializer=FeatureSerializer,
    columns=(
        SearchColumn("term_ids", meaning="Present features with all their ancestors"),
        SearchColumn("excluded_term_ids", index="case_excluded_ids_gin", meaning="Excluded features"),
    ),
    search=_search,
    to_phenopacket=_to_phenopacket,
    from_phenopacket=_from_phenopacket,
    sections=(
        PageSection(
            id="features",
            title="Features present",
            include=lambda f: not f.excluded,
            where={"excluded": False},
            template=_PRESENT,
        ),
        PageSection(
            id="excluded",
            title="Features excluded",
            include=lambda f: f.excluded,
            where={"excluded": True},
            template=_EXCLUDED,
        ),
    ),
    csv_row=_csv_row,
)
