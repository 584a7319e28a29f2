"""`POST /mme/match`: the Matchmaker Exchange search endpoint (GA4GH MME API v1.0).

- Media type: requests must be `application/vnd.ga4gh.matchmaker.v1.0+json` (else 415); responses
  are always of that type; an Accept of another major version gets 406.
- Authentication: the project's DRF token, sent as MME servers do (`X-Auth-Token: KEY`) or as the
  rest of the API does (`Authorization: Token KEY`); no token, 401. The token's user needs the
  `cases.match_mme` permission (403 without it). Throttled per user (`API_THROTTLE_MME`).
- Errors are the specification's `{"message": "…"}`, malformed requests 400.
- Ranking is the registry's similar-case ranking (cases/search/similar_rank.py) over the cases the
  token's user may see; `score.patient` is its score scaled to 0–1. Genes: see `gene_case_ids`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from pyroaring import BitMap
from rest_framework import exceptions, permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from cases.api.loading import summary_prefetches
from cases.mme import schema  # noqa: F401 - registers the token's OpenAPI description
from cases.mme.protocol import (
    DISCLAIMER,
    MME_MEDIA_TYPE,
    MalformedRequest,
    MmeContentNegotiation,
    MmeParser,
    MmeQuery,
    MmeRenderer,
    parse_match_request,
)
from cases.models import Case, Gene, Variant
from cases.search.similar_rank import DEFAULT_WEIGHTS

RESULT_LIMIT = 20
# The highest score the ranking gives (examined agreement 1 plus full coverage), for scaling
_TOP_SCORE = 1.0 + DEFAULT_WEIGHTS.coverage


class MmeTokenAuthentication(TokenAuthentication):
    """The DRF token from `X-Auth-Token` (the MME convention), else from `Authorization`."""

    def authenticate(self, request):
        key = request.META.get("HTTP_X_AUTH_TOKEN", "").strip()
        if key:
            return self.authenticate_credentials(key)
        return super().authenticate(request)


class CanMatchMme(permissions.BasePermission):
    message = "This token's user lacks the cases.match_mme permission."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            raise exceptions.NotAuthenticated("X-Auth-Token missing or incorrect")
        return user.has_perm("cases.match_mme")


class MmeThrottle(UserRateThrottle):
    scope = "mme"


def gene_case_ids(gene_ids: list[str]) -> BitMap | None:
    """Cases with any of the given genes (HGNC symbol, previous symbol, alias or HGNC:n, read as
    the `gene:` search reads them), from Case.gene_ids; None when the query names no gene."""
    if not gene_ids:
        return None
    from django.db import connection

    from cases.search.facets.gene import gene_numbers

    numbers = sorted({number for value in gene_ids for number in gene_numbers(value)})
    if not numbers:
        return BitMap()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM cases_case WHERE gene_ids && %s::int[]", [numbers])
        return BitMap(row[0] for row in cursor.fetchall())


_MME_ZYGOSITY = {"heterozygous": 1, "compound_heterozygous": 1, "hemizygous": 1, "homozygous": 2}


def _genomic_features(case: Case) -> list[dict[str, Any]]:
    """MME genomicFeatures of a case: one per variant (gene, zygosity), then its genes without one."""
    features: list[dict[str, Any]] = []
    named: set[str] = set()
    for variant in case.variants.all():
        gene = variant.gene_symbol or variant.gene_hgnc_id
        if not gene:
            continue
        feature: dict[str, Any] = {"gene": {"id": gene}}
        if variant.zygosity in _MME_ZYGOSITY:
            feature["zygosity"] = _MME_ZYGOSITY[variant.zygosity]
        features.append(feature)
        named.update({variant.gene_symbol, variant.gene_hgnc_id})
    for gene in case.genes.all():
        if gene.symbol not in named and gene.hgnc_id not in named:
            features.append({"gene": {"id": gene.symbol or gene.hgnc_id}})
            named.update({gene.symbol, gene.hgnc_id})
    return features


def _patients(case_ids: list[int], request: Request) -> dict[int, dict[str, Any]]:
    """MME patient objects of the given cases."""
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("report")
        .prefetch_related(
            *summary_prefetches(),  # coded, non-rejected features and diagnoses
            Prefetch("genes", queryset=Gene.objects.filter(rejected=False).exclude(status="rejected")),
            Prefetch("variants", queryset=Variant.objects.filter(rejected=False).exclude(status="rejected")),
        )
    )
    patients = {}
    for case in cases:
        report = case.report
        citation = (
            f"PMID:{report.pmid}"
            if report.pmid
            else (f"doi:{report.doi}" if report.doi else report.title[:80])
        )
        patient: dict[str, Any] = {
            "id": str(case.pk),
            "label": f"Case {case.pk}" + (f" ({citation})" if citation else ""),
            "contact": {
                "name": "Case-report registry" + (f", case reported in {citation}" if citation else ""),
                "institution": "Case-report registry",
                "href": request.build_absolute_uri(reverse("cases:case", args=[case.pk])),
            },
            "features": [
                {"id": f.term.hpo_id, "label": f.term.label, "observed": "no" if f.excluded else "yes"}
                for f in case.phenotypicfeatures.all()
            ],
            "genomicFeatures": _genomic_features(case),
            "disorders": [{"id": d.disease.code, "label": d.disease.label} for d in case.diagnoses.all()],
        }
        if case.sex in ("female", "male"):
            patient["sex"] = case.sex.upper()
        patients[case.pk] = patient
    return patients


def _mme_exception_handler(exc, context):
    """The specification's error body: {"message": "…"}."""
    if isinstance(exc, MalformedRequest):
        exc = exceptions.ParseError(str(exc))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        message = f"unsupported content type; send {MME_MEDIA_TYPE}"
    elif isinstance(exc, exceptions.ParseError):
        message = str(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else exc.default_detail
    else:
        return None
    response = Response({"message": message}, status=exc.status_code)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response["WWW-Authenticate"] = "Token"
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response


class MmeMatchView(APIView):
    authentication_classes = [MmeTokenAuthentication]
    permission_classes = [CanMatchMme]
    throttle_classes = [MmeThrottle]
    parser_classes = [MmeParser]
    renderer_classes = [MmeRenderer]
    content_negotiation_class = MmeContentNegotiation

    def get_exception_handler(self):
        return _mme_exception_handler

    @extend_schema(
        operation_id="mme_match",
        summary="Matchmaker Exchange match (GA4GH MME API v1.0)",
        description=(
            "Send `Content-Type` and `Accept: application/vnd.ga4gh.matchmaker.v1.0+json` and the token as "
            "`X-Auth-Token` (needs the `cases.match_mme` permission). Features with `observed` yes/no; "
            "`genomicFeatures[].gene.id` (HGNC symbol or id). Up to 20 results, best first, "
            '`score.patient` in 0–1. Errors: `{"message"}` with 400 (malformed), 401 (no or bad token), '
            "403 (no permission), 406 (unsupported version), 415 (content type), 429 (throttled)."
        ),
        request={MME_MEDIA_TYPE: {"type": "object", "required": ["patient"]}},
        responses={
            200: OpenApiResponse(description="`{results: [{score: {patient}, patient: {…}}], _disclaimer}`"),
            400: OpenApiResponse(description='`{"message": "…"}` malformed request'),
            401: OpenApiResponse(description="no or wrong token"),
            406: OpenApiResponse(description="unsupported API version in Accept"),
            415: OpenApiResponse(description="request content type is not the MME vendor type"),
        },
        examples=[
            OpenApiExample(
                "Calcinosis and Raynaud phenomenon",
                request_only=True,
                media_type=MME_MEDIA_TYPE,
                value={
                    "patient": {
                        "id": "P0001",
                        "contact": {"name": "Dr. Example", "href": "mailto:clinic@example.org"},
                        "features": [
                            {"id": "HP:0003761", "observed": "yes"},
                            {"id": "HP:0030880", "observed": "yes"},
                            {"id": "HP:0001945", "observed": "no"},
                        ],
                        "genomicFeatures": [{"gene": {"id": "FBN1"}}],
                    }
                },
            )
        ],
        tags=["matchmaker"],
    )
    def post(self, request: Request) -> Response:
        query: MmeQuery = parse_match_request(request.data)
        from cases.search.similarity import similar_match

        with_genes = gene_case_ids(query.genes)
        scored: list[tuple[float, int]] = []
        if query.features:
            hits = similar_match(features=query.features, limit=RESULT_LIMIT * 2, user=request.user).hits
            for hit in hits:
                phenotype = min(max(hit.score / _TOP_SCORE, 0.0), 1.0)
                if with_genes is None:
                    score = phenotype
                else:  # a shared gene counts as much as the whole phenotype
                    score = 0.5 * phenotype + 0.5 * (hit.case_id in with_genes)
                scored.append((score, hit.case_id))
            if with_genes:
                # Cases with the gene whose phenotype is not among the best still match on the gene.
                ranked = {case_id for _, case_id in scored}
                visible = Case.objects.visible_to(request.user).filter(
                    pk__in=list(with_genes - BitMap(ranked))
                )
                scored += [(0.5, case_id) for case_id in visible.values_list("pk", flat=True)[:RESULT_LIMIT]]
        elif with_genes:
            visible = Case.objects.visible_to(request.user).filter(pk__in=list(with_genes))
            scored = [(0.5, case_id) for case_id in visible.values_list("pk", flat=True)]
        scored.sort(key=lambda pair: (-pair[0], -pair[1]))
        top = scored[:RESULT_LIMIT]
        patients = _patients([case_id for _, case_id in top], request)
        results = [
            {"score": {"patient": round(score, 4)}, "patient": patients[case_id]}
            for score, case_id in top
            if case_id in patients
        ]
        return Response({"results": results, "_disclaimer": DISCLAIMER})
