"""Matchmaker Exchange endpoint, exercised as an MME partner would: request bodies written by hand
as the GA4GH MME API v1.0 specification shows them, sent with its vendor media type and the
X-Auth-Token header through Django's plain test client (none of our serializers), and responses
checked against the shape the specification gives."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token

from cases.mme.views import MmeThrottle
from tests.api.conftest import make_full_case
from tests.api.test_similar_terms import case_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MME = "application/vnd.ga4gh.matchmaker.v1.0+json"

# As in the specification's example: a patient with contact, HPO features observed yes/no, a
# candidate gene and a disorder.
SPEC_REQUEST = """
{
  "patient": {
    "id": "P0000079",
    "label": "patient 1",
    "contact": {
      "name": "First Last",
      "institution": "Contact Institution",
      "href": "mailto:first.last@example.com"
    },
    "species": "NCBITaxon:9606",
    "sex": "FEMALE",
    "ageOfOnset": "HP:0003581",
    "disorders": [{"id": "MIM:181750"}],
    "features": [
      {"id": "HP:0003761", "observed": "yes"},
      {"id": "HP:0030880", "observed": "yes"},
      {"id": "HP:0001945", "observed": "no"},
      {"id": "HP:0000118", "observed": "unknown"}
    ],
    "genomicFeatures": [{"gene": {"id": "FBN1"}}]
  }
}
"""


def mme_token(*, permitted: bool = True) -> str:
    user = UserFactory()
    if permitted:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="cases", codename="match_mme")
        )
    return Token.objects.create(user=user).key


def post(body: str, *, token: str | None, content_type: str = MME, accept: str = MME, **headers):
    extra = {"HTTP_ACCEPT": accept, **headers}
    if token:
        extra["HTTP_X_AUTH_TOKEN"] = token
    return Client().post("/mme/match", data=body, content_type=content_type, **extra)


def test_match_answers_in_the_specifications_shape():
    near = make_full_case()  # calcinosis cutis, Raynaud phenomenon; no fever; CREST
    far = case_with("HP:0001250")  # seizure only
    response = post(SPEC_REQUEST, token=mme_token())
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == MME
    body = json.loads(response.content)
    results = body["results"]
    assert results, body
    for result in results:
        assert 0.0 <= result["score"]["patient"] <= 1.0
        patient = result["patient"]
        assert isinstance(patient["id"], str) and patient["id"]
        assert patient["contact"]["name"] and patient["contact"]["href"].startswith("http")
        for feature in patient["features"]:
            assert feature["id"].startswith("HP:") and feature["observed"] in ("yes", "no")
        assert isinstance(patient["genomicFeatures"], list)
        for disorder in patient["disorders"]:
            assert disorder["id"]
    scores = [result["score"]["patient"] for result in results]
    assert scores == sorted(scores, reverse=True)
    first = results[0]["patient"]
    assert first["id"] == str(near.pk)
    assert {"id": "HP:0001945", "label": "Fever", "observed": "no"} in first["features"]
    assert first["disorders"][0]["id"] == "ORPHA:220402"
    assert first["sex"] == "FEMALE" or "sex" not in first
    assert str(far.pk) not in [r["patient"]["id"] for r in results[:1]]


def test_authorization_header_token_works_too():
    make_full_case()
    token = mme_token()
    response = post(SPEC_REQUEST, token=None, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no token", 401),
        ("bad token", 401),
        ("no permission", 403),
        ("plain json content type", 415),
        ("unsupported version", 406),
        ("malformed json", 400),
        ("no contact", 400),
        ("nothing to match", 400),
        ("observed maybe", 400),
    ],
)
def test_errors_follow_the_specification(case, expected):
    token = mme_token()
    body, kwargs = SPEC_REQUEST, {"token": token}
    if case == "no token":
        kwargs["token"] = None
    elif case == "bad token":
        kwargs["token"] = "0" * 40
    elif case == "no permission":
        kwargs["token"] = mme_token(permitted=False)
    elif case == "plain json content type":
        kwargs["content_type"] = "application/json"
    elif case == "unsupported version":
        kwargs["accept"] = "application/vnd.ga4gh.matchmaker.v2.0+json"
    elif case == "malformed json":
        body = '{"patient": {"id": "P1", '
    elif case == "no contact":
        body = '{"patient": {"id": "P1", "features": [{"id": "HP:0003761", "observed": "yes"}]}}'
    elif case == "nothing to match":
        body = '{"patient": {"id": "P1", "contact": {"name": "A", "href": "mailto:a@example.com"}}}'
    elif case == "observed maybe":
        body = (
            '{"patient": {"id": "P1", "contact": {"name": "A", "href": "mailto:a@example.com"},'
            ' "features": [{"id": "HP:0003761", "observed": "maybe"}]}}'
        )
    response = post(body, **kwargs)
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == MME
    message = json.loads(response.content)["message"]
    assert isinstance(message, str) and message


def test_minor_versions_and_plain_accept_are_answered_in_v1_0():
    make_full_case()
    token = mme_token()
    for accept in ("application/vnd.ga4gh.matchmaker.v1.1+json", "application/json", "*/*"):
        response = post(SPEC_REQUEST, token=token, accept=accept)
        assert response.status_code == 200, (accept, response.content)
        assert response["Content-Type"] == MME


def test_unknown_and_alternative_ids_do_not_refuse_the_match():
    make_full_case()
    seizure = case_with("HP:0001250")
    body = json.loads(SPEC_REQUEST)
    body["patient"]["features"] = [
        {"id": "HP:0001275", "observed": "yes"},  # an alt id of Seizure (HP:0001250)
        {"id": "HP:9999999", "observed": "yes"},  # unknown to the release
    ]
    response = post(json.dumps(body), token=mme_token())
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["results"][0]["patient"]["id"] == str(seizure.pk)


def test_match_is_throttled(monkeypatch):
    make_full_case()
    monkeypatch.setattr(MmeThrottle, "THROTTLE_RATES", {"mme": "2/minute"})
    token = mme_token()
    codes = [post(SPEC_REQUEST, token=token).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
