"""Phenopacket v2 export: the documents validate against the GA4GH schema (protobuf classes of the
`phenopackets` package) and carry every coded fact of the case."""

from __future__ import annotations

import json

import pytest
from google.protobuf.json_format import Parse
from phenopackets.schema.v2 import Phenopacket

from cases.models import Case, Outcome, Treatment
from cases.phenopackets import case_to_phenopacket, iso8601_age, years_from_iso8601
from tests.api.conftest import make_full_case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def parse(document: dict) -> Phenopacket:
    # Parse rejects unknown fields and wrong types: a document that parses follows the schema.
    return Parse(json.dumps(document), Phenopacket())


@pytest.mark.parametrize(
    ("years", "duration"), [(40, "P40Y"), (40.5, "P40Y6M"), (0.25, "P3M"), (1 / 36.5, "P10D"), (2.999, "P3Y")]
)
def test_iso8601_age(years, duration):
    assert iso8601_age(years) == duration
    assert years_from_iso8601(duration) == pytest.approx(years, abs=0.05)


def test_full_case_validates_and_maps_every_fact():
    case = make_full_case()
    document = case_to_phenopacket(case)
    packet = parse(document)

    assert packet.id == f"registry-case-{case.pk}"
    assert packet.subject.sex == 1  # FEMALE
    assert packet.subject.time_at_last_encounter.age.iso8601duration == "P40Y"
    features = {f.type.id: f for f in packet.phenotypic_features}
    assert set(features) == {"HP:0003761", "HP:0030880", "HP:0001945"}
    assert features["HP:0001945"].excluded is True
    assert features["HP:0003761"].excluded is False
    assert features["HP:0030880"].onset.age.iso8601duration == "P30Y"
    evidence = features["HP:0003761"].evidence[0]
    assert evidence.evidence_code.id.startswith("ECO:")
    assert evidence.reference.id == "PMID:31234567"
    assert evidence.reference.description == "calcinosis cutis"
    assert [d.term.id for d in packet.diseases] == ["ORPHA:220402"]

    measurements = {m.assay.label: m for m in packet.measurements}
    assert measurements["IgG"].value.quantity.value == pytest.approx(18.2)
    assert measurements["IgG"].value.quantity.unit.label == "g/L"
    assert measurements["anti-Scl-70"].value.ontology_class.label == "Positive"

    (action,) = packet.medical_actions
    assert action.treatment.agent.id == "ATC:H02AB07"
    assert action.treatment.agent.label == "prednisone"
    assert action.treatment.route_of_administration.id == "NCIT:C38288"
    (interval,) = action.treatment.dose_intervals
    assert interval.quantity.value == 60 and interval.quantity.unit.label == "mg"
    assert interval.schedule_frequency.label == "once daily"
    assert action.response_to_treatment.label == "improved"

    meta = packet.meta_data
    assert meta.phenopacket_schema_version == "2.0"
    prefixes = {resource.namespace_prefix for resource in meta.resources}
    assert {"HP", "ORPHA", "ATC", "NCIT", "ECO", "UCUM"} <= prefixes
    assert all(resource.version for resource in meta.resources)
    references = {reference.id for reference in meta.external_references}
    assert references == {"PMID:31234567", "DOI:10.1000/example.123"}


def test_every_curie_prefix_is_declared_as_a_resource():
    document = case_to_phenopacket(make_full_case())
    declared = {resource["namespacePrefix"] for resource in document["metaData"]["resources"]}
    used = set()

    def walk(value):
        if isinstance(value, dict):
            if "id" in value and "label" in value:
                used.add(value["id"].split(":", 1)[0])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    assert used <= declared


def test_rejected_facts_and_differential_diagnoses_are_not_exported():
    case = make_full_case()
    Treatment.objects.filter(case=case).update(rejected=True)
    case.diagnoses.update(status="differential")
    packet = parse(case_to_phenopacket(Case.objects.get(pk=case.pk)))
    assert not packet.medical_actions
    assert not packet.diseases


def test_minimal_case_validates_and_death_sets_vital_status():
    case = CaseFactory(sex="unknown", age_years=None, report__pmid="", report__doi="")
    Outcome.objects.create(case=case, direction="died")
    document = case_to_phenopacket(case)
    packet = parse(document)
    assert packet.subject.sex == 0  # UNKNOWN_SEX
    assert not packet.subject.HasField("time_at_last_encounter")
    assert packet.subject.vital_status.status == 2  # DECEASED
    assert "externalReferences" not in document["metaData"]
