"""Outcomes: how a finding (or the patient) went, improved to died, with the measured series and
the follow-up time."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.models import HistoricalRecords

from .base import Fact
from .kind import AdminLayout, Closure, FactKind, PageSection, RecordContext, SearchColumn
from .phenopacket import PhenopacketExport
from .serializers import FactSerializer, hpo_id
from .values import readable_series, text


class Outcome(Fact):
    class Direction(models.TextChoices):
        IMPROVED = "improved", "Improved"
        RESOLVED = "resolved", "Resolved"
        STABLE = "stable", "Stable"
        WORSENED = "worsened", "Worsened"
        RECURRED = "recurred", "Recurred"
        DIED = "died", "Died"

    about = models.CharField(max_length=300, blank=True)
    term = models.ForeignKey("cases.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    series = models.JSONField(default=list, blank=True, help_text="Measured values over time")
    follow_up = models.CharField(max_length=100, blank=True)
    # The agent (lower-case INN) of the treatment the outcome followed, as the report tells it:
    # what the cohort page counts it against.
    after_treatment = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    @property
    def series_text(self) -> str:
        """The measured series as a reader says it: "5 cm → 4 cm → 2.5 cm"."""
        return readable_series(self.series)

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("outcome"),
            models.CheckConstraint(
                condition=Q(direction__in=["improved", "resolved", "stable", "worsened", "recurred", "died"]),
                name="outcome_direction_valid",
            ),
        ]


# Small integers for outcome directions in Case.outcome_codes (stable: stored in the database).
OUTCOME_CODES: dict[str, int] = {
    "improved": 1,
    "resolved": 2,
    "stable": 3,
    "worsened": 4,
    "recurred": 5,
    "died": 6,
}


def _from_record(item: dict, context: RecordContext) -> dict[str, Any] | None:
    direction = item.get("direction")
    if direction not in OUTCOME_CODES:
        return None
    return {
        "about": text(item.get("about"), 300),
        "term_id": context.vocabulary.term(item.get("code")),
        "direction": direction,
        "series": item.get("series") if isinstance(item.get("series"), list) else [],
        "follow_up": text(item.get("follow_up"), 100),
        "after_treatment": text(item.get("after_treatment"), 200).lower(),
    }


def _search(outcomes: list[Outcome], closure: Closure) -> dict[str, set[int]]:
    return {"outcome_codes": {OUTCOME_CODES[o.direction] for o in outcomes if o.direction in OUTCOME_CODES}}


def _to_phenopacket(outcomes: list[Outcome], export: PhenopacketExport) -> None:
    # The responses to treatment are written with the treatments (cases.facts.treatment).
    # An imported vital status (cause and time of death, survival) is kept as given.
    died = any(outcome.direction == Outcome.Direction.DIED for outcome in outcomes)
    if died and (export.subject.get("vitalStatus") or {}).get("status") != "DECEASED":
        export.subject["vitalStatus"] = {"status": "DECEASED"}


_RESPONSES = (
    ("improv", "improved"),
    ("resolv", "resolved"),
    ("remission", "resolved"),
    ("stable", "stable"),
    ("worse", "worsened"),
    ("progress", "worsened"),
    ("no response", "stable"),
)


def _from_phenopacket(packet: dict) -> list[dict[str, Any]]:
    outcomes = []
    agent = ""  # the drug (or procedure) of the latest action: what a response is a response to
    for action in packet.get("medicalActions") or []:
        if action.get("treatment"):
            named = action["treatment"].get("agent") or {}
            agent = str(named.get("label") or named.get("id") or "").lower()
        elif action.get("procedure"):
            code = action["procedure"].get("code") or {}
            agent = str(code.get("label") or code.get("id") or "procedure")
        response = (action.get("responseToTreatment") or {}).get("label", "").lower()
        direction = next((d for word, d in _RESPONSES if word in response), None)
        if direction:
            outcomes.append(
                {"about": f"response to {agent}".strip(), "direction": direction, "after_treatment": agent}
            )
    subject = packet.get("subject") or {}
    if (subject.get("vitalStatus") or {}).get("status") == "DECEASED":
        cause = (subject["vitalStatus"].get("causeOfDeath") or {}).get("label", "")
        outcomes.append({"about": cause or "death", "direction": "died"})
    return outcomes


class OutcomeSerializer(FactSerializer):
    about = serializers.CharField()
    hpo_id = serializers.SerializerMethodField()
    direction = serializers.ChoiceField(choices=Outcome.Direction.choices)
    series = serializers.JSONField()
    follow_up = serializers.CharField()
    after_treatment = serializers.CharField(help_text="Agent of the treatment the outcome followed")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hpo_id(self, outcome: Outcome) -> str | None:
        return hpo_id(outcome.term)


_PAGE = (
    '<a class="fact-link" href="{{ fact.href }}" data-anchor="{{ fact.anchor }}">'
    '{{ fact.about|default:"overall" }}</a>: '
    '<span class="dir dir-{{ fact.direction }}">{{ fact.get_direction_display|lower }}</span>'
    '{% if fact.after_treatment %} <span class="muted">after {{ fact.after_treatment }}</span>{% endif %}'
    '{% if fact.follow_up %} <span class="muted">at {{ fact.follow_up }}</span>{% endif %}'
    '{% if fact.mention_total > 1 %} <span class="times" title="times the report states it">'
    "×{{ fact.mention_total }}</span>{% endif %}\n"
    '{% if fact.series %}<div class="series">measured: {{ fact.series_text }}</div>{% endif %}\n'
)
KIND = FactKind(
    name="outcome",
    model=Outcome,
    record_key="outcomes",
    anchor="o",
    from_record=_from_record,
    identity=lambda o: (o.term_id or o.about.lower(), o.direction, o.follow_up),
    describe=lambda o: str(o.term) if o.term_id is not None else o.about or str(o),
    related=("term",),
    editable=("about", "term", "direction", "series", "follow_up", "after_treatment"),
    admin=AdminLayout(
        fields=("about", "term", "direction", "follow_up", "after_treatment"),
        autocomplete=("term",),
        list_display=("id", "case", "about", "direction", "follow_up", "provenance", "locked"),
    ),
    highlight="#ddd6fe",
    api_field="outcomes",
    serializer=OutcomeSerializer,
    columns=(SearchColumn("outcome_codes", meaning="OUTCOME_CODES of the outcome directions"),),
    search=_search,
    to_phenopacket=_to_phenopacket,
    from_phenopacket=_from_phenopacket,
    sections=(
        PageSection(
            id="outcomes",
            title="Outcomes",
            template=_PAGE,
        ),
    ),
    csv_row=lambda o: [o.term.hpo_id if o.term else "", o.about, o.direction, "", o.follow_up],
)
