"""Issue 14 F7: a phenopacket with fields of the wrong JSON type fails its job naming the field and
what was expected (checked before import, ingest/formats/phenopacket_shape.py), never with an
AttributeError from inside the importer; real phenopackets pass the check unchanged."""

from __future__ import annotations

import copy
import json

import pytest

from cases.models import IngestJob
from ingest import readers, services
from ingest.formats.phenopacket_shape import shape_errors
from ingest.readers import ReaderError
from tests.conftest import CORPUS_DIR
from tests.ingest.conftest import SAMPLES_DIR

SAMPLE = json.loads((SAMPLES_DIR / "phenopacket-crest.json").read_text())


def _with(path: str, value) -> dict:
    packet = copy.deepcopy(SAMPLE)
    target = packet
    *parents, last = path.split(".")
    for name in parents:
        target = target[int(name)] if isinstance(target, list) else target.setdefault(name, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return packet


# (field set, value, what the message must name)
WRONG = [
    ("diseases", ["OMIM:1"], "diseases[0]: expected an object (Disease), got a string"),
    ("metaData.externalReferences", "nope", "metaData.externalReferences: expected an array"),
    ("medicalActions", [1, 2], "medicalActions[0]: expected an object (MedicalAction), got a number"),
    ("phenotypicFeatures", {"type": {"id": "HP:0003761"}}, "phenotypicFeatures: expected an array"),
    ("phenotypicFeatures.0.excluded", "yes", "phenotypicFeatures[0].excluded: expected true or false"),
    ("phenotypicFeatures.0.onset", "P50Y", "phenotypicFeatures[0].onset: expected an object (TimeElement)"),
    (
        "phenotypicFeatures.0.modifiers",
        [{"label": "severe"}],
        "phenotypicFeatures[0].modifiers[0]: OntologyClass needs `id`",
    ),
    (
        "subject.timeAtLastEncounter.age.iso8601duration",
        58,
        "subject.timeAtLastEncounter.age.iso8601duration: expected a string",
    ),
    ("subject.sex", 2, "subject.sex: expected a string, got a number"),
    ("diseases.0.term", "ORPHA:90290", "diseases[0].term: expected an object (OntologyClass)"),
    (
        "measurements",
        [{"assay": {"id": "LOINC:1"}, "value": 5}],
        "measurements[0].value: expected an object (Value)",
    ),
    (
        "medicalActions",
        [{"treatment": {"agent": "prednisone"}}],
        "medicalActions[0].treatment.agent: expected an object",
    ),
    (
        "interpretations",
        [{"id": "i", "diagnosis": []}],
        "interpretations[0].diagnosis: expected an object (Diagnosis)",
    ),
    ("metaData.resources", [{"id": 1}], "metaData.resources[0].id: expected a string, got a number"),
]


@pytest.mark.parametrize(("path", "value", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_types_are_refused_naming_the_field(path, value, message):
    packet = _with(path, value)
    assert any(error.startswith(message) for error in shape_errors(packet)), shape_errors(packet)
    with pytest.raises(ReaderError) as caught:
        readers.read_document(json.dumps(packet).encode(), "packet.json")
    assert message in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "value", "message"), WRONG[:4], ids=[w[0] for w in WRONG[:4]])
def test_the_job_fails_naming_the_field_and_keeps_the_bytes(path, value, message):
    data = json.dumps(_with(path, value)).encode()
    job = services.report_receive(data=data, filename="typed.json", queue=False)
    if job.status == IngestJob.Status.QUEUED:
        services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == IngestJob.Status.FAILED
    assert message in job.error
    assert "AttributeError" not in job.error and "internal error" not in job.error
    assert bytes(job.report.raw) == data


def test_the_sample_and_real_phenopackets_pass_the_type_check():
    assert shape_errors(SAMPLE) == []
    store = CORPUS_DIR / "phenopackets" / "phenopacket-store-dev.jsonl"
    if not store.exists():
        pytest.skip("../shared corpus not present")
    lines = [line for line in store.read_text().splitlines() if line.strip()][:2000]
    failing = [(i, errors) for i, line in enumerate(lines) if (errors := shape_errors(json.loads(line)))]
    assert failing == []
