"""The API's view of `cases.search`: the same CaseSearch object the HTML search uses, plus the
translation of its results (facets, similarity explanations, autocomplete hits) into the response
shapes the OpenAPI schema declares. Nothing here filters or ranks cases itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cases.search.query import QuerySyntaxError  # the query parser alone: cheap to import

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


def _search_module():
    """cases.search (its package exports CaseSearch, similar_to_*, autocomplete); imported on first
    use so that importing the API does not build vocabularies."""
    import cases.search

    return cases.search


def similar_to_case(*, case_id: int, limit: int, user) -> list:
    return list(_search_module().similar_to_case(case_id=case_id, limit=limit, user=user))


def similar_to_features(*, features: list[tuple[str, bool]], sex, age, limit: int, user) -> list:
    return list(
        _search_module().similar_to_features(features=features, sex=sex, age=age, limit=limit, user=user)
    )


def autocomplete(prefix: str, *, limit: int) -> list[dict[str, str]]:
    """Autocomplete hits, each with the `field:value` that searches for it."""
    from cases.search.facets import FACETS

    hits = []
    for hit in _search_module().autocomplete(prefix, limit=limit):
        value = hit["id"]
        if " " in value:
            value = f'"{value}"'
        facet = FACETS.for_concept(hit["kind"])
        hits.append(
            {
                "kind": hit["kind"],
                "id": hit["id"],
                "label": hit["label"],
                "label_zh": hit.get("label_zh") or "",
                "matched": hit["matched"],
                "language": hit.get("language") or "",
                "query": f"{facet.name if facet is not None else 'text'}:{value}",
            }
        )
    return hits
