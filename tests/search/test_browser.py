"""The search in a real browser (headless Chromium driven by Playwright) against gunicorn:
a query finds the Chinese case, a facet click narrows the results, the case page highlights the
evidence of a clicked fact, and similar cases are listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def site_with_cases(live_site):
    from tests.search.conftest import build_registry

    return live_site, build_registry()


@pytest.fixture
def browser_page(site_with_cases):
    # Depends on the site so that the browser (whose event loop makes Django refuse database
    # calls in this thread) closes before the live database is cleaned up.
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is missing: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def _result_ids(page) -> list[int]:
    return [
        int(x)
        for x in page.locator("#results article.case-row").evaluate_all(
            "els => els.map(e => e.dataset.caseId)"
        )
    ]


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
