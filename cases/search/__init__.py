"""Search over cases: the query language, faceted search on an in-memory bitmap index, similar
cases by HPO semantic similarity, autocomplete and cohort summaries.

Public interface (used by the HTML pages in cases/views.py and by the REST API in cases/api/):

    parse_query(text) -> Query                      raises QuerySyntaxError(message, position)
    CaseSearch(params).execute(user=…, offset=…, limit=…, facets=True) -> SearchResult
    similar_to_case(case_id=…, limit=20, user=None, exclude_publications=(),
                    other_publications_only=False) -> list[SimilarHit]
    similar_to_features(features=[(hpo_id, observed)], sex=None, age=None, limit=20, user=None,
                        exclude_publications=()) -> list[SimilarHit]
    similar_match(features=…, limit=20, user=None, exclude_publications=()) -> SimilarResult
                                                    (hits, and warnings for mapped/ignored ids)
    autocomplete(prefix, limit=10) -> list[dict(kind, id, label, label_zh, matched, language)]
    cohort_summary(case_ids) -> dict

Layout (each module says more):

    facets/        the facets, each declared once (field, parameters, column, counts, labels);
                   FACETS is the registry every module below reads
    syntax.py      query tree and syntax errors      query.py       tokenizer and parser
    vocabulary.py  names of terms, diseases, agents  fulltext.py    report text search
    index.py       bitmap families of the declared columns, kept fresh from a change log
                   (snapshot.py: saved builds; information.py: IC sums for similarity)
    evaluation.py  query tree -> bitmap              ordering.py    relevance / year order
    counting.py    facet counts of a result set      engine.py      CaseSearch, the facade
    semantic.py    HPO ontology, explanations        similar_rank.py  ranking and pruning (no Django)
    similarity.py  similar cases on the index        similar_query.py query ids, publications
    ontology.py    the HPO ontology of the database  cohort.py, autocomplete.py
    Visibility (which cases a user may see) is cases/visibility.py, shared with the querysets.

Names are imported lazily so that the Django-free parts (query.py and the facet declarations it
reads, semantic.py) can be used by scripts without configuring Django.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "autocomplete": "cases.search.autocomplete",
    "cohort_summary": "cases.search.cohort",
    "CaseSearch": "cases.search.engine",
    "FacetValue": "cases.search.facets",
    "SearchResult": "cases.search.engine",
    "Query": "cases.search.query",
    "QuerySyntaxError": "cases.search.query",
    "parse_query": "cases.search.query",
    "Conflict": "cases.search.similarity",
    "Match": "cases.search.similarity",
    "SimilarHit": "cases.search.similarity",
    "SimilarResult": "cases.search.similarity",
    "similar_match": "cases.search.similarity",
    "similar_to_case": "cases.search.similarity",
    "similar_to_features": "cases.search.similarity",
}

__all__ = [
    "CaseSearch",
    "Conflict",
    "FacetValue",
    "Match",
    "Query",
    "QuerySyntaxError",
    "SearchResult",
    "SimilarHit",
    "SimilarResult",
    "autocomplete",
    "cohort_summary",
    "parse_query",
    "similar_match",
    "similar_to_case",
    "similar_to_features",
]

if TYPE_CHECKING:
    from cases.search.autocomplete import autocomplete
    from cases.search.cohort import cohort_summary
    from cases.search.engine import CaseSearch, SearchResult
    from cases.search.facets import FacetValue
    from cases.search.query import Query, QuerySyntaxError, parse_query
    from cases.search.similarity import (
        Conflict,
        Match,
        SimilarHit,
        SimilarResult,
        similar_match,
        similar_to_case,
        similar_to_features,
    )


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cases.search' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
