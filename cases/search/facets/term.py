"""`hpo:HP:0003761`, `hpo:calcinosis` (`hpo=`): the case has the HPO term or a more specific one
(Case.term_ids holds the ancestor closure of its present features). `excluded:fever`: the report
explicitly excludes the term or a more general one (Case.excluded_term_ids)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from pyroaring import BitMap

from cases.search.facets.base import Column, Counting, Evaluation, Facet, FacetValue, Repeated
from cases.search.facets.concept import ConceptFacet
from cases.search.syntax import Field, QuerySyntaxError

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary

# Very general terms ("Abnormality of the skin") say nothing about a result set: not counted.
MIN_FACET_IC = 1.5
# A general term whose count is at most this multiple of a more specific term's count, already
# shown, is left out of the features facet (it would list the same cases again).
GENERAL_OVERLAP = 1.1


def terms_for(value: str, vocabulary: Vocabulary) -> list[Concept]:
    """The HPO terms a value names: an id (HP:0003761, 3761) or a name in either language."""
    match = re.fullmatch(r"(?i)(?:hp:)?(\d{1,7})", value.strip())
    if match:
        term_id = int(match.group(1))
        return [vocabulary.terms[term_id]] if term_id in vocabulary.terms else []
    return [concept for concept in vocabulary.lookup(value) if concept.kind == "term"]


@dataclass(frozen=True, kw_only=True)
class TermFacet(ConceptFacet):
    concept_kind: ClassVar[str] = "term"

    def parse(self, value: str, position: int) -> Field:
        if re.fullmatch(r"(?i)(hp:)?\d{1,7}", value):
            return Field(position, self.name, f"HP:{int(value.split(':')[-1]):07d}")
        return Field(position, self.name, value)

    def concepts(self, vocabulary: Vocabulary) -> Mapping[int, Concept]:
        return vocabulary.terms

    def resolve(self, value: str, vocabulary: Vocabulary) -> list[Concept]:
        return terms_for(value, vocabulary)

    def weight(self, concept: Concept, vocabulary: Vocabulary) -> float:
        return max(vocabulary.term_ic.get(concept.id, 1.0), 0.5)

    def keeps(self, vocabulary: Vocabulary) -> Callable[[int], bool]:
        phenotype, ic = vocabulary.term_phenotype, vocabulary.term_ic
        return lambda term: phenotype.get(term, False) and ic.get(term, 0.0) >= MIN_FACET_IC

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        # The frequent terms, ordered by what they tell about the result: count × information
        # content, so that "Abnormal cognitive process" (general, low IC) comes after the
        # specific findings the cases share. A general term counted hardly more often than a more
        # specific one already shown (GENERAL_OVERLAP) adds nothing: skipped.
        vocabulary = counting.vocabulary
        skip = {node.value for node in active}
        ic = vocabulary.term_ic
        candidates = [
            (term_id, count)
            for term_id, count in counting.top(self, self.limit * 4)
            if vocabulary.terms[term_id].code not in skip
        ]
        candidates.sort(key=lambda row: (-row[1] * ic.get(row[0], 0.0), -row[1], row[0]))
        chosen: list[FacetValue] = []
        chosen_ids: list[int] = []
        for term_id, count in candidates:
            concept = vocabulary.terms[term_id]
            if any(
                term_id in vocabulary.term_ancestors.get(other, ()) and count <= value.count * GENERAL_OVERLAP
                for other, value in zip(chosen_ids, chosen, strict=True)
            ):
                continue
            chosen.append(FacetValue(concept.code, concept.label, count, concept.label_zh, self.name))
            chosen_ids.append(term_id)
            if len(chosen) >= self.limit:
                break
        return chosen

    def chip_label(self, value: str, vocabulary: Vocabulary) -> str:
        term_id = vocabulary.term_by_code.get(value.upper())
        return value if term_id is None else vocabulary.terms[term_id].label  # a name, not the code


@dataclass(frozen=True, kw_only=True)
class ExcludedTermFacet(Facet):
    def evaluate(self, node: Field, evaluation: Evaluation, negated: bool) -> BitMap:
        vocabulary = evaluation.vocabulary
        concepts = terms_for(node.value, vocabulary)
        if not concepts:
            raise QuerySyntaxError(f"unknown HPO term {node.value!r}", self.value_position(node.position))
        # "no calcinosis" also rules out calcinosis cutis: a case matches when it excludes the
        # term or a more general one.
        family = evaluation.family(self.column.family)
        bitmaps = [
            family[ancestor]
            for concept in concepts
            for ancestor in vocabulary.term_ancestors.get(concept.id, (concept.id,))
            if ancestor in family
        ]
        evaluation.interpretation.append(
            {
                "text": node.value,
                "negated": negated,
                "excluded": True,
                "concepts": [{"kind": c.kind, "code": c.code, "label": c.label} for c in concepts],
            }
        )
        return BitMap.union(*bitmaps) if bitmaps else BitMap()


HPO = TermFacet(
    name="hpo",
    aliases=("term", "feature"),
    unknown="HPO term",
    param=Repeated(description="HPO id the case has (or a descendant of it)"),
    column=Column("term_ids", family="term", array=True),
    title="Features",
    key="features",
    position=10,
    example="hpo:HP:0003761",
    show_code=True,
)

EXCLUDED = ExcludedTermFacet(
    name="excluded",
    aliases=("absent",),
    column=Column("excluded_term_ids", family="excluded", array=True),
    example="excluded:fever",
)
