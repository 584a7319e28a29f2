"""The admin review page in a real browser (headless Chromium) at a laptop width: every fact
group fits its pane (evidence, rejected and source without sideways scrolling), the review
actions stay on screen, and fact groups fold on their heading and unfold when a fact is shown."""

from __future__ import annotations

import pytest

from tests.curation.test_browser import browser_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser]


def test_admin_case_page_fits_and_groups_fold(live_site, browser_page):  # noqa: F811
    from cases.curation.roles import roles_setup
    from tests.curation.conftest import PASSWORD, _member, case_from_fixture

    roles_setup()
    curator = _member("curator", "curators")
    case = case_from_fixture("crest-2019-en.txt")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_site}/admin/login/?next=/admin/cases/case/{case.pk}/change/", timeout=180_000)
    page.fill("#id_username", curator.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#report-text")

    main = page.locator(".curation-main").bounding_box()
    groups = page.locator("fieldset.fact-inline")
    assert groups.count() >= 4
    for i in range(groups.count()):
        group = groups.nth(i)
        # Nothing inside a group is wider than the group, which is inside the main pane.
        widths = group.evaluate("g => [g.scrollWidth, g.clientWidth]")
        assert widths[0] <= widths[1] + 1, (i, widths)
        box = group.bounding_box()
        assert box["x"] + box["width"] <= main["x"] + main["width"] + 1
    first_row = page.locator("#phenotypicfeatures-group tr.has_original").first
    for cell in ("evidence", "rejected", "source"):
        cell_box = first_row.locator(f"td.field-{cell}").bounding_box()
        assert cell_box["x"] + cell_box["width"] <= main["x"] + main["width"] + 1, cell
        assert first_row.locator(f"td.field-{cell}").get_attribute("data-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # A fact wraps into a few lines of labelled fields (three at this pane width, ~210 px), not a
    # tall column of one field a line.
    assert first_row.bounding_box()["height"] < 240
    # The review actions are on screen while the facts are scrolled through.
    page.locator("#treatments-group").scroll_into_view_if_needed()
    assert page.locator("#transition-form button").first.is_visible()
    button = page.locator("#transition-form button").first.bounding_box()
    assert 0 <= button["y"] < 900

    # A group folds on its heading (with its count shown) and unfolds again.
    heading = page.locator("#phenotypicfeatures-group h2.inline-heading")
    count = case.phenotypicfeatures.count()
    assert f"({count})" in heading.inner_text()
    heading.click()
    assert not first_row.is_visible()
    # Clicking a fact's evidence in the report unfolds its group and shows the row.
    page.locator("#report-text mark.ev-feature").first.click()
    page.wait_for_selector("#phenotypicfeatures-group tr.fact-flash")
    assert page.locator("#phenotypicfeatures-group tr.fact-flash").is_visible()
    heading.click()
    heading.click()
    assert first_row.is_visible()
