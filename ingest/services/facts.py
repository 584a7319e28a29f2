"""An extraction record's patient -> Case fields and unsaved fact rows, and what is derived from
facts: the case's search columns and the key that says two facts are "the same finding".

Everything that differs between fact kinds (features, diagnoses, measurements, treatments,
outcomes) is in this module and nowhere else in the services, so that the kinds can become
declarations. The rest of the services treat facts generically through cases.models.FACT_MODELS.
"""

from __future__ import annotations

from cases.models import (
    FACT_MODELS,
    OUTCOME_CODES,
    Case,
    Diagnosis,
    Fact,
    Measurement,
    Outcome,
    PhenotypicFeature,
    Treatment,
)

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
    return {"evidence_start": start, "evidence_end": end, "evidence_text": str(evidence.get("text") or "")}


def _float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _text(value: object, length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value if item)
    elif isinstance(value, dict):
        value = value.get("text") or value.get("label") or ""
    return str(value)[:length]


_ROUTES = set(Treatment.Route.values)
_INTERPRETATIONS = set(Measurement.Interpretation.values)
_DIRECTIONS = set(Outcome.Direction.values)
_DIAGNOSIS_STATUSES = set(Diagnosis.Status.values)
# Measurement.comparator's values (its check constraint), and the spellings that mean them.
_COMPARATORS = {"", "<", "<=", ">", ">=", "="}
_COMPARATOR_SPELLINGS = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">=", "＜": "<", "＞": ">", "==": "="}


def _comparator(value: object) -> tuple[str, str]:
    """(comparator, "") for a comparator the model stores, ("", text) for one it does not: a
    report is never refused for how a comparison was written."""
    text = str(value or "").strip()
    text = _COMPARATOR_SPELLINGS.get(text, text)
    return (text, "") if text in _COMPARATORS else ("", text)


def build_facts(
    case: Case, patient: dict, *, provenance: str, parser_version: str, text_length: int | None
) -> dict[type[Fact], list[Fact]]:
    """Unsaved fact rows for one patient of an extraction record."""
    common = {"case": case, "provenance": provenance, "parser_version": parser_version}
    facts: dict[type[Fact], list[Fact]] = {model: [] for model in FACT_MODELS}
    for item in patient.get("features") or []:
        term_id = vocabulary_ids.term(item.get("code"))
        label = _text(item.get("label"), 500)
        if term_id is None and not label:
            continue
        facts[PhenotypicFeature].append(
            PhenotypicFeature(
                term_id=term_id,
                label=label,
                excluded=bool(item.get("excluded")),
                onset=_text(item.get("onset"), 100),
                severity=_text(item.get("severity"), 50),
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("diagnoses") or []:
        disease_id = vocabulary_ids.disease(item.get("code"))
        label = _text(item.get("label"), 500)
        if disease_id is None and not label:
            continue
        status = item.get("status") if item.get("status") in _DIAGNOSIS_STATUSES else Diagnosis.Status.FINAL
        if item.get("status") == "excluded":
            # Ruled out (pipeline-2.0): no status of its own in the model yet; stored as the
            # differential it was written as before, never as a final diagnosis.
            status = Diagnosis.Status.DIFFERENTIAL
        facts[Diagnosis].append(
            Diagnosis(
                disease_id=disease_id, label=label, status=status, **_evidence(item, text_length), **common
            )
        )
    for item in patient.get("measurements") or []:
        analyte = _text(item.get("analyte"), 200)
        if not analyte:
            continue
        value = _float(item.get("value"))
        value_text = "" if value is not None or item.get("value") is None else _text(item.get("value"), 200)
        value_text = value_text or _text(item.get("value_text"), 200)
        comparator, unknown_comparator = _comparator(item.get("comparator"))
        if unknown_comparator and not value_text:
            # Kept where a curator sees it rather than dropped: "≈ 12" as the value's text.
            value_text = _text(f"{unknown_comparator} {item.get('value')}", 200)
        interpretation = item.get("interpretation") or ""
        facts[Measurement].append(
            Measurement(
                analyte=analyte,
                analyte_ref_id=vocabulary_ids.analyte(analyte),
                value=value,
                value_text=value_text,
                comparator=comparator,
                unit=_text(item.get("unit"), 50),
                interpretation=interpretation if interpretation in _INTERPRETATIONS else "",
                observed=_text(item.get("when") or item.get("observed"), 100),
                term_id=vocabulary_ids.term(item.get("code") or item.get("term")),
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("treatments") or []:
        name = _text(item.get("agent"), 200)
        if not name:
            continue
        route = str(item.get("route") or "").lower()
        dose = _float(item.get("dose"))
        facts[Treatment].append(
            Treatment(
                agent_id=vocabulary_ids.agent_or_create(name, item.get("code")),
                agent_name=name,
                dose=dose if dose is None or dose >= 0 else None,
                dose_unit=_text(item.get("unit") or item.get("dose_unit"), 30),
                route=route if route in _ROUTES else ("other" if route else ""),
                frequency=_text(item.get("frequency"), 60),
                duration=_text(item.get("duration"), 100),
                started=_text(item.get("start") or item.get("started"), 100),
                stopped=_text(item.get("stop") or item.get("stopped"), 100),
                stopped_because=_text(item.get("stopped_because"), 300),
                adverse_events=_text(item.get("adverse_events"), 300),
                dose_changes=item.get("dose_changes") if isinstance(item.get("dose_changes"), list) else [],
                **_evidence(item, text_length),
                **common,
            )
        )
    for item in patient.get("outcomes") or []:
        direction = item.get("direction")
        if direction not in _DIRECTIONS:
            continue
        facts[Outcome].append(
            Outcome(
                about=_text(item.get("about"), 300),
                term_id=vocabulary_ids.term(item.get("code")),
                direction=direction,
                series=item.get("series") if isinstance(item.get("series"), list) else [],
                follow_up=_text(item.get("follow_up"), 100),
                **_evidence(item, text_length),
                **common,
            )
        )
    return facts


def search_columns(facts: dict[type[Fact], list[Fact]]) -> dict[str, list[int]]:
    """Case search columns from unsaved facts: the same rules as
    cases.services.case_refresh_search_columns, which reads saved ones (a test holds them equal)."""
    features = [f for f in facts[PhenotypicFeature] if f.term_id is not None and not f.rejected]
    present = {f.term_id for f in features if not f.excluded}
    excluded = {f.term_id for f in features if f.excluded}
    closure = set(present)
    for term_id in present:
        closure.update(vocabulary_ids.ancestors.get(term_id, ()))
    return {
        "term_ids": sorted(closure),
        "excluded_term_ids": sorted(excluded - present),
        "disease_ids": sorted(
            {
                d.disease_id
                for d in facts[Diagnosis]
                if d.disease_id is not None and not d.rejected and d.status != Diagnosis.Status.DIFFERENTIAL
            }
        ),
        "agent_ids": sorted(
            {t.agent_id for t in facts[Treatment] if t.agent_id is not None and not t.rejected}
        ),
        "outcome_codes": sorted(
            {
                OUTCOME_CODES[o.direction]
                for o in facts[Outcome]
                if not o.rejected and o.direction in OUTCOME_CODES
            }
        ),
    }


def fact_key(fact: Fact) -> tuple:
    """What makes two facts "the same finding", evidence aside: a machine fact matching a kept
    curator fact is not added again on re-parse."""
    if isinstance(fact, PhenotypicFeature):
        return ("feature", fact.term_id or fact.label.lower(), fact.excluded)
    if isinstance(fact, Diagnosis):
        return ("diagnosis", fact.disease_id or fact.label.lower(), fact.status)
    if isinstance(fact, Measurement):
        return ("measurement", fact.analyte.lower(), fact.value, fact.unit, fact.interpretation)
    if isinstance(fact, Treatment):
        return ("treatment", fact.agent_id or fact.agent_name.lower(), fact.dose, fact.dose_unit, fact.route)
    if isinstance(fact, Outcome):
        return ("outcome", fact.about.lower(), fact.direction)
    raise TypeError(type(fact))


def case_fields(patient: dict, *, text_length: int | None) -> dict:
    sex = patient.get("sex") if patient.get("sex") in Case.Sex.values else Case.Sex.UNKNOWN
    fields: dict = {"sex": sex, "label": _text(patient.get("label"), 200)}
    age = patient.get("age") or {}
    years = _float(age.get("years")) if isinstance(age, dict) else None
    fields["age_years"] = years if years is not None and 0 <= years <= 130 else None
    evidence = _evidence(age, text_length) if isinstance(age, dict) else {}
    fields["age_text"] = _text(
        evidence.get("evidence_text") or (age.get("text") if isinstance(age, dict) else ""), 200
    )
    fields["age_start"] = evidence.get("evidence_start")
    fields["age_end"] = evidence.get("evidence_end")
    return fields
