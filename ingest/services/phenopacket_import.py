"""A GA4GH Phenopacket v2 -> one patient of an extraction record, so that an imported phenopacket
is written by the same code as an extracted report (`facts`), with provenance `import`. The
subject is read here; each fact kind reads its own part of the packet (`from_phenopacket` of its
declaration in cases/facts/)."""

from __future__ import annotations

import re

from cases.facts import FACT_KINDS
from cases.facts.phenopacket import FACT_KEYS

IMPORTER_VERSION = "phenopackets-v2-import-1"


def _iso_years(duration: object) -> float | None:
    """ISO 8601 duration (P40Y6M) -> years."""
    if not isinstance(duration, str):
        return None
    match = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T.*)?",
        duration,
    )
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(part) if part else 0.0 for part in match.groups())
    return round(years + months / 12 + weeks / 52.18 + days / 365.25, 2)


_PP_SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other"}


def phenopacket_patient(packet: dict) -> dict:
    """A GA4GH Phenopacket v2 as one patient of an extraction record (no evidence offsets: the
    facts come from structured data, not from text)."""
    subject = packet.get("subject") or {}
    patient: dict = {
        "sex": _PP_SEX.get(subject.get("sex"), "unknown"),
        "label": str(subject.get("id") or ""),
        "phenopacket_id": str(packet.get("id") or ""),
        "subject_id": str(subject.get("id") or ""),
        # What no fact kind holds (id, subject, metaData, biosamples, files…), for the export.
        "phenopacket": {key: value for key, value in packet.items() if key not in FACT_KEYS},
    }
    encounter = subject.get("timeAtLastEncounter") or {}
    duration = (encounter.get("age") or {}).get("iso8601duration") if isinstance(encounter, dict) else None
    if duration:
        # The duration exactly as given (age_text) beside the years the search filters on.
        patient["age"] = {"years": _iso_years(duration), "text": duration}
    for kind in FACT_KINDS:
        patient[kind.record_key] = kind.from_phenopacket(packet)
    outside = sorted(key for key in packet if key.startswith("_"))
    if outside:
        patient["warnings"] = [
            f"{', '.join(outside)}: not part of the Phenopacket schema; kept on the case, not exported"
        ]
    return patient
