"""Serializers of the read API. Each field is declared with its type so the OpenAPI schema states
exactly what a response holds; reads of related rows rely on the prefetches in cases.api.loading.
Result lists are not serialized field by field: cases/api/results.py writes the shape
CaseSummarySerializer documents from cases/summaries.py (tests/api/test_cases.py checks both agree)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Diagnosis, Measurement, Outcome, PhenotypicFeature, Treatment

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


class FactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    evidence = EvidenceSerializer(source="*")
    provenance = ProvenanceSerializer(source="*")


def _hpo(term) -> str | None:
    return term.hpo_id if term is not None else None


# --- Facts ----------------------------------------------------------------------------------------


class FeatureSerializer(FactSerializer):
    hpo_id = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    excluded = serializers.BooleanField()
    onset = serializers.CharField()
    severity = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hpo_id(self, feature: PhenotypicFeature) -> str | None:
        return _hpo(feature.term)

    def get_label(self, feature: PhenotypicFeature) -> str:
        return feature.term.label if feature.term is not None else feature.label


class DiagnosisSerializer(FactSerializer):
    code = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Diagnosis.Status.choices)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, diagnosis: Diagnosis) -> str | None:
        return diagnosis.disease.code if diagnosis.disease is not None else None

    def get_label(self, diagnosis: Diagnosis) -> str:
        return diagnosis.disease.label if diagnosis.disease is not None else diagnosis.label


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
        return _hpo(measurement.term)


class TreatmentSerializer(FactSerializer):
    agent = serializers.SerializerMethodField(help_text="Lower-case English INN")
    agent_code = serializers.SerializerMethodField(help_text="ATC or other code, empty when unknown")
    dose = serializers.FloatField(allow_null=True)
    dose_unit = serializers.CharField()
    route = serializers.ChoiceField(choices=Treatment.Route.choices)
    frequency = serializers.CharField()
    duration = serializers.CharField()
    started = serializers.CharField()
    stopped = serializers.CharField()
    stopped_because = serializers.CharField()
    adverse_events = serializers.CharField()
    dose_changes = serializers.JSONField()

    def get_agent(self, treatment: Treatment) -> str:
        return treatment.agent.name if treatment.agent is not None else treatment.agent_name

    def get_agent_code(self, treatment: Treatment) -> str:
        return treatment.agent.code if treatment.agent is not None else ""


class OutcomeSerializer(FactSerializer):
    about = serializers.CharField()
    hpo_id = serializers.SerializerMethodField()
    direction = serializers.ChoiceField(choices=Outcome.Direction.choices)
    series = serializers.JSONField()
    follow_up = serializers.CharField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hpo_id(self, outcome: Outcome) -> str | None:
        return _hpo(outcome.term)


# --- Cases ----------------------------------------------------------------------------------------


class FeatureBriefSerializer(serializers.Serializer):
    hpo_id = serializers.CharField(source="term.hpo_id")
    label = serializers.CharField(source="term.label")
    excluded = serializers.BooleanField()


class DiagnosisBriefSerializer(serializers.Serializer):
    code = serializers.CharField(source="disease.code")
    label = serializers.CharField(source="disease.label")
    status = serializers.ChoiceField(choices=Diagnosis.Status.choices)


def live_facts(facts) -> list:
    """Facts a curator has not rejected (filtered in Python so prefetched rows are reused)."""
    return [fact for fact in facts if not fact.rejected]


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
    """A case with every (non-rejected) fact, its evidence and its provenance."""

    ordinal = serializers.IntegerField(help_text="Which patient of the report")
    age_text = serializers.CharField(help_text="The age as written in the report")
    age_evidence = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    phenotypic_features = serializers.SerializerMethodField()
    diagnoses = serializers.SerializerMethodField()
    measurements = serializers.SerializerMethodField()
    treatments = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()
    phenopacket_url = serializers.SerializerMethodField()

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

    @extend_schema_field(FeatureSerializer(many=True))
    def get_phenotypic_features(self, case: Case) -> list[dict[str, Any]]:
        return FeatureSerializer(live_facts(case.phenotypicfeatures.all()), many=True).data

    @extend_schema_field(DiagnosisSerializer(many=True))
    def get_diagnoses(self, case: Case) -> list[dict[str, Any]]:
        return DiagnosisSerializer(live_facts(case.diagnoses.all()), many=True).data

    @extend_schema_field(MeasurementSerializer(many=True))
    def get_measurements(self, case: Case) -> list[dict[str, Any]]:
        return MeasurementSerializer(live_facts(case.measurements.all()), many=True).data

    @extend_schema_field(TreatmentSerializer(many=True))
    def get_treatments(self, case: Case) -> list[dict[str, Any]]:
        return TreatmentSerializer(live_facts(case.treatments.all()), many=True).data

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, case: Case) -> list[dict[str, Any]]:
        return OutcomeSerializer(live_facts(case.outcomes.all()), many=True).data

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


# --- Similar cases --------------------------------------------------------------------------------


class SimilarFeatureSerializer(serializers.Serializer):
    id = serializers.RegexField(r"^HP:\d{7}$", help_text="HPO term id, e.g. HP:0003761")
    observed = serializers.BooleanField(default=True, help_text="false: explicitly absent")


class SimilarRequestSerializer(serializers.Serializer):
    features = SimilarFeatureSerializer(many=True, allow_empty=False, max_length=200)
    sex = serializers.ChoiceField(choices=Case.Sex.choices, required=False, allow_null=True)
    age = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=130)
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)


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


class SimilarResponseSerializer(serializers.Serializer):
    results = SimilarHitSerializer(many=True)


# --- Terms and stats ------------------------------------------------------------------------------


class TermHitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["term", "disease", "agent"], help_text="term = HPO term")
    id = serializers.CharField(help_text="HP:…, ORPHA:…/OMIM:…/MONDO:…, or the agent's INN")
    label = serializers.CharField()
    label_zh = serializers.CharField(help_text="Chinese name, empty when none")
    matched = serializers.CharField(help_text="The name (label or synonym, English or Chinese) that matched")
    language = serializers.CharField(help_text="Language of the matched name")
    query = serializers.CharField(
        help_text="What to put in a search query for this entry, e.g. hpo:HP:0003761"
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
