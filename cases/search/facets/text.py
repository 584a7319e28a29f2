"""`text:elbows`, `text:"skin ulcer improved"`: the report's text contains the words (stemmed in
English, exact in Chinese; a value with a space is a phrase). Full text, not a column: no bitmaps
and no counts."""

from __future__ import annotations

from dataclasses import dataclass

from pyroaring import BitMap

from cases.search.facets.base import Evaluation, Facet
from cases.search.syntax import Field


@dataclass(frozen=True, kw_only=True)
class TextFacet(Facet):
    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        return evaluation.fulltext(node.value, phrase=" " in node.value, negated=negated)


TEXT = TextFacet(name="text")
