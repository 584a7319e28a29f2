"""One error shape for every API response that is not a success:

    {"error": {"code": "invalid", "message": "…", "field": "limit", "fields": {...}}}
    {"error": {"code": "query_syntax", "message": "…", "position": 12}}

Registered as REST_FRAMEWORK["EXCEPTION_HANDLER"], so the ingestion endpoints share it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class QueryError(exceptions.APIException):
    """A search query the parser rejected; says what is wrong and at which character."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "query_syntax"
    default_detail = "The query could not be parsed."

    def __init__(self, message: str, *, position: int | None = None, field: str = "q") -> None:
        super().__init__(detail=message, code=self.default_code)
        self.position = position
        self.field = field


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = "The cursor is invalid or belongs to a different query; start again without it."


def _first_message(detail: Any) -> tuple[str, str | None, str | None]:
    """(message, field, code) of the first error inside a nested DRF detail structure."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            message, field, code = _first_message(value)
            if key == "non_field_errors":
                return message, field, code
            return message, (f"{key}.{field}" if field else str(key)), code
        return "Invalid input.", None, None
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            if not item:  # a valid item of a list of objects has an empty error dict
                continue
            message, field, code = _first_message(item)
            if isinstance(item, dict):
                return message, (f"{index}.{field}" if field else str(index)), code
            return message, field, code
        return "Invalid input.", None, None
    return str(detail), None, getattr(detail, "code", None)


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}}


class IndexBuilding(exceptions.APIException):
    """Similar cases and cohort summaries need the in-memory search index, which this process is
    still waiting for (a build was requested: cases/search/index.py); search itself still works."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "index_building"
    default_detail = "The search index is being built; retry in a minute. Search answers meanwhile."
    retry_after = 60


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from cases.search.index import IndexNotReady

    if isinstance(exc, IndexNotReady):
        exc = IndexBuilding()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected failure: log it with its traceback, answer in the same JSON shape.
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "An internal error occurred."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, QueryError):
        response.data = error_body(exc.default_code, str(exc.detail), field=exc.field, position=exc.position)
        return response

    if isinstance(exc, exceptions.ValidationError):
        message, field, code = _first_message(exc.detail)
        response.data = error_body(
            code or "invalid",
            message,
            field=field,
            fields=_plain(exc.detail) if isinstance(exc.detail, dict) else None,
        )
        return response

    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        message = (
            str(exc.detail) if not isinstance(exc.detail, list | dict) else _first_message(exc.detail)[0]
        )
        extra: dict[str, Any] = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = int(exc.wait) + (0 if float(exc.wait).is_integer() else 1)
        if isinstance(exc, IndexBuilding):
            extra["retry_after"] = exc.retry_after
            response["Retry-After"] = str(exc.retry_after)
        response.data = error_body(code, message, **extra)
    return response
