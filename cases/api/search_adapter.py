"""The API's view of `cases.search`: the same CaseSearch object the HTML search uses, plus the
translation of its results (facets, similarity explanations, autocomplete hits) into the response
shapes the OpenAPI schema declares. Nothing here filters or ranks cases itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    from cases.search import QuerySyntaxError
except ImportError:  # the search package is imported lazily below; its error class may move
    from cases.search.query import QuerySyntaxError

__all__ = ["ORDERINGS", "QuerySyntaxError", "build_search"]

# Values of the `ordering` parameter (CaseSearch sorts; the default is newest first).
ORDERINGS = ("-id", "id", "-year", "year", "-age", "age")


def build_search(params: Mapping[str, list[str]]):
    from cases.search import CaseSearch

    return CaseSearch(params)


def facets_payload(facets: Any) -> dict[str, list[dict[str, Any]]]:
    """{facet name: [{value, label, count}, ...]} from the search's facet counts."""
    payload: dict[str, list[dict[str, Any]]] = {}
    if not facets:
        return payload
    items = facets.items() if isinstance(facets, Mapping) else ((f.name, f.values) for f in facets)
    for name, values in items:
        rows = []
        for value in values:
            if isinstance(value, Mapping):
                raw, label, count = value.get("value"), value.get("label"), value.get("count")
            elif isinstance(value, tuple | list):
                raw, label, count = (*value, None)[:3] if len(value) >= 3 else (value[0], value[0], value[1])
            else:
                raw, label, count = getattr(value, "value", None), getattr(value, "label", None), value.count
            rows.append(
                {"value": str(raw), "label": str(label if label is not None else raw), "count": int(count)}
            )
        payload[str(name)] = rows
    return payload


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


def similar_to_case(*, case_id: int, limit: int, user) -> list:
    from cases.search import similar_to_case as run

    return list(run(case_id=case_id, limit=limit, user=user))


def similar_to_features(*, features: list[tuple[str, bool]], sex, age, limit: int, user) -> list:
    from cases.search import similar_to_features as run

    return list(run(features=features, sex=sex, age=age, limit=limit, user=user))


def autocomplete(prefix: str, *, limit: int) -> list[dict[str, str]]:
    from cases.search import autocomplete as run

    return [_term_hit(hit) for hit in run(prefix, limit=limit)]


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
