"""The Matchmaker Exchange (GA4GH MME API v1.0) wire format: its vendor media type, the request
as the specification writes it, and the patients of the response.

Request: `{"patient": {"id", "contact": {"name", "href", "institution"?}, "features": [{"id":
"HP:…", "observed": "yes"|"no"}], "genomicFeatures": [{"gene": {"id"}}], "disorders": [{"id"}],
"sex", "ageOfOnset", …}}`, at least one of features and genomicFeatures. Response:
`{"results": [{"score": {"patient": 0–1}, "patient": {"id", "label", "contact", "features",
"genomicFeatures", "disorders", "sex"}}], "_disclaimer"}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

MME_MEDIA_TYPE = "application/vnd.ga4gh.matchmaker.v1.0+json"
MME_MAJOR_VERSION = 1
_MME_TYPE = re.compile(r"^application/vnd\.ga4gh\.matchmaker(?:\.v(\d+)\.(\d+))?\+json$")
_SEXES = {"FEMALE": "female", "MALE": "male", "OTHER": None, "MIXED_SAMPLE": None, "NOT_APPLICABLE": None}
MAX_FEATURES = 500
DISCLAIMER = (
    "Cases are patients of published case reports, coded by machine and by curators; the contact "
    "is the registry's public case page, which cites the publication."
)


class MmeParser(JSONParser):
    """Request bodies of the vendor type (other content types get 415)."""

    media_type = MME_MEDIA_TYPE


class MmeRenderer(JSONRenderer):
    media_type = MME_MEDIA_TYPE
    format = "mme"
    charset = None


class MmeContentNegotiation(DefaultContentNegotiation):
    """Any v1.x of the matchmaker type is answered in v1.0 (minor versions are compatible); so are
    clients that accept anything or plain JSON. Only matchmaker types of another major version,
    or nothing we can produce, get 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "").strip()
        if not accept:
            return renderers[0], renderers[0].media_type
        for item in accept.split(","):
            media_type = item.split(";", 1)[0].strip().lower()
            match = _MME_TYPE.match(media_type)
            if media_type in ("*/*", "application/*", "application/json") or (
                match and (match.group(1) is None or int(match.group(1)) == MME_MAJOR_VERSION)
            ):
                return renderers[0], renderers[0].media_type
        from rest_framework.exceptions import NotAcceptable

        raise NotAcceptable(f"unsupported API version; this server speaks {MME_MEDIA_TYPE}")


class MalformedRequest(ValueError):
    """The request is not a valid MME match request; the message says why (400)."""


@dataclass
class MmeQuery:
    patient_id: str
    features: list[tuple[str, bool]] = field(default_factory=list)
    genes: list[str] = field(default_factory=list)
    sex: str | None = None
    test: bool = False


def _text(value: Any, where: str, *, required: bool = False, limit: int = 255) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise MalformedRequest(f"{where} must be a non-empty string")
    if len(value) > limit:
        raise MalformedRequest(f"{where} is longer than {limit} characters")
    return value


def parse_match_request(body: Any) -> MmeQuery:
    """The query of a match request, or MalformedRequest naming the first problem."""
    if not isinstance(body, dict) or not isinstance(body.get("patient"), dict):
        raise MalformedRequest('the body must be an object with a "patient" object')
    patient = body["patient"]
    query = MmeQuery(patient_id=_text(patient.get("id"), "patient.id", required=True))
    contact = patient.get("contact")
    if not isinstance(contact, dict):
        raise MalformedRequest("patient.contact is mandatory: {name, href}")
    _text(contact.get("name"), "patient.contact.name", required=True)
    _text(contact.get("href"), "patient.contact.href", required=True, limit=2000)
    features = patient.get("features", [])
    genomic = patient.get("genomicFeatures", [])
    if not isinstance(features, list) or not isinstance(genomic, list):
        raise MalformedRequest("patient.features and patient.genomicFeatures must be lists")
    if not features and not genomic:
        raise MalformedRequest("patient needs at least one of features and genomicFeatures")
    if len(features) > MAX_FEATURES or len(genomic) > MAX_FEATURES:
        raise MalformedRequest(f"at most {MAX_FEATURES} features and genomic features")
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise MalformedRequest(f"patient.features[{index}] must be an object")
        term = _text(feature.get("id"), f"patient.features[{index}].id", required=True)
        observed = feature.get("observed", "yes")
        if observed not in ("yes", "no", "unknown"):
            raise MalformedRequest(f'patient.features[{index}].observed must be "yes" or "no"')
        if observed != "unknown":  # the specification: an unknown status says nothing
            query.features.append((term, observed == "yes"))
    for index, item in enumerate(genomic):
        gene = item.get("gene") if isinstance(item, dict) else None
        if not isinstance(gene, dict):
            raise MalformedRequest(f"patient.genomicFeatures[{index}].gene must be an object with an id")
        query.genes.append(_text(gene.get("id"), f"patient.genomicFeatures[{index}].gene.id", required=True))
    sex = patient.get("sex")
    if sex is not None and sex not in _SEXES:
        raise MalformedRequest("patient.sex must be one of " + ", ".join(_SEXES))
    query.sex = _SEXES.get(sex) if sex else None
    query.test = body.get("test") is True or patient.get("test") is True
    return query
