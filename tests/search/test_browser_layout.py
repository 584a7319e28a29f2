"""Layout in a real browser (headless Chromium): at 400 px the results come before the folded
facets and neither the search page nor the cohort table is wider than the screen; numbered pages."""

from __future__ import annotations

import pytest

from tests.search.test_browser import browser_page, site_with_cases  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def _warm(page, site: str) -> None:
    # The server's first page loads the vocabulary and builds the search index: on a loaded
    # machine that alone can pass the default timeout.
    page.goto(site + "/", timeout=180_000)


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_phone_width_results_first_and_nothing_overflows(browser_page, site_with_cases):  # noqa: F811
    site, _registry = site_with_cases
    page = browser_page
    _warm(page, site)
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


def test_api_link_and_favicon_in_browser(browser_page, site_with_cases):  # noqa: F811
    site, _registry = site_with_cases
    page = browser_page
    _warm(page, site)
    page.click("#api-docs-link")
    page.wait_for_url("**/api/docs/")
    response = page.request.get(site + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"


@pytest.fixture
def repeated_case(site_with_cases):  # noqa: F811
    from tests.search.test_case_lines import _repeated_case

    return _repeated_case()


def test_case_page_has_no_repeated_or_raw_items(repeated_case, browser_page, site_with_cases):  # noqa: F811
    site, _registry = site_with_cases
    page = browser_page
    _warm(page, site)
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


def test_relevance_order_with_reasons(browser_page, site_with_cases):  # noqa: F811
    site, registry = site_with_cases
    page = browser_page
    _warm(page, site)
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
