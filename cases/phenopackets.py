"""Export of a case as a GA4GH Phenopacket v2 (JSON in the protobuf JSON mapping, camelCase keys).

The mapping, field for field (import in `ingest` reads the same shapes back):

- ``subject``: ``sex`` (FEMALE/MALE/OTHER_SEX/UNKNOWN_SEX) and ``timeAtLastEncounter.age`` as an
  ISO 8601 duration (40.5 years -> ``P40Y6M``).
- ``phenotypicFeatures``: HPO ``type``, ``excluded``, ``severity`` (HPO severity terms), ``onset``
  (an age when the text gives one, else the text in ``description``) and ``evidence`` (ECO
  "author statement from published clinical study" with the citation and the quoted snippet).
- ``diseases``: final and historical diagnoses (a differential diagnosis is not a diagnosis of the
  patient, so it is not exported), code as written (ORPHA:/OMIM:/MONDO:).
- ``measurements``: ``assay`` (the analyte), a quantity with its UCUM unit when there is a number,
  else the interpretation (positive/negative/...) as an ontology class; the reported interpretation
  and comparator are kept in ``description``.
- ``medicalActions``: one ``treatment`` per drug with ``agent`` (ATC code when known),
  ``routeOfAdministration`` (NCIT route terms), ``doseIntervals`` (quantity + schedule frequency);
  the case's outcome is the ``responseToTreatment`` of every treatment, because reports state one
  overall response rather than one per drug. Adverse events and the reason for stopping travel in
  ``adverseEvents``/``treatmentTerminationReason``.
- ``metaData``: ``phenopacketSchemaVersion`` 2.0, one ``resources`` entry per ontology prefix used
  and ``externalReferences`` for the PMID/DOI of the report.

Values that have no standard code use the registry's own ``REGISTRY:`` namespace, declared in
``metaData.resources`` so a consumer knows where they come from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from cases.models import Case, Diagnosis, Measurement, Outcome, PhenotypicFeature, Treatment
from vocab.codes import EVIDENCE_CODE, INTERPRETATIONS, ROUTES, SEX

SCHEMA_VERSION = "2.0"
CREATED_BY = "case-registry"

SEVERITY = {
    "borderline": ("HP:0012827", "Borderline"),
    "mild": ("HP:0012825", "Mild"),
    "moderate": ("HP:0012826", "Moderate"),
    "severe": ("HP:0012828", "Severe"),
    "profound": ("HP:0012829", "Profound"),
}

ROUTE_BY_CODE = {code: route for route, (code, _label) in ROUTES.items()}

RESOURCES: dict[str, dict[str, str]] = {
    "HP": {
        "id": "hp",
        "name": "human phenotype ontology",
        "url": "http://purl.obolibrary.org/obo/hp.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
    },
    "ORPHA": {
        "id": "ordo",
        "name": "Orphanet Rare Disease Ontology",
        "url": "http://www.orpha.net/ORDO/",
        "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_",
    },
    "OMIM": {
        "id": "omim",
        "name": "Online Mendelian Inheritance in Man",
        "url": "https://www.omim.org",
        "iriPrefix": "https://www.omim.org/entry/",
    },
    "MONDO": {
        "id": "mondo",
        "name": "Mondo Disease Ontology",
        "url": "http://purl.obolibrary.org/obo/mondo.obo",
        "iriPrefix": "http://purl.obolibrary.org/obo/MONDO_",
    },
    "NCIT": {
        "id": "ncit",
        "name": "NCI Thesaurus",
        "url": "http://purl.obolibrary.org/obo/ncit.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
    },
    "ECO": {
        "id": "eco",
        "name": "Evidence and Conclusion Ontology",
        "url": "http://purl.obolibrary.org/obo/eco.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/ECO_",
    },
    "UCUM": {
        "id": "ucum",
        "name": "Unified Code for Units of Measure",
        "url": "https://ucum.org",
        "iriPrefix": "https://ucum.org/ucum#",
    },
    "ATC": {
        "id": "atc",
        "name": "Anatomical Therapeutic Chemical Classification",
        "url": "https://www.whocc.no/atc_ddd_index/",
        "iriPrefix": "https://www.whocc.no/atc_ddd_index/?code=",
    },
    "REGISTRY": {
        "id": "registry",
        "name": "case-registry local vocabulary (drugs without ATC code, analytes, outcomes, schedules)",
        "url": "https://example.org/case-registry/vocabulary",
        "iriPrefix": "https://example.org/case-registry/vocabulary/",
    },
}
RESOURCE_VERSIONS = {"ORPHA": "", "OMIM": "", "MONDO": "", "NCIT": "", "ECO": "", "UCUM": "2.1", "ATC": ""}


@functools.cache
def hpo_version() -> str:
    """The data-version of the HPO the vocabularies were loaded from (first lines of hp.obo)."""
    try:
        from vocab.hpo import data_dir

        with open(data_dir() / "hp.obo", encoding="utf-8") as handle:
            for _number, line in zip(range(40), handle, strict=False):
                if line.startswith("data-version:"):
                    return line.split(":", 1)[1].strip()
    except (OSError, RuntimeError):
        pass
    return "unknown"


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


_ONSET_AGE = re.compile(
    r"^\s*(?:at\s+(?:the\s+)?age\s+(?:of\s+)?)?(\d{1,3}(?:\.\d+)?)\s*(?:years?|yrs?|y|岁)(?:\s*old)?\s*$",
    re.IGNORECASE,
)


def _onset(text: str) -> dict[str, Any] | None:
    """An onset the schema can hold: an age when the text is one. Other onsets (a year, "since
    childhood") stay in the feature's description rather than being forced into a code."""
    match = _ONSET_AGE.match(text or "")
    if match:
        return {"age": {"iso8601duration": iso8601_age(float(match.group(1)))}}
    return None


def _external_references(case: Case) -> list[dict[str, str]]:
    report = case.report
    references = []
    if report.pmid:
        references.append(
            {
                "id": f"PMID:{report.pmid}",
                "reference": f"https://pubmed.ncbi.nlm.nih.gov/{report.pmid}",
                "description": report.title,
            }
        )
    if report.doi:
        references.append(
            {
                "id": f"DOI:{report.doi}",
                "reference": f"https://doi.org/{report.doi}",
                "description": report.title,
            }
        )
    return references


def _evidence(fact, reference: dict[str, str] | None) -> list[dict[str, Any]]:
    if not fact.evidence_text and reference is None:
        return []
    evidence: dict[str, Any] = {"evidenceCode": dict(EVIDENCE_CODE)}
    ref = dict(reference) if reference else {"id": "", "reference": ""}
    # The quoted sentence is what makes the assertion checkable; it replaces the title here.
    if fact.evidence_text:
        ref["description"] = fact.evidence_text
    evidence["reference"] = {key: value for key, value in ref.items() if value}
    return [evidence]


def _feature(feature: PhenotypicFeature, reference: dict[str, str] | None) -> dict[str, Any] | None:
    if feature.term is None:
        return None
    result: dict[str, Any] = {"type": {"id": feature.term.hpo_id, "label": feature.term.label}}
    if feature.excluded:
        result["excluded"] = True
    severity = SEVERITY.get((feature.severity or "").strip().casefold())
    if severity:
        result["severity"] = {"id": severity[0], "label": severity[1]}
    if feature.onset:
        onset = _onset(feature.onset)
        if onset:
            result["onset"] = onset
        else:
            result["description"] = f"onset: {feature.onset}"
    evidence = _evidence(feature, reference)
    if evidence:
        result["evidence"] = evidence
    return result


def _disease(diagnosis: Diagnosis) -> dict[str, Any] | None:
    if diagnosis.disease is None or diagnosis.status == Diagnosis.Status.DIFFERENTIAL:
        return None
    return {"term": {"id": diagnosis.disease.code, "label": diagnosis.disease.label}}


def _unit(unit: str) -> dict[str, str]:
    return {"id": f"UCUM:{unit}", "label": unit}


def _measurement(measurement: Measurement) -> dict[str, Any]:
    analyte = measurement.analyte_ref.name if measurement.analyte_ref else measurement.analyte
    result: dict[str, Any] = {"assay": {"id": local_code("analyte", analyte), "label": analyte}}
    description = [analyte]
    if measurement.comparator:
        description.append(measurement.comparator)
    if measurement.value is not None:
        description.append(f"{measurement.value:g}")
        quantity: dict[str, Any] = {"unit": _unit(measurement.unit or "1"), "value": measurement.value}
        result["value"] = {"quantity": quantity}
        if measurement.unit:
            description.append(measurement.unit)
    elif measurement.interpretation in INTERPRETATIONS:
        code, label = INTERPRETATIONS[measurement.interpretation]
        result["value"] = {"ontologyClass": {"id": code, "label": label}}
    elif measurement.value_text:
        result["value"] = {
            "ontologyClass": {
                "id": local_code("value", measurement.value_text),
                "label": measurement.value_text,
            }
        }
    if measurement.interpretation:
        description.append(f"({measurement.interpretation})")
    if measurement.observed:
        description.append(f"[{measurement.observed}]")
    result["description"] = " ".join(description)
    return result


def _agent(treatment: Treatment) -> dict[str, str]:
    if treatment.agent is not None:
        name = treatment.agent.name
        code = treatment.agent.code
        if code and re.fullmatch(r"[A-Z]\d{2}[A-Z]{2}\d{2}", code):
            return {"id": f"ATC:{code}", "label": name}
        return {"id": local_code("agent", name), "label": name}
    name = treatment.agent_name or "unknown"
    return {"id": local_code("agent", name), "label": name}


def _medical_action(treatment: Treatment, response: dict[str, str] | None) -> dict[str, Any]:
    drug: dict[str, Any] = {"agent": _agent(treatment)}
    if treatment.route in ROUTES:
        code, label = ROUTES[treatment.route]
        drug["routeOfAdministration"] = {"id": code, "label": label}
    elif treatment.route:
        drug["routeOfAdministration"] = {"id": local_code("route", treatment.route), "label": treatment.route}
    if treatment.dose is not None:
        interval: dict[str, Any] = {
            "quantity": {"unit": _unit(treatment.dose_unit or "1"), "value": treatment.dose}
        }
        if treatment.frequency:
            interval["scheduleFrequency"] = {
                "id": local_code("frequency", treatment.frequency),
                "label": treatment.frequency,
            }
        drug["doseIntervals"] = [interval]
    action: dict[str, Any] = {"treatment": drug}
    if response:
        action["responseToTreatment"] = response
    if treatment.adverse_events:
        action["adverseEvents"] = [
            {"id": local_code("adverse-event", event.strip()), "label": event.strip()}
            for event in treatment.adverse_events.split(";")
            if event.strip()
        ]
    if treatment.stopped_because:
        action["treatmentTerminationReason"] = {
            "id": local_code("stop-reason", treatment.stopped_because),
            "label": treatment.stopped_because,
        }
    return action


def _response(outcomes: list[Outcome]) -> dict[str, str] | None:
    if not outcomes:
        return None
    outcome = outcomes[0]
    return {"id": local_code("outcome", outcome.direction), "label": outcome.direction}


def _live(facts: Iterable) -> list:
    # Filtered in Python, not with .filter(), so that prefetched facts are used as they are.
    return [fact for fact in facts if not fact.rejected]


def _resources(used_prefixes: set[str]) -> list[dict[str, str]]:
    resources = []
    for prefix in RESOURCES:
        if prefix not in used_prefixes:
            continue
        version = hpo_version() if prefix == "HP" else RESOURCE_VERSIONS.get(prefix, "")
        resources.append(
            {**RESOURCES[prefix], "namespacePrefix": prefix, "version": version or "unspecified"}
        )
    return resources


def _prefixes(value: Any, found: set[str]) -> None:
    """Collect the CURIE prefixes of every ontology class id in the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str) and ":" in item and "label" in value:
                found.add(item.split(":", 1)[0])
            else:
                _prefixes(item, found)
    elif isinstance(value, list):
        for item in value:
            _prefixes(item, found)


def case_to_phenopacket(case: Case) -> dict[str, Any]:
    """The case as a Phenopacket v2 document (a dict ready for json.dumps).

    Reads the case's report and facts through the related managers, so callers exporting many cases
    should `prefetch_related` them (see cases.api.views.CASE_EXPORT_PREFETCH).
    """
    references = _external_references(case)
    primary_reference = references[0] if references else None

    subject: dict[str, Any] = {"id": f"case-{case.pk}", "sex": SEX.get(case.sex, "UNKNOWN_SEX")}
    if case.age_years is not None:
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": iso8601_age(case.age_years)}}
    outcomes = _live(case.outcomes.all())
    if any(outcome.direction == Outcome.Direction.DIED for outcome in outcomes):
        subject["vitalStatus"] = {"status": "DECEASED"}

    features = [
        item
        for item in (_feature(feature, primary_reference) for feature in _live(case.phenotypicfeatures.all()))
        if item is not None
    ]
    diseases = [item for item in (_disease(d) for d in _live(case.diagnoses.all())) if item is not None]
    measurements = [_measurement(m) for m in _live(case.measurements.all())]
    response = _response(outcomes)
    actions = [_medical_action(t, response) for t in _live(case.treatments.all())]

    packet: dict[str, Any] = {"id": f"registry-case-{case.pk}", "subject": subject}
    if features:
        packet["phenotypicFeatures"] = features
    if measurements:
        packet["measurements"] = measurements
    if diseases:
        packet["diseases"] = diseases
    if actions:
        packet["medicalActions"] = actions

    used: set[str] = {"HP", "ECO"}
    _prefixes(packet, used)
    packet["metaData"] = {
        "created": case.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": CREATED_BY,
        "resources": _resources(used),
        "phenopacketSchemaVersion": SCHEMA_VERSION,
    }
    if references:
        packet["metaData"]["externalReferences"] = references
    return packet


def route_from_code(code: str) -> str:
    """The registry route for an NCIT route code (for readers of exported phenopackets)."""
    return ROUTE_BY_CODE.get(code, "")
