"""Reads of cases for the pages (case page, exports). Writes live in services.py; the result lists
of every page and of the API come from cases/summaries.py."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from cases.facts import FACT_KINDS, Fact, PageSection
from cases.models import Case
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


@dataclass
class FactSection:
    """A section of the case page: a kind's PageSection with the facts it shows."""

    id: str
    title: str
    layout: str
    columns: tuple[str, ...]
    template: object  # a compiled template rendering one fact (`fact`)
    facts: list[Fact]

    @classmethod
    def of(cls, section: PageSection, facts: list[Fact]) -> FactSection:
        shown = [fact for fact in facts if section.include is None or section.include(fact)]
        return cls(section.id, section.title, section.layout, section.columns, section.compiled, shown)


def case_detail(*, case: Case) -> dict:
    """Everything the case page shows, facts ordered by where the report states them: the kinds'
    sections (`fact_sections`), and each kind's facts by name (`facts`)."""
    facts: dict[str, list[Fact]] = {}
    spans: list[tuple[str, int, int]] = []
    for kind in FACT_KINDS:
        rows = list(
            _live(kind.model).filter(case=case).select_related(*kind.related).order_by("evidence_start", "id")
        )
        for fact in rows:
            fact.anchor = f"ev-{kind.anchor}{fact.pk}"
            if fact.evidence_start is not None and fact.evidence_end is not None:
                spans.append((fact.anchor, fact.evidence_start, fact.evidence_end))
        facts[kind.name] = rows
    if case.age_start is not None and case.age_end is not None:
        spans.append(("ev-age", case.age_start, case.age_end))
    report = case.report
    features = facts.get("feature", [])
    return {
        "case": case,
        "report": report,
        "facts": facts,
        "fact_sections": [
            FactSection.of(section, facts[kind.name]) for kind in FACT_KINDS for section in kind.sections
        ],
        # The features as the similar-cases link sends them.
        "present": [f for f in features if not f.excluded],
        "excluded": [f for f in features if f.excluded],
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
    for kind in FACT_KINDS:
        facts = detail["facts"][kind.name]
        if kind.name == "feature":  # present ones first, as the page lists them
            facts = [f for f in facts if not f.excluded] + [f for f in facts if f.excluded]
        for fact in facts:
            rows.append(
                [
                    kind.name,
                    *kind.csv_row(fact),
                    "" if fact.evidence_start is None else str(fact.evidence_start),
                    "" if fact.evidence_end is None else str(fact.evidence_end),
                    fact.evidence_text,
                ]
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
