"""factory_boy factories for the registry's models, shared by every test package."""

from __future__ import annotations

import hashlib

import factory
from django.contrib.auth import get_user_model

from cases import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password-123")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Report

    text = factory.Sequence(lambda n: f"Case report number {n}: a 40-year-old woman with calcinosis.")
    raw = factory.LazyAttribute(lambda report: report.text.encode("utf-8"))
    content_hash = factory.LazyAttribute(lambda report: hashlib.sha256(report.raw).hexdigest())
    format = "text"
    encoding = "utf-8"
    language = "en"
    title = factory.Sequence(lambda n: f"A case report {n}")
    year = 2020
    parse_status = models.Report.ParseStatus.PARSED


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Case

    report = factory.SubFactory(ReportFactory)
    ordinal = 1
    sex = models.Case.Sex.FEMALE
    age_years = 40
    language = factory.SelfAttribute("report.language")
    year = factory.SelfAttribute("report.year")


def term(hpo_id: str) -> models.Term:
    """A vocabulary term (the session fixture loads the HPO into the test database)."""
    return models.Term.objects.get(hpo_id=hpo_id)


class PhenotypicFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PhenotypicFeature

    case = factory.SubFactory(CaseFactory)
    term = factory.LazyFunction(lambda: term("HP:0003761"))
    excluded = False


class TreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Treatment

    case = factory.SubFactory(CaseFactory)
    agent = factory.LazyFunction(lambda: models.Agent.objects.get(name="prednisone"))
    agent_name = factory.LazyAttribute(lambda treatment: treatment.agent.name if treatment.agent else "")
    dose = 60
    dose_unit = "mg"
    route = "oral"
    frequency = "once daily"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Outcome

    case = factory.SubFactory(CaseFactory)
    about = "skin ulcer"
    direction = models.Outcome.Direction.IMPROVED


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Diagnosis

    case = factory.SubFactory(CaseFactory)
    disease = factory.LazyFunction(lambda: models.Disease.objects.get(code="ORPHA:220402"))
    status = models.Diagnosis.Status.FINAL
