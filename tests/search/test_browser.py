"""The search in a real browser (headless Chromium driven by Playwright) against gunicorn.

- Search: a query finds the Chinese case, a facet click narrows the results, the case page
  highlights the evidence of a clicked fact, and similar cases are listed; a malformed query
  points at its character.
- Vocabulary: a disease finds its more specific diseases, and a one-word Chinese query, typed from
  one character with autocomplete, finds the cases coded with the concept.
- Layout: at 400 px the results come before the folded facets and neither the search page nor the
  cohort table is wider than the screen; the API link and favicon; a case page lists each finding
  once; relevance order with its reasons.

One server, one data set and one browser serve every test of this module (starting them is most
of a browser test's time); each test gets a fresh page, and a test that needs a case of its own
adds it and deletes it again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_with_cases(live_site_module):
    from tests.search.conftest import build_registry

    return live_site_module, build_registry()


@pytest.fixture(scope="module")
def browser(site_with_cases) -> Iterator[object]:
    # Depends on the site so that the browser closes before the live database is cleaned up.
    with chromium() as launched:
        # The server's first page loads the vocabulary and builds the search index: on a loaded
        # machine that alone can pass a page's timeout, so it is done once here.
        warm = launched.new_page()
        warm.goto(site_with_cases[0] + "/", timeout=180_000)
        warm.close()
        yield launched


@pytest.fixture
def browser_page(browser) -> Iterator[object]:
    page = browser.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        page.close()


def _result_ids(page) -> list[int]:
    return [
        int(x)
        for x in page.locator("#results article.case-row").evaluate_all(
            "els => els.map(e => e.dataset.caseId)"
        )
    ]


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_search_facets_case_page_and_similar(browser_page, site_with_cases):
    site, registry = site_with_cases
    page = browser_page
    page.goto(site + "/")

    # Autocomplete offers the term in both languages with its id
    page.fill("#q", "calcino")
    suggestion = page.locator("#ac li").first
    suggestion.wait_for()
    assert "HP:0003761" in suggestion.inner_text() and "钙质沉着" in suggestion.inner_text()
    # … and choosing it writes the field that searches for it, with a name rather than the code
    page.press("#q", "ArrowDown")
    page.press("#q", "Enter")
    assert page.input_value("#q").lower() == "hpo:calcinosis"

    page.fill("#q", "calcinosis + anti-Scl-70")
    page.press("#q", "Enter")
    page.wait_for_selector("#results")
    assert _result_ids(page) == [registry["crest"].pk]
    assert "calcinosis" in page.url and "Scl-70" in page.url  # the URL holds the state

    # A broader query, then a facet click narrows it
    page.goto(site + "/?q=raynaud+phenomenon")
    assert len(_result_ids(page)) == 3
    page.click('#facets a[data-param="lang"][data-key="zh"]')
    page.wait_for_url("**lang=zh**")
    assert _result_ids(page) == [registry["crest"].pk]
    assert page.locator("#chips .chip").count() == 1

    # The case page: evidence highlighted; clicking a fact scrolls to and flashes its text
    page.click(f'#results article[data-case-id="{registry["crest"].pk}"] h3 a')
    page.wait_for_selector("mark.evidence")
    assert page.locator("mark.evidence").count() >= 8
    link = page.locator("#features a.fact-link", has_text="Calcinosis")
    anchor = link.get_attribute("data-anchor")
    link.click()
    flashed = page.locator("mark.evidence.flash")
    flashed.first.wait_for()
    assert flashed.first.inner_text() == "钙化灶"
    assert anchor in flashed.first.get_attribute("data-facts")
    assert page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top") < page.evaluate(
        "window.innerHeight"
    )

    # Similar cases are listed with their explanation
    similar = page.locator("#similar-list > li")
    assert similar.count() >= 2
    assert similar.first.get_attribute("data-case-id") in {
        str(registry["dermato"].pk),
        str(registry["raynaud"].pk),
    }
    similar.first.locator("details summary").click()
    assert "Raynaud phenomenon" in similar.first.locator("details").inner_text()


def test_malformed_query_message_in_browser(browser_page, site_with_cases):
    site, _registry = site_with_cases
    page = browser_page
    page.goto(site + "/")
    page.fill("#q", "calcinosis | | fever")
    page.press("#q", "Enter")
    error = page.locator("#query-error")
    error.wait_for()
    assert "nothing after '|'" in error.inner_text()
    assert "character 14" in error.inner_text()


def test_hierarchy_search_in_browser(browser_page, site_with_cases):
    site, registry = site_with_cases
    page = browser_page
    # The Chinese case is diagnosed with limited cutaneous systemic sclerosis (ORPHA:220402)
    for query in ("systemic sclerosis", "系统性硬化症", "disease:ORPHA:90291"):
        page.goto(site + "/")
        page.fill("#q", query)
        page.press("#q", "Enter")
        page.wait_for_selector("#results")
        assert _result_ids(page) == [registry["crest"].pk], query
    facets = page.locator("#facets").inner_text()
    assert "Limited cutaneous systemic sclerosis" in facets


def test_chinese_one_word_query_in_browser(browser_page, site_with_cases):
    site, registry = site_with_cases
    page = browser_page
    page.goto(site + "/")
    # One character is enough for suggestions; the traditional form gives the same ones
    page.type("#q", "鈣")
    suggestion = page.locator("#ac li", has_text="HP:0003761").first
    suggestion.wait_for()
    suggestion.dispatch_event("mousedown")
    chosen = page.input_value("#q")
    assert chosen.startswith("hpo:") and "HP:" not in chosen, chosen
    page.press("#q", "Enter")
    page.wait_for_selector("#results")
    assert set(_result_ids(page)) == {registry["crest"].pk, registry["dermato"].pk}

    # A one-word Chinese query inside names: the calcinosis and calcinosis cutis cases
    page.goto(site + "/")
    page.fill("#q", "钙化")
    page.press("#q", "Enter")
    page.wait_for_selector("#results")
    expected = {registry[name].pk for name in ("crest", "cutis", "dermato")}
    assert set(_result_ids(page)) == expected


def test_phone_width_results_first_and_nothing_overflows(browser_page, site_with_cases):
    site, _registry = site_with_cases
    page = browser_page
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(site + "/?q=raynaud+phenomenon")
    first = page.locator("#results article.case-row").first
    facets = page.locator("#facets")
    # The first result is on the first screen, the facets below the results and folded
    assert first.bounding_box()["y"] < 800
    assert facets.bounding_box()["y"] > page.locator("#results").bounding_box()["y"]
    assert page.evaluate("document.getElementById('facet-fold').open") is False
    assert not page.locator('#facets a[data-param="lang"]').first.is_visible()
    assert _page_width(page) <= 400
    # Unfolding the facets shows them, and a click still refines
    page.click("#facet-fold > summary")
    page.click('#facets a[data-param="lang"][data-key="zh"]')
    page.wait_for_url("**lang=zh**")

    page.goto(site + "/cohort/?q=raynaud+phenomenon")
    table = page.locator("#treatment-outcomes")
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 400
    assert _page_width(page) <= 400

    # Wide screens keep the facets open beside the results
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/?q=raynaud+phenomenon")
    assert page.evaluate("document.getElementById('facet-fold').open") is True
    assert page.locator('#facets a[data-param="lang"]').first.is_visible()
    assert facets.bounding_box()["x"] < page.locator("#results").bounding_box()["x"]


def test_api_link_and_favicon_in_browser(browser_page, site_with_cases):
    site, _registry = site_with_cases
    page = browser_page
    page.goto(site + "/")
    page.click("#api-docs-link")
    page.wait_for_url("**/api/docs/")
    response = page.request.get(site + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"


@pytest.fixture
def repeated_case(browser):
    """A case of this test only (it is coded like the shared ones and would change their results)."""
    from tests.search.test_case_lines import _repeated_case

    case = _repeated_case()
    yield case
    case.delete()
    case.report.delete()


def test_case_page_has_no_repeated_or_raw_items(repeated_case, browser_page, site_with_cases):
    site, _registry = site_with_cases
    page = browser_page
    page.goto(f"{site}/cases/{repeated_case.pk}/")
    assert page.inner_text("#case-title") == "Calcinosis and ulcers in CREST syndrome"
    for section in ("#features", "#diagnoses", "#treatments", "#outcomes"):
        if page.locator(section).count() == 0:
            continue
        lines = [" ".join(t.split()) for t in page.locator(f"{section} li").all_inner_texts()]
        names = [line.split(" HP:")[0].split(" ×")[0] for line in lines]
        assert len(names) == len(set(names)), (section, lines)
    body = page.inner_text("body")
    assert "{'" not in body and "'evidence'" not in body and "'end'" not in body
    assert "5 cm → 4 cm → 2.5 cm" in body
    ulcer = page.locator("#features li", has_text="Skin ulcer")
    assert ulcer.count() == 1 and "×3" in ulcer.inner_text()
    # Clicking the finding flashes every one of its mentions in the report
    ulcer.locator("a.fact-link").click()
    assert page.locator("mark.evidence.flash").count() == 3
    # Its own similar list never holds the case
    ids = page.locator("#similar-list > li").evaluate_all("els => els.map(e => e.dataset.caseId)")
    assert str(repeated_case.pk) not in ids


def test_relevance_order_with_reasons(browser_page, site_with_cases):
    site, registry = site_with_cases
    page = browser_page
    page.goto(site + "/?q=fever")
    ids = page.locator("#results article.case-row").evaluate_all(
        "els => els.map(e => Number(e.dataset.caseId))"
    )
    # Fever itself before low-grade fever only, though the latter is curated and newer
    assert ids == [registry["crest"].pk, registry["cutis"].pk]
    crest = page.locator(f'#results article[data-case-id="{registry["crest"].pk}"] p.matched')
    cutis = page.locator(f'#results article[data-case-id="{registry["cutis"].pk}"] p.matched')
    assert " ".join(crest.inner_text().split()) == "Matched: Fever"
    assert " ".join(cutis.inner_text().split()) == "Matched: Low-grade fever via Fever"
    assert cutis.locator("mark.hit.via").inner_text() == "Low-grade fever"
