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

A case imported from a phenopacket is given back as that phenopacket: its id and subject (the
registry's id in one added ``metaData.updates`` entry), its metaData with resources added only for
prefixes it did not declare, and every element as imported, with what the registry models written
over it where it differs (codes, labels of the loaded release, a curator's edits). The round trip
is checked field by field by cases/phenopacket_roundtrip.py.
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


def _subject(case: Case, source: dict[str, Any]) -> dict[str, Any]:
    """The subject: an imported one as imported (its id, alternate ids, date of birth, vital
    status, a gestational or ontology-class age…) with the sex and age the registry holds written
    over it where they differ; otherwise the registry's own."""
    given = source.get("subject") if isinstance(source.get("subject"), dict) else {}
    subject: dict[str, Any] = {**given, "id": case.subject_id or given.get("id") or f"case-{case.pk}"}
    sex = SEX.get(case.sex, "UNKNOWN_SEX")
    if given.get("sex", "UNKNOWN_SEX") != sex:
        subject["sex"] = sex
    else:
        subject.setdefault("sex", sex)
    encounter = given.get("timeAtLastEncounter")
    given_age = (
        ((encounter or {}).get("age") or {}).get("iso8601duration") if isinstance(encounter, dict) else None
    )
    if encounter and case.age_text == (given_age or "") and _same_years(case.age_years, given_age):
        return subject  # the age as given: P2D stays P2D, a gestational age stays one
    subject.pop("timeAtLastEncounter", None)
    if case.age_years is not None:
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": iso8601_age(case.age_years)}}
    return subject


def _same_years(years: float | None, duration: str | None) -> bool:
    if duration is None:
        return years is None
    given = years_from_iso8601(duration)
    if given is None:  # a duration this module does not read (P1.5Y): the text decides
        return True
    return years is not None and abs(given - years) < 0.01


def _meta_data(case: Case, source: dict[str, Any], packet: dict[str, Any], export: PhenopacketExport) -> dict:
    """metaData: an imported one as imported (created, createdBy, resources, references), with a
    resource added for each prefix the export uses that it did not declare, and one `updates`
    entry naming the registry case it was exported from; otherwise the registry's own."""
    references = _external_references(case)
    given = source.get("metaData") if isinstance(source.get("metaData"), dict) else None
    used: set[str] = set() if given is not None else {"HP", "ECO"}
    _prefixes(packet, used)
    if given is None:
        meta: dict[str, Any] = {
            "created": case.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "createdBy": CREATED_BY,
            "resources": _resources(used, export.resources),
            "phenopacketSchemaVersion": SCHEMA_VERSION,
        }
        if references:
            meta["externalReferences"] = references
        return meta
    meta = dict(given)
    resources = list(given.get("resources") or [])
    declared = {r.get("namespacePrefix") for r in resources if isinstance(r, dict)}
    resources.extend(r for r in _resources(used, export.resources) if r["namespacePrefix"] not in declared)
    if resources:
        meta["resources"] = resources
    meta["updates"] = [
        *(given.get("updates") or []),
        {
            "timestamp": case.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updatedBy": CREATED_BY,
            "comment": f"{REGISTRY_UPDATE} {case.pk} (registry-case-{case.pk})",
        },
    ]
    return meta


# The comment of the `metaData.updates` entry an export of an imported case adds: how a reader
# (and cases.phenopacket_roundtrip) tells the registry's addition from the original's updates.
REGISTRY_UPDATE = "exported by case-registry from case"


def case_to_phenopacket(case: Case) -> dict[str, Any]:
    """The case as a Phenopacket v2 document (a dict ready for json.dumps).

    A case imported from a phenopacket gives back that phenopacket: its own id and subject id
    (the registry's id is in `metaData.updates`), every element as imported with what the
    registry models of it (codes, labels from the loaded vocabularies, a curator's edits)
    written over it. Reads the case's report and facts through the related managers (rejected
    facts left out), so callers exporting many cases should `prefetch_related` them
    (cases.api.views.detail_prefetches).
    """
    source = case.phenopacket if isinstance(case.phenopacket, dict) else {}
    references = _external_references(case)
    subject = _subject(case, source)
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

    packet: dict[str, Any] = {"id": case.phenopacket_id or f"registry-case-{case.pk}", "subject": subject}
    for key in PACKET_ORDER:
        if export.sections.get(key):
            packet[key] = export.sections[key]
        elif key not in packet and key != "metaData" and source.get(key):
            packet[key] = source[key]  # biosamples, files: kept as imported
    packet["metaData"] = _meta_data(case, source, packet, export)
    return packet
