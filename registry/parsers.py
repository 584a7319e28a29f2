"""Request bodies for every API endpoint: bounded in size and in nesting, never a 500.

These are REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"], so every endpoint that does not name its own
parsers gets them. `SafeJSONParser`:

- a body larger than the view's limit is refused with 413 naming the limit, before it is read
  (Content-Length) or as soon as reading passes it (a chunked body): by default Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE; a view raises or lowers it with a `max_json_body` attribute
  (bytes) and names it with `max_json_body_setting`;
- JSON nested deeper than `MAX_DEPTH` levels (or than Python's recursion limit allows) is
  refused with 400, not a RecursionError;
- a view that needs the bytes exactly as sent (to store them) sets `keep_raw_json = True` and
  receives a `RawJSON` (bytes and parsed value) as `request.data`.

`SafeMultiPartParser` and `SafeFormParser` turn Django's own refusals of a form (fields over
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files) into 413 and 400 instead of a 500.
(`django.http.RawPostDataException` aside: these read the body stream, so a view using them
reads `request.data`, never `request.body`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from rest_framework import renderers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser, MultiPartParser

MAX_DEPTH = 100  # far beyond any real request (a phenopacket nests about 8 deep)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is larger than this endpoint accepts."


@dataclass(frozen=True)
class RawJSON:
    """A JSON body as sent (`raw`) and parsed (`value`), for views with `keep_raw_json`."""

    raw: bytes
    value: Any


def body_limit(view: object) -> tuple[int, str]:
    """The largest JSON body `view` accepts, and the name of the setting it comes from."""
    limit = getattr(view, "max_json_body", None)
    if limit is None:
        django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # None: Django checks no size
        return (2**62 if django_limit is None else django_limit), "DATA_UPLOAD_MAX_MEMORY_SIZE"
    return int(limit), getattr(view, "max_json_body_setting", "the limit of this endpoint")


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than `limit` (iteratively: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON body; ParseError (400) when it is malformed or nested too deeply."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ParseError(f"JSON nested too deeply (the limit is {max_depth} levels)") from None
    except ValueError as error:  # JSONDecodeError and undecodable bytes
        raise ParseError(f"malformed JSON: {error}") from None
    if isinstance(value, dict | list) and too_deep(value, max_depth):
        raise ParseError(f"JSON nested too deeply (the limit is {max_depth} levels)")
    return value


class SafeJSONParser(BaseParser):
    """JSON with a size limit (413) and a nesting limit (400); see the module. Not a subclass of
    DRF's JSONParser on purpose: for those, DRF reads `request.body` first, whose own size check
    raises Django's RequestDataTooBig (a 500) before any parser can answer."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        context = parser_context or {}
        view = context.get("view")
        limit, setting = body_limit(view)
        request = context.get("request")
        declared = _content_length(request)
        if declared is not None and declared > limit:
            raise _too_large(declared, limit, setting)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise _too_large(None, limit, setting)
        value = loads(raw)
        return RawJSON(raw, value) if getattr(view, "keep_raw_json", False) else value


def _content_length(request) -> int | None:
    meta = getattr(request, "META", {}) or {}
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) or None
    except (TypeError, ValueError):
        return None


def _too_large(size: int | None, limit: int, setting: str) -> PayloadTooLarge:
    what = f"The body is {size:,} bytes" if size is not None else "The body is larger than the limit"
    return PayloadTooLarge(f"{what}; the limit is {limit:,} bytes ({setting}).")


class _DjangoRefusals:
    """Django's form parsing raises these (SuspiciousOperation, not parse errors): answer 413/400."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            raise PayloadTooLarge(
                f"The form fields are larger than the limit of {limit:,} bytes "
                "(DATA_UPLOAD_MAX_MEMORY_SIZE); send large content as a file."
            ) from None
        except (TooManyFieldsSent, TooManyFilesSent) as error:
            raise ParseError(str(error)) from None


class SafeMultiPartParser(_DjangoRefusals, MultiPartParser):
    pass


class SafeFormParser(BaseParser):
    """URL-encoded forms, bounded by DATA_UPLOAD_MAX_MEMORY_SIZE with a 413 (not a subclass of
    DRF's FormParser, for the same reason as SafeJSONParser)."""

    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None) -> QueryDict:
        context = parser_context or {}
        limit, setting = body_limit(None)
        declared = _content_length(context.get("request"))
        if declared is not None and declared > limit:
            raise _too_large(declared, limit, setting)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise _too_large(None, limit, setting)
        try:
            return QueryDict(raw, encoding=context.get("encoding", settings.DEFAULT_CHARSET))
        except TooManyFieldsSent as error:
            raise ParseError(str(error)) from None
