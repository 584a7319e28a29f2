"""An extraction record's patient -> Case fields and unsaved fact rows.

Nothing here names a fact kind: each kind's declaration (cases/facts/, `FACT_KINDS`) says which
list of the record it reads (`record_key`) and how an item becomes model fields (`from_record`);
this module adds what every fact carries (evidence span, provenance, parser version, the case).
The search columns come from the one builder in cases.facts.search, the "same finding" key from
the declarations' `identity` (FACT_KINDS.key).
"""

from __future__ import annotations

import json

from cases.facts import FACT_KINDS, Fact, RecordContext
from cases.facts.values import number, text
from cases.models import Case

from .vocabulary import vocabulary_ids


def _evidence(item: dict, text_length: int | None) -> dict:
    evidence = item.get("evidence")
    if not isinstance(evidence, dict):
        return {}
    start, end = evidence.get("start"), evidence.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        return {"evidence_text": str(evidence.get("text") or "")}
    if text_length is not None and end > text_length:
        return {"evidence_text": str(evidence.get("text") or "")}
    return {
        "evidence_start": start,
        "evidence_end": end,
        "evidence_text": str(evidence.get("text") or ""),
        "mentions": _mentions(item, text_length),
    }


def _mentions(item: dict, text_length: int | None) -> list[list[int]]:
    """Every valid span of the item's `mentions` as [start, end] (spans out of the text dropped)."""
    spans = set()
    for mention in item.get("mentions") or []:
        if not isinstance(mention, dict):
            continue
        start, end = mention.get("start"), mention.get("end")
        valid = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
        if valid and (text_length is None or end <= text_length):
            spans.add((start, end))
    return [list(span) for span in sorted(spans)]


def build_facts(
    case: Case,
    patient: dict,
    *,
    provenance: str,
    parser_version: str,
    text_length: int | None,
    warnings: list[str] | None = None,
) -> dict[type[Fact], list[Fact]]:
    """Unsaved fact rows for one patient of an extraction record, every kind in registry order
    (a kind may link to facts of a kind built before it). What could not be kept exactly is
    appended to `warnings`."""
    common = {"case": case, "provenance": provenance, "parser_version": parser_version}
    context = RecordContext(vocabulary=vocabulary_ids, warnings=warnings if warnings is not None else [])
    facts: dict[type[Fact], list[Fact]] = {}
    for kind in FACT_KINDS:
        rows: list[Fact] = []
        unstored: list[str] = []  # extracted items the model cannot hold (a result of no named test)
        items = patient.get(kind.record_key) or []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            fields = kind.from_record(item, context)
            if fields is not None:
                rows.append(kind.model(**fields, **_evidence(item, text_length), **common))
            elif isinstance(item.get("phenopacket"), dict):
                given = json.dumps(item["phenopacket"], ensure_ascii=False)
                context.warn(
                    f"{kind.record_key}: an element with nothing to store was not kept: {given[:200]}"
                )
            elif isinstance(item.get("evidence"), dict):
                unstored.append(str(item["evidence"].get("text", ""))[:40])
        if unstored:
            # Said once per kind, not lost silently; the report's text keeps them for a re-parse.
            context.warn(
                f"{kind.record_key}: {len(unstored)} extracted that a case fact cannot hold (a result "
                f"with no test named, say) were not stored; the report text keeps them: "
                + ", ".join(repr(u) for u in unstored[:5])
                + (", …" if len(unstored) > 5 else "")
            )
        facts[kind.model] = rows
        context.built[kind.name] = rows
    return facts


def case_fields(patient: dict, *, text_length: int | None) -> dict:
    sex = patient.get("sex") if patient.get("sex") in Case.Sex.values else Case.Sex.UNKNOWN
    fields: dict = {"sex": sex, "label": text(patient.get("label"), 200)}
    age = patient.get("age") or {}
    years = number(age.get("years")) if isinstance(age, dict) else None
    fields["age_years"] = years if years is not None and 0 <= years <= 130 else None
    evidence = _evidence(age, text_length) if isinstance(age, dict) else {}
    fields["age_text"] = text(
        evidence.get("evidence_text") or (age.get("text") if isinstance(age, dict) else ""), 200
    )
    fields["age_start"] = evidence.get("evidence_start")
    fields["age_end"] = evidence.get("evidence_end")
    fields["phenopacket_id"] = text(patient.get("phenopacket_id"), 200)
    fields["subject_id"] = text(patient.get("subject_id"), 200)
    source = patient.get("phenopacket")
    fields["phenopacket"] = source if isinstance(source, dict) else {}
    return fields
