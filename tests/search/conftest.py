"""Fixtures of the search tests: a small registry of coded cases with evidence."""

from __future__ import annotations

import pytest

from tests.search.builders import make_case, make_crest_zh


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff-searcher", is_staff=True)


def build_registry() -> dict:
    """Five cases: the Chinese CREST case; an English calcinosis cutis case whose fever and ulcer
    are coded with more specific terms (low-grade fever, digital ulcer); a dermatomyositis case
    with calcinosis; a Raynaud case that explicitly excludes calcinosis and fever; and a rejected
    case (visible to staff only)."""
    crest = make_crest_zh()
    cutis = make_case(
        text="A 30-year-old man presented with calcinosis cutis of the elbows, low-grade fever and a "
        "digital ulcer. Prednisone 40 mg daily was given; the ulcer improved.",
        features=[
            ("HP:0025520", "calcinosis cutis"),
            ("HP:0011134", "low-grade fever"),
            ("HP:0031917", "digital ulcer"),
        ],
        treatments=[
            (
                "prednisone",
                "Prednisone 40 mg daily",
                {"dose": 40, "dose_unit": "mg", "frequency": "once daily"},
            )
        ],
        outcomes=[("digital ulcer", "improved", "improved")],
        sex="male",
        age=30,
        year=2018,
        status="curated",
        title="Calcinosis cutis in a young man",
        pmid="30000002",
    )
    dermato = make_case(
        text="A 55-year-old woman with dermatomyositis had calcinosis and Raynaud phenomenon. "
        "Diltiazem was started and the calcinosis remained stable.",
        features=[("HP:0003761", "calcinosis"), ("HP:0030880", "Raynaud phenomenon")],
        treatments=[("diltiazem", "Diltiazem", {})],
        outcomes=[("calcinosis", "stable", "remained stable")],
        age=55,
        year=2012,
        title="Calcinosis in dermatomyositis",
        pmid="30000003",
    )
    raynaud = make_case(
        text="A 62-year-old woman with Raynaud phenomenon and sclerodactyly; no calcinosis was found "
        "and she had no fever. Nifedipine improved her symptoms.",
        features=[("HP:0030880", "Raynaud phenomenon"), ("HP:0011838", "sclerodactyly")],
        excluded=[("HP:0003761", "no calcinosis"), ("HP:0001945", "no fever")],
        treatments=[("nifedipine", "Nifedipine", {})],
        outcomes=[("Raynaud phenomenon", "improved", "improved")],
        age=62,
        year=2009,
        status="published",
        title="Raynaud phenomenon without calcinosis",
        pmid="30000004",
    )
    rejected = make_case(
        text="A rejected duplicate with calcinosis and fever.",
        features=[("HP:0003761", "calcinosis"), ("HP:0001945", "fever")],
        status="rejected",
        age=70,
        year=2021,
        title="Rejected",
    )
    return {"crest": crest, "cutis": cutis, "dermato": dermato, "raynaud": raynaud, "rejected": rejected}


@pytest.fixture
def registry(db) -> dict:
    return build_registry()
