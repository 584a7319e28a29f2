"""Fixtures for the curation tests: roles, users in them, and cases built from the fixture reports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.factories import UserFactory

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "a-long-test-password-123"


@pytest.fixture
def roles(db):
    from cases.curation.roles import roles_setup

    return roles_setup()


def _member(username: str, group: str):
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def curator(roles):
    return _member("curator", "curators")


@pytest.fixture
def second_curator(roles):
    return _member("curator2", "curators")


@pytest.fixture
def viewer(roles):
    return _member("viewer", "viewers")


def fixture_text(name: str) -> str:
    # Bytes decoded as stored by ingestion: no newline translation, so CRLF stays CRLF.
    return (FIXTURES / name).read_bytes().decode("utf-8")


def case_from_fixture(name: str, **case_fields):
    """A report and its case with coded facts, as patients.json describes them; every fact's
    evidence is the first occurrence of its phrase in the report text."""
    from cases.models import (
        Agent,
        Case,
        Diagnosis,
        Disease,
        Outcome,
        PhenotypicFeature,
        Report,
        Term,
        Treatment,
    )
    from cases.services import case_refresh_search_columns

    spec = json.loads((FIXTURES / "patients.json").read_text("utf-8"))["reports"][name]
    text = fixture_text(name)
    raw = (FIXTURES / name).read_bytes()
    report = Report.objects.create(
        raw=raw,
        content_hash=hashlib.sha256(raw).hexdigest(),
        filename=name,
        format="text",
        encoding="utf-8",
        text=text,
        language=spec["language"],
        title=spec["title"],
        year=spec["year"],
        parse_status=Report.ParseStatus.PARSED,
        parser_version="fixture-1",
    )
    case = Case.objects.create(report=report, sex=spec["sex"], age_years=spec["age"], **case_fields)

    def evidence(phrase: str) -> dict:
        start = text.find(phrase)
        assert start >= 0, f"{phrase!r} not in {name}"
        return {"evidence_start": start, "evidence_end": start + len(phrase), "evidence_text": phrase}

    for hpo_id, phrase in spec["features"]:
        PhenotypicFeature.objects.create(
            case=case, term=Term.objects.get(hpo_id=hpo_id), parser_version="fixture-1", **evidence(phrase)
        )
    for code, phrase in spec["diagnoses"]:
        Diagnosis.objects.create(case=case, disease=Disease.objects.get(code=code), **evidence(phrase))
    for agent, phrase, started in spec["treatments"]:
        Treatment.objects.create(
            case=case,
            agent=Agent.objects.get(name=agent),
            agent_name=agent,
            started=started,
            **evidence(phrase),
        )
    for about, direction, phrase in spec["outcomes"]:
        Outcome.objects.create(case=case, about=about, direction=direction, **evidence(phrase))
    case_refresh_search_columns(case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def crest_case(db):
    return case_from_fixture("crest-2019-en.txt")
