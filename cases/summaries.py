"""The one builder of result lists: one-line summaries of cases, in a given order, for the search
page, the similar-case lists, the cohort CSV and the API's lists (GET /api/cases/, similar
cases). Pages read the display properties of `CaseSummary`; the API turns each into the shape
its CaseSummarySerializer documents (cases/api/summaries.py).

One query per list: the case row with its report's citation, and its live facts aggregated by
correlated subqueries (features and diagnoses as JSON in evidence order, agent names and outcome
directions as arrays). Instantiating every fact with its vocabulary row (whose ancestor and
synonym arrays are large) and walking serializer fields cost several times more. The statement is
compiled by the ORM once per visibility rule (cases/visibility.py) and reused with new ids:
compiling the subqueries costs more CPU than running them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg, JSONBAgg
from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject

from cases.models import Case, Diagnosis, Outcome, PhenotypicFeature, Treatment
from cases.visibility import REVIEWED, CaseVisibility, case_visibility

SHOWN_FEATURES = 6  # features a result line names; the rest are counted


@dataclass(frozen=True, slots=True)
class FeatureBrief:
    hpo_id: str | None  # None: the feature was not coded
    label: str  # the term's label, else the words of the report
    excluded: bool
    information_content: float | None  # of the term; None when not coded
    mentions: int = 1  # times the report states it (all its facts' spans)
    curated: bool = False  # entered, edited or checked by a curator

    @property
    def id(self) -> str:
        return self.hpo_id or ""


@dataclass(frozen=True, slots=True)
class DiagnosisBrief:
    code: str | None  # None: not coded
    label: str
    status: str


@dataclass(frozen=True, slots=True)
class OutcomeBrief:
    about: str  # the finding's label, else the words of the report ("overall condition")
    direction: str


@dataclass(frozen=True)
class CaseSummary:
    id: int
    label: str
    sex: str
    age_years: float | None
    country: str
    status: str
    language: str  # of the case (its report's, as the search columns store it)
    year: int | None
    report_id: int
    title: str
    journal: str
    report_year: int | None
    pmid: str
    doi: str
    report_language: str
    report_format: str
    features: tuple[FeatureBrief, ...]  # live features, in evidence order
    diagnoses: tuple[DiagnosisBrief, ...]  # live diagnoses, in evidence order
    treatments: tuple[str, ...]  # agent names, distinct, sorted
    outcomes: tuple[str, ...]  # outcome directions, distinct, sorted
    outcome_items: tuple[OutcomeBrief, ...] = ()  # one per finding: its last stated direction
    matched: tuple = ()  # relevance.Match: the facts that matched the search (search pages)

    # --- what the pages show ------------------------------------------------------------------

    @property
    def age_text(self) -> str:
        if self.age_years is None:
            return ""
        if self.age_years < 1:
            return f"{round(self.age_years * 12)} mo"
        return f"{self.age_years:g} y"

    @property
    def status_label(self) -> str:
        return dict(Case.Status.choices).get(self.status, self.status)

    @property
    def reviewed(self) -> bool:
        return self.status in REVIEWED

    @property
    def display_language(self) -> str:
        return self.language or self.report_language

    @cached_property
    def by_information(self) -> list[FeatureBrief]:
        """Features, most informative first (uncoded ones, which carry no IC, before all)."""
        return sorted(
            self.features,
            key=lambda f: float("-inf") if f.information_content is None else -f.information_content,
        )

    @property
    def present(self) -> list[FeatureBrief]:
        return [f for f in self.by_information if not f.excluded]

    @property
    def shown_features(self) -> list[FeatureBrief]:
        return self.present[:SHOWN_FEATURES]

    @property
    def more_features(self) -> int:
        return max(len(self.present) - SHOWN_FEATURES, 0)

    @property
    def diagnosis_labels(self) -> list[str]:
        """Final and historical diagnoses (a differential is not a diagnosis of the case), each
        once."""
        labels = [d.label for d in self.diagnoses if d.status != Diagnosis.Status.DIFFERENTIAL]
        return list(dict.fromkeys(labels))

    @property
    def heading(self) -> str:
        """What a result line is called: its report's title, else the case's own label."""
        return self.title or self.label or f"Case {self.id}"


def case_summaries(*, case_ids: list[int], user) -> list[CaseSummary]:
    """Summaries of the cases among `case_ids` that `user` may see, in the order given (ids of
    cases deleted meanwhile drop out)."""
    if not case_ids:
        return []
    sql, params = _statement(case_visibility(user), case_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_id = {row[0]: _summary(row) for row in rows}
    return [by_id[case_id] for case_id in case_ids if case_id in by_id]


def _summary(row: tuple) -> CaseSummary:
    *columns, features, diagnoses, treatments, outcomes = row
    outcome_rows = _json(outcomes)
    return CaseSummary(
        *columns,
        features=_one_per_finding(_json(features)),
        diagnoses=_one_per_diagnosis(_json(diagnoses)),
        treatments=tuple(sorted(set(treatments or ()))),
        outcomes=tuple(sorted({item["direction"] for item in outcome_rows})),
        outcome_items=_last_outcome_per_finding(outcome_rows),
    )


def _one_per_finding(items: list[dict]) -> tuple[FeatureBrief, ...]:
    """One brief per finding (term, else words; present or excluded), in evidence order, with the
    mentions of every fact of it summed: a finding the parser or curators recorded several times
    is still one line of a result."""
    merged: dict[tuple, dict] = {}
    for item in items:
        key = (item["hpo_id"] or item["label"].casefold(), item["excluded"])
        mentions = max(int(item.get("n") or 0), 1)
        curated = item.get("provenance") == "curator" or bool(item.get("locked"))
        kept = merged.get(key)
        if kept is None:
            merged[key] = {**item, "n": mentions, "curated": curated}
        else:
            kept["n"] += mentions
            kept["curated"] = kept["curated"] or curated
    return tuple(
        FeatureBrief(item["hpo_id"], item["label"], item["excluded"], item["ic"], item["n"], item["curated"])
        for item in merged.values()
    )


def _one_per_diagnosis(items: list[dict]) -> tuple[DiagnosisBrief, ...]:
    """One brief per diagnosis and status, first statement first."""
    kept: dict[tuple, DiagnosisBrief] = {}
    for item in items:
        key = (item["code"] or item["label"].casefold(), item["status"])
        kept.setdefault(key, DiagnosisBrief(item["code"], item["label"], item["status"]))
    return tuple(kept.values())


def _last_outcome_per_finding(items: list[dict]) -> tuple[OutcomeBrief, ...]:
    """Each finding's outcome as the report last states it (items in evidence order)."""
    last: dict[str, OutcomeBrief] = {}
    for item in items:
        about = item.get("label") or item.get("about") or "overall condition"
        last.pop(about.casefold(), None)  # re-inserted: ordered by its last statement
        last[about.casefold()] = OutcomeBrief(about, item["direction"])
    return tuple(last.values())


def _json(value: str | list | None) -> list:
    if value is None:
        return []
    # Django's PostgreSQL backend hands jsonb to Python as text.
    return json.loads(value) if isinstance(value, str) else value


_IDS = object()  # marks where the id array goes in a cached statement
_statements: dict[CaseVisibility, tuple[str, tuple, int]] = {}


def _statement(rule: CaseVisibility, ids: list[int]) -> tuple[str, list]:
    cached = _statements.get(rule)
    if cached is None:
        marker = [_IDS]
        queryset = (
            Case.objects.visible_under(rule)
            .filter(id__in=RawSQL("SELECT unnest(%s::bigint[])", (marker,)))
            .annotate(
                features_json=_json_list(
                    PhenotypicFeature,
                    hpo_id="term__hpo_id",
                    label=Coalesce("term__label", "label"),
                    excluded="excluded",
                    ic="term__information_content",
                    n=_MENTIONS,
                    provenance="provenance",
                    locked="locked",
                ),
                diagnoses_json=_json_list(
                    Diagnosis,
                    code="disease__code",
                    label=Coalesce("disease__label", "label"),
                    status="status",
                ),
                treatment_names=_names(Treatment, Coalesce("agent__name", "agent_name")),
                outcome_directions=_json_list(
                    Outcome, label=Coalesce("term__label", "about"), direction="direction"
                ),
            )
            .values_list(
                *_CASE_COLUMNS, "features_json", "diagnoses_json", "treatment_names", "outcome_directions"
            )
        )
        sql, params = queryset.query.sql_with_params()
        position = next(index for index, param in enumerate(params) if param is marker)
        cached = (sql, tuple(params), position)
        _statements[rule] = cached
    sql, params, position = cached
    bound = list(params)
    bound[position] = list(ids)
    return sql, bound


# Spans the fact lists beside its evidence (Fact.mentions; at least the evidence itself).
_MENTIONS = Func(F("mentions"), function="jsonb_array_length", output_field=IntegerField())


def _live_facts(model):
    return model.objects.filter(case=OuterRef("pk"), rejected=False).order_by().values("case")


def _json_list(model, **fields) -> Subquery:
    """The case's live facts as a JSON array of objects, in evidence order."""
    items = JSONBAgg(JSONObject(**fields), order_by=("evidence_start", "id"))
    return Subquery(_live_facts(model).annotate(items=items).values("items"))


def _names(model, expression) -> Subquery:
    """One value of each of the case's live facts, as an array."""
    return Subquery(_live_facts(model).annotate(items=ArrayAgg(expression)).values("items"))


_CASE_COLUMNS = (
    "id",
    "label",
    "sex",
    "age_years",
    "country",
    "status",
    "language",
    "year",
    "report_id",
    "report__title",
    "report__journal",
    "report__year",
    "report__pmid",
    "report__doi",
    "report__language",
    "report__format",
)
