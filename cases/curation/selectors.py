"""Curation reads: the report text cut into highlightable segments, citations, change history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cases.facts import FACT_KINDS
from cases.models import Case, Report
from cases.spans import covered_runs


@dataclass(frozen=True)
class EvidenceSpan:
    kind: str  # the fact kind's name (feature, diagnosis, …): CSS class ev-<kind>
    fact_id: int
    start: int
    end: int
    label: str
    rejected: bool
    curator: bool


@dataclass
class Segment:
    """A run of report text covered by the same set of evidence spans. `start` is its offset in
    Report.text, so the page's script can turn a selection back into exact offsets."""

    start: int
    text: str
    spans: list[EvidenceSpan] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def kinds(self) -> str:
        return " ".join(sorted({f"ev-{s.kind}" for s in self.spans}))

    @property
    def rejected(self) -> bool:
        return bool(self.spans) and all(s.rejected for s in self.spans)

    @property
    def fact_refs(self) -> str:
        return " ".join(f"{s.kind}-{s.fact_id}" for s in self.spans)

    @property
    def title(self) -> str:
        return "; ".join(f"{s.kind}: {s.label}{' (rejected)' if s.rejected else ''}" for s in self.spans)


def case_evidence_spans(*, case: Case, low: int = 0, high: int | None = None) -> list[EvidenceSpan]:
    """Evidence spans of the case's facts; with `high`, only those overlapping [low, high)."""
    spans: list[EvidenceSpan] = []
    for kind in FACT_KINDS:
        facts = kind.model.objects.filter(case=case, evidence_start__isnull=False).select_related(
            *kind.related
        )
        if high is not None:
            facts = facts.filter(evidence_end__gt=low, evidence_start__lt=high)
        for fact in facts:
            spans.append(
                EvidenceSpan(
                    kind=kind.name,
                    fact_id=fact.pk,
                    start=fact.evidence_start,
                    end=fact.evidence_end,
                    label=kind.describe(fact),
                    rejected=fact.rejected,
                    curator=fact.provenance == "curator",
                )
            )
    return spans


def text_window_segments(*, text: str, spans: list[EvidenceSpan], low: int, high: int) -> list[Segment]:
    """text_segments of text[low:high] (spans clipped to it), with offsets into the whole text."""
    window = text[low:high]
    clipped = [
        EvidenceSpan(
            s.kind, s.fact_id, max(s.start, low) - low, min(s.end, high) - low, s.label, s.rejected, s.curator
        )
        for s in spans
        if s.end > low and s.start < high
    ]
    segments = text_segments(text=window, spans=clipped)
    for segment in segments:
        segment.start += low
    return segments


def text_segments(*, text: str, spans: list[EvidenceSpan]) -> list[Segment]:
    """Cut `text` at every span boundary (overlapping spans allowed) and at every carriage return.

    A browser turns CR and CRLF into LF when it parses the page, which would shift every offset
    after it; emitting each CR as an empty segment keeps the offsets of the text nodes exact.
    """
    n = len(text)
    valid = [s for s in spans if 0 <= s.start <= s.end <= n]
    returns = []
    cursor = text.find("\r")
    while cursor != -1:
        returns += (cursor, cursor + 1)
        cursor = text.find("\r", cursor + 1)
    segments: list[Segment] = []
    for start, end, covering in covered_runs(n, [(s.start, s.end, s) for s in valid], returns):
        if start == end:
            continue
        chunk = text[start:end]
        segments.append(Segment(start=start, text="" if chunk == "\r" else chunk, spans=covering))
    return segments


def case_citations(*, case: Case) -> list[Report]:
    """Every report that describes this patient: its own, then those of cases merged into it."""
    reports = [case.report]
    for merged in Case.objects.filter(merged_into=case).select_related("report").order_by("id"):
        if merged.report_id not in {r.pk for r in reports}:
            reports.append(merged.report)
    return reports


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str  # "case" or the fact's kind and id
    action: str  # created / changed / deleted
    reason: str
    changes: list[tuple[str, str, str]]


_ACTION = {"+": "created", "~": "changed", "-": "deleted"}
_SKIP = {"updated_at", "history_id", "history_date", "history_user", "history_change_reason"}


def case_history(*, case: Case, limit: int = 200) -> list[HistoryEntry]:
    """Who changed what and when, on the case and all its facts, newest first."""
    entries: list[HistoryEntry] = []
    sources = [(case.history.all(), lambda rec: "case")]
    for kind in FACT_KINDS:
        sources.append(
            (kind.model.history.filter(case_id=case.pk), lambda rec, name=kind.name: f"{name} {rec.id}")
        )
    for queryset, describe in sources:
        records = list(queryset.select_related("history_user").order_by("id", "history_date")[: limit * 2])
        previous_by_id: dict[int, object] = {}
        for record in records:
            previous = previous_by_id.get(record.id)
            changes: list[tuple[str, str, str]] = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                changes = [
                    (c.field, _short(c.old), _short(c.new)) for c in delta.changes if c.field not in _SKIP
                ]
            previous_by_id[record.id] = record
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user.get_username() if record.history_user else "system",
                    what=describe(record),
                    action=_ACTION.get(record.history_type, record.history_type),
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _short(value: object) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 80 else text[:77] + "…"
