"""What every fact's API representation carries (evidence and provenance); each kind's module
declares its own serializer on top of `FactSerializer`."""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class EvidenceSerializer(serializers.Serializer):
    """The span of the report text the fact was read from (offsets index Report.text)."""

    start = serializers.IntegerField(source="evidence_start", allow_null=True)
    end = serializers.IntegerField(source="evidence_end", allow_null=True)
    text = serializers.CharField(source="evidence_text")


class ProvenanceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(source="provenance", choices=["machine", "import", "curator"])
    parser_version = serializers.CharField()
    locked = serializers.BooleanField(help_text="Edited by a curator; re-parsing leaves it alone")
    edited_by = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_edited_by(self, fact) -> str | None:
        return fact.edited_by.get_username() if fact.edited_by_id and fact.edited_by else None


def live_facts(facts) -> list:
    """Facts a curator has not rejected (filtered in Python so prefetched rows are reused)."""
    if isinstance(facts, models.manager.BaseManager):  # not a QuerySet: .all() would query again
        facts = facts.all()
    return [fact for fact in facts if not fact.rejected]


class LiveFactList(serializers.ListSerializer):
    """A list of facts without the rejected ones, from a related manager or a list."""

    def to_representation(self, data):
        return super().to_representation(live_facts(data))


class FactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    evidence = EvidenceSerializer(source="*")
    provenance = ProvenanceSerializer(source="*")

    class Meta:
        list_serializer_class = LiveFactList


def hpo_id(term) -> str | None:
    return term.hpo_id if term is not None else None


class LinkedDiagnosisSerializer(serializers.Serializer):
    """The diagnosis a genomic finding supports (a fact of the same case)."""

    id = serializers.IntegerField()
    code = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, diagnosis) -> str | None:
        return diagnosis.disease.code if diagnosis.disease is not None else None

    def get_label(self, diagnosis) -> str:
        return diagnosis.disease.label if diagnosis.disease is not None else diagnosis.label
