"""The server-rendered pages: search with facets and chips, malformed queries, case page with
escaped and highlighted evidence, similar cases, cohort summary and CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qsl, urlparse

import pytest

from tests.search.builders import make_case


def _result_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="case-row" data-case-id="(\d+)"', html)]


def test_search_page_lists_results_with_summaries_and_facets(client, registry):
    response = client.get("/", {"q": "calcinosis + anti-Scl-70"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _result_ids(html) == [registry["crest"].pk]
    assert "Unreviewed" in html  # the machine-extracted case is labelled
    assert "Dx: Limited cutaneous systemic sclerosis" in html
    assert "Rx: diltiazem" in html
    assert 'data-facet="features"' in html and 'data-facet="language"' in html
    assert "PMID" in html and "27000001" in html


def test_facet_link_refines_and_chip_removes(client, registry):
    html = client.get("/", {"q": "raynaud phenomenon"}).content.decode()
    assert len(_result_ids(html)) == 3
    link = re.search(r'<a href="([^"]+)" data-param="lang" data-key="zh">', html).group(1)
    params = dict(parse_qsl(urlparse(link.replace("&amp;", "&")).query))
    assert params == {"q": "raynaud phenomenon", "lang": "zh"}
    refined = client.get(link.replace("&amp;", "&")).content.decode()
    assert _result_ids(refined) == [registry["crest"].pk]
    chip = re.search(r'<a class="chip" href="([^"]+)"', refined).group(1)
    assert len(_result_ids(client.get(chip.replace("&amp;", "&")).content.decode())) == 3


def test_malformed_query_shows_what_and_where(client, registry):
    response = client.get("/", {"q": "calcinosis + (fever"})
    html = response.content.decode()
    assert response.status_code == 400  # the page explains; the status tells programs
    assert "unbalanced &#x27;(&#x27;" in html
    assert "at character 14" in html
    assert '<pre class="where">calcinosis + <mark>(</mark>fever</pre>' in html
    bad_filter = client.get("/", {"age_min": "old"}).content.decode()
    assert "age_min must be a whole number" in bad_filter


def test_sort_and_pagination_links_keep_state(client, registry):
    html = client.get("/", {"q": "-fever", "sort": "-year"}).content.decode()
    assert re.search(r'href="/\?q=-fever&amp;sort=year"', html)
    assert _result_ids(html) == [registry["dermato"].pk, registry["raynaud"].pk]  # 2012, 2009


def test_case_page_escapes_report_text_and_highlights_evidence(client, db):
    case = make_case(
        text="Patient <script>alert(1)</script> had calcinosis & fever.",
        features=[("HP:0003761", "calcinosis"), ("HP:0001945", "fever")],
        excluded=[("HP:0000822", None)],
    )
    response = client.get(f"/cases/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    feature = case.phenotypicfeatures.get(term__hpo_id="HP:0003761")
    assert (
        f'<span class="anchor" id="ev-f{feature.pk}"></span>'
        f'<mark class="evidence" data-facts="ev-f{feature.pk}">calcinosis</mark>' in html
    )
    assert f'href="#ev-f{feature.pk}"' in html
    assert "HP:0000822" in html  # the excluded feature with its id
    assert f"/api/cases/{case.pk}/phenopacket/" in html


def test_case_page_hides_rejected_and_lists_similar(client, registry):
    assert client.get(f"/cases/{registry['rejected'].pk}/").status_code == 404
    html = client.get(f"/cases/{registry['crest'].pk}/").content.decode()
    similar = re.search(r'<ol class="similar-list" id="similar-list">(.*?)</ol>', html, re.S).group(1)
    assert f'data-case-id="{registry["dermato"].pk}"' in similar
    assert "Raynaud phenomenon" in similar


def test_case_csv(client, registry):
    response = client.get(f"/cases/{registry['crest'].pk}/case.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("feature") == 8 and "treatment" in kinds and "outcome" in kinds
    calcinosis = next(row for row in rows if row[1] == "HP:0003761")
    assert calcinosis[-1] == "钙化灶"


def test_similar_page_for_typed_features(client, registry):
    html = client.get(
        "/similar/", {"features": "钙质沉着, HP:0030880, -fever, nonsense-word"}
    ).content.decode()
    assert "nonsense-word" in html  # reported as not found
    ids = [int(i) for i in re.findall(r'<li data-case-id="(\d+)">', html)]
    assert ids and ids[0] == registry["dermato"].pk


def test_cohort_page_and_csv(client, registry):
    html = client.get("/cohort/", {"q": "raynaud phenomenon"}).content.decode()
    assert '<strong id="cohort-total">3</strong>' in html
    assert "<svg" in html and "<rect" in html
    table = re.search(r'<table class="grid cohort" id="treatment-outcomes">(.*?)</table>', html, re.S).group(
        1
    )
    assert "diltiazem" in table and "nifedipine" in table
    response = client.get("/cohort/cases.csv", {"q": "raynaud phenomenon"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "case_id" and len(rows) == 4


@pytest.mark.parametrize("path", ["/search/autocomplete?q=%E9%9B%B7%E8%AF%BA", "/search/autocomplete?q=rayn"])
def test_autocomplete_endpoint(client, db, path):
    results = client.get(path).json()["results"]
    assert "HP:0030880" in [hit["id"] for hit in results]
    assert {hit["query"] for hit in results if hit["id"] == "HP:0030880"} == {"hpo:HP:0030880"}
