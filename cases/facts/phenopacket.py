"""What the fact kinds share to map themselves to and from GA4GH Phenopackets v2 (protobuf JSON
mapping, camelCase keys): code helpers, the export context each kind writes into, and readers of
phenopacket time elements. The document as a whole (subject, metaData, resources) is assembled in
cases/phenopackets.py; each kind's module maps its own facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vocab.codes import EVIDENCE_CODE

if TYPE_CHECKING:
    from .base import Fact

# The order of Phenopacket's fields (the protobuf's), so a document's keys come out the same
# whichever kinds wrote them.
PACKET_ORDER = (
    "id",
    "subject",
    "phenotypicFeatures",
    "measurements",
    "biosamples",
    "interpretations",
    "diseases",
    "medicalActions",
    "files",
    "metaData",
)


def local_code(kind: str, value: str) -> str:
    """A CURIE in the registry namespace: REGISTRY:kind/slug."""
    slug = re.sub(r"[^0-9a-z]+", "-", value.casefold()).strip("-") or "unknown"
    return f"REGISTRY:{kind}/{slug}"


def iso8601_age(years: float) -> str:
    """40 -> P40Y, 40.5 -> P40Y6M, 0.25 -> P3M, 10 days -> P10D."""
    if years < 0:
        raise ValueError("age must not be negative")
    whole_years = int(years)
    months = round((years - whole_years) * 12)
    if months == 12:
        whole_years, months = whole_years + 1, 0
    if whole_years == 0 and months == 0:
        days = round(years * 365.25)
        return f"P{days}D"
    return "P" + (f"{whole_years}Y" if whole_years else "") + (f"{months}M" if months else "")


_AGE_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def years_from_iso8601(duration: str) -> float | None:
    """The inverse of iso8601_age, for readers of exported phenopackets."""
    match = _AGE_DURATION.match(duration or "")
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(group) if group else 0 for group in match.groups())
    return round(years + months / 12 + (weeks * 7 + days) / 365.25, 4)


def unit(name: str) -> dict[str, str]:
    return {"id": f"UCUM:{name}", "label": name}


def evidence(fact: Fact, reference: dict[str, str] | None) -> list[dict[str, Any]]:
    """ECO "author statement" evidence quoting the fact's snippet, citing the report."""
    if not fact.evidence_text and reference is None:
        return []
    item: dict[str, Any] = {"evidenceCode": dict(EVIDENCE_CODE)}
    ref = dict(reference) if reference else {"id": "", "reference": ""}
    # The quoted sentence is what makes the assertion checkable; it replaces the title here.
    if fact.evidence_text:
        ref["description"] = fact.evidence_text
    item["reference"] = {key: value for key, value in ref.items() if value}
    return [item]


def time_text(element: object) -> str:
    """A phenopacket TimeElement as text (an age, an ontology class, a gestational age, a
    timestamp): what a fact's onset column holds, ISO 8601 ages exactly as given."""
    if not isinstance(element, dict):
        return ""
    if isinstance(element.get("age"), dict):
        return str(element["age"].get("iso8601duration") or "")
    if isinstance(element.get("ontologyClass"), dict):
        return str(element["ontologyClass"].get("label") or element["ontologyClass"].get("id") or "")
    if isinstance(element.get("gestationalAge"), dict):
        weeks, days = element["gestationalAge"].get("weeks", 0), element["gestationalAge"].get("days", 0)
        return f"gestational age {weeks}w{days}d" if days else f"gestational age {weeks}w"
    if element.get("timestamp"):
        return str(element["timestamp"])
    if isinstance(element.get("ageRange"), dict):
        start = (element["ageRange"].get("start") or {}).get("iso8601duration", "")
        end = (element["ageRange"].get("end") or {}).get("iso8601duration", "")
        return f"{start}-{end}"
    return ""


# --- What an import keeps -------------------------------------------------------------------------

# The parts of a phenopacket that belong to a fact kind; the rest (id, subject, metaData,
# biosamples, files, …) is kept on the case (Case.phenopacket) and given back by the export.
FACT_KEYS = frozenset({"phenotypicFeatures", "diseases", "measurements", "medicalActions", "interpretations"})

# Fact models that keep the phenopacket element they were imported from (a JSONField named
# "phenopacket"): the export gives it back with the fields the registry models (the code, a
# curator's edits) written over it, so nothing the registry does not model is lost.
SOURCE_FIELD = "phenopacket"


def source_field() -> Any:
    from django.db import models

    return models.JSONField(
        default=dict, blank=True, help_text="The phenopacket element the fact was imported from, as given"
    )


def source_of(item: dict) -> dict[str, Any]:
    """The phenopacket element a record item carries (from_phenopacket puts it there), or {}."""
    element = item.get(SOURCE_FIELD)
    return element if isinstance(element, dict) else {}


def time_element(text: str) -> dict[str, Any] | None:
    """A TimeElement for an onset typed as an ISO 8601 duration (P2Y, P3M2D), else None."""
    if re.fullmatch(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?", text or ""):
        return {"age": {"iso8601duration": text}}
    return None


# --- Export context ---------------------------------------------------------------------------------


@dataclass
class PhenopacketExport:
    """What a kind's `to_phenopacket` writes into: the document's lists by key (`add`), the subject
    (vital status), and the interpretations, one per diagnosis that genomic findings support."""

    subject: dict[str, Any]
    reference: dict[str, str] | None  # the report's first citation, for evidence
    facts: dict[str, list[Fact]]  # kind name -> the case's non-rejected facts
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    resources: dict[str, dict[str, str]] = field(default_factory=dict)  # prefix -> metaData resource
    _interpretations: dict[object, dict[str, Any]] = field(default_factory=dict)

    def add(self, key: str, items: list[dict[str, Any]]) -> None:
        if items:
            self.sections.setdefault(key, []).extend(items)

    def declare(self, prefix: str, resource: dict[str, str]) -> None:
        """A resource (id, name, url, iriPrefix, version) for a CURIE prefix the kind writes, listed
        in metaData.resources when the document uses the prefix."""
        self.resources.setdefault(prefix, resource)

    def genomic_interpretations(self, diagnosis: Fact | None, hints: dict[str, Any]) -> list[dict]:
        """The genomicInterpretations list of the Interpretation for `diagnosis` (one per linked
        diagnosis; findings linked to none share one without a disease). `hints` are what an
        import kept of the original interpretation (its id and progress status)."""
        key = diagnosis.pk if diagnosis is not None else None
        found = self._interpretations.get(key)
        if found is None:
            number = len(self._interpretations) + 1
            found = {
                "id": str(hints.get("interpretation_id") or f"{self.subject['id']}-interpretation-{number}"),
                "progressStatus": str(hints.get("progress_status") or ""),
                "diagnosis": {},
            }
            disease = _disease_class(diagnosis)
            if disease is not None:
                found["diagnosis"]["disease"] = disease
            found["diagnosis"]["genomicInterpretations"] = []
            self._interpretations[key] = found
            self.sections.setdefault("interpretations", []).append(found)
        return found["diagnosis"]["genomicInterpretations"]

    def finish(self) -> None:
        """A progress status an import did not give: SOLVED when a finding is causative."""
        for interpretation in self._interpretations.values():
            if not interpretation["progressStatus"]:
                findings = interpretation["diagnosis"]["genomicInterpretations"]
                causative = any(g.get("interpretationStatus") == "CAUSATIVE" for g in findings)
                interpretation["progressStatus"] = "SOLVED" if causative else "UNKNOWN_PROGRESS"


def _disease_class(diagnosis: Any) -> dict[str, str] | None:
    if diagnosis is None:
        return None
    if diagnosis.disease_id is not None:
        return {"id": diagnosis.disease.code, "label": diagnosis.disease.label}
    if diagnosis.label:
        return {"id": local_code("disease", diagnosis.label), "label": diagnosis.label}
    return None


def subject_reference(export: PhenopacketExport) -> str:
    return str(export.subject.get("id") or "")
