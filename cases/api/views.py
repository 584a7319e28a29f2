"""The read API over cases: search with facets, case details, similar cases, phenopackets and
exports (CaseViewSet). Similar-case matching, term autocomplete and statistics have their own
modules (similar.py, terms.py, stats.py); parameters.py reads and documents the parameters.

Every list goes through `cases.search.CaseSearch`, the one filter object the HTML search uses too,
and every result list through `cases.summaries.case_summaries`, the one builder the HTML pages use,
so the pages and the API never disagree about which cases match or how a case is summarised.
Views stay thin: parse and validate input, call the search or a selector, load the ids with a
fixed number of queries.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from cases.api.exports import csv_rows
from cases.api.loading import DEFERRED, detail_prefetches, iter_cases
from cases.api.pagination import Cursor, query_fingerprint, realign
from cases.api.parameters import (
    DEFAULT_PAGE_SIZE,
    ERRORS,
    MAX_PAGE_SIZE,
    SEARCH_PARAMETERS,
    build_search,
    case_id,
    int_param,
    int_parameter,
    run_search,
)
from cases.api.results import case_list, facets_payload
from cases.api.serializers import (
    CaseDetailSerializer,
    CaseListResponseSerializer,
    CaseSummarySerializer,
    SimilarResponseSerializer,
)
from cases.api.similar import CASE_SIMILAR_PARAMETERS, case_similar_response
from cases.models import Case
from cases.phenopackets import case_to_phenopacket
from cases.search import CaseSearch, SearchResult

EXPORT_MAX_CASES = 10_000


class CaseViewSet(GenericViewSet):
    """Cases the caller may see (anonymous: what the public sees)."""

    serializer_class = CaseSummarySerializer
    # Any path segment reaches the view, so a malformed id is a JSON 404 (see _case_id), never an
    # HTML page from the URL resolver or a database error.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Case]:
        return Case.objects.visible_to(self.request.user)

    def _execute(self, search: CaseSearch, *, offset: int, limit: int, facets: bool) -> SearchResult:
        return run_search(
            search, "execute", user=self.request.user, offset=offset, limit=limit, facets=facets
        )

    def _page_url(self, request: Request, cursor: Cursor) -> str:
        params = [
            (key, value)
            for key, values in request.query_params.lists()
            if key != "cursor"
            for value in values
        ]
        params.append(("cursor", cursor.encode()))
        return request.build_absolute_uri(request.path) + "?" + urlencode(params)

    @extend_schema(
        operation_id="cases_search",
        summary="Search cases",
        description="Cases matching the query in `sort` order, with facet counts over all matching "
        "cases (each facet value names the parameter that refines by it). Follow `next` for further "
        "pages: the cursor is opaque and tied to the query and sort order.",
        parameters=[
            *SEARCH_PARAMETERS,
            int_parameter(
                "limit",
                minimum=1,
                maximum=MAX_PAGE_SIZE,
                description=f"Page size, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})",
            ),
            OpenApiParameter("cursor", str, description="Opaque cursor from `next`/`previous`"),
            OpenApiParameter("facets", bool, description="Include facet counts (default true)"),
        ],
        responses={200: CaseListResponseSerializer, 400: ERRORS[400], 429: ERRORS[429]},
    )
    # Not named `list`: the response is one object (count, cursors, results, facets), which a
    # `list` action would be documented as an array of.
    def search(self, request: Request) -> Response:
        params = dict(request.query_params.lists())
        limit = int_param(
            request.query_params, "limit", default=DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE
        )
        want_facets = request.query_params.get("facets", "true").lower() not in ("0", "false", "no")
        fingerprint = query_fingerprint(params)
        token = request.query_params.get("cursor")
        cursor = Cursor.decode(token, fingerprint=fingerprint) if token else None
        search = build_search(params)

        if cursor is None:
            result = self._execute(search, offset=0, limit=limit, facets=want_facets)
            start, ids = 0, list(result.case_ids)
        else:
            # Fetch a window reaching back one page so the page can be realigned on the last case
            # the client saw (see cases.api.pagination).
            window_start = max(0, cursor.offset - limit)
            window_size = cursor.offset - window_start + 2 * limit
            result = self._execute(search, offset=window_start, limit=window_size, facets=want_facets)
            window = list(result.case_ids)
            start = realign(window, window_start, cursor)
            ids = window[start - window_start : start - window_start + limit]

        next_url = previous_url = None
        if start + len(ids) < result.total and ids:
            next_url = self._page_url(request, Cursor(start + len(ids), ids[-1], fingerprint))
        if start > 0:
            previous_url = self._page_url(
                request, Cursor(max(0, start - limit), None, fingerprint, backwards=True)
            )
        return Response(
            {
                "count": result.total,
                "next": next_url,
                "previous": previous_url,
                "results": case_list(ids, request=request),
                "facets": facets_payload(result.facets) if want_facets else {},
                "source": result.source,
                "notice": result.notice,
            }
        )

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case with every fact, its evidence, provenance and citation",
        responses={200: CaseDetailSerializer, 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        case = get_object_or_404(
            self.get_queryset()
            .select_related("report")
            .defer(*DEFERRED)
            .prefetch_related(*detail_prefetches()),
            pk=case_id(pk),
        )
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="cases_similar",
        summary="Cases most similar to this one",
        description="Ranked by HPO phenotype similarity (how much of this case's features each case "
        "explains, and how well what both reports examined agrees), each explained by the features the two "
        "cases share and those that conflict. Never the case itself nor the other patients of its report.",
        parameters=CASE_SIMILAR_PARAMETERS,
        responses={200: SimilarResponseSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def similar(self, request: Request, pk: str) -> Response:
        limit = int_param(request.query_params, "limit", default=20, minimum=1, maximum=100)
        case = get_object_or_404(self.get_queryset().only("id"), pk=case_id(pk))
        return case_similar_response(request, case_id=case.id, limit=limit)

    @extend_schema(
        operation_id="cases_phenopacket",
        summary="The case as a GA4GH Phenopacket v2",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Phenopacket v2 JSON"),
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def phenopacket(self, request: Request, pk: str) -> Response:
        case = get_object_or_404(
            self.get_queryset().select_related("report").prefetch_related(*detail_prefetches()),
            pk=case_id(pk),
        )
        return Response(case_to_phenopacket(case))

    def _export_ids(self, request: Request) -> list[int]:
        params = dict(request.query_params.lists())
        limit = int_param(
            request.query_params, "limit", default=EXPORT_MAX_CASES, minimum=1, maximum=EXPORT_MAX_CASES
        )
        return run_search(build_search(params), "all_ids", user=request.user)[:limit]

    @extend_schema(
        operation_id="cases_export_csv",
        summary="Export the cases matching a search as CSV",
        parameters=[
            *SEARCH_PARAMETERS,
            int_parameter(
                "limit", minimum=1, maximum=EXPORT_MAX_CASES, description=f"At most {EXPORT_MAX_CASES}"
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per case"),
            400: ERRORS[400],
        },
    )
    @action(detail=False, methods=["get"], url_path="export/csv")
    def export_csv(self, request: Request) -> StreamingHttpResponse:
        ids = self._export_ids(request)
        response = StreamingHttpResponse(
            csv_rows(ids, user=request.user), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="cases.csv"'
        return response

    @extend_schema(
        operation_id="cases_export_phenopackets",
        summary="Export the cases matching a search as a zip of Phenopacket v2 JSON files",
        parameters=[
            *SEARCH_PARAMETERS,
            int_parameter(
                "limit", minimum=1, maximum=EXPORT_MAX_CASES, description=f"At most {EXPORT_MAX_CASES}"
            ),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="case-<id>.json per case"
            ),
            400: ERRORS[400],
        },
    )
    @action(detail=False, methods=["get"], url_path="export/phenopackets")
    def export_phenopackets(self, request: Request) -> FileResponse:
        ids = self._export_ids(request)
        # Spooled: small exports stay in memory, large ones go to a temporary file, never the heap.
        buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for case in iter_cases(ids, user=request.user, prefetches=detail_prefetches()):
                packet = case_to_phenopacket(case)
                archive.writestr(f"case-{case.id}.json", json.dumps(packet, ensure_ascii=False, indent=2))
        buffer.seek(0)
        return FileResponse(
            buffer, as_attachment=True, filename="phenopackets.zip", content_type="application/zip"
        )

    # Exports answer with a file whatever the client accepts (success bypasses DRF rendering);
    # their errors are JSON. Without this, `Accept: text/csv` would be refused with 406.
    def perform_content_negotiation(self, request: Request, force: bool = False):
        if getattr(self, "action", None) in ("export_csv", "export_phenopackets"):
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)
