"""Post-processing of the generated OpenAPI schema (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]),
so that what it promises is what the API does, for every operation at once:

- every error response a client can get carries the one error body (`Error`,
  cases/api/errors.py), whether or not the view named a serializer for it;
- every operation may answer 429 (the throttles apply to all of them) and 503 (a statement
  cancelled by the web process's statement timeout, registry/middleware.py), every operation that
  needs authentication 401 and 403, and every operation with a body 400 (malformed or too deeply
  nested) and 413 (too large).

The Matchmaker Exchange endpoint (/mme/) speaks its specification's own error shape and is left
as its views document it.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS = {
    "400": "Invalid input; `error.field`/`position` say where",
    "401": "Not authenticated (send `Authorization: Token KEY`)",
    "403": "Authenticated, but without permission for this",
    "404": "Not found, or not visible to you",
    "413": "The request body is larger than this endpoint accepts; the message names the limit",
    "429": "Too many requests; retry after `error.retry_after` s (also the Retry-After header)",
    "503": "The request ran past the database statement timeout and was stopped (Retry-After)",
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/mme/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = ["429", "503"]
            security = operation.get("security")
            if security is not None and {} not in security:
                codes += ["401", "403"]
            if "requestBody" in operation:  # bodies are parsed with bounds (registry/parsers.py)
                codes += ["400", "413"]
            for code in codes:
                responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            for code, response in responses.items():
                if str(code)[0] in "45" and not response.get("content"):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
                    if not response.get("description"):
                        response["description"] = _DESCRIPTIONS.get(str(code), "Error")
            for code in ("429", "503"):
                responses[code].setdefault(
                    "headers",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
                )
    return result
