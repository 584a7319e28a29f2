"""Reads of cases for the pages (case page, exports). Writes live in services.py; the result lists
of every page and of the API come from cases/summaries.py."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from cases.facts import FACT_KINDS, Fact, PageSection, Provenance
from cases.facts.base import mention_count, mention_spans
from cases.models import Case, IngestJob
from cases.spans import covered_runs
from cases.summaries import case_summaries


def case_visible_get(*, case_id: int, user) -> Case | None:
    """The case if `user` may see it (Case.objects.visible_to), with its report."""
    return Case.objects.visible_to(user).select_related("report").filter(pk=case_id).first()


def ingestion_pending() -> dict[str, int]:
    """Jobs still to finish: {"queued", "running", "total"} (one indexed count): while reports are
    being parsed (just after `make run`, during a bulk import) the search page says so instead of
    looking like an empty or incomplete registry."""
    counts = {"queued": 0, "running": 0}
    rows = (
        IngestJob.objects.filter(status__in=[IngestJob.Status.QUEUED, IngestJob.Status.RUNNING])
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    for status, count in rows:
        counts[status] = count
    counts["total"] = counts["queued"] + counts["running"]
    return counts


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
        (start, end, anchor)
        for anchor, start, end in spans
        if start is not None and end is not None and 0 <= start < end <= length
    ]
    starts_at: dict[int, list[str]] = defaultdict(list)
    first: dict[str, int] = {}
    for start, _end, anchor in valid:
        first[anchor] = min(start, first.get(anchor, start))
    for anchor, start in first.items():  # an anchor is an element id: placed once, at its first span
        starts_at[start].append(anchor)
    return [
        Segment(text[left:right], covering, starts_at.get(left, []))
        for left, right, covering in covered_runs(length, valid)
    ]


# A case page shows at most this many facts per section and this much report text at once; the
# rest is a link away (?<section>=page, ?text=window), so the page stays small and fast whatever
# the size of the report (a 5 MB report with 5,300 features made a 7 MB page taking 11 s).
FACTS_PER_SECTION = 100
TEXT_WINDOW = 100_000
# The "edit these features" link sends HPO ids in a URL: a URL line past ~4 KB is refused by
# gunicorn, and the similar page reads at most 4,000 characters of features.
SIMILAR_LINK_FEATURES = 250


@dataclass
class FactSection:
    """A section of the case page: a kind's PageSection with one page of the facts it shows."""

    id: str
    title: str
    layout: str
    columns: tuple[str, ...]
    template: object  # a compiled template rendering one fact (`fact`)
    facts: list[Fact]
    total: int = 0
    page: int = 1
    pages: int = 1

    @property
    def param(self) -> str:
        return f"page_{self.id}"

    @property
    def first(self) -> int:
        return (self.page - 1) * FACTS_PER_SECTION + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.facts) - 1 if self.total else 0

    @classmethod
    def page_of(cls, section: PageSection, kind, case: Case, page: int) -> FactSection:
        """One page of the section's facts, counted and sliced in the database."""
        facts = _live(kind.model).filter(case=case)
        if section.where:
            facts = facts.filter(**section.where)
        elif section.include is not None:  # only a Python test: page the kind's facts in memory
            shown = [f for f in facts.select_related(*kind.related) if section.include(f)]
            return cls._paged(section, shown, len(shown), page, sliced=False)
        total = facts.count()
        pages = max(1, -(-total // FACTS_PER_SECTION))
        page = min(max(page, 1), pages)
        start = (page - 1) * FACTS_PER_SECTION
        ordered = facts.select_related(*kind.related).order_by("evidence_start", "id")
        rows = list(ordered[start : start + FACTS_PER_SECTION])
        return cls._paged(section, rows, total, page, sliced=True)

    @classmethod
    def _paged(cls, section: PageSection, facts: list[Fact], total: int, page: int, *, sliced: bool):
        pages = max(1, -(-total // FACTS_PER_SECTION))
        page = min(max(page, 1), pages)
        if not sliced:
            facts = facts[(page - 1) * FACTS_PER_SECTION : page * FACTS_PER_SECTION]
        return cls(
            section.id,
            section.title,
            section.layout,
            section.columns,
            section.compiled,
            facts,
            total=total,
            page=page,
            pages=pages,
        )


def case_facts(*, case: Case) -> dict[str, list[Fact]]:
    """The case's live facts by kind name, each ordered by where the report states it."""
    return {
        kind.name: list(
            _live(kind.model).filter(case=case).select_related(*kind.related).order_by("evidence_start", "id")
        )
        for kind in FACT_KINDS
    }


def case_detail(*, case: Case, pages: dict[str, int] | None = None, text_window: int = 0) -> dict:
    """Everything the case page shows: one page of each of the kinds' sections (`fact_sections`;
    `pages` maps a section id to its page), the facts shown by kind name (`facts`), and one window
    of the report text (`text_window`) with the evidence inside it highlighted. A fact whose
    evidence lies in another window links there. The work is bounded by the page, not by the
    number of facts: a section is counted and sliced in the database, and only the evidence
    offsets inside the window are read."""
    pages = pages or {}
    report = case.report
    text = report.text or ""
    windows = max(1, -(-len(text) // TEXT_WINDOW))
    text_window = min(max(text_window, 0), windows - 1)
    low, high = text_window * TEXT_WINDOW, (text_window + 1) * TEXT_WINDOW

    def href(anchor: str, start: int | None) -> str:
        if start is None:
            return f"#{anchor}"
        window = min(max(start, 0) // TEXT_WINDOW, windows - 1)
        return f"#{anchor}" if window == text_window else f"?text={window}#{anchor}"

    sections: list[FactSection] = []
    facts: dict[str, list[Fact]] = {}
    spans: list[tuple[str, int, int]] = []  # in window coordinates
    alias: dict[tuple[str, int], str] = {}  # (kind, pk) -> anchor of the line it is shown on
    evidence_count = 0
    for kind in FACT_KINDS:
        shown: list[Fact] = []
        for section in kind.sections:
            fact_section = FactSection.page_of(section, kind, case, pages.get(section.id, 1))
            sections.append(fact_section)
            shown += fact_section.facts
        # One line per finding: facts of the same identity on this page are one line (the first
        # stated), with every span of all of them counted and highlighted under its anchor.
        lines: dict[tuple, Fact] = {}
        for fact in shown:
            line = lines.setdefault(kind.identity(fact), fact)
            if line is fact:
                fact.anchor = f"ev-{kind.anchor}{fact.pk}"
                fact.href = href(fact.anchor, fact.evidence_start)
                fact.mention_total = 0
            else:
                fact.anchor = line.anchor
                alias[(kind.name, fact.pk)] = line.anchor
            line.mention_total += mention_count(fact)
            for start, end in mention_spans(fact):
                if (start, end) != (fact.evidence_start, fact.evidence_end) and end > low and start < high:
                    spans.append((line.anchor, max(start, low) - low, min(end, high) - low))
            if kind.name == "feature":
                fact.onset_stated = _onset_stated(fact, text)
        for fact_section in sections:
            if fact_section.facts and fact_section.facts[0] in shown:
                fact_section.facts = [f for f in fact_section.facts if lines.get(kind.identity(f)) is f]
        shown = list(lines.values())
        facts[kind.name] = shown
        with_evidence = _live(kind.model).filter(
            case=case, evidence_start__isnull=False, evidence_end__isnull=False
        )
        evidence_count += with_evidence.count()
        for pk, start, end in with_evidence.filter(evidence_end__gt=low, evidence_start__lt=high).values_list(
            "pk", "evidence_start", "evidence_end"
        ):
            anchor = alias.get((kind.name, pk), f"ev-{kind.anchor}{pk}")
            spans.append((anchor, max(start, low) - low, min(end, high) - low))
    age_href = "#ev-age"
    if case.age_start is not None and case.age_end is not None:
        evidence_count += 1
        age_href = href("ev-age", case.age_start)
        if case.age_end > low and case.age_start < high:
            spans.append(("ev-age", max(case.age_start, low) - low, min(case.age_end, high) - low))
    linked = list(
        _live(FACT_KINDS.get("feature").model)
        .filter(case=case, term__isnull=False)
        .order_by("evidence_start", "id")
        .values_list("term__hpo_id", "excluded")[:SIMILAR_LINK_FEATURES]
    )
    return {
        "case": case,
        "report": report,
        "facts": facts,
        "fact_sections": sections,
        # The features as the similar-cases link sends them (at most SIMILAR_LINK_FEATURES).
        "present_ids": list(dict.fromkeys(code for code, excluded in linked if not excluded)),
        "excluded_ids": list(dict.fromkeys(code for code, excluded in linked if excluded)),
        "similar_features": ", ".join(
            dict.fromkeys(
                [
                    *(code for code, excluded in linked if not excluded),
                    *(f"-{code}" for code, excluded in linked if excluded),
                ]
            )
        ),
        "segments": evidence_segments(text[low:high], spans),
        "evidence_count": evidence_count,
        "age_href": age_href,
        "text_window": {
            "index": text_window,
            "count": windows,
            "first": low + 1 if text else 0,
            "last": min(high, len(text)),
            "length": len(text),
            "prev": f"?text={text_window - 1}#report" if text_window > 0 else None,
            "next": f"?text={text_window + 1}#report" if text_window + 1 < windows else None,
        },
        "other_cases": list(
            Case.objects.filter(report=report).exclude(pk=case.pk).values_list("pk", flat=True)
        ),
    }


ONSET_WINDOW = 200  # characters before a finding's evidence in which its onset must be stated


def _onset_stated(fact, text: str) -> str:
    """The feature's onset when the report states it: a machine-extracted onset must appear in
    the text shortly before (or within) the finding's evidence; one imported from structured data
    or entered by a curator is shown as it is. An onset the parser carried over from elsewhere
    ("onset 2021" on every feature of a 2021 report) is left out."""
    onset = (fact.onset or "").strip()
    if not onset or fact.provenance != Provenance.MACHINE or fact.locked:
        return onset
    if fact.evidence_start is None or not text:
        return ""
    window = text[max(0, fact.evidence_start - ONSET_WINDOW) : (fact.evidence_end or fact.evidence_start)]
    return onset if onset in window or onset in unicodedata.normalize("NFKC", window) else ""


def case_csv_rows(*, case: Case) -> list[list[str]]:
    """One row per fact of a case: kind, code, label, value, details, evidence."""
    facts_by_kind = case_facts(case=case)
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
        facts = facts_by_kind[kind.name]
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
