"""Exports of a search (CSV, zip of phenopackets) and the export -> import round trip through the
ingestion service, which reads phenopackets back into coded facts."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from google.protobuf.json_format import Parse
from phenopackets.schema.v2 import Phenopacket

from cases.models import Case, Report
from ingest.services import job_run, report_receive, reports_receive
from tests.api.conftest import make_full_case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def coded_facts(case: Case) -> dict:
    """What a case says in codes: sex, age, HPO terms present/excluded, diseases, drugs, outcomes."""
    case = Case.objects.get(pk=case.pk)
    return {
        "sex": case.sex,
        "age": None if case.age_years is None else round(case.age_years, 1),
        "present": sorted(
            f.term.hpo_id
            for f in case.phenotypicfeatures.filter(rejected=False, excluded=False, term__isnull=False)
        ),
        "excluded": sorted(
            f.term.hpo_id
            for f in case.phenotypicfeatures.filter(rejected=False, excluded=True, term__isnull=False)
        ),
        "term_ids": case.term_ids,
        "excluded_term_ids": case.excluded_term_ids,
        "disease_ids": case.disease_ids,
        "agent_ids": case.agent_ids,
        "outcome_codes": case.outcome_codes,
        "doses": sorted(
            (t.agent.name, t.dose, t.dose_unit, t.route, t.frequency) for t in case.treatments.all()
        ),
        "measurements": sorted(
            (m.analyte, m.value, m.unit) for m in case.measurements.all() if m.value is not None
        ),
    }


def import_jobs(jobs) -> list[Case]:
    cases = []
    for job in jobs:
        job = job_run(job_id=job.pk)
        assert job.status == "done", job.error
        cases += list(Case.objects.filter(report=job.report))
    return cases


def test_phenopacket_round_trip_gives_the_same_coded_facts(client):
    original = make_full_case()
    exported = client.get(f"/api/cases/{original.pk}/phenopacket/").content
    job = report_receive(data=exported, filename=f"case-{original.pk}.json", queue=False)
    (imported,) = import_jobs([job])
    assert imported.pk != original.pk
    assert coded_facts(imported) == coded_facts(original)
    # The citation travels with it.
    report = Report.objects.get(pk=imported.report_id)
    assert report.pmid == "31234567"


def test_zip_export_of_a_search_reimports_case_for_case(client):
    first = make_full_case()
    second = make_full_case(sex="male", age_years=62.5)
    CaseFactory(sex="male")  # no calcinosis: not in the search
    response = client.get("/api/cases/export/phenopackets/", {"q": "calcinosis"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([f"case-{first.pk}.json", f"case-{second.pk}.json"])
        for name in names:
            Parse(archive.read(name).decode(), Phenopacket())  # every member follows the schema
    imported = import_jobs(reports_receive(data=data, filename="export.zip", queue=False))
    assert len(imported) == 2
    by_label = {case.label: case for case in imported}
    for original in (first, second):
        assert coded_facts(by_label[f"case-{original.pk}"]) == coded_facts(original)


def test_csv_export_of_a_search(client):
    case = make_full_case()
    CaseFactory(sex="male")
    response = client.get("/api/cases/export/csv/", {"q": "calcinosis"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cases.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(case.pk) and row["pmid"] == "31234567"
    assert "HP:0003761 Calcinosis" in row["features"]
    assert row["excluded_features"].startswith("HP:0001945")
    assert row["treatments"] == "prednisone"
    assert row["outcomes"] == "skin ulcer: improved"


def test_csv_cells_cannot_become_spreadsheet_formulas(client):
    CaseFactory(report__title='=HYPERLINK("http://evil")', label="+1")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/api/cases/export/csv/").streaming_content).decode()))
    )
    assert rows[0]["title"].startswith("'=")
    assert rows[0]["label"] == "'+1"


def test_export_bad_query_and_limit(client):
    response = client.get("/api/cases/export/csv/", {"q": "(calcinosis"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "query_syntax"
    assert client.get("/api/cases/export/phenopackets/", {"limit": "0"}).status_code == 400


def test_export_respects_visibility_and_limit(client):
    visible = [CaseFactory() for _ in range(3)]
    CaseFactory(status=Case.Status.REJECTED)
    rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/api/cases/export/csv/").streaming_content).decode()))
    )
    assert sorted(int(row["id"]) for row in rows) == sorted(case.pk for case in visible)
    limited = client.get("/api/cases/export/csv/", {"limit": 2})
    assert len(list(csv.DictReader(io.StringIO(b"".join(limited.streaming_content).decode())))) == 2


def test_exported_json_is_utf8_chinese_kept(client):
    case = CaseFactory(report__title="系统性硬化症一例", report__pmid="1")
    packet = json.loads(client.get(f"/api/cases/{case.pk}/phenopacket/").content)
    assert packet["metaData"]["externalReferences"][0]["description"] == "系统性硬化症一例"
