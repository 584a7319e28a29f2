"""GET /api/terms/: autocomplete over HPO terms, diseases and agents in English and Chinese, each
hit with the `field:value` that searches for it (cases/search/autocomplete.py)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.parameters import ERRORS, int_param, int_parameter
from cases.api.serializers import TermListSerializer
from cases.search import autocomplete


def autocomplete_hits(prefix: str, *, limit: int) -> list[dict[str, str]]:
    """Autocomplete hits in the documented shape, each with the `field:value` that searches for it."""
    keys = ("kind", "id", "label", "label_zh", "matched", "language", "query", "query_name")
    return [{key: hit.get(key) or "" for key in keys} for hit in autocomplete(prefix, limit=limit)]


class TermsView(APIView):
    @extend_schema(
        operation_id="terms_autocomplete",
        summary="Autocomplete HPO terms, diseases and agents (English and Chinese names)",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="The beginning of a name, e.g. `calci` or `钙`; blank gives no hits",
            ),
            int_parameter("limit", minimum=1, maximum=50, description="1–50, default 10"),
        ],
        responses={200: TermListSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        if "q" not in request.query_params:
            raise drf_serializers.ValidationError({"q": ["required: the beginning of a term name"]})
        prefix = request.query_params["q"].strip()
        if len(prefix) > 200:
            raise drf_serializers.ValidationError({"q": ["at most 200 characters"]})
        limit = int_param(request.query_params, "limit", default=10, minimum=1, maximum=50)
        return Response({"results": autocomplete_hits(prefix, limit=limit)})
