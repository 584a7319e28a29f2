"""Navigation and the page furniture: the API link, the favicon, numbered pages, the notice while
reports are still being parsed, the serve command's help; and the cohort table counting each drug
once per case, outcomes against their finding, and how many cases carry treatment data."""

from __future__ import annotations

import re
from io import StringIO

from cases.search import cohort_summary
from tests.search.builders import make_case


def test_api_link_goes_to_the_docs_and_api_root_redirects(client, db):
    html = client.get("/").content.decode()
    link = re.search(r'<a href="([^"]+)" id="api-docs-link">API</a>', html).group(1)
    assert link == "/api/docs/"
    assert client.get(link).status_code == 200
    response = client.get("/api/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response)  # an ICO header: reserved 0, type 1 (icon), one image
    assert body[:6] == b"\x00\x00\x01\x00\x01\x00" and b"PNG" in body
    assert 'rel="icon"' in client.get("/").content.decode()


def test_numbered_pages(client, registry, monkeypatch):
    monkeypatch.setattr("cases.views.PAGE_SIZE", 1)
    html = client.get("/", {"q": "raynaud phenomenon"}).content.decode()  # 3 cases, 3 pages
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert re.search(r'<span class="page current" aria-current="page">1</span>', pager)
    numbers = re.findall(r'<a class="page" href="[^"]*">(\d+)</a>', pager)
    assert numbers == ["2", "3"]
    third = re.search(r'<a class="page" href="([^"]+)">3</a>', pager).group(1).replace("&amp;", "&")
    assert "page=3" in third
    html3 = client.get(third).content.decode()
    assert '<span class="page current" aria-current="page">3</span>' in html3
    assert 'rel="next"' not in html3 and 'rel="prev"' in html3


def test_page_links_leave_gaps_on_long_lists():
    from cases.views import _page_links

    numbers = [link.get("number", "…") for link in _page_links([("q", "x")], 10, 40)]
    assert numbers == [1, "…", 8, 9, 10, 11, 12, "…", 40]
    assert _page_links([], 1, 1) == []


def test_search_page_says_reports_are_still_being_parsed(client, db):
    from cases.models import IngestJob

    assert 'id="ingest-pending"' not in client.get("/").content.decode()
    IngestJob.objects.create(status=IngestJob.Status.QUEUED, filename="a.txt")
    IngestJob.objects.create(status=IngestJob.Status.QUEUED, filename="b.txt")
    IngestJob.objects.create(status=IngestJob.Status.RUNNING, filename="c.txt")
    IngestJob.objects.create(status=IngestJob.Status.DONE, filename="d.txt")
    html = client.get("/").content.decode()
    notice = re.search(r'<p class="notice" id="ingest-pending".*?</p>', html, re.S).group(0)
    assert "3 reports still being parsed" in notice and "2 queued, 1 running" in notice


def test_serve_bind_has_help_text():
    from cases.management.commands.serve import Command

    out = StringIO()
    Command().create_parser("manage.py", "serve").print_help(out)
    text = " ".join(out.getvalue().split())
    assert "HOST:PORT" in text and "default 127.0.0.1:8000" in text


# --- cohort -------------------------------------------------------------------------------------------


def _treated_twice(**extra):
    """One case given prednisone, with three outcomes after it about two findings."""
    text = (
        "A 50-year-old woman had a skin ulcer and calcinosis. Prednisone 20 mg daily was given. "
        "The ulcer improved, then worsened, and finally healed; the calcinosis remained stable."
    )
    case = make_case(
        text=text,
        features=[("HP:0200042", "skin ulcer"), ("HP:0003761", "calcinosis")],
        treatments=[("prednisone", "Prednisone 20 mg daily", {"dose": 20, "dose_unit": "mg"})],
        outcomes=[
            ("skin ulcer", "improved", "improved"),
            ("skin ulcer", "worsened", "worsened"),
            ("skin ulcer", "resolved", "healed"),
            ("calcinosis", "stable", "remained stable"),
        ],
        **extra,
    )
    from cases.models import Term

    ulcer = Term.objects.get(hpo_id="HP:0200042")
    case.outcomes.filter(about="skin ulcer").update(term=ulcer, after_treatment="prednisone")
    return case


def test_cohort_counts_a_drug_once_per_case_under_its_last_outcome(db):
    first = _treated_twice()
    second = _treated_twice(title="second")
    untreated = make_case(text="A man with fever.", features=[("HP:0001945", "fever")])
    summary = cohort_summary([first.pk, second.pk, untreated.pk])
    assert summary["total"] == 3 and summary["treated"] == 2
    (row,) = summary["treatments"]
    assert row["agent"] == "prednisone" and row["cases"] == 2
    # Four outcomes per case, but each case once: its last outcome after the drug (stable
    # calcinosis, stated last; the untied outcome counts because prednisone was the only drug).
    assert sum(row["outcomes"].values()) + row["no_outcome"] == row["cases"]
    assert row["outcomes"]["stable"] == 2
    findings = {(r["finding"], r["agent"]): r for r in summary["by_finding"]}
    ulcer = findings[("Skin ulcer", "prednisone")]
    assert ulcer["cases"] == 2 and ulcer["outcomes"] == {"resolved": 2} and ulcer["code"] == "HP:0200042"
    assert findings[("calcinosis", "prednisone")]["outcomes"] == {"stable": 2}


def test_cohort_outcome_tied_to_another_drug_is_not_counted_for_this_one(db):
    text = "Diltiazem and prednisone were given. The ulcer improved after prednisone."
    case = make_case(
        text=text,
        features=[("HP:0200042", "ulcer")],
        treatments=[("diltiazem", "Diltiazem", {}), ("prednisone", "prednisone", {})],
        outcomes=[("skin ulcer", "improved", "improved")],
    )
    case.outcomes.update(after_treatment="prednisone")
    rows = {row["agent"]: row for row in cohort_summary([case.pk])["treatments"]}
    assert rows["prednisone"]["outcomes"]["improved"] == 1
    assert sum(rows["diltiazem"]["outcomes"].values()) == 0 and rows["diltiazem"]["no_outcome"] == 1


def test_cohort_page_says_how_many_cases_carry_treatments(client, registry):
    html = client.get("/cohort/", {"q": "raynaud phenomenon"}).content.decode()
    coverage = re.search(r'<p id="treatment-coverage">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", coverage).startswith("3 of 3 cases in this result carry treatment data")
    make_case(text="An imported case of calcinosis.", features=[("HP:0003761", "calcinosis")])
    html = client.get("/cohort/", {"q": "calcinosis"}).content.decode()
    coverage = re.search(r'<p id="treatment-coverage">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", coverage).startswith("2 of 3 cases in this result carry treatment data")
    table = re.search(r'id="treatment-outcomes">(.*?)</table>', html, re.S).group(1)
    assert table.count('data-agent="diltiazem"') == 1
