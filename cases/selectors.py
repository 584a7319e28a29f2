"""Reads of cases for the pages (case page, exports). Writes live in services.py; the result lists
of every page and of the API come from cases/summaries.py."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from cases.models import Case, Diagnosis, Measurement, Outcome, PhenotypicFeature, Treatment
from cases.summaries import case_summaries


def case_visible_get(*, case_id: int, user) -> Case | None:
    """The case if `user` may see it (Case.objects.visible_to), with its report."""
    return Case.objects.visible_to(user).select_related("report").filter(pk=case_id).first()


def _live(model):
    return model.objects.filter(rejected=False)


@dataclass
class Segment:
    text: str
    facts: list[str] = field(default_factory=list)  # anchors of the facts whose evidence covers it
    starts: list[str] = field(default_factory=list)  # anchors that begin here


def evidence_segments(text: str, spans: list[tuple[str, int, int]]) -> list[Segment]:
    """Cut `text` at every evidence boundary: each segment knows which facts cover it, so the
    template can mark it and every piece stays escaped (no HTML is built from report text)."""
    length = len(text)
    valid = [
        (anchor, max(0, start), min(length, end))
        for anchor, start, end in spans
        if start is not None and end is not None and 0 <= start < end <= length
    ]
    cuts = sorted({0, length, *(s for _, s, _ in valid), *(e for _, _, e in valid)})
    starts_at: dict[int, list[str]] = defaultdict(list)
    for anchor, start, _end in valid:
        starts_at[start].append(anchor)
    segments = []
    for left, right in itertools.pairwise(cuts):
        covering = [anchor for anchor, start, end in valid if start <= left and right <= end]
        segments.append(Segment(text[left:right], covering, starts_at.get(left, [])))
    return segments


def case_detail(*, case: Case) -> dict:
    """Everything the case page shows, facts ordered by where the report states them."""
    features = list(
        _live(PhenotypicFeature).filter(case=case).select_related("term").order_by("evidence_start", "id")
    )
    diagnoses = list(
        _live(Diagnosis).filter(case=case).select_related("disease").order_by("evidence_start", "id")
    )
    measurements = list(
        _live(Measurement).filter(case=case).select_related("term").order_by("evidence_start", "id")
    )
    treatments = list(
        _live(Treatment).filter(case=case).select_related("agent").order_by("evidence_start", "id")
    )
    outcomes = list(_live(Outcome).filter(case=case).select_related("term").order_by("evidence_start", "id"))
    spans: list[tuple[str, int, int]] = []
    for prefix, facts in (
        ("f", features),
        ("d", diagnoses),
        ("m", measurements),
        ("t", treatments),
        ("o", outcomes),
    ):
        for fact in facts:
            fact.anchor = f"ev-{prefix}{fact.pk}"
            if fact.evidence_start is not None and fact.evidence_end is not None:
                spans.append((fact.anchor, fact.evidence_start, fact.evidence_end))
    if case.age_start is not None and case.age_end is not None:
        spans.append(("ev-age", case.age_start, case.age_end))
    report = case.report
    return {
        "case": case,
        "report": report,
        "present": [f for f in features if not f.excluded],
        "excluded": [f for f in features if f.excluded],
        "diagnoses": diagnoses,
        "measurements": measurements,
        "treatments": treatments,
        "outcomes": outcomes,
        "segments": evidence_segments(report.text or "", spans),
        "evidence_count": len(spans),
        "other_cases": list(
            Case.objects.filter(report=report).exclude(pk=case.pk).values_list("pk", flat=True)
        ),
    }


def case_csv_rows(*, case: Case) -> list[list[str]]:
    """One row per fact of a case: kind, code, label, value, details, evidence."""
    detail = case_detail(case=case)
    rows = [
        [
            "kind",
            "code",
            "label",
            "excluded_or_status",
            "value",
            "details",
            "evidence_start",
            "evidence_end",
            "evidence_text",
        ]
    ]

    def evidence(fact) -> list[str]:
        return [
            "" if fact.evidence_start is None else str(fact.evidence_start),
            "" if fact.evidence_end is None else str(fact.evidence_end),
            fact.evidence_text,
        ]

    for f in detail["present"] + detail["excluded"]:
        rows.append(
            [
                "feature",
                f.term.hpo_id if f.term else "",
                f.term.label if f.term else f.label,
                "excluded" if f.excluded else "present",
                "",
                f.onset,
                *evidence(f),
            ]
        )
    for d in detail["diagnoses"]:
        rows.append(
            [
                "diagnosis",
                d.disease.code if d.disease else "",
                d.disease.label if d.disease else d.label,
                d.status,
                "",
                "",
                *evidence(d),
            ]
        )
    for m in detail["measurements"]:
        value = f"{m.comparator}{m.value:g}" if m.value is not None else m.value_text
        rows.append(
            [
                "measurement",
                m.term.hpo_id if m.term else "",
                m.analyte,
                m.interpretation,
                f"{value} {m.unit}".strip(),
                m.observed,
                *evidence(m),
            ]
        )
    for t in detail["treatments"]:
        dose = f"{t.dose:g} {t.dose_unit}".strip() if t.dose is not None else ""
        details = "; ".join(
            x
            for x in (t.route, t.frequency, t.duration, t.stopped_because and f"stopped: {t.stopped_because}")
            if x
        )
        rows.append(
            [
                "treatment",
                t.agent.code if t.agent else "",
                t.agent.name if t.agent else t.agent_name,
                "",
                dose,
                details,
                *evidence(t),
            ]
        )
    for o in detail["outcomes"]:
        rows.append(
            ["outcome", o.term.hpo_id if o.term else "", o.about, o.direction, "", o.follow_up, *evidence(o)]
        )
    return rows


def cases_csv_rows(*, case_ids: list[int], user) -> list[list[str]]:
    """One row per case of a result set, for the cohort CSV."""
    rows = [
        [
            "case_id",
            "sex",
            "age_years",
            "features",
            "excluded",
            "diagnoses",
            "treatments",
            "outcomes",
            "year",
            "pmid",
            "doi",
            "language",
            "status",
            "title",
        ]
    ]
    for start in range(0, len(case_ids), 500):
        for s in case_summaries(case_ids=case_ids[start : start + 500], user=user):
            coded = [f for f in s.by_information if f.hpo_id]
            rows.append(
                [
                    str(s.id),
                    s.sex,
                    "" if s.age_years is None else f"{s.age_years:g}",
                    "; ".join(f"{f.hpo_id} {f.label}" for f in coded if not f.excluded),
                    "; ".join(f"{f.hpo_id} {f.label}" for f in coded if f.excluded),
                    "; ".join(s.diagnosis_labels),
                    "; ".join(s.treatments),
                    "; ".join(s.outcomes),
                    "" if s.report_year is None else str(s.report_year),
                    s.pmid,
                    s.doi,
                    s.display_language,
                    s.status,
                    s.title,
                ]
            )
    return rows
