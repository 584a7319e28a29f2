"""In a real browser (headless Chromium, as test_browser.py): a disease finds its more specific
diseases, and a one-word Chinese query, typed from one character with autocomplete, finds the
cases coded with the concept."""

from __future__ import annotations

import pytest

from tests.search.test_browser import _result_ids, browser_page, site_with_cases  # noqa: F401

pytestmark = pytest.mark.browser


def test_hierarchy_search_in_browser(browser_page, site_with_cases):  # noqa: F811
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


def test_chinese_one_word_query_in_browser(browser_page, site_with_cases):  # noqa: F811
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
