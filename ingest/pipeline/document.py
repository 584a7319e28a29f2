"""The two objects every stage passes around: the report being read (`Doc`) and what is learnt
about each of its patients (`Patient`).

A `Doc` is built once per report by the orchestrator (`extractor.py`) and read by every stage; a
stage appends facts to a `Patient` and never removes what another stage added. All offsets in a
`Doc` index its normalised text; `Doc.ev` turns them into evidence in the original text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .normalize import Normalised
from .structure import Sentence
from .vocabulary import Mention, Vocabulary


@dataclass(slots=True)
class Patient:
    sex: str = "unknown"
    sex_evidence: dict | None = None
    age: dict | None = None
    features: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    measurements: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    # Findings that are no coded features: words the vocabulary cannot code ("lesion") and generic
    # terms named by a loose word ("pain"). Kept for full-text search and curation, never shown as
    # features (see `findings.py`).
    uncoded_findings: list[dict] = field(default_factory=list)
    genes: list[dict] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = {
            "sex": self.sex,
            "age": self.age,
            "features": self.features,
            "diagnoses": self.diagnoses,
            "measurements": self.measurements,
            "treatments": self.treatments,
            "outcomes": self.outcomes,
            "uncoded_findings": self.uncoded_findings,
            "genes": self.genes,
            "variants": self.variants,
        }
        if self.sex_evidence:
            out["sex_evidence"] = self.sex_evidence
        return out


@dataclass(slots=True)
class Doc:
    norm: Normalised
    text: str  # normalised text
    key: str  # matcher view of it
    lower: str  # it in lower case, same offsets: what `case_free` twins of ignore-case patterns read
    language: str
    sentences: list[Sentence]
    starts: list[int]
    mentions: list[Mention]
    vocab: Vocabulary
    latest_year: int | None = None  # the last year the case part names: the report's "now"
    front_end: int = 0  # end of the front matter (journal header, title, byline): its years date the article
    # What a stage finds once for the whole text and reads for every sentence (by the stage's key).
    memo: dict[str, object] = field(default_factory=dict)

    def view(self, lowered: bool) -> str:
        """The text a pattern reads: the lower-case view for a `case_free` twin, else the text."""
        return self.lower if lowered else self.text

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def ev(self, start: int, end: int) -> dict:
        return self.norm.evidence(start, end)
