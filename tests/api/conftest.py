"""Fixtures of the API tests: clients, token users and a case with every kind of fact."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Agent, Analyte, Case, Diagnosis, Disease, Measurement, Outcome, Term, Treatment
from cases.services import case_refresh_search_columns
from tests.factories import CaseFactory, PhenotypicFeatureFactory, ReportFactory, UserFactory

REPORT_TEXT = (
    "A 40-year-old woman had calcinosis cutis of the fingers and Raynaud phenomenon; no fever. "
    "Anti-Scl-70 antibody was positive and IgG was 18.2 g/L. She took prednisone 60 mg orally once "
    "daily; the skin ulcer improved."
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and cached stats live in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def evidence(text: str) -> dict:
    start = REPORT_TEXT.index(text)
    return {"evidence_start": start, "evidence_end": start + len(text), "evidence_text": text}


_made = 0


def make_full_case(**case_fields) -> Case:
    """A case with present and excluded features, a diagnosis, measurements, a treatment and an
    outcome, each with evidence, and its search columns refreshed."""
    # Each report's text (hence content hash) is distinct; offsets into REPORT_TEXT stay valid.
    global _made
    _made += 1
    report = ReportFactory(
        text=f"{REPORT_TEXT} [{_made}]", pmid="31234567", doi="10.1000/example.123", journal="J Case Rep"
    )
    case = CaseFactory(
        report=report, label="Case 1", age_text="40-year-old", age_start=2, age_end=13, **case_fields
    )
    PhenotypicFeatureFactory(
        case=case, term=Term.objects.get(hpo_id="HP:0003761"), **evidence("calcinosis cutis")
    )
    PhenotypicFeatureFactory(
        case=case,
        term=Term.objects.get(hpo_id="HP:0030880"),
        onset="30 years",
        **evidence("Raynaud phenomenon"),
    )
    PhenotypicFeatureFactory(
        case=case, term=Term.objects.get(hpo_id="HP:0001945"), excluded=True, **evidence("fever")
    )
    Diagnosis.objects.create(
        case=case,
        disease=Disease.objects.get(code="ORPHA:220402"),
        status="final",
        **evidence("calcinosis cutis"),
    )
    Measurement.objects.create(
        case=case,
        analyte="anti-Scl-70",
        analyte_ref=Analyte.objects.filter(name="anti-Scl-70").first(),
        interpretation="positive",
        **evidence("Anti-Scl-70 antibody was positive"),
    )
    Measurement.objects.create(
        case=case,
        analyte="IgG",
        value=18.2,
        unit="g/L",
        interpretation="high",
        **evidence("IgG was 18.2 g/L"),
    )
    Treatment.objects.create(
        case=case,
        agent=Agent.objects.get(name="prednisone"),
        agent_name="prednisone",
        dose=60,
        dose_unit="mg",
        route="oral",
        frequency="once daily",
        **evidence("prednisone 60 mg orally once daily"),
    )
    Outcome.objects.create(
        case=case, about="skin ulcer", direction="improved", **evidence("the skin ulcer improved")
    )
    return case_refresh_search_columns(case=Case.objects.get(pk=case.pk))


@pytest.fixture
def full_case(db) -> Case:
    return make_full_case()


def token_client(*, username: str, permissions: tuple[str, ...] = (), staff: bool = False) -> APIClient:
    user = UserFactory(username=username, is_staff=staff)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def staff_client(db) -> APIClient:
    return token_client(username="staffer", staff=True)
