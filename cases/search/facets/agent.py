"""`drug:diltiazem`, `drug:地尔硫䓬` (`drug=`): the case was treated with the agent (Case.agent_ids)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from cases.search.facets.base import Column, Repeated
from cases.search.facets.concept import ConceptFacet
from cases.search.vocabulary import normalise

if TYPE_CHECKING:
    from cases.search.vocabulary import Concept, Vocabulary


@dataclass(frozen=True, kw_only=True)
class AgentFacet(ConceptFacet):
    concept_kind: ClassVar[str] = "agent"

    def concepts(self, vocabulary: Vocabulary) -> Mapping[int, Concept]:
        return vocabulary.agents

    def active_key(self, value: str) -> str:
        return normalise(value)


DRUG = AgentFacet(
    name="drug",
    aliases=("agent", "treatment"),
    unknown="drug",
    match_weight=3.0,
    param=Repeated(description="Agent (INN) the case was treated with"),
    column=Column("agent_ids", family="agent", array=True),
    title="Treatments",
    key="treatments",
    position=30,
    example="drug:diltiazem",
)
