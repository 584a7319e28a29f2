"""Similar cases through the API: ranked hits of cases/search/similarity.py with their case
summaries and the explanation of each score; and the Matchmaker-Exchange-style match of a
patient's features (POST /api/similar/)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.parameters import ERRORS, int_parameter
from cases.api.permissions import ReadOnlyPost
from cases.api.results import case_list
from cases.api.serializers import SimilarRequestSerializer, SimilarResponseSerializer
from cases.search import SimilarHit, similar_match, similar_to_case
from cases.search.similar_query import parse_publication
from registry.parsers import SafeJSONParser

CASE_SIMILAR_PARAMETERS = [
    int_parameter("limit", minimum=1, maximum=100, description="1–100, default 20"),
    OpenApiParameter(
        "other_publications_only",
        bool,
        description="true: leave out every case of this case's publication (same PMID or DOI), not only the "
        "other patients of its report. The case itself is never listed.",
    ),
    OpenApiParameter(
        "exclude_publications",
        str,
        description="Comma-separated PMIDs or DOIs whose cases are left out, e.g. `PMID:24573067,10.1002/x`",
    ),
]


def _publications(values: list[str], field: str) -> list[str]:
    for value in values:
        try:
            parse_publication(value)
        except ValueError as error:
            raise drf_serializers.ValidationError({field: [str(error)]}) from error
    return values


def case_similar_response(request: Request, *, case_id: int, limit: int) -> Response:
    """GET /api/cases/{id}/similar/: never the case itself nor the other patients of its report."""
    params = request.query_params
    other = params.get("other_publications_only", "").lower()
    if other not in ("", "true", "false", "1", "0"):
        raise drf_serializers.ValidationError({"other_publications_only": ["true or false"]})
    exclude = [v.strip() for v in params.get("exclude_publications", "").split(",") if v.strip()]
    hits = similar_to_case(
        case_id=case_id,
        limit=limit,
        user=request.user,
        exclude_publications=_publications(exclude, "exclude_publications"),
        other_publications_only=other in ("true", "1"),
    )
    return Response({"results": similar_results(hits, request=request), "warnings": []})


def similar_results(hits: list[SimilarHit], *, request: Request) -> list[dict[str, Any]]:
    """Ranked hits joined with their case summaries (hits of cases the caller may not see drop out)."""
    hits = list(hits)
    summaries = {
        summary["id"]: summary for summary in case_list([hit.case_id for hit in hits], request=request)
    }
    return [
        {
            "score": round(float(hit.score), 6),
            "case": summaries[hit.case_id],
            "explanation": explanation_payload(hit),
        }
        for hit in hits
        if hit.case_id in summaries
    ]


def explanation_payload(hit: Any) -> dict[str, list[dict[str, Any]]]:
    """The shared features (through their most informative common ancestor) and the conflicts."""
    return {
        "matches": [
            {
                "query_term": match.query_term,
                "query_term_label": match.query_term_label,
                "case_term": match.case_term,
                "case_term_label": match.case_term_label,
                "common_ancestor": match.common_ancestor,
                "common_ancestor_label": match.common_ancestor_label,
                "ic": round(float(match.ic), 4),
            }
            for match in hit.matches
        ],
        "conflicts": [
            {
                "query_term": conflict.query_term,
                "query_term_label": conflict.query_term_label,
                "case_term": conflict.case_term,
                "case_term_label": conflict.case_term_label,
                "kind": conflict.kind,
                "ic": round(float(conflict.ic), 4),
            }
            for conflict in hit.conflicts
        ],
    }


class SimilarView(APIView):
    """Matchmaker-Exchange-style match: which registry cases look like this patient?"""

    permission_classes = [ReadOnlyPost]
    # One request body: JSON (a form cannot carry the list of feature objects).
    parser_classes = [SafeJSONParser]

    @extend_schema(
        operation_id="similar_match",
        summary="Rank registry cases by similarity to a patient's features",
        request=SimilarRequestSerializer,
        # Open to anonymous clients like any read (ReadOnlyPost); a token or session only lifts
        # the throttle and widens visibility.
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
        responses={200: SimilarResponseSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        examples=[
            OpenApiExample(
                "Calcinosis and Raynaud, no fever",
                request_only=True,
                value={
                    "features": [
                        {"id": "HP:0003761", "observed": True},
                        {"id": "HP:0030880", "observed": True},
                        {"id": "HP:0001945", "observed": False},
                    ],
                    "sex": "female",
                    "age": 40,
                    "limit": 20,
                    "exclude_publications": ["PMID:24573067"],
                    "gene": [],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = SimilarRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # Unknown and obsolete ids never refuse the query: mapped or left out, each with a warning
        result = similar_match(
            features=[(feature["id"], feature["observed"]) for feature in data["features"]],
            limit=data["limit"],
            user=request.user,
            exclude_publications=_publications(data["exclude_publications"], "exclude_publications"),
            genes=data["gene"],
        )
        return Response(
            {
                "results": similar_results(result.hits, request=request),
                "warnings": [asdict(warning) for warning in result.warnings],
            }
        )
