"""Server-rendered pages for researchers: search, case page, similar cases, cohort summary.

Every page reads through cases.search / cases.selectors, and every list of cases through
cases.summaries (the result-list builder the API uses too); the sidebar, facet links, chips and
syntax help come from the facet declarations (cases/search/facets/). The URL holds the whole state
of a search (query, filters, sort, page), so a result set can be bookmarked, shared and summarised.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import replace
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.search import (
    CaseSearch,
    QuerySyntaxError,
    autocomplete,
    cohort_summary,
    similar_match,
    similar_to_case,
)
from cases.search.engine import search_parameters
from cases.search.facets import FACETS
from cases.search.index import IndexNotReady
from cases.search.similar_query import parse_publication
from cases.search.similarity import unknown_genes
from cases.search.vocabulary import get_vocabulary
from cases.selectors import (
    case_csv_rows,
    case_detail,
    case_visible_get,
    cases_csv_rows,
    ingestion_pending,
)
from cases.summaries import case_summaries
from registry.throttling import throttle_page

PAGE_SIZE = 20
MAX_PAGE = 500


def _state(request: HttpRequest) -> list[tuple[str, str]]:
    """The search parameters of the request as (name, value) pairs, in a stable order."""
    return [
        (name, value) for name in search_parameters() for value in request.GET.getlist(name) if value.strip()
    ]


def _url(pairs: list[tuple[str, str]], path: str = "/") -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _facet_link(state: list[tuple[str, str]], param: str, key: str) -> str:
    """The current search refined by one facet value (page reset)."""
    pairs = [(n, v) for n, v in state if n != "page"]
    facet = FACETS.get(param)
    if facet is not None and facet.param is not None:
        pairs = facet.param.refine(facet.name, pairs, key)
    return _url(pairs)


def _chips(state: list[tuple[str, str]]) -> list[dict]:
    """Active filters, each with the URL that removes it (one chip for both ends of a range)."""
    vocabulary = get_vocabulary()
    chips = []
    done_ranges = set()
    for name, value in state:
        facet = FACETS.for_param(name)
        if facet is None:  # q, sort
            continue
        if facet.param.ranged:
            if facet.name in done_ranges:
                continue
            done_ranges.add(facet.name)
            low_name, high_name = facet.param_names
            low = next((v for n, v in state if n == low_name), "")
            high = next((v for n, v in state if n == high_name), "")
            text = low if low == high else f"{low}–{high}"
            chips.append(
                {
                    "label": f"{facet.name}: {text}",
                    "remove": _url([(n, v) for n, v in state if n not in (low_name, high_name)]),
                }
            )
        else:
            chips.append(
                {
                    "label": f"{name}: {facet.chip_label(value, vocabulary)}",
                    "remove": _url([(n, v) for n, v in state if (n, v) != (name, value)]),
                }
            )
    return chips


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _page_links(base: list[tuple[str, str]], page: int, pages: int, *, around: int = 2) -> list[dict]:
    """Numbered page links: the first, the last and `around` pages either side of the current one,
    with a gap ({"gap": True}) where numbers are left out."""
    if pages <= 1:
        return []
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    links: list[dict] = []
    previous = 0
    for number in shown:
        if number > previous + 1:
            links.append({"gap": True})
        pairs = base if number == 1 else [*base, ("page", str(number))]
        links.append({"number": number, "url": _url(pairs), "current": number == page})
        previous = number
    return links


@require_GET
@throttle_page
def home(request: HttpRequest) -> HttpResponse:
    """The search page: query box, results with one-line summaries, facet sidebar."""
    state = _state(request)
    search = CaseSearch(request.GET)
    page = _page_number(request)
    context: dict = {
        "q": request.GET.get("q", ""),
        "query_examples": [facet.example for facet in FACETS if facet.example],
        "sort": search.sort,
        "state": state,
        "chips": _chips(state),
        "errors": {k: v for k, v in search.errors.items() if k != "q"},
        "query_error": None,
        "result": None,
        "summaries": [],
        "facets": [],
        "pending": ingestion_pending(),
    }
    if search.is_valid:
        try:
            result = search.execute(user=request.user, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        except QuerySyntaxError:
            # Well-formed, but a value names nothing known (drug:unknownium): shown below
            context["errors"] = {k: v for k, v in search.errors.items() if k != "q"}
        else:
            pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
            base = [(n, v) for n, v in state if n != "page"]
            context.update(
                result=result,
                summaries=[
                    replace(summary, matched=tuple(result.matched.get(summary.id, ())))
                    for summary in case_summaries(case_ids=result.case_ids, user=request.user)
                ],
                facets=[
                    {
                        "name": facet.counts_key,
                        "title": facet.title,
                        "show_code": facet.show_code,
                        "values": [
                            {"value": value, "url": _facet_link(state, value.param, value.key)}
                            for value in result.facets.get(facet.counts_key, [])
                        ],
                    }
                    for facet in FACETS.counted()
                ],
                page=page,
                pages=pages,
                first=(page - 1) * PAGE_SIZE + 1,
                last=min(page * PAGE_SIZE, result.total),
                page_links=_page_links(base, page, min(pages, MAX_PAGE)),
                prev_url=_url([*base, ("page", str(page - 1))]) if page > 1 else None,
                next_url=_url([*base, ("page", str(page + 1))]) if page < pages and page < MAX_PAGE else None,
                sort_urls={
                    sort: _url(
                        [(n, v) for n, v in base if n != "sort"]
                        + ([("sort", sort)] if sort != "relevance" else [])
                    )
                    for sort in ("relevance", "-year", "year")
                },
                cohort_url=_url(base, "/cohort/"),
                csv_url=_url(base, "/cohort/cases.csv"),
            )
    if search.query_error is not None:
        error = search.query_error
        text = context["q"]
        context["query_error"] = {
            "message": error.message,
            "position": error.position + 1,
            "before": text[: error.position],
            "at": text[error.position : error.position + 1] or " ",
            "after": text[error.position + 1 :],
        }
    # The page still shows what is wrong and where; the status says so to programs and caches.
    status = 400 if search.errors or search.query_error is not None else 200
    return render(request, "cases/home.html", context, status=status)


@require_GET
def autocomplete_view(request: HttpRequest) -> JsonResponse:
    prefix = request.GET.get("q", "")[:100]
    try:
        limit = int(request.GET.get("limit", "10"))
    except ValueError:
        limit = 10
    return JsonResponse({"results": autocomplete(prefix, limit=limit)})


@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_visible_get(case_id=case_id, user=request.user)
    if case is None:
        raise Http404("No such case")
    pages = {
        name.removeprefix("page_"): _whole(value, 1)
        for name, value in request.GET.items()
        if name.startswith("page_")
    }
    context = case_detail(case=case, pages=pages, text_window=_whole(request.GET.get("text"), 0))
    other_publications = request.GET.get("other_publications") == "1"
    try:
        hits = similar_to_case(
            case_id=case.pk, limit=10, user=request.user, other_publications_only=other_publications
        )
    except IndexNotReady:  # the case itself is shown; its similar cases once the index is loaded
        hits, context["index_building"] = [], True
    context["other_publications"] = other_publications
    context["similar"] = _with_summaries(hits, user=request.user)
    return render(request, "cases/case.html", context)


def _whole(value: str | None, default: int) -> int:
    """A page number from the URL; anything else is the default (never a 500)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 9 else default


def _with_summaries(hits, *, user) -> list[tuple]:
    """(hit, summary) pairs; hits of cases deleted meanwhile drop out."""
    by_id = {s.id: s for s in case_summaries(case_ids=[hit.case_id for hit in hits], user=user)}
    return [(hit, by_id[hit.case_id]) for hit in hits if hit.case_id in by_id]


def _csv_response(rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 (Chinese) only with a BOM
    writer = csv.writer(response)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet
        writer.writerow(
            ["'" + cell if cell and cell[0] in "=+-@\t\r" else cell for cell in (str(c) for c in row)]
        )
    return response


@require_GET
def case_csv(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_visible_get(case_id=case_id, user=request.user)
    if case is None:
        raise Http404("No such case")
    return _csv_response(case_csv_rows(case=case), f"case-{case.pk}.csv")


_FEATURE_SPLIT = re.compile(r"[,;\n]+")


def parse_feature_list(text: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """ "HP:0003761, Raynaud phenomenon, -fever, 钙质沉着" -> ([(hpo id, observed)], [unknown names])."""
    vocabulary = get_vocabulary()
    features: list[tuple[str, bool]] = []
    unknown: list[str] = []
    for raw in _FEATURE_SPLIT.split(text or ""):
        item = raw.strip()
        if not item:
            continue
        observed = True
        if item[0] in "-!－" or item.upper().startswith("NOT "):
            observed = False
            item = item[4:] if item.upper().startswith("NOT ") else item[1:]
            item = item.strip()
        match = re.fullmatch(r"(?i)(?:hp:)?(\d{1,7})", item)
        if match and int(match.group(1)) in vocabulary.terms:
            features.append((vocabulary.terms[int(match.group(1))].code, observed))
            continue
        if match and item.upper().startswith("HP:"):
            # An alt id, an obsolete or an unknown id: similar_match maps it or leaves it out,
            # and says which in its warnings
            features.append((f"HP:{int(match.group(1)):07d}", observed))
            continue
        concepts = [c for c in vocabulary.lookup(item) if c.kind == "term"]
        if concepts:
            features.append((concepts[0].code, observed))
        else:
            unknown.append(item)
    return features, unknown


def _term_label(vocabulary, code: str) -> str:
    concept = vocabulary.terms.get(int(code[3:]))
    return concept.label if concept else ""


_PUBLICATION_SPLIT = re.compile(r"[,;\s]+")


def _needs_index(view):
    """Pages that need the whole in-memory index answer 503 with a note while this process waits
    for a published snapshot (cases/search/index.py); search itself keeps answering."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except IndexNotReady:
            response = render(request, "cases/index_building.html", status=503)
            response["Retry-After"] = "60"
            return response

    return wrapped


@require_GET
@throttle_page
@_needs_index
def similar_page(request: HttpRequest) -> HttpResponse:
    """Similar cases for a typed set of features; `case` names the case they came from (never
    listed), `other_publications=1` leaves out its whole publication, `exclude` lists PMIDs or DOIs
    whose cases are left out, `gene` keeps only cases with one of these genes (symbols or ids)."""
    text = request.GET.get("features", "")[:4000]
    features, unknown = parse_feature_list(text)
    exclude_text = request.GET.get("exclude", "")[:2000]
    exclude, bad_publications = [], []
    for value in filter(None, _PUBLICATION_SPLIT.split(exclude_text)):
        try:
            parse_publication(value)
            exclude.append(value)
        except ValueError:
            bad_publications.append(value)
    from_case = request.GET.get("case", "")
    from_case_id = int(from_case) if from_case.isdigit() else None
    if from_case_id is not None and case_visible_get(case_id=from_case_id, user=request.user) is None:
        from_case_id = None  # an id the user may not see says nothing about which cases to skip
    other_publications = request.GET.get("other_publications") == "1"
    gene_text = request.GET.get("gene", "")[:500]
    genes = [value for value in _PUBLICATION_SPLIT.split(gene_text) if value]
    bad_genes = unknown_genes(genes)
    genes = [gene for gene in genes if gene not in bad_genes]
    result = (
        similar_match(
            features=features,
            limit=20,
            user=request.user,
            exclude_publications=exclude,
            from_case=from_case_id,
            other_publications_only=other_publications,
            genes=genes,
        )
        if features
        else None
    )
    hits = result.hits if result else []
    vocabulary = get_vocabulary()
    return render(
        request,
        "cases/similar.html",
        {
            "features_text": text,
            "features": [
                {"code": code, "observed": observed, "label": _term_label(vocabulary, code)}
                for code, observed in features
            ],
            "unknown": unknown,
            "warnings": result.warnings if result else [],
            "exclude_text": exclude_text,
            "bad_publications": bad_publications,
            "from_case": from_case_id,
            "other_publications": other_publications,
            "gene_text": gene_text,
            "genes": genes,
            "bad_genes": bad_genes,
            "similar": _with_summaries(hits, user=request.user),
            "searched": bool(text.strip()),
        },
    )


def _cohort_ids(request: HttpRequest) -> tuple[CaseSearch, list[int] | None]:
    search = CaseSearch(request.GET)
    if not search.is_valid:
        return search, None
    try:
        return search, search.all_ids(user=request.user)
    except QuerySyntaxError:
        return search, None


@require_GET
@throttle_page
@_needs_index
def cohort_page(request: HttpRequest) -> HttpResponse:
    """Treatment → outcome table and age/sex distributions of a result set."""
    state = [(n, v) for n, v in _state(request) if n != "page"]
    search, ids = _cohort_ids(request)
    context: dict = {
        "state": state,
        "search_url": _url(state),
        "csv_url": _url(state, "/cohort/cases.csv"),
        "errors": search.errors,
    }
    if ids is not None:
        summary = cohort_summary(ids, user=request.user)
        context["summary"] = summary
        context["chips"] = _chips(state)
        context["q"] = request.GET.get("q", "")
        context["age_chart"] = _bar_chart([(band["band"], band["count"]) for band in summary["age"]])
        context["sex_chart"] = _bar_chart(
            [(sex.capitalize(), count) for sex, count in summary["sex"].items()]
        )
        context["directions"] = list(summary["outcomes"].keys())
    return render(request, "cases/cohort.html", context, status=200 if ids is not None else 400)


def _bar_chart(values: list[tuple[str, int]], *, width: int = 420, bar: int = 22, gap: int = 6) -> dict:
    """Geometry of a horizontal bar chart the template draws as inline SVG."""
    label_width, count_width = 70, 60
    top = max((count for _, count in values), default=0) or 1
    span = width - label_width - count_width
    bars = [
        {
            "label": label,
            "count": count,
            "y": i * (bar + gap),
            "text_y": i * (bar + gap) + bar * 0.7,
            "width": round(span * count / top, 1),
            "count_x": label_width + round(span * count / top, 1) + 4,
        }
        for i, (label, count) in enumerate(values)
    ]
    return {"bars": bars, "width": width, "height": len(values) * (bar + gap), "bar": bar, "x": label_width}


@require_GET
@throttle_page
@_needs_index
def cohort_csv(request: HttpRequest) -> HttpResponse:
    search, ids = _cohort_ids(request)
    if ids is None:
        return HttpResponse(
            "; ".join(f"{k}: {v}" for k, v in search.errors.items()), status=400, content_type="text/plain"
        )
    return _csv_response(cases_csv_rows(case_ids=ids[:100_000], user=request.user), "cases.csv")
