"""Request parameters of the read API: the search parameters (`q`, each facet's parameters as its
declaration in cases/search/facets/ documents them, `sort`), their validation into a CaseSearch,
and the small integer and id parameters; plus the documented error responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import NotFound

from cases.api.errors import QueryError
from cases.api.serializers import ErrorSerializer
from cases.search import CaseSearch, QuerySyntaxError
from cases.search.engine import SORTS
from cases.search.facets import FACETS

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `error.field`/`position` say where"),
    404: OpenApiResponse(ErrorSerializer, description="No such case, or not visible to you"),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests; retry after `error.retry_after` s"),
}


def int_parameter(name: str, *, minimum: int, maximum: int, description: str) -> OpenApiParameter:
    """An integer query parameter whose schema carries the bounds `int_param` enforces."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": minimum, "maximum": maximum},
        description=description,
    )


def _search_parameters() -> list[OpenApiParameter]:
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
            enum=list(SORTS),
            description="relevance (default: query matches, curated first, newest), "
            "year (oldest first), -year",
        )
    )
    return parameters


# Read from the facet declarations when the API is imported (the schema is built from it).
SEARCH_PARAMETERS = _search_parameters()


def build_search(params: Mapping[str, list[str]]) -> CaseSearch:
    """A validated CaseSearch, the one the HTML search page uses too; a bad `q` is a QueryError
    (400 with the position), a bad filter a validation error naming the parameter."""
    search = CaseSearch(params)
    if search.query_error is not None:
        error = search.query_error
        raise QueryError(error.message, position=error.position) from error
    if search.errors:
        param, message = next(iter(search.errors.items()))
        raise drf_serializers.ValidationError({param: [message]})
    return search


def run_search(search: CaseSearch, method: str, **kwargs: Any):
    """`search.<method>(**kwargs)`, a well-formed query naming nothing known (drug:unknownium)
    answered like a syntax error."""
    try:
        return getattr(search, method)(**kwargs)
    except QuerySyntaxError as error:
        raise QueryError(error.message, position=error.position) from error


def case_id(pk: str) -> int:
    """A case id from the URL; anything that is not a bigint cannot name a case."""
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        raise NotFound()
    return int(pk)


def int_param(params: Mapping[str, Any], name: str, *, default: int, minimum: int, maximum: int) -> int:
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
