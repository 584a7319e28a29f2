"""Exports of a search: one CSV row per case, streamed (the zip of phenopackets is written by the
view, one case at a time)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from cases.api.loading import csv_prefetches, iter_cases

CSV_COLUMNS = [
    "id",
    "label",
    "sex",
    "age_years",
    "status",
    "language",
    "year",
    "country",
    "title",
    "journal",
    "pmid",
    "doi",
    "features",
    "excluded_features",
    "diagnoses",
    "treatments",
    "outcomes",
]


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (titles come from untrusted reports)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _join(items: Iterable[str]) -> str:
    return "; ".join(item for item in items if item)


def csv_rows(ids: list[int], *, user) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for case in iter_cases(ids, user=user, prefetches=csv_prefetches()):
        report = case.report
        features = [f for f in case.phenotypicfeatures.all() if f.term is not None]
        writer.writerow(
            [
                _cell(value)
                for value in (
                    case.id,
                    case.label,
                    case.sex,
                    case.age_years,
                    case.status,
                    case.language,
                    case.year,
                    case.country,
                    report.title,
                    report.journal,
                    report.pmid,
                    report.doi,
                    _join(f"{f.term.hpo_id} {f.term.label}" for f in features if not f.excluded),
                    _join(f"{f.term.hpo_id} {f.term.label}" for f in features if f.excluded),
                    _join(f"{d.disease.code} {d.disease.label}" for d in case.diagnoses.all() if d.disease),
                    _join(t.agent.name if t.agent else t.agent_name for t in case.treatments.all()),
                    _join(
                        f"{o.about}: {o.direction}" if o.about else o.direction for o in case.outcomes.all()
                    ),
                )
            ]
        )
        yield flush()
