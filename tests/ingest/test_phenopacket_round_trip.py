"""Phenopackets v2 import -> export without loss: every field of the fixture set (ages and onsets
in every form, modifiers, disease fields, original ids, codes the loaded vocabularies lack,
LOINC measurements, medical actions with their codes and responses) comes back as given, apart
from the registry's documented additions (cases.phenopacket_roundtrip). Also: validation on
import (invalid input fails naming the field), warnings on the job for what is kept but flagged,
and a re-serialised phenopacket is a duplicate."""

from __future__ import annotations

import json
import random

import pytest

from cases.models import Case, Disease, IngestJob, Term
from cases.phenopacket_roundtrip import phenopacket_differences, summarise
from cases.phenopackets import case_to_phenopacket
from ingest import services
from ingest.api import JobSerializer
from ingest.services.vocabulary import vocabulary_cache_clear
from tests.conftest import CORPUS_DIR, FIXTURES_DIR

pytestmark = pytest.mark.django_db

FIXTURE = FIXTURES_DIR / "phenopackets" / "round-trip.jsonl"
CORPUS_FILE = CORPUS_DIR / "phenopackets" / "phenopacket-store-dev.jsonl"
# Top-level fields left out of the comparison (none: interpretations are facts now).
NOT_YET: tuple[str, ...] = ()


@pytest.fixture(autouse=True)
def fresh_vocabulary_ids():
    # Codes kept by an earlier test were rolled back with it; the per-process cache must forget them.
    vocabulary_cache_clear()
    yield
    vocabulary_cache_clear()


def label_of(code: str) -> str | None:
    """The loaded vocabulary's label of an id (what the export writes), None when it has none."""
    if code.startswith("HP:"):
        return Term.objects.filter(hpo_id=code).values_list("label", flat=True).first()
    return Disease.objects.filter(code=code).values_list("label", flat=True).first()


def import_lines(lines: list[str], name: str = "packets.jsonl") -> list[IngestJob]:
    jobs = services.reports_receive(data="\n".join(lines).encode(), filename=name, queue=False)
    for job in jobs:
        if job.status == IngestJob.Status.QUEUED:
            services.job_run(job_id=job.pk)
    return [IngestJob.objects.get(pk=job.pk) for job in jobs]


def exported(job: IngestJob) -> dict:
    return case_to_phenopacket(Case.objects.get(report_id=job.report_id))


def fixture_packets() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]


def test_fixture_round_trip_has_no_difference() -> None:
    packets = fixture_packets()
    jobs = import_lines([json.dumps(p) for p in packets])
    for packet, job in zip(packets, jobs, strict=True):
        assert job.status == "done", job.error
        differences = phenopacket_differences(packet, exported(job), label_of=label_of, skip=NOT_YET)
        assert differences == [], [str(d) for d in differences]


def test_the_comparison_sees_a_loss() -> None:
    # The comparison itself must fail on a changed age, a lost modifier and a relabelled id.
    packet = fixture_packets()[0]
    changed = json.loads(json.dumps(packet))
    changed["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] = "P4D"
    del changed["phenotypicFeatures"][0]["modifiers"][1]
    changed["diseases"][0]["term"]["label"] = "some other name"
    found = summarise(phenopacket_differences(packet, changed, label_of=label_of))
    assert found == {
        "subject.timeAtLastEncounter.age.iso8601duration changed": 1,
        "phenotypicFeatures[].modifiers[] lost": 1,
        "diseases[].term.label changed": 1,
    }


def test_ages_onsets_and_ids_are_kept_as_given() -> None:
    (job,) = import_lines([json.dumps(fixture_packets()[0])])
    case = Case.objects.get(report_id=job.report_id)
    # The exact duration beside the years the search filters on.
    assert (case.age_text, case.age_years) == ("P2D", pytest.approx(2 / 365.25, abs=0.005))
    assert (case.phenopacket_id, case.subject_id) == ("PMID_30000001_family_1_proband", "family 1 proband")
    onsets = dict(case.phenotypicfeatures.values_list("term__hpo_id", "onset"))
    assert onsets["HP:0001250"] == "P1D"
    assert onsets["HP:0001263"] == "Infantile onset"
    assert onsets["HP:0001510"] == "gestational age 30w2d"
    disease = case.diagnoses.get(disease__code="OMIM:607208")
    assert disease.onset == "P1D" and disease.status == "final"
    document = exported(job)
    assert document["id"] == "PMID_30000001_family_1_proband"
    assert document["subject"]["timeAtLastEncounter"] == {"age": {"iso8601duration": "P2D"}}
    # The registry's own id is beside the originals, in the update it adds.
    assert f"registry-case-{case.pk}" in document["metaData"]["updates"][-1]["comment"]
    # Labels follow the loaded release; the id is the truth.
    assert document["phenotypicFeatures"][0]["type"] == {"id": "HP:0001250", "label": label_of("HP:0001250")}


def test_codes_the_vocabularies_lack_are_kept_flagged_and_searchable(client) -> None:
    (job,) = import_lines([json.dumps(fixture_packets()[1])])
    assert job.status == "done", job.error
    assert any("HP:9990001" in w and "not in the loaded HPO release" in w for w in job.warnings)
    assert any("OMIM:999991" in w and "not in the loaded disease vocabulary" in w for w in job.warnings)
    case = Case.objects.get(report_id=job.report_id)
    feature = case.phenotypicfeatures.select_related("term").get(term__hpo_id="HP:9990001")
    assert (
        feature.term.in_release is False and feature.term.label == "A phenotype newer than the loaded release"
    )
    diagnosis = case.diagnoses.select_related("disease").get()
    assert (diagnosis.disease.code, diagnosis.disease.in_release) == ("OMIM:999991", False)
    assert Term.objects.get(hpo_id="HP:0001508").in_release is True

    detail = client.get(f"/api/cases/{case.pk}/").json()
    flags = {f["hpo_id"]: f["in_release"] for f in detail["phenotypic_features"]}
    assert flags == {"HP:9990001": False, "HP:0001508": True}
    assert [(d["code"], d["in_release"]) for d in detail["diagnoses"]] == [("OMIM:999991", False)]
    for query in ("hpo:HP:9990001", "disease:OMIM:999991"):
        found = client.get("/api/cases/", {"q": query}).json()
        assert [hit["id"] for hit in found["results"]] == [case.pk], query
    assert "not in the loaded release" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_curators_edit_is_written_over_the_imported_element() -> None:
    (job,) = import_lines([json.dumps(fixture_packets()[0])])
    case = Case.objects.get(report_id=job.report_id)
    feature = case.phenotypicfeatures.get(term__hpo_id="HP:0001250")
    feature.onset = "P5Y"
    feature.save()
    case.age_years, case.age_text = 3.0, "3 years"
    case.save()
    document = exported(job)
    item = document["phenotypicFeatures"][0]
    assert item["onset"] == {"age": {"iso8601duration": "P5Y"}}
    assert [m["id"] for m in item["modifiers"]] == ["HP:0012828", "HP:0031796"]  # the rest as imported
    assert document["subject"]["timeAtLastEncounter"] == {"age": {"iso8601duration": "P3Y"}}
    assert document["subject"]["alternateIds"] == ["II-1"]


def test_measurements_and_medical_actions_keep_their_codes() -> None:
    (job,) = import_lines([json.dumps(fixture_packets()[2])])
    case = Case.objects.get(report_id=job.report_id)
    assert case.measurements.count() == 2 and case.treatments.count() == 4
    document = exported(job)
    assert [m["assay"]["id"] for m in document["measurements"]] == ["LOINC:2028-9", "LOINC:5048-4"]
    first = document["medicalActions"][0]
    assert first["treatment"]["agent"]["id"] == "DrugCentral:2235"
    assert first["treatment"]["doseIntervals"][0]["scheduleFrequency"]["id"] == "NCIT:C125004"
    assert first["responseToTreatment"]["id"] == "NCIT:C102560"
    # A curator's dose change is written over the action; its codes and response stay.
    treatment = case.treatments.get(agent_name="prednisone")
    treatment.dose = 40
    treatment.save()
    first = exported(job)["medicalActions"][0]
    assert first["treatment"]["doseIntervals"][0]["quantity"]["value"] == 40
    assert (first["responseToTreatment"]["id"], first["treatmentIntent"]["id"]) == (
        "NCIT:C102560",
        "NCIT:C62220",
    )


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (
            lambda p: p["subject"].update(
                timeAtLastEncounter={"ageRange": {"start": {"age": {"iso8601duration": "P2Y"}}}}
            ),
            "subject.timeAtLastEncounter.ageRange.start",
            'no field named "age"',
        ),
        (
            lambda p: p.update(diseases=["OMIM:1"]),
            "diseases[0]",
            "expected an object (Disease)",
        ),
        (
            lambda p: p["phenotypicFeatures"][1].update(excluded="no"),
            "phenotypicFeatures[1].excluded",
            "expected true or false",
        ),
        (lambda p: p["subject"].update(sex="WOMAN"), "subject.sex", "Invalid enum value WOMAN"),
    ],
)
def test_invalid_phenopackets_fail_naming_the_field(change, field, expected) -> None:
    packet = fixture_packets()[3]
    change(packet)
    (job,) = import_lines([json.dumps(packet)])
    assert job.status == "failed"
    # The wrong JSON types are named by ingest/formats/phenopacket_shape.py, the rest by the
    # protobuf schema of the `phenopackets` package.
    assert "not a valid" in job.error
    assert field in job.error and expected.lower() in job.error.lower(), job.error
    assert not Case.objects.exists()


def test_lossy_but_valid_input_completes_with_warnings_on_the_job() -> None:
    packet = fixture_packets()[0]  # carries "_source_path", outside the schema
    (job,) = import_lines([json.dumps(packet)])
    assert job.status == "done"
    assert job.warnings == [
        "_source_path: not part of the Phenopacket schema; kept on the case, not exported"
    ]
    assert JobSerializer(job).data["warnings"] == job.warnings
    # A valid element the registry has nothing to store for is named, not dropped silently.
    packet = fixture_packets()[3]
    packet["id"] = "another"
    packet["measurements"] = [{"assay": {"id": "", "label": ""}, "value": {"quantity": {"value": 1.0}}}]
    (job,) = import_lines([json.dumps(packet)])
    assert job.status == "done"
    assert [w for w in job.warnings if w.startswith("measurements: an element")], job.warnings


def test_the_same_phenopacket_reserialised_is_a_duplicate() -> None:
    packet = fixture_packets()[3]
    (first,) = import_lines([json.dumps(packet)], "a.jsonl")
    shuffled = dict(reversed(list(packet.items())))
    again = services.report_receive(
        data=json.dumps(shuffled, indent=2).encode(), filename="again.json", queue=False
    )
    assert first.status == "done"
    assert again.status == "duplicate" and again.report_id == first.report_id
    assert Case.objects.count() == 1
    changed = services.report_receive(
        data=json.dumps(dict(packet, id="different")).encode(), filename="other.json", queue=False
    )
    assert changed.status == "queued"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_FILE.exists(), reason="../shared/corpus is not present")
def test_corpus_phenopackets_sample_round_trip_has_no_difference() -> None:
    # A deterministic sample of the shared file (benchmarks/eval_phenopackets.py runs all of it).
    lines = CORPUS_FILE.read_text().splitlines()
    sample = random.Random(12).sample(lines, 40)
    jobs = import_lines(sample)
    counts = summarise([])
    for line, job in zip(sample, jobs, strict=True):
        assert job.status == "done", job.error
        packet = json.loads(line)
        counts.update(
            summarise(phenopacket_differences(packet, exported(job), label_of=label_of, skip=NOT_YET))
        )
    assert dict(counts) == {}
