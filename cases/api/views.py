"""The read API over cases: search with facets, case details, similar cases, phenopackets, term
autocomplete, registry statistics and exports.

Every list goes through `cases.search.CaseSearch`, the one filter object the HTML search uses too,
so the page and the API never disagree about which cases match a query. Views stay thin: parse and
validate input, call the search or a selector, hydrate the ids with a fixed number of queries.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from cases.api import search_adapter
from cases.api.errors import QueryError
from cases.api.pagination import Cursor, query_fingerprint, realign
from cases.api.permissions import ReadOnlyPost
from cases.api.serializers import (
    CaseDetailSerializer,
    CaseListResponseSerializer,
    CaseSummarySerializer,
    ErrorSerializer,
    SimilarRequestSerializer,
    SimilarResponseSerializer,
    StatsSerializer,
    TermListSerializer,
    case_summaries,
)
from cases.models import (
    Agent,
    Case,
    Diagnosis,
    Disease,
    Measurement,
    Outcome,
    PhenotypicFeature,
    Term,
    Treatment,
)
from cases.phenopackets import case_to_phenopacket
from cases.search.facets import FACETS

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
EXPORT_MAX_CASES = 10_000
STATS_CACHE_SECONDS = 60

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `error.field`/`position` say where"),
    404: OpenApiResponse(ErrorSerializer, description="No such case, or not visible to you"),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; retry after `error.retry_after` s"),
}


# Columns no response reads: the report's bytes and text, and the case's search arrays.
DEFERRED = (
    "report__raw",
    "report__text",
    "report__metadata",
    "term_ids",
    "excluded_term_ids",
    "disease_ids",
    "agent_ids",
    "outcome_codes",
)


def summary_prefetches() -> list[Prefetch]:
    """What a case summary reads: its coded, non-rejected features and diagnoses (2 queries)."""
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False, term__isnull=False).select_related(
                "term"
            ),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False, disease__isnull=False).select_related(
                "disease"
            ),
        ),
    ]


def _vocabulary_arrays(*relations: str) -> list[str]:
    """Large array columns of the vocabulary rows a fact joins to, which no response reads."""
    columns = {
        "term": ("synonyms_en", "synonyms_zh", "parent_ids", "ancestor_ids"),
        "disease": ("synonyms_en", "synonyms_zh", "annotated_term_ids"),
        "agent": ("synonyms_en", "synonyms_zh"),
        "analyte_ref": ("synonyms_en", "synonyms_zh"),
    }
    return [f"{relation}__{column}" for relation in relations for column in columns[relation]]


def detail_prefetches() -> list[Prefetch]:
    """Every fact of a case with what its serializer reads (5 queries for any number of cases)."""
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False)
            .select_related("term", "edited_by")
            .defer(*_vocabulary_arrays("term")),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False)
            .select_related("disease", "edited_by")
            .defer(*_vocabulary_arrays("disease")),
        ),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(rejected=False)
            .select_related("term", "analyte_ref", "edited_by")
            .defer(*_vocabulary_arrays("term", "analyte_ref")),
        ),
        Prefetch(
            "treatments",
            queryset=Treatment.objects.filter(rejected=False)
            .select_related("agent", "edited_by")
            .defer(*_vocabulary_arrays("agent")),
        ),
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.filter(rejected=False)
            .select_related("term", "edited_by")
            .defer(*_vocabulary_arrays("term")),
        ),
    ]


def csv_prefetches() -> list[Prefetch]:
    """What a CSV row reads, and only that: the vocabulary rows carry large arrays (ancestors,
    synonyms) that an export of thousands of cases must not load."""
    fact_fields = ("id", "case_id", "rejected", "evidence_start")
    return [
        Prefetch(
            "phenotypicfeatures",
            queryset=PhenotypicFeature.objects.filter(rejected=False, term__isnull=False)
            .select_related("term")
            .only(*fact_fields, "excluded", "term__hpo_id", "term__label"),
        ),
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.filter(rejected=False, disease__isnull=False)
            .select_related("disease")
            .only(*fact_fields, "disease__code", "disease__label"),
        ),
        Prefetch(
            "treatments",
            queryset=Treatment.objects.filter(rejected=False)
            .select_related("agent")
            .only(*fact_fields, "agent_name", "agent__name"),
        ),
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.filter(rejected=False).only(*fact_fields, "about", "direction"),
        ),
    ]


def cases_in_order(ids: list[int], *, user, prefetches: list[Prefetch]) -> list[Case]:
    """The visible cases with these ids, in the order given, loaded with a fixed number of queries."""
    if not ids:
        return []
    rows = (
        Case.objects.visible_to(user)
        .filter(id__in=ids)
        .select_related("report")
        .defer(*DEFERRED)
        .prefetch_related(*prefetches)
    )
    by_id = {case.id: case for case in rows}
    return [by_id[case_id] for case_id in ids if case_id in by_id]


def _case_id(pk: str) -> int:
    """A case id from the URL; anything that is not a bigint cannot name a case."""
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        raise NotFound()
    return int(pk)


def _int_param(params: Mapping[str, Any], name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise drf_serializers.ValidationError(
            {name: [f"must be an integer from {minimum} to {maximum}"]}
        ) from None
    if not minimum <= value <= maximum:
        raise drf_serializers.ValidationError({name: [f"must be an integer from {minimum} to {maximum}"]})
    return value


def _search_parameters() -> list[OpenApiParameter]:
    """`q`, every facet's parameters as its declaration documents them (cases/search/facets/),
    and `sort`."""
    parameters = [
        OpenApiParameter(
            "q",
            str,
            description="Query in the search language, e.g. `calcinosis + anti-Scl-70`, "
            "`sex:female age:30-50 -fever`, `drug:alendronate | drug:diltiazem`, `hpo:HP:0003761`, `lang:zh`",
        )
    ]
    for facet in FACETS.with_params():
        for doc in facet.param.docs(facet.name):
            enum = list(doc.enum) or None
            parameters.append(
                OpenApiParameter(doc.name, doc.type, many=doc.many, enum=enum, description=doc.description)
            )
    parameters.append(
        OpenApiParameter(
            "sort",
            str,
            enum=list(search_adapter.SORTS),
            description="relevance (default: query matches, curated first, newest), "
            "year (oldest first), -year",
        )
    )
    return parameters


SEARCH_PARAMETERS = _search_parameters()


class CaseViewSet(GenericViewSet):
    """Cases the caller may see (anonymous: what the public sees)."""

    serializer_class = CaseSummarySerializer
    # Any path segment reaches the view, so a malformed id is a JSON 404 (see _case_id), never an
    # HTML page from the URL resolver or a database error.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Case]:
        return Case.objects.visible_to(self.request.user)

    def _search(self, params: Mapping[str, list[str]]):
        try:
            return search_adapter.build_search(params)
        except search_adapter.QuerySyntaxError as error:
            raise QueryError(error.message, position=error.position) from error
        except search_adapter.ParameterError as error:
            raise drf_serializers.ValidationError({error.param: [error.message]}) from error

    def _execute(self, search, *, offset: int, limit: int, facets: bool):
        try:
            return search.execute(user=self.request.user, offset=offset, limit=limit, facets=facets)
        except search_adapter.QuerySyntaxError as error:
            raise QueryError(error.message, position=error.position) from error

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
            OpenApiParameter(
                "limit", int, description=f"Page size, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})"
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
        limit = _int_param(
            request.query_params, "limit", default=DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE
        )
        want_facets = request.query_params.get("facets", "true").lower() not in ("0", "false", "no")
        fingerprint = query_fingerprint(params)
        token = request.query_params.get("cursor")
        cursor = Cursor.decode(token, fingerprint=fingerprint) if token else None
        search = self._search(params)

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
                "results": case_summaries(ids, user=request.user, request=request),
                "facets": search_adapter.facets_payload(result.facets) if want_facets else {},
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
            pk=_case_id(pk),
        )
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        operation_id="cases_similar",
        summary="Cases most similar to this one",
        description="Ranked by phenotype similarity (information-content weighted, best-match average over "
        "HPO), each explained by the features the two cases share and those that conflict.",
        parameters=[OpenApiParameter("limit", int, description="1–100, default 20")],
        responses={200: SimilarResponseSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def similar(self, request: Request, pk: str) -> Response:
        limit = _int_param(request.query_params, "limit", default=20, minimum=1, maximum=100)
        case = get_object_or_404(self.get_queryset().only("id"), pk=_case_id(pk))
        hits = search_adapter.similar_to_case(case_id=case.id, limit=limit, user=request.user)
        return Response({"results": similar_results(hits, request=request)})

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
            pk=_case_id(pk),
        )
        return Response(case_to_phenopacket(case))

    def _export_ids(self, request: Request) -> list[int]:
        params = dict(request.query_params.lists())
        limit = _int_param(
            request.query_params, "limit", default=EXPORT_MAX_CASES, minimum=1, maximum=EXPORT_MAX_CASES
        )
        search = self._search(params)
        try:
            return search.all_ids(user=request.user)[:limit]
        except search_adapter.QuerySyntaxError as error:
            raise QueryError(error.message, position=error.position) from error

    @extend_schema(
        operation_id="cases_export_csv",
        summary="Export the cases matching a search as CSV",
        parameters=[
            *SEARCH_PARAMETERS,
            OpenApiParameter("limit", int, description=f"At most {EXPORT_MAX_CASES}"),
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
            OpenApiParameter("limit", int, description=f"At most {EXPORT_MAX_CASES}"),
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


def iter_cases(ids: list[int], *, user, prefetches: list[Prefetch], chunk: int = 500) -> Iterator[Case]:
    for index in range(0, len(ids), chunk):
        yield from cases_in_order(ids[index : index + chunk], user=user, prefetches=prefetches)


CSV_COLUMNS = [
    "id",
    "label",
    "sex",
    "age_years",
    "status",
    "language",
    "year",
    "country",
    "title",
    "journal",
    "pmid",
    "doi",
    "features",
    "excluded_features",
    "diagnoses",
    "treatments",
    "outcomes",
]


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (titles come from untrusted reports)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _join(items: Iterable[str]) -> str:
    return "; ".join(item for item in items if item)


def csv_rows(ids: list[int], *, user) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for case in iter_cases(ids, user=user, prefetches=csv_prefetches()):
        report = case.report
        features = [f for f in case.phenotypicfeatures.all() if f.term is not None]
        writer.writerow(
            [
                _cell(value)
                for value in (
                    case.id,
                    case.label,
                    case.sex,
                    case.age_years,
                    case.status,
                    case.language,
                    case.year,
                    case.country,
                    report.title,
                    report.journal,
                    report.pmid,
                    report.doi,
                    _join(f"{f.term.hpo_id} {f.term.label}" for f in features if not f.excluded),
                    _join(f"{f.term.hpo_id} {f.term.label}" for f in features if f.excluded),
                    _join(f"{d.disease.code} {d.disease.label}" for d in case.diagnoses.all() if d.disease),
                    _join(t.agent.name if t.agent else t.agent_name for t in case.treatments.all()),
                    _join(
                        f"{o.about}: {o.direction}" if o.about else o.direction for o in case.outcomes.all()
                    ),
                )
            ]
        )
        yield flush()


def similar_results(hits, *, request: Request) -> list[dict[str, Any]]:
    """Ranked hits joined with their case summaries (hits of cases the caller may not see drop out)."""
    hits = list(hits)
    summaries = {
        summary["id"]: summary
        for summary in case_summaries([hit.case_id for hit in hits], user=request.user, request=request)
    }
    return [
        {
            "score": round(float(hit.score), 6),
            "case": summaries[hit.case_id],
            "explanation": search_adapter.explanation_payload(hit),
        }
        for hit in hits
        if hit.case_id in summaries
    ]


class SimilarView(APIView):
    """Matchmaker-Exchange-style match: which registry cases look like this patient?"""

    permission_classes = [ReadOnlyPost]

    @extend_schema(
        operation_id="similar_match",
        summary="Rank registry cases by similarity to a patient's features",
        request=SimilarRequestSerializer,
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
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = SimilarRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        wanted = [feature["id"] for feature in data["features"]]
        known = set(Term.objects.filter(hpo_id__in=wanted).values_list("hpo_id", flat=True))
        for index, hpo_id in enumerate(wanted):
            if hpo_id not in known:
                raise drf_serializers.ValidationError(
                    {"features": {str(index): {"id": [f"unknown HPO term {hpo_id}"]}}}
                )
        hits = search_adapter.similar_to_features(
            features=[(feature["id"], feature["observed"]) for feature in data["features"]],
            sex=data.get("sex"),
            age=data.get("age"),
            limit=data["limit"],
            user=request.user,
        )
        return Response({"results": similar_results(hits, request=request)})


class TermsView(APIView):
    @extend_schema(
        operation_id="terms_autocomplete",
        summary="Autocomplete HPO terms, diseases and agents (English and Chinese names)",
        parameters=[
            OpenApiParameter(
                "q", str, required=True, description="The beginning of a name, e.g. `calci` or `钙`"
            ),
            OpenApiParameter("limit", int, description="1–50, default 10"),
        ],
        responses={200: TermListSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        prefix = (request.query_params.get("q") or "").strip()
        if not prefix:
            raise drf_serializers.ValidationError({"q": ["required: the beginning of a term name"]})
        if len(prefix) > 200:
            raise drf_serializers.ValidationError({"q": ["at most 200 characters"]})
        limit = _int_param(request.query_params, "limit", default=10, minimum=1, maximum=50)
        return Response({"results": search_adapter.autocomplete(prefix, limit=limit)})


def _counts(rows: Iterable[tuple[Any, Any, int]]) -> list[dict[str, Any]]:
    return [{"value": str(value), "label": str(label), "count": count} for value, label, count in rows]


def registry_stats(user) -> dict[str, Any]:
    """Counts over the cases visible to `user`. Everything but the status breakdown comes from the
    search's facets over an empty query (its bitmap index answers in milliseconds what GROUP BY over
    the fact tables answers in seconds at 100k cases); features count the cases that have the term
    or a more specific one, as the search facets do."""
    result = search_adapter.build_search({}).execute(user=user, offset=0, limit=0, facets=True)
    facets = search_adapter.facets_payload(result.facets)

    def top(name: str, limit: int) -> list[dict[str, Any]]:
        return [
            {key: row[key] for key in ("value", "label", "count")} for row in facets.get(name, [])[:limit]
        ]

    visible = Case.objects.visible_to(user)
    status_labels = dict(Case.Status.choices)
    by_status = visible.values_list("status").annotate(n=Count("id")).order_by("-n", "status")
    return {
        "cases": result.total,
        "reports": visible.values("report_id").distinct().count(),
        "by_status": _counts((s, status_labels.get(s, s), n) for s, n in by_status),
        "by_sex": top("sex", 10),
        "by_language": top("language", 50),
        "top_features": top("features", 10),
        "top_diagnoses": top("diagnoses", 10),
        "top_agents": top("treatments", 10),
        "vocabulary": {
            "hpo_terms": Term.objects.count(),
            "diseases": Disease.objects.count(),
            "agents": Agent.objects.count(),
        },
    }


class StatsView(APIView):
    @extend_schema(
        operation_id="stats",
        summary="What the registry holds (of the cases visible to the caller)",
        responses={200: StatsSerializer},
    )
    def get(self, request: Request) -> Response:
        # Cached briefly per visibility class: the figures change slowly and cost a few scans.
        audience = "staff" if request.user.is_authenticated and request.user.is_staff else "public"
        key = f"api:stats:{audience}"
        stats = cache.get(key)
        if stats is None:
            stats = registry_stats(request.user)
            cache.set(key, stats, STATS_CACHE_SECONDS)
        return Response(stats)
