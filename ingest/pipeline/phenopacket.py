"""Extraction record -> GA4GH Phenopackets v2 JSON (protobuf JSON mapping, camelCase keys).

Straight from the record, without the database, for `manage.py extract --format phenopacket`. The
conventions follow `cases/phenopackets.py` (the export of curated cases): NCIT route terms, ECO
"author statement" evidence quoting the snippet, differential diagnoses not exported, the
registry's own `REGISTRY:` namespace for values with no standard code.
"""

from __future__ import annotations

import datetime as _dt
import hashlib

from vocab.codes import EVIDENCE_CODE, INTERPRETATIONS, ROUTES, SEX

from . import PARSER_VERSION


def _age_iso(years: float | None) -> str | None:
    if years is None:
        return None
    whole = int(years)
    months = round((years - whole) * 12)
    if months == 12:
        whole, months = whole + 1, 0
    return f"P{whole}Y{months}M" if months else f"P{whole}Y"


def _evidence(fact: dict) -> list[dict]:
    ev = fact.get("evidence") or {}
    if not ev.get("text"):
        return []
    return [{"evidenceCode": EVIDENCE_CODE, "reference": {"description": ev["text"]}}]


def _features(patient: dict) -> list[dict]:
    # The record has one entry per mention; a phenopacket states each finding once.
    out, seen = [], set()
    for f in patient.get("features") or []:
        if not f.get("code") or (f["code"], bool(f.get("excluded"))) in seen:
            continue
        seen.add((f["code"], bool(f.get("excluded"))))
        item: dict = {"type": {"id": f["code"], "label": f.get("label", "")}}
        if f.get("excluded"):
            item["excluded"] = True
        if f.get("onset"):
            item["description"] = f"onset {f['onset']}"
        evidence = _evidence(f)
        if evidence:
            item["evidence"] = evidence
        out.append(item)
    return out


def _diseases(patient: dict) -> list[dict]:
    out, seen = [], set()
    for d in patient.get("diagnoses") or []:
        if not d.get("code") or d.get("status") == "differential" or d.get("excluded") or d["code"] in seen:
            continue
        seen.add(d["code"])
        out.append({"term": {"id": d["code"], "label": d.get("label", "")}})
    return out


def _measurements(patient: dict) -> list[dict]:
    out = []
    for m in patient.get("measurements") or []:
        if not m.get("analyte"):
            continue
        item: dict = {"assay": {"id": f"REGISTRY:{m['analyte']}", "label": m["analyte"]}}
        if m.get("value") is not None:
            unit = m.get("unit") or "1"
            ucum = "{titer}" if unit == "titer" else unit  # UCUM writes a titre as an annotation
            item["value"] = {"quantity": {"unit": {"id": f"UCUM:{ucum}", "label": unit}, "value": m["value"]}}
        elif m.get("interpretation") in INTERPRETATIONS:
            code, label = INTERPRETATIONS[m["interpretation"]]
            item["value"] = {"ontologyClass": {"id": code, "label": label}}
        else:
            continue
        notes = [x for x in (m.get("comparator"), m.get("interpretation")) if x]
        if notes:
            item["description"] = " ".join(notes)
        out.append(item)
    return out


def _medical_actions(patient: dict) -> list[dict]:
    out = []
    response = None
    directions = [o.get("direction") for o in patient.get("outcomes") or []]
    if directions:
        last = directions[-1]
        response = {"id": f"REGISTRY:{last}", "label": last}
    seen = set()
    for t in patient.get("treatments") or []:
        key = (t.get("agent"), t.get("dose"), t.get("unit"), t.get("route"), t.get("frequency"))
        if not t.get("agent") or key in seen:
            continue
        seen.add(key)
        code = t.get("code") or f"REGISTRY:{t['agent']}"
        if t.get("code") and ":" not in code:
            code = f"ATC:{code}"
        treatment: dict = {"agent": {"id": code, "label": t["agent"]}}
        if t.get("route") in ROUTES:
            rid, rlabel = ROUTES[t["route"]]
            treatment["routeOfAdministration"] = {"id": rid, "label": rlabel}
        if t.get("dose") is not None:
            interval: dict = {
                "quantity": {
                    "unit": {"id": f"UCUM:{t.get('unit') or '1'}", "label": t.get("unit") or ""},
                    "value": t["dose"],
                }
            }
            if t.get("frequency"):
                interval["scheduleFrequency"] = {"id": f"REGISTRY:{t['frequency']}", "label": t["frequency"]}
            treatment["doseIntervals"] = [interval]
        action: dict = {"treatment": treatment}
        if t.get("stopped_because"):
            action["treatmentTerminationReason"] = {
                "id": "REGISTRY:adverse-event",
                "label": t["stopped_because"],
            }
        if response:
            action["responseToTreatment"] = response
        out.append(action)
    return out


def record_to_phenopackets(record: dict, *, subject_id: str = "patient-1") -> list[dict]:
    """One phenopacket per patient of the record (at least one, possibly empty)."""
    patients = record.get("patients") or [{}]
    source = record.get("source") or ""
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    packets = []
    for index, patient in enumerate(patients, 1):
        sid = subject_id if len(patients) == 1 else f"{subject_id}-{index}"
        digest = hashlib.sha256(f"{source}#{sid}".encode()).hexdigest()[:12]
        subject: dict = {"id": sid, "sex": SEX.get(patient.get("sex") or "", "UNKNOWN_SEX")}
        age = _age_iso((patient.get("age") or {}).get("years"))
        if age:
            subject["timeAtLastEncounter"] = {"age": {"iso8601duration": age}}
        packet: dict = {"id": f"extract-{digest}", "subject": subject}
        for key, value in (
            ("phenotypicFeatures", _features(patient)),
            ("measurements", _measurements(patient)),
            ("diseases", _diseases(patient)),
            ("medicalActions", _medical_actions(patient)),
        ):
            if value:
                packet[key] = value
        packet["metaData"] = {
            "created": now,
            "createdBy": f"ingest.pipeline {PARSER_VERSION}",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {
                    "id": "hp",
                    "name": "Human Phenotype Ontology",
                    "namespacePrefix": "HP",
                    "url": "http://purl.obolibrary.org/obo/hp.owl",
                    "version": "",
                    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                },
                {
                    "id": "ncit",
                    "name": "NCI Thesaurus",
                    "namespacePrefix": "NCIT",
                    "url": "http://purl.obolibrary.org/obo/ncit.owl",
                    "version": "",
                    "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
                },
            ],
        }
        if source:
            packet["metaData"]["externalReferences"] = [{"id": source, "description": "extracted from"}]
        packets.append(packet)
    return packets
