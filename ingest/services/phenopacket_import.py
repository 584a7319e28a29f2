"""A GA4GH Phenopacket v2 -> one patient of an extraction record, so that an imported phenopacket
is written by the same code as an extracted report (`facts`), with provenance `import`."""

from __future__ import annotations

import re

from vocab.codes import ROUTES

IMPORTER_VERSION = "phenopackets-v2-import-1"

# NCIT route codes (what our export and most tools write) -> the registry's route.
_ROUTE_BY_CODE = {code: route for route, (code, _label) in ROUTES.items()}


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


def _time_text(element: object) -> str:
    """A phenopacket TimeElement as text (an age, an ontology class, a timestamp)."""
    if not isinstance(element, dict):
        return ""
    if isinstance(element.get("age"), dict):
        return str(element["age"].get("iso8601duration") or "")
    if isinstance(element.get("ontologyClass"), dict):
        return str(element["ontologyClass"].get("label") or element["ontologyClass"].get("id") or "")
    if element.get("timestamp"):
        return str(element["timestamp"])
    if isinstance(element.get("ageRange"), dict):
        start = (element["ageRange"].get("start") or {}).get("iso8601duration", "")
        end = (element["ageRange"].get("end") or {}).get("iso8601duration", "")
        return f"{start}-{end}"
    return ""


_PP_SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other"}
_PP_ROUTE = {
    "oral": "oral",
    "intravenous": "intravenous",
    "intramuscular": "intramuscular",
    "subcutaneous": "subcutaneous",
    "topical": "topical",
    "inhalation": "inhaled",
    "intrathecal": "intrathecal",
}


def phenopacket_patient(packet: dict) -> dict:
    """A GA4GH Phenopacket v2 as one patient of an extraction record (no evidence offsets: the
    facts come from structured data, not from text)."""
    subject = packet.get("subject") or {}
    patient: dict = {"sex": _PP_SEX.get(subject.get("sex"), "unknown"), "label": str(subject.get("id") or "")}
    encounter = subject.get("timeAtLastEncounter") or {}
    duration = (encounter.get("age") or {}).get("iso8601duration") if isinstance(encounter, dict) else None
    if duration:
        patient["age"] = {"years": _iso_years(duration), "text": duration}
    patient["features"] = [
        {
            "code": feature["type"].get("id"),
            "label": feature["type"].get("label", ""),
            "excluded": bool(feature.get("excluded")),
            "onset": _time_text(feature.get("onset")),
            "severity": (feature.get("severity") or {}).get("label", ""),
        }
        for feature in packet.get("phenotypicFeatures") or []
    ]
    diseases: dict[str, dict] = {}
    for disease in packet.get("diseases") or []:
        term = disease.get("term") or {}
        if term.get("id") and not disease.get("excluded"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    for interpretation in packet.get("interpretations") or []:
        term = ((interpretation.get("diagnosis") or {}).get("disease")) or {}
        if term.get("id"):
            diseases.setdefault(
                term["id"], {"code": term["id"], "label": term.get("label", ""), "status": "final"}
            )
    patient["diagnoses"] = list(diseases.values())
    measurements = []
    for measurement in packet.get("measurements") or []:
        assay = measurement.get("assay") or {}
        value = measurement.get("value") or {}
        item = {
            "analyte": assay.get("label") or assay.get("id") or "",
            "when": _time_text(measurement.get("timeObserved")),
        }
        if isinstance(value.get("quantity"), dict):
            item["value"] = value["quantity"].get("value")
            item["unit"] = (value["quantity"].get("unit") or {}).get("label", "")
        elif isinstance(value.get("ontologyClass"), dict):
            item["value_text"] = value["ontologyClass"].get("label") or value["ontologyClass"].get("id")
            label = str(item["value_text"]).lower()
            for word in ("high", "low", "normal", "positive", "negative", "abnormal"):
                if word in label:
                    item["interpretation"] = word
                    break
        measurements.append(item)
    patient["measurements"] = measurements
    treatments, outcomes = [], []
    for action in packet.get("medicalActions") or []:
        treatment = action.get("treatment") or {}
        if treatment:
            agent = treatment.get("agent") or {}
            doses = treatment.get("doseIntervals") or [{}]
            quantity = (doses[0] or {}).get("quantity") or {}
            route_term = treatment.get("routeOfAdministration") or {}
            route = str(route_term.get("label", "")).lower()
            treatments.append(
                {
                    "agent": str(agent.get("label") or agent.get("id") or "").lower(),
                    "code": agent.get("id"),
                    "dose": quantity.get("value"),
                    "unit": (quantity.get("unit") or {}).get("label", ""),
                    # NCIT codes first (what our export and most tools write), then plain labels.
                    "route": _ROUTE_BY_CODE.get(str(route_term.get("id", "")), "")
                    or _PP_ROUTE.get(route, "other" if route else ""),
                    "frequency": ((doses[0] or {}).get("scheduleFrequency") or {}).get("label", ""),
                    "stopped_because": (action.get("treatmentTerminationReason") or {}).get("label", ""),
                }
            )
        elif action.get("procedure"):
            code = action["procedure"].get("code") or {}
            treatments.append(
                {"agent": str(code.get("label") or code.get("id") or "procedure"), "code": code.get("id")}
            )
        response = (action.get("responseToTreatment") or {}).get("label", "").lower()
        direction = next(
            (
                d
                for word, d in (
                    ("improv", "improved"),
                    ("resolv", "resolved"),
                    ("remission", "resolved"),
                    ("stable", "stable"),
                    ("worse", "worsened"),
                    ("progress", "worsened"),
                    ("no response", "stable"),
                )
                if word in response
            ),
            None,
        )
        if direction:
            about = treatments[-1]["agent"] if treatments else ""
            outcomes.append({"about": f"response to {about}".strip(), "direction": direction})
    if (subject.get("vitalStatus") or {}).get("status") == "DECEASED":
        cause = (subject["vitalStatus"].get("causeOfDeath") or {}).get("label", "")
        outcomes.append({"about": cause or "death", "direction": "died"})
    patient["treatments"] = treatments
    patient["outcomes"] = outcomes
    return patient
