"""Facets whose values are vocabulary entries stored as integer arrays on Case (HPO terms,
diseases, agents): a value is a code or a name in either language, resolved through the
vocabulary; counts are the most frequent entries of the result (found by the adaptive top-k of
counting.py), labelled in English and Chinese."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyroaring import BitMap

from cases.search.facets.base import Counting, Evaluation, Facet, FacetValue
from cases.search.syntax import Field, QuerySyntaxError

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary

FACET_LIMIT = 15  # values shown per facet


@dataclass(frozen=True, kw_only=True)
class ConceptFacet(Facet):
    unknown: str  # what an unresolvable value is called: "unknown drug 'x'"
    match_weight: float = 3.0  # relevance of a case matching an entry (see weight)
    limit: int = FACET_LIMIT

    def concepts(self, vocabulary: Vocabulary) -> Mapping[int, Concept]:
        """The vocabulary's entries of this kind by the integer stored in the column."""
        raise NotImplementedError

    def resolve(self, value: str, vocabulary: Vocabulary) -> list[Concept]:
        """The entries a value names (a code, or a name in English or Chinese)."""
        return [concept for concept in vocabulary.lookup(value) if concept.kind == self.concept_kind]

    def weight(self, concept: Concept, vocabulary: Vocabulary) -> float:
        """How much a match on this entry counts in relevance ordering."""
        return self.match_weight

    def keeps(self, vocabulary: Vocabulary) -> Callable[[int], bool]:
        """Which stored values may be counted (entries the vocabulary knows)."""
        entries = self.concepts(vocabulary)
        return lambda value: value in entries

    def active_key(self, value: str) -> str:
        """Comparable form of a value, to leave the active filters out of the counts."""
        return value

    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        concepts = self.resolve(node.value, evaluation.vocabulary)
        if not concepts:
            raise QuerySyntaxError(
                f"unknown {self.unknown} {node.value!r}", self.value_position(node.position)
            )
        return evaluation.concepts_bitmap(concepts, node.value, negated)

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        skip = {self.active_key(node.value) for node in active}
        entries = self.concepts(counting.vocabulary)
        values = []
        for value, count in counting.top(self, self.limit + len(skip)):
            concept = entries[value]
            if self.active_key(concept.code) not in skip:
                values.append(FacetValue(concept.code, concept.label, count, concept.label_zh, self.name))
        return values[: self.limit]
