"""The API's result lists: case summaries (built by cases/summaries.py, the builder the HTML pages
use too) in the shape CaseSummarySerializer documents, and the facet counts of a search.
tests/api/test_cases.py checks that a summary here equals the serializer's output."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from rest_framework.request import Request

from cases.search.facets import FacetValue
from cases.summaries import CaseSummary, case_summaries


def summary_payloads(summaries: Sequence[CaseSummary], *, request: Request | None) -> list[dict[str, Any]]:
    base = reverse("api:case-list")
    if request is not None:
        base = request.build_absolute_uri(base)
    return [
        {
            "id": s.id,
            "url": f"{base}{s.id}/",
            "label": s.label,
            "sex": s.sex,
            "age_years": s.age_years,
            "country": s.country,
            "status": s.status,
            "language": s.language,
            "year": s.year,
            "citation": {
                "report_id": s.report_id,
                "title": s.title,
                "journal": s.journal,
                "year": s.report_year,
                "pmid": s.pmid,
                "doi": s.doi,
                "language": s.report_language,
                "format": s.report_format,
            },
            "features": [
                {"hpo_id": f.hpo_id, "label": f.label, "excluded": f.excluded}
                for f in s.features
                if f.hpo_id is not None
            ],
            "diagnoses": [
                {"code": d.code, "label": d.label, "status": d.status}
                for d in s.diagnoses
                if d.code is not None
            ],
        }
        for s in summaries
    ]


def case_list(ids: list[int], *, request: Request) -> list[dict[str, Any]]:
    """Summaries of the cases among `ids` the caller may see, in that order."""
    return summary_payloads(case_summaries(case_ids=ids, user=request.user), request=request)


def facets_payload(facets: Mapping[str, list[FacetValue]]) -> dict[str, list[dict[str, Any]]]:
    """{facet: [{value, label, label_zh, param, count}, ...]}; `param=value` added to the request
    refines the search by that value."""
    return {
        str(name): [
            {
                "value": value.key,
                "label": value.label,
                "label_zh": value.label_zh or "",
                "param": value.param or "",
                "count": int(value.count),
            }
            for value in values
        ]
        for name, values in (facets or {}).items()
    }
