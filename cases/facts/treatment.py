"""Treatments: a drug (or other intervention) given to the patient, with dose, route, schedule,
and why it stopped."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models import Q
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from vocab.codes import ROUTES

from .base import Fact
from .kind import AdminLayout, Closure, FactKind, PageSection, RecordContext, SearchColumn
from .phenopacket import PhenopacketExport, local_code, source_field, source_of, unit
from .serializers import FactSerializer
from .values import number, readable_point, text


class Treatment(Fact):
    class Route(models.TextChoices):
        ORAL = "oral"
        INTRAVENOUS = "intravenous"
        INTRAMUSCULAR = "intramuscular"
        SUBCUTANEOUS = "subcutaneous"
        TOPICAL = "topical"
        INHALED = "inhaled"
        INTRALESIONAL = "intralesional"
        INTRATHECAL = "intrathecal"
        INTRA_ARTICULAR = "intra-articular"
        RECTAL = "rectal"
        SUBLINGUAL = "sublingual"
        TRANSDERMAL = "transdermal"
        OPHTHALMIC = "ophthalmic"
        NASAL = "nasal"
        OTHER = "other"
        UNKNOWN = "", "Not stated"

    agent = models.ForeignKey(
        "cases.Agent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agent_name = models.CharField(max_length=200, help_text="As extracted (INN when known)")
    dose = models.FloatField(null=True, blank=True)
    dose_unit = models.CharField(max_length=30, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    frequency = models.CharField(max_length=60, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    started = models.CharField(max_length=100, blank=True)
    stopped = models.CharField(max_length=100, blank=True)
    stopped_because = models.CharField(max_length=300, blank=True)
    adverse_events = models.CharField(max_length=300, blank=True)
    dose_changes = models.JSONField(default=list, blank=True)
    phenopacket = source_field()
    history = HistoricalRecords()

    @property
    def dose_changes_text(self) -> str:
        """ "decreased to 15 mg; increased to 30 mg": the dose changes as a reader says them."""
        changes = self.dose_changes if isinstance(self.dose_changes, list) else [self.dose_changes]
        return "; ".join(filter(None, (readable_point(change) for change in changes)))

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("treatment"),
            models.CheckConstraint(
                condition=Q(dose__isnull=True) | Q(dose__gte=0), name="treatment_dose_nonnegative"
            ),
        ]


_ROUTES = set(Treatment.Route.values)


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    fields = _fields(item)
    if fields is None:
        return None
    # A drug the vocabulary lacks comes as an unsaved Agent, saved by the write step.
    agent = context.vocabulary.agent_or_new(fields["agent_name"], item.get("code"))
    return {
        **fields,
        **({"agent_id": agent} if isinstance(agent, int) else {"agent": agent}),
        "phenopacket": source_of(item),
    }


def _fields(item: dict) -> dict[str, Any] | None:
    """The item's fields that need no vocabulary (all but the agent row)."""
    name = text(item.get("agent"), 200)
    if not name:
        return None
    route = str(item.get("route") or "").lower()
    dose = number(item.get("dose"))
    return {
        "agent_name": name,
        "dose": dose if dose is None or dose >= 0 else None,
        "dose_unit": text(item.get("unit") or item.get("dose_unit"), 30),
        "route": route if route in _ROUTES else ("other" if route else ""),
        "frequency": text(item.get("frequency"), 60),
        "duration": text(item.get("duration"), 100),
        "started": text(item.get("start") or item.get("started"), 100),
        "stopped": text(item.get("stop") or item.get("stopped"), 100),
        "stopped_because": text(item.get("stopped_because"), 300),
        "adverse_events": text(item.get("adverse_events"), 300),
        "dose_changes": item.get("dose_changes") if isinstance(item.get("dose_changes"), list) else [],
    }


def _search(treatments: list[Treatment], closure: Closure) -> dict[str, set[int]]:
    return {"agent_ids": {t.agent_id for t in treatments if t.agent_id is not None}}


# --- Phenopacket ------------------------------------------------------------------------------------

# NCIT route codes (what our export and most tools write) -> the registry's route; then labels.
_ROUTE_BY_CODE = {code: route for route, (code, _label) in ROUTES.items()}
_ROUTE_BY_LABEL = {
    "oral": "oral",
    "intravenous": "intravenous",
    "intramuscular": "intramuscular",
    "subcutaneous": "subcutaneous",
    "topical": "topical",
    "inhalation": "inhaled",
    "intrathecal": "intrathecal",
}


def _agent(treatment: Treatment) -> dict[str, str]:
    if treatment.agent is not None:
        name, code = treatment.agent.name, treatment.agent.code
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
            "quantity": {"unit": unit(treatment.dose_unit or "1"), "value": treatment.dose}
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


def _exported(treatment: Treatment, response: dict[str, str] | None) -> dict[str, Any]:
    """An imported medical action as imported (its agent code, DrugCentral or other, dose
    intervals, schedule codes, responseToTreatment, a procedure or radiation therapy) while what
    the registry models of it is unchanged; after a curator's edit, the registry's mapping of the
    treatment written over it."""
    source = treatment.phenopacket or {}
    if not source:
        return _medical_action(treatment, response)
    imported = _fields(_actions([source])[0]) or {}
    if all(imported.get(name) == getattr(treatment, name) for name in imported):
        return source
    fresh = _medical_action(treatment, None)
    if "responseToTreatment" not in source and response:
        fresh["responseToTreatment"] = response
    return {**source, **fresh}


def _to_phenopacket(treatments: list[Treatment], export: PhenopacketExport) -> None:
    """One medicalAction per drug. The case's outcome is the responseToTreatment of every
    treatment, because reports state one overall response rather than one per drug."""
    outcomes = export.facts.get("outcome", [])
    response = None
    if outcomes:
        direction = outcomes[0].direction
        response = {"id": local_code("outcome", direction), "label": direction}
    export.add("medicalActions", [_exported(t, response) for t in treatments])


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    return _actions(packet.get("medicalActions") or [])


def _named(term: object, fallback: str) -> tuple[str, object]:
    term = term if isinstance(term, dict) else {}
    return str(term.get("label") or term.get("id") or fallback), term.get("id")


def _actions(actions: list[dict]) -> list[dict[str, Any]]:
    treatments: list[dict[str, Any]] = []
    for action in actions:
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
                    "route": _ROUTE_BY_CODE.get(str(route_term.get("id", "")), "")
                    or _ROUTE_BY_LABEL.get(route, "other" if route else ""),
                    "frequency": ((doses[0] or {}).get("scheduleFrequency") or {}).get("label", ""),
                    "stopped_because": (action.get("treatmentTerminationReason") or {}).get("label", ""),
                    "phenopacket": action,
                }
            )
            continue
        # Other actions are kept as a treatment named by their code, so that none is lost.
        if action.get("procedure"):
            name, code = _named(action["procedure"].get("code"), "procedure")
        elif action.get("radiationTherapy"):
            name, code = _named(action["radiationTherapy"].get("modality"), "radiation therapy")
        elif action.get("therapeuticRegimen"):
            regimen = action["therapeuticRegimen"]
            name, code = _named(regimen.get("ontologyClass") or regimen.get("externalReference"), "regimen")
        else:
            continue
        treatments.append({"agent": name, "code": code, "phenopacket": action})
    return treatments


def route_from_code(code: str) -> str:
    """The registry route for an NCIT route code (for readers of exported phenopackets)."""
    return _ROUTE_BY_CODE.get(code, "")


# --- API and pages ----------------------------------------------------------------------------------


class TreatmentSerializer(FactSerializer):
    agent = serializers.SerializerMethodField(help_text="Lower-case English INN")
    agent_code = serializers.SerializerMethodField(help_text="ATC or other code, empty when unknown")
    dose = serializers.FloatField(allow_null=True)
    dose_unit = serializers.CharField()
    route = serializers.ChoiceField(choices=Treatment.Route.choices)
    frequency = serializers.CharField()
    duration = serializers.CharField()
    started = serializers.CharField()
    stopped = serializers.CharField()
    stopped_because = serializers.CharField()
    adverse_events = serializers.CharField()
    dose_changes = serializers.JSONField()

    def get_agent(self, treatment: Treatment) -> str:
        return treatment.agent.name if treatment.agent is not None else treatment.agent_name

    def get_agent_code(self, treatment: Treatment) -> str:
        return treatment.agent.code if treatment.agent is not None else ""


def _csv_row(t: Treatment) -> list[str]:
    dose = f"{t.dose:g} {t.dose_unit}".strip() if t.dose is not None else ""
    stopped = t.stopped_because and f"stopped: {t.stopped_because}"
    details = "; ".join(x for x in (t.route, t.frequency, t.duration, stopped) if x)
    return [t.agent.code if t.agent else "", t.agent.name if t.agent else t.agent_name, "", dose, details]


_PAGE = (
    '<a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}"><strong>'
    "{% if fact.agent %}{{ fact.agent.name }}{% else %}{{ fact.agent_name }}{% endif %}</strong></a>\n"
    '{% if fact.dose is not None %}{{ fact.dose|stringformat:"g" }} {{ fact.dose_unit }}{% endif %}'
    " {{ fact.route }} {{ fact.frequency }}\n"
    '{% if fact.started or fact.stopped or fact.duration %}<div class="when">'
    "{% if fact.started %}from {{ fact.started }} {% endif %}"
    "{% if fact.stopped %}until {{ fact.stopped }} {% endif %}"
    "{% if fact.duration %}for {{ fact.duration }}{% endif %}</div>{% endif %}\n"
    '{% if fact.dose_changes %}<div class="when">dose changes: '
    "{{ fact.dose_changes_text }}</div>{% endif %}\n"
    '{% if fact.stopped_because %}<div class="stopped">'
    "stopped because: {{ fact.stopped_because }}</div>{% endif %}\n"
    '{% if fact.adverse_events %}<div class="stopped">'
    "adverse events: {{ fact.adverse_events }}</div>{% endif %}\n"
)

KIND = FactKind(
    name="treatment",
    model=Treatment,
    record_key="treatments",
    anchor="t",
    from_record=_from_record,
    identity=lambda t: (t.agent_id or t.agent_name.lower(), t.dose, t.dose_unit, t.route),
    describe=lambda t: str(t.agent) if t.agent_id is not None else t.agent_name or str(t),
    related=("agent",),
    editable=(
        "agent",
        "agent_name",
        "dose",
        "dose_unit",
        "route",
        "frequency",
        "duration",
        "started",
        "stopped",
        "stopped_because",
        "adverse_events",
        "dose_changes",
    ),
    admin=AdminLayout(
        fields=(
            "agent",
            "agent_name",
            "dose",
            "dose_unit",
            "route",
            "frequency",
            "duration",
            "started",
            "stopped",
            "stopped_because",
        ),
        autocomplete=("agent",),
        list_display=(
            "id",
            "case",
            "agent_name",
            "dose",
            "dose_unit",
            "route",
            "frequency",
            "provenance",
            "locked",
        ),
    ),
    highlight="#bbf7d0",
    api_field="treatments",
    serializer=TreatmentSerializer,
    columns=(SearchColumn("agent_ids", meaning="Agents given"),),
    search=_search,
    to_phenopacket=_to_phenopacket,
    from_phenopacket=_from_phenopacket,
    sections=(
        PageSection(
            id="treatments",
            title="Treatments",
            layout="timeline",
            template=_PAGE,
        ),
    ),
    csv_row=_csv_row,
)
