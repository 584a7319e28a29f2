"""FactKindRegistry: the fact kinds in order, checked when registered, and what is derived from
all of them together (the search columns on Case, the links between fact models)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from .base import Fact
from .kind import FactKind, SearchColumn

_NAME = re.compile(r"^[a-z][a-z_]*$")


class FactKindRegistry:
    """The fact kinds, in the order the write path builds them (a kind may link to facts of a
    kind registered before it) and the pages and the API list them."""

    def __init__(self, kinds: Iterable[FactKind]) -> None:
        self._kinds: dict[str, FactKind] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: FactKind) -> None:
        """Add a kind; refuses a declaration that contradicts itself or another kind."""
        problems = list(self._problems(kind))
        if problems:
            raise ValueError(f"fact kind {kind.name!r}: " + "; ".join(problems))
        self._kinds[kind.name] = kind

    def _problems(self, kind: FactKind) -> Iterator[str]:
        if not _NAME.match(kind.name) or not _NAME.match(kind.anchor):
            yield "name and anchor are lower-case words"
        if not (isinstance(kind.model, type) and issubclass(kind.model, Fact)):
            yield "model is not a subclass of cases.facts.Fact"
            return
        for other in self._kinds.values():
            for part in ("name", "model", "record_key", "anchor", "api_field"):
                if getattr(other, part) == getattr(kind, part):
                    yield f"{part} {getattr(kind, part)!r} is taken by kind {other.name!r}"
        content = kind.content_fields()
        if unknown := set(kind.editable) - content:
            yield f"editable names no content field of the model: {sorted(unknown)}"
        if stray := set(kind.admin.fields) - set(kind.editable):
            yield f"admin fields that are not editable: {sorted(stray)}"
        if stray := set(kind.admin.autocomplete) - set(kind.admin.fields):
            yield f"autocomplete fields not in the admin fields: {sorted(stray)}"
        if bool(kind.columns) != (kind.search is not None):
            yield "declares search columns without `search`, or the reverse"
        for column in kind.columns:
            known = self._column(column.name)
            if known is not None and known != column:
                yield f"column {column.name} is declared differently by another kind"
        if not kind.sections:
            yield "has no section on the case page"

    # --- reading ---------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[FactKind]:
        return iter(list(self._kinds.values()))

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def get(self, name: str) -> FactKind:
        return self._kinds[name]

    def for_model(self, model: type[models.Model]) -> FactKind:
        for kind in self._kinds.values():
            if kind.model is model:
                return kind
        raise KeyError(f"{model.__name__} is not a fact model")

    def of(self, fact: Fact) -> FactKind:
        return self.for_model(type(fact))

    @property
    def models(self) -> tuple[type[Fact], ...]:
        return tuple(kind.model for kind in self._kinds.values())

    def key(self, fact: Fact) -> tuple:
        """What makes two facts the same finding, whichever report or parse they came from."""
        return self.of(fact).key(fact)

    # --- search columns on Case ------------------------------------------------------------------

    def _column(self, name: str) -> SearchColumn | None:
        for kind in self._kinds.values():
            for column in kind.columns:
                if column.name == name:
                    return column
        return None

    @property
    def columns(self) -> tuple[SearchColumn, ...]:
        """Every search column once, in the order the kinds declare them."""
        seen: dict[str, SearchColumn] = {}
        for kind in self._kinds.values():
            for column in kind.columns:
                seen.setdefault(column.name, column)
        return tuple(seen.values())

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column_indexes(self) -> list[GinIndex]:
        return [GinIndex(fields=[column.name], name=column.index_name) for column in self.columns]

    def add_search_columns(self, case_model: type[models.Model]) -> None:
        """Give Case one integer-array field per declared column (its GIN index is in Case's Meta,
        from `column_indexes`). Called once, right after Case is declared."""
        for column in self.columns:
            field = ArrayField(models.IntegerField(), default=list, blank=True)
            case_model.add_to_class(column.name, field)

    # --- links between facts ---------------------------------------------------------------------

    def links_of(self, model: type[Fact]) -> list[models.ForeignKey]:
        """The foreign keys of a fact model that point at another fact (a variant's diagnosis)."""
        return [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in self.models
        ]
