"""The one builder of Case's search columns: from a case's facts (saved or not yet saved) to the
integer arrays the search filters on. Ingestion's bulk path calls it with the facts in hand and
an in-memory HPO closure; cases.services.case_refresh_search_columns with the facts read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import FACT_KINDS
from .base import Fact
from .kind import Closure


def search_columns(facts: Mapping[type[Fact], Iterable[Fact]], *, closure: Closure) -> dict[str, list[int]]:
    """Every declared search column of one case from its facts, keyed by model (rejected facts are
    left out here, so callers may pass them)."""
    values: dict[str, set[int]] = {name: set() for name in FACT_KINDS.column_names()}
    for kind in FACT_KINDS:
        if kind.search is None:
            continue
        live = [fact for fact in facts.get(kind.model, ()) if not fact.rejected]
        for name, found in kind.search(live, closure).items():
            values[name].update(found)
    return {name: sorted(found) for name, found in values.items()}
