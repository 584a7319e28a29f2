"""`disease:ORPHA:220402`, `disease:"CREST syndrome"`, `disease:MONDO:0005100` (`disease=`): a final
or historical diagnosis of the case, or a more specific one (Case.disease_ids holds the MONDO
closure of its diagnoses with every code of each concept; differential diagnoses are not stored).

Counts roll up the hierarchy: a concept is counted once (under its canonical code, see
vocabulary.py), the few most general groupings ("disease", "human disease", "disease by body
system") are left out, and a more general disease counted exactly as often as a more specific one
already shown is skipped, so a result of limited and diffuse cutaneous systemic sclerosis shows
both and "systemic sclerosis" above them, but not every ancestor up to "autoimmune disease"."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from pyroaring import BitMap

from cases.search.facets.base import Column, Counting, FacetValue, Repeated
from cases.search.facets.concept import ConceptFacet
from cases.search.syntax import Field
from vocab.diseases import load_diseases

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary

# MONDO levels 1 and 2 ("human disease", "disease by body system or component", "hereditary
# disease"…) and the root say nothing about a result set. Level 0 is also every recent concept
# MONDO has not placed yet (no parent): those are specific and are kept.
MIN_FACET_DEPTH = 3


def informative(disease_id: int, vocabulary: Vocabulary) -> bool:
    """Whether a stored disease id is worth counting: a canonical id (one per concept) that is
    not one of MONDO's top groupings."""
    if vocabulary.disease_canonical.get(disease_id) != disease_id:
        return False
    depth = vocabulary.disease_depth.get(disease_id)
    if depth is None:
        return True  # outside the hierarchy: a code MONDO does not know
    if depth == 0:
        return disease_id not in vocabulary.disease_roots  # unplaced recent concepts are specific
    return depth >= MIN_FACET_DEPTH


def disease_row(code: str, vocabulary: Vocabulary) -> int | None:
    """The row of a disease code as written ("ORPHA:90291", "Orphanet:90291", "mim:154700"), or
    of the MONDO concept an unstored code is an exact match of."""
    found = vocabulary.disease_by_code.get(code.upper())
    if found is None and ":" in code:
        resolution = load_diseases().resolve(code)
        found = vocabulary.disease_by_code.get(resolution.code.upper())
        if found is None and resolution.mondo_id:
            found = vocabulary.disease_by_code.get(resolution.mondo_id)
    return found


def roll_up(
    counted: Iterable[tuple[int, int]], vocabulary: Vocabulary, *, limit: int, skip: set[int] = frozenset()
) -> list[tuple[int, int]]:
    """(canonical disease id, count) pairs, most frequent first, with the general diseases that add
    nothing left out: one counted exactly as often as a more specific one already chosen."""
    chosen: list[tuple[int, int]] = []
    # Among equal counts the more specific disease first, so that its ancestors are the ones
    # skipped: a disease has more ancestors than any of its ancestors has.
    ancestors = vocabulary.disease_ancestors
    ordered = sorted(counted, key=lambda pair: (-pair[1], -len(ancestors.get(pair[0], ()))))
    seen: list[tuple[int, int]] = []  # chosen, and active filters: an ancestor as frequent adds nothing
    for disease_id, count in ordered:
        if not informative(disease_id, vocabulary):
            continue
        if any(
            disease_id in vocabulary.disease_ancestors.get(other, ()) and other_count == count
            for other, other_count in seen
        ):
            continue
        seen.append((disease_id, count))
        if disease_id in skip:
            continue
        chosen.append((disease_id, count))
        if len(chosen) >= limit:
            break
    return chosen


@dataclass(frozen=True, kw_only=True)
class DiseaseFacet(ConceptFacet):
    concept_kind: ClassVar[str] = "disease"

    def concepts(self, vocabulary: Vocabulary) -> Mapping[int, Concept]:
        return vocabulary.diseases

    def resolve(self, value: str, vocabulary: Vocabulary) -> list[Concept]:
        disease_id = disease_row(value, vocabulary)
        if disease_id is not None:
            return [vocabulary.diseases[disease_id]]
        return super().resolve(value, vocabulary)

    def keeps(self, vocabulary: Vocabulary) -> Callable[[int], bool]:
        return lambda value: informative(value, vocabulary)

    def active_key(self, value: str) -> str:
        return value.upper()

    def count(self, result: BitMap, counting: Counting, active: Sequence[Field]) -> list[FacetValue]:
        vocabulary = counting.vocabulary
        skip = {
            vocabulary.disease_canonical[found]
            for node in active
            if (found := disease_row(node.value, vocabulary)) is not None
        }
        counted = counting.top(self, self.limit * 2 + len(skip))
        return [
            FacetValue(concept.code, concept.label, count, concept.label_zh, self.name)
            for disease_id, count in roll_up(counted, vocabulary, limit=self.limit, skip=skip)
            for concept in (vocabulary.diseases[disease_id],)
        ]

    def chip_label(self, value: str, vocabulary: Vocabulary) -> str:
        disease_id = disease_row(value, vocabulary)
        return value if disease_id is None else vocabulary.diseases[disease_id].label  # a name, not the code


DISEASE = DiseaseFacet(
    name="disease",
    aliases=("diagnosis", "dx"),
    unknown="disease",
    match_weight=4.0,
    param=Repeated(description="Disease code (ORPHA:220402, OMIM:…, MONDO:…), or a more specific one"),
    column=Column("disease_ids", family="disease", array=True),
    title="Diagnoses",
    key="diagnoses",
    position=20,
    example="disease:ORPHA:220402",
    show_code=True,
)
