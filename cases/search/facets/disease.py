"""`disease:ORPHA:220402`, `disease:"CREST syndrome"` (`disease=`): a final or historical diagnosis
of the case (Case.disease_ids; differential diagnoses are not stored there)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from cases.search.facets.base import Column, Repeated
from cases.search.facets.concept import ConceptFacet

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary


@dataclass(frozen=True, kw_only=True)
class DiseaseFacet(ConceptFacet):
    concept_kind: ClassVar[str] = "disease"

    def concepts(self, vocabulary: Vocabulary) -> Mapping[int, Concept]:
        return vocabulary.diseases

    def resolve(self, value: str, vocabulary: Vocabulary) -> list[Concept]:
        disease_id = vocabulary.disease_by_code.get(value.upper())
        if disease_id is not None:
            return [vocabulary.diseases[disease_id]]
        return super().resolve(value, vocabulary)

    def active_key(self, value: str) -> str:
        return value.upper()

    def chip_label(self, value: str, vocabulary: Vocabulary) -> str:
        disease_id = vocabulary.disease_by_code.get(value.upper())
        return value if disease_id is None else f"{vocabulary.diseases[disease_id].label} ({value})"


DISEASE = DiseaseFacet(
    name="disease",
    aliases=("diagnosis", "dx"),
    unknown="disease",
    match_weight=4.0,
    param=Repeated(description="Disease code, e.g. ORPHA:220402"),
    column=Column("disease_ids", family="disease", array=True),
    title="Diagnoses",
    key="diagnoses",
    position=20,
    example="disease:ORPHA:220402",
    show_code=True,
)
