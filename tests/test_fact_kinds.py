"""The fact kinds' declarations (cases/facts/): each has every part, the registry refuses a
declaration that contradicts itself or another, and what is derived from them (Case's search
columns, the admin's inlines, the API's case detail) follows the declarations."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib import admin
from django.contrib.postgres.fields import ArrayField

from cases.admin import FACT_INLINES
from cases.api.serializers import CaseDetailSerializer
from cases.facts import FACT_KINDS, FactKindRegistry
from cases.facts.base import Fact
from cases.facts.serializers import FactSerializer
from cases.models import Case


@pytest.mark.parametrize("kind", list(FACT_KINDS), ids=lambda kind: kind.name)
def test_every_kind_declares_every_part(kind) -> None:
    assert issubclass(kind.model, Fact) and kind.record_key and kind.anchor
    for part in ("from_record", "identity", "describe", "to_phenopacket", "from_phenopacket", "csv_row"):
        assert callable(getattr(kind, part)), part
    assert issubclass(kind.serializer, FactSerializer)
    model_fields = {f.name for f in kind.model._meta.get_fields()}
    assert set(kind.editable) <= kind.content_fields() and set(kind.admin.fields) <= set(kind.editable)
    assert set(kind.admin.list_display) <= model_fields
    assert kind.highlight.startswith("#")
    assert kind.sections and all(section.compiled for section in kind.sections)
    # Derived from the declaration: an inline and a read-only list in the admin, a list in the
    # API's case detail, the related manager on Case.
    assert any(inline.model is kind.model for inline in FACT_INLINES)
    assert admin.site.is_registered(kind.model)
    assert kind.api_field in CaseDetailSerializer().fields
    assert hasattr(Case, kind.accessor)
    assert (kind.search is None) == (not kind.columns)


def test_search_columns_are_case_fields_with_gin_indexes_and_no_history() -> None:
    indexes = {index.name: index.fields for index in Case._meta.indexes}
    history_fields = {f.name for f in Case.history.model._meta.get_fields()}
    assert FACT_KINDS.columns
    for column in FACT_KINDS.columns:
        assert isinstance(Case._meta.get_field(column.name), ArrayField)
        assert indexes[column.index_name] == [column.name]
        assert column.name not in history_fields


def test_the_registry_refuses_contradicting_declarations() -> None:
    feature = FACT_KINDS.get("feature")
    registry = FactKindRegistry([feature])
    with pytest.raises(ValueError, match="name 'feature' is taken by kind 'feature'"):
        registry.register(feature)
    with pytest.raises(ValueError, match="admin fields that are not editable"):
        FactKindRegistry([dataclasses.replace(feature, editable=("term",))])
    with pytest.raises(ValueError, match="editable names no content field"):
        FactKindRegistry([dataclasses.replace(feature, editable=(*feature.editable, "provenance"))])
    with pytest.raises(ValueError, match="search columns without `search`"):
        FactKindRegistry([dataclasses.replace(feature, search=None)])
    with pytest.raises(ValueError, match="not a subclass"):
        FactKindRegistry([dataclasses.replace(feature, model=Case)])


def test_identity_keys_never_meet_across_kinds() -> None:
    kinds = list(FACT_KINDS)
    facts = [kind.model() for kind in kinds]
    keys = {FACT_KINDS.key(fact) for fact in facts}
    assert len(keys) == len(kinds)
