"""The API's view of `cases.search`: the same CaseSearch object the HTML search uses, plus the
translation of its results (facets, similarity explanations, autocomplete hits) into the response
shapes the OpenAPI schema declares. Nothing here filters or ranks cases itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cases.search.query import QuerySyntaxError

__all__ = ["SORTS", "ParameterError", "QuerySyntaxError", "build_search"]

# Values of the `sort` parameter, as the HTML search page offers them.
SORTS = ("relevance", "year", "-year")


def build_search(params: Mapping[str, list[str]]):
    """A validated CaseSearch; raises QuerySyntaxError for `q` or ParameterError for a filter."""
    search = _search_module().CaseSearch(params)
    if search.query_error is not None:
        raise search.query_error
    if search.errors:
        param, message = next(iter(search.errors.items()))
        raise ParameterError(param, message)
    return search


class ParameterError(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def facets_payload(facets: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """{facet name: [{value, label, label_zh, param, count}, ...]} from the search's FacetValues;
    `param=value` added to the request refines the search by that value."""
    return {
        str(name): [
            {
                "value": value.key,
                "label": value.label,
                "label_zh": value.label_zh or "",
                "param": value.param or "",
                "count": int(value.count),
            }
            for value in values
        ]
        for name, values in (facets or {}).items()
    }


def _term_side(item: Any, side: str) -> tuple[str | None, str | None]:
    if item is None:
        return None, None
    if isinstance(item, Mapping):
        return item.get(side), item.get(f"{side}_label")
    return getattr(item, side, None), getattr(item, f"{side}_label", None)


def _pair(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        get = item.get
    else:

        def get(key: str, default: Any = None) -> Any:
            return getattr(item, key, default)

    score = get("score")
    return {
        "query": get("query"),
        "query_label": get("query_label"),
        "case": get("case"),
        "case_label": get("case_label"),
        "score": None if score is None else round(float(score), 6),
    }


def explanation_payload(hit: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "matches": [_pair(item) for item in (hit.matches or [])],
        "conflicts": [_pair(item) for item in (hit.conflicts or [])],
    }


def _search_module():
    """cases.search (its package exports CaseSearch, similar_to_*, autocomplete); imported on first
    use so that importing the API does not build vocabularies."""
    import cases.search

    if not hasattr(cases.search, "CaseSearch"):  # TEMP until cases/search/__init__.py exports it
        from cases.search import engine

        return engine
    return cases.search


def similar_to_case(*, case_id: int, limit: int, user) -> list:
    return list(_search_module().similar_to_case(case_id=case_id, limit=limit, user=user))


def similar_to_features(*, features: list[tuple[str, bool]], sex, age, limit: int, user) -> list:
    return list(
        _search_module().similar_to_features(features=features, sex=sex, age=age, limit=limit, user=user)
    )


def autocomplete(prefix: str, *, limit: int) -> list[dict[str, str]]:
    return [_term_hit(hit) for hit in _search_module().autocomplete(prefix, limit=limit)]


def _term_hit(hit: Any) -> dict[str, str]:
    get = hit.get if isinstance(hit, Mapping) else (lambda key, default=None: getattr(hit, key, default))
    kind = str(get("kind", "hpo"))
    identifier = str(get("id", "") or get("code", ""))
    label = str(get("label", ""))
    matched = str(get("matched", "") or get("name", "") or label)
    query = get("query") or {"hpo": f"hpo:{identifier}", "disease": f"disease:{identifier}"}.get(
        kind, f"drug:{identifier}"
    )
    return {"kind": kind, "id": identifier, "label": label, "matched": matched, "query": str(query)}
