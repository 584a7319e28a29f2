"""Export of a case as a GA4GH Phenopacket v2 (JSON in the protobuf JSON mapping, camelCase keys).

The document is assembled here: ``subject`` (``sex`` FEMALE/MALE/OTHER_SEX/UNKNOWN_SEX and
``timeAtLastEncounter.age`` as an ISO 8601 duration, 40.5 years -> ``P40Y6M``) and ``metaData``
(``phenopacketSchemaVersion`` 2.0, one ``resources`` entry per ontology prefix used,
``externalReferences`` for the PMID/DOI of the report). Every fact kind maps its own facts
(cases/facts/<kind>.py, `to_phenopacket`; the import reads them back with `from_phenopacket`):

- features -> ``phenotypicFeatures``: HPO ``type``, ``excluded``, ``severity``, ``onset`` (an age
  when the text gives one, else the text in ``description``) and ECO "author statement" evidence
  with the citation and the quoted snippet;
- diagnoses -> ``diseases`` (final and historical; a differential is not the patient's diagnosis);
- measurements -> ``measurements`` (assay, quantity with UCUM unit or interpretation class);
- treatments -> ``medicalActions`` (agent, NCIT route, dose intervals; the case's outcome as the
  ``responseToTreatment`` of every treatment); outcomes -> ``subject.vitalStatus`` when died.

Values that have no standard code use the registry's own ``REGISTRY:`` namespace, declared in
``metaData.resources`` so a consumer knows where they come from.
"""

from __future__ import annotations

import functools
from typing import Any

from cases.facts import FACT_KINDS
from cases.facts.phenopacket import (  # noqa: F401  (re-exported: readers of exports use them)
    PACKET_ORDER,
    PhenopacketExport,
    iso8601_age,
    local_code,
    years_from_iso8601,
)
from cases.facts.treatment import route_from_code  # noqa: F401  (re-exported)
from cases.models import Case
from vocab.codes import SEX

SCHEMA_VERSION = "2.0"
CREATED_BY = "case-registry"

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


def _resources(used_prefixes: set[str], declared_by_kinds: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """One entry per prefix used: this module's, then those the kinds declared (HGNC, GENO, …)."""
    known = {**RESOURCES, **{p: r for p, r in declared_by_kinds.items() if p not in RESOURCES}}
    resources = []
    for prefix, resource in known.items():
        if prefix not in used_prefixes:
            continue
        if prefix == "HP":
            version = hpo_version()
        else:
            version = resource.get("version") or RESOURCE_VERSIONS.get(prefix, "")
        resources.append({**resource, "namespacePrefix": prefix, "version": version or "unspecified"})
    return resources


def _is_curie(key: str, item: Any, holder: dict) -> bool:
    # An ontology class ({id, label}) or a gene descriptor ({valueId, symbol}).
    if not (isinstance(item, str) and ":" in item):
        return False
    return (key == "id" and "label" in holder) or (key == "valueId" and "symbol" in holder)


def _prefixes(value: Any, found: set[str]) -> None:
    """Collect the CURIE prefixes of every ontology class id (and gene descriptor's valueId) in
    the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_curie(key, item, value):
                found.add(item.split(":", 1)[0])
            else:
                _prefixes(item, found)
    elif isinstance(value, list):
        for item in value:
            _prefixes(item, found)


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


def case_to_phenopacket(case: Case) -> dict[str, Any]:
    """The case as a Phenopacket v2 document (a dict ready for json.dumps).

    Reads the case's report and facts through the related managers (rejected facts left out), so
    callers exporting many cases should `prefetch_related` them (cases.api.views.detail_prefetches).
    """
    references = _external_references(case)
    subject: dict[str, Any] = {"id": f"case-{case.pk}", "sex": SEX.get(case.sex, "UNKNOWN_SEX")}
    if case.age_years is not None:
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": iso8601_age(case.age_years)}}
    export = PhenopacketExport(
        subject=subject,
        reference=references[0] if references else None,
        facts={
            kind.name: [fact for fact in getattr(case, kind.accessor).all() if not fact.rejected]
            for kind in FACT_KINDS
        },
    )
    for kind in FACT_KINDS:
        kind.to_phenopacket(export.facts[kind.name], export)
    export.finish()

    packet: dict[str, Any] = {"id": f"registry-case-{case.pk}", "subject": subject}
    for key in PACKET_ORDER:
        if export.sections.get(key):
            packet[key] = export.sections[key]

    used: set[str] = {"HP", "ECO"}
    _prefixes(packet, used)
    packet["metaData"] = {
        "created": case.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": CREATED_BY,
        "resources": _resources(used, export.resources),
        "phenopacketSchemaVersion": SCHEMA_VERSION,
    }
    if references:
        packet["metaData"]["externalReferences"] = references
    return packet
