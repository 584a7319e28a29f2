"""CaseSearch: the one query/filter object shared by the HTML search page and the REST API.

Built from a mapping of parameters (a QueryDict or a dict): `q` in the query language, the
parameters of the facets (facets/: `sex`, `age_min`/`age_max`, `drug`, `outcome`, `hpo`,
`disease`, `lang`, `year_min`/`year_max` today; repeated ones must all hold) and `sort`
(relevance | year | -year). Query and filters are evaluated over the in-memory bitmap index
(evaluation.py over index.py), the matches ordered (ordering.py) and the facets counted from the
matching set (counting.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyroaring import BitMap

from cases.search.counting import FacetValue, facet_counts
from cases.search.evaluation import Evaluator
from cases.search.facets import FACETS
from cases.search.index import SearchIndex, get_index
from cases.search.ordering import SORTS, order_ids
from cases.search.query import Field, Query, QuerySyntaxError, parse_field, parse_query
from cases.search.relevance import Match, exact_matches, matched_facts
from cases.search.syntax import unstorable_character
from cases.search.vocabulary import get_vocabulary

__all__ = ["SORTS", "CaseSearch", "FacetValue", "SearchResult", "search_parameters"]


def search_parameters() -> tuple[str, ...]:
    """Every parameter a search reads, in the order pages write them into URLs."""
    return ("q", *(name for facet in FACETS.with_params() for name in facet.param_names), "sort")


@dataclass
class SearchResult:
    total: int
    case_ids: list[int]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # How the free words of the query were understood, for "calcinosis → HP:0003761 Calcinosis"
    interpretation: list[dict] = field(default_factory=list)
    elapsed_ms: float = 0.0
    # "index": the in-memory bitmap index; "database": PostgreSQL's GIN columns while this
    # process waits for a published snapshot (fallback.py), same results, slower
    source: str = "index"

    @property
    def notice(self) -> str:
        if self.source == "index":
            return ""
        return (
            "Answered from the database while the search index is being built: "
            "the results are complete, only slower."
        )

    # Why each listed case matched: the facts that matched the query's concepts (the cards)
    matched: dict[int, list[Match]] = field(default_factory=dict)


def _as_lists(params: Mapping, names: tuple[str, ...]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name in names:
        if hasattr(params, "getlist"):
            values = params.getlist(name)
        else:
            raw = params.get(name)
            values = [] if raw is None else list(raw) if isinstance(raw, list | tuple) else [raw]
        values = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
        if values:
            result[name] = values
    return result


class CaseSearch:
    """Parse and validate the parameters once; `execute` runs them for a user.

    `errors` maps a parameter name to a message; for `q` the QuerySyntaxError itself is kept in
    `query_error` (message and character position) so a page can point at the spot.
    """

    def __init__(self, params: Mapping | None = None) -> None:
        self.params = _as_lists(params or {}, search_parameters())
        self.errors: dict[str, str] = {}
        self.query_error: QuerySyntaxError | None = None
        self.query: Query = Query(text="", root=None)
        self.filters: list[tuple[str, str, Field]] = []  # (param, raw value, node)
        self.sort = "relevance"
        self._parse()

    # --- validation ---------------------------------------------------------------------------

    def _parse(self) -> None:
        # A value the database cannot hold (NUL) is refused here, naming where, before it can
        # reach a full-text query; `q` is checked by the parser, which reports the position.
        for name, values in list(self.params.items()):
            if name == "q":
                continue
            for value in values:
                where = unstorable_character(value)
                if where is not None:
                    self.errors[name] = (
                        f"the character U+{ord(value[where]):04X} at character {where + 1} is not allowed"
                    )
                    del self.params[name]
                    break
        q = " ".join(self.params.get("q", []))
        try:
            self.query = parse_query(q)
        except QuerySyntaxError as error:
            self.query_error = error
            self.errors["q"] = str(error)
        # Single-valued parameters first, then repeated ones, then ranges, each in sidebar order:
        # which error a response reports first depends on this order.
        facets = sorted(FACETS.with_params(), key=lambda f: (f.param.validation_order, f.position))
        for facet in facets:
            values, errors = facet.param.read(facet.name, self.params)
            self.errors.update(errors)
            for param, value in values:
                self._filter(param, facet.name, value)
        sort = self.params.get("sort", ["relevance"])[0]
        if sort not in SORTS:
            self.errors["sort"] = f"sort must be one of {', '.join(SORTS)}"
        else:
            self.sort = sort

    def _filter(self, param: str, field_name: str, value: str) -> None:
        try:
            node = parse_field(field_name, value, 0)
        except QuerySyntaxError as error:
            self.errors[param] = error.message
            return
        self.filters.append((param, value, node))

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def raise_if_invalid(self) -> None:
        if self.query_error is not None:
            raise self.query_error
        if self.errors:
            param, message = next(iter(self.errors.items()))
            raise QuerySyntaxError(f"{param}: {message}", 0)

    @property
    def is_empty(self) -> bool:
        return self.query.empty and not self.filters

    # --- evaluation ---------------------------------------------------------------------------

    def matching(self, *, user) -> tuple[BitMap, Evaluator, SearchIndex]:
        """The bitmap of visible cases matching query and filters."""
        self.raise_if_invalid()
        vocabulary = get_vocabulary()
        try:
            return self._matching(user, vocabulary)
        except QuerySyntaxError:
            # A value the vocabulary does not know may be a code imported within the stamp's
            # check interval: read the stamp now and, if the vocabulary moved, evaluate again.
            renewed = get_vocabulary(fresh=True)
            if renewed is vocabulary:
                raise
            self.query_error = None
            self.errors.clear()
            return self._matching(user, renewed)

    def _matching(self, user, vocabulary) -> tuple[BitMap, Evaluator, SearchIndex]:
        index = get_index()
        with index.lock:
            universe = index.visible(user)
            evaluator = Evaluator(index, vocabulary, universe)
            result = universe
            if self.query.root is not None:
                try:
                    result = result & evaluator.evaluate(self.query.root)
                except QuerySyntaxError as error:
                    # Well-formed but naming nothing known (drug:unknownium): same treatment
                    self.query_error = error
                    self.errors["q"] = str(error)
                    raise
            for param, _value, node in self.filters:
                try:
                    bitmap = evaluator.field(node, False)
                except QuerySyntaxError as error:
                    self.errors[param] = error.message
                    raise QuerySyntaxError(f"{param}: {error.message}", 0) from None
                result = result & bitmap
        return result, evaluator, index

    def execute(self, *, user, offset: int = 0, limit: int = 20, facets: bool = True) -> SearchResult:
        started = time.perf_counter()
        offset = max(int(offset), 0)
        limit = max(min(int(limit), 1000), 0)
        result, evaluator, index = self.matching(user=user)
        concepts = _concepts(evaluator)
        exact = exact_matches(concepts) if self.sort == "relevance" and concepts and result else {}
        with index.lock:
            page = order_ids(
                result, evaluator.items, index, sort=self.sort, needed=offset + limit, exact=exact
            )
            facet_values = (
                facet_counts(result, index, evaluator.vocabulary, [node for _, _, node in self.filters])
                if facets
                else {}
            )
        case_ids = page[offset : offset + limit]
        return SearchResult(
            total=len(result),
            case_ids=case_ids,
            facets=facet_values,
            interpretation=evaluator.interpretation,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            source=index.source,
            matched=matched_facts(case_ids, concepts, evaluator.vocabulary),
        )

    def all_ids(self, *, user) -> list[int]:
        """Every matching id in result order (cohort summaries and CSV export)."""
        result, evaluator, index = self.matching(user=user)
        concepts = _concepts(evaluator)
        exact = exact_matches(concepts) if self.sort == "relevance" and concepts and result else {}
        with index.lock:
            return order_ids(result, evaluator.items, index, sort=self.sort, needed=len(result), exact=exact)


def _concepts(evaluator) -> list:
    """The vocabulary concepts of the query's positive items, each once."""
    seen = {}
    for item in evaluator.items:
        for concept, _bitmap, _weight in item.concepts:
            seen.setdefault((concept.kind, concept.id), concept)
    return list(seen.values())
