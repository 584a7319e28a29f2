"""Serializers of the read API. Each field is declared with its type so the OpenAPI schema states
exactly what a response holds; reads of related rows rely on the prefetches in cases.api.loading.
Result lists are not serialized field by field: cases/api/results.py writes the shape
CaseSummarySerializer documents from cases/summaries.py (tests/api/test_cases.py checks both agree)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.facts import FACT_KINDS
from cases.facts.serializers import live_facts
from cases.models import Case, Diagnosis

# --- Shared pieces --------------------------------------------------------------------------------


class CaseCitationSerializer(serializers.Serializer):
    report_id = serializers.IntegerField(source="id")
    title = serializers.CharField()
    journal = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    pmid = serializers.CharField(help_text="PubMed id, empty when unknown")
    doi = serializers.CharField(help_text="DOI, empty when unknown")
    language = serializers.CharField()
    format = serializers.CharField(help_text="The report's format: text, pdf, jats, phenopacket, …")


# The serializer of each kind of fact is declared with the kind (cases/facts/<kind>.py, on top of
# FactSerializer); the case detail lists every kind (CaseDetailSerializer.get_fields).


# --- Cases ----------------------------------------------------------------------------------------


class FeatureBriefSerializer(serializers.Serializer):
    hpo_id = serializers.CharField(source="term.hpo_id")
    label = serializers.CharField(source="term.label")
    excluded = serializers.BooleanField()


class DiagnosisBriefSerializer(serializers.Serializer):
    code = serializers.CharField(source="disease.code")
    label = serializers.CharField(source="disease.label")
    status = serializers.ChoiceField(choices=Diagnosis.Status.choices)


class CaseSummarySerializer(serializers.Serializer):
    """A case in a result list: who, which coded features and diagnoses, which publication."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    label = serializers.CharField()
    sex = serializers.ChoiceField(choices=Case.Sex.choices)
    age_years = serializers.FloatField(allow_null=True)
    country = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    language = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    citation = CaseCitationSerializer(source="report")
    features = serializers.SerializerMethodField()
    diagnoses = serializers.SerializerMethodField()

    def get_url(self, case: Case) -> str:
        path = reverse("api:case-detail", kwargs={"pk": case.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(FeatureBriefSerializer(many=True))
    def get_features(self, case: Case) -> list[dict[str, Any]]:
        features = [f for f in live_facts(case.phenotypicfeatures.all()) if f.term is not None]
        return FeatureBriefSerializer(features, many=True).data

    @extend_schema_field(DiagnosisBriefSerializer(many=True))
    def get_diagnoses(self, case: Case) -> list[dict[str, Any]]:
        diagnoses = [d for d in live_facts(case.diagnoses.all()) if d.disease is not None]
        return DiagnosisBriefSerializer(diagnoses, many=True).data


class CaseDetailSerializer(CaseSummarySerializer):
    """A case with every (non-rejected) fact, its evidence and its provenance: one list per fact
    kind (its `api_field`, serialised by its `serializer`), in registry order."""

    ordinal = serializers.IntegerField(help_text="Which patient of the report")
    age_text = serializers.CharField(
        help_text="The age as written in the report (an imported ISO 8601 age exactly as given)"
    )
    age_evidence = serializers.SerializerMethodField()
    phenopacket_id = serializers.CharField(help_text="An imported phenopacket's own id (empty otherwise)")
    subject_id = serializers.CharField(help_text="An imported phenopacket's subject.id (empty otherwise)")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    phenopacket_url = serializers.SerializerMethodField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        url = fields.pop("phenopacket_url")
        for kind in FACT_KINDS:
            # `diagnoses` keeps its place and replaces the summary's brief list.
            source = {} if kind.accessor == kind.api_field else {"source": kind.accessor}
            fields[kind.api_field] = kind.serializer(many=True, read_only=True, **source)
        fields["phenopacket_url"] = url
        return fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}},
            "required": ["start", "end"],
        }
    )
    def get_age_evidence(self, case: Case) -> dict[str, int] | None:
        if case.age_start is None or case.age_end is None:
            return None
        return {"start": case.age_start, "end": case.age_end}

    def get_phenopacket_url(self, case: Case) -> str:
        path = reverse("api:case-phenopacket", kwargs={"pk": case.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- Search responses -----------------------------------------------------------------------------


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Add `param=value` to the request to refine by this value")
    label = serializers.CharField()
    label_zh = serializers.CharField(help_text="Chinese label, empty when none")
    param = serializers.CharField(help_text="The request parameter this value refines (hpo, drug, sex, …)")
    count = serializers.IntegerField()


class CaseListResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of cases matching the query")
    next = serializers.CharField(allow_null=True, help_text="URL of the next page (opaque cursor)")
    previous = serializers.CharField(allow_null=True)
    results = CaseSummarySerializer(many=True)
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True),
        help_text="Counts per facet (features, diagnoses, treatments, outcomes, sex, age, language, year) "
        "among all matching cases",
    )
    source = serializers.ChoiceField(
        choices=["index", "database"],
        help_text="`index`: answered by the in-memory search index; `database`: answered from "
        "PostgreSQL while the index is being built (same results, slower)",
    )
    notice = serializers.CharField(help_text="Why the answer came from the database; empty otherwise")


# --- Similar cases --------------------------------------------------------------------------------


class SimilarFeatureSerializer(serializers.Serializer):
    id = serializers.CharField(
        max_length=32,
        help_text="HPO term id, e.g. HP:0003761. An alt id or an obsolete id is mapped to its current "
        "term, an id the loaded HPO release lacks is left out of the scoring; each is listed in the "
        "response's warnings.",
    )
    observed = serializers.BooleanField(default=True, help_text="false: explicitly absent")


class SimilarRequestSerializer(serializers.Serializer):
    features = SimilarFeatureSerializer(many=True, allow_empty=False, max_length=200)
    sex = serializers.ChoiceField(choices=Case.Sex.choices, required=False, allow_null=True)
    age = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=130)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)
    exclude_publications = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=100,
        help_text='Leave out the cases of these publications: PMIDs ("PMID:24573067" or "24573067") or DOIs',
    )
    gene = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        max_length=50,
        help_text='Only cases with one of these genes: HGNC symbols or ids, e.g. ["FBN1"] or ["HGNC:3603"]',
    )

    def validate_gene(self, genes: list[str]) -> list[str]:
        from cases.search.similarity import unknown_genes

        if unknown := unknown_genes(genes):
            raise serializers.ValidationError(f"unknown gene {unknown[0]!r}")
        return genes


class MatchSerializer(serializers.Serializer):
    query_term = serializers.CharField(help_text="HPO id of the query feature")
    query_term_label = serializers.CharField()
    case_term = serializers.CharField(help_text="HPO id of the case feature it matched")
    case_term_label = serializers.CharField()
    common_ancestor = serializers.CharField(help_text="Their most informative common ancestor")
    common_ancestor_label = serializers.CharField()
    ic = serializers.FloatField(help_text="Information content of the common ancestor")


class ConflictSerializer(serializers.Serializer):
    query_term = serializers.CharField()
    query_term_label = serializers.CharField()
    case_term = serializers.CharField()
    case_term_label = serializers.CharField()
    kind = serializers.CharField(help_text='"query observed, case excluded" or the reverse')
    ic = serializers.FloatField()


class ExplanationSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True, help_text="Features the two share (directly or by ancestor)")
    conflicts = ConflictSerializer(many=True, help_text="Present on one side, excluded on the other")


class SimilarHitSerializer(serializers.Serializer):
    score = serializers.FloatField()
    case = CaseSummarySerializer()
    explanation = ExplanationSerializer()


class TermWarningSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The id as sent")
    status = serializers.ChoiceField(
        choices=["alt_id", "replaced", "ignored"],
        help_text="alt_id: mapped to its current term; replaced: obsolete, followed to its replacement; "
        "ignored: left out of the scoring",
    )
    message = serializers.CharField()
    current_id = serializers.CharField(allow_null=True, help_text="The term that was scored instead, if any")


class SimilarResponseSerializer(serializers.Serializer):
    results = SimilarHitSerializer(many=True)
    warnings = TermWarningSerializer(many=True, help_text="Query ids not used as given (features only)")


# --- Terms and stats ------------------------------------------------------------------------------


class TermHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["term", "disease", "agent"], help_text="term = HPO term")
    id = serializers.CharField(help_text="HP:…, ORPHA:…/OMIM:…/MONDO:…, or the agent's INN")
    label = serializers.CharField()
    label_zh = serializers.CharField(help_text="Chinese name, empty when none")
    matched = serializers.CharField(help_text="The name (label or synonym, English or Chinese) that matched")
    language = serializers.CharField(help_text="Language of the matched name")
    query = serializers.CharField(
        help_text="What to put in a search query for this entry, by code, e.g. hpo:HP:0003761"
    )
    query_name = serializers.CharField(
        help_text='The same by a name people read, e.g. hpo:"Raynaud phenomenon" or hpo:雷诺现象 (the code '
        "when no name names only this entry)"
    )


class TermListSerializer(serializers.Serializer):
    results = TermHitSerializer(many=True)


class CountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    reports = serializers.IntegerField()
    by_status = CountSerializer(many=True)
    by_sex = CountSerializer(many=True)
    by_language = CountSerializer(many=True)
    top_features = CountSerializer(
        many=True, help_text="Informative HPO terms by number of cases having them (or a more specific term)"
    )
    top_diagnoses = CountSerializer(many=True)
    top_agents = CountSerializer(many=True)
    vocabulary = serializers.DictField(child=serializers.IntegerField())


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False)
    position = serializers.IntegerField(required=False)
    fields = serializers.JSONField(required=False)
    retry_after = serializers.IntegerField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
