"""A curator reviews and publishes a case in a real browser (headless Chromium via Playwright)
against the gunicorn-served site: sees the highlighted evidence, rejects a fact with a reason,
adds a fact tied to a span selected in the report text, and publishes the case."""

from __future__ import annotations

import pytest

from tests.browser import chromium

pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser_page():
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(30_000)
        yield page


def test_curator_reviews_and_publishes_a_case(live_site, browser_page):
    from cases.curation.roles import roles_setup
    from cases.models import Case, PhenotypicFeature, Provenance
    from tests.curation.conftest import PASSWORD, _member, case_from_fixture
    from tests.factories import CaseFactory, ReportFactory

    roles_setup()
    curator = _member("curator", "curators")
    case = case_from_fixture("crest-2019-en.txt")
    # Characters outside the BMP count as two in JavaScript strings but one in Python's, and the
    # browser turns CRLF into LF: offsets taken from a selection must still index the stored text.
    tricky = CaseFactory(report=ReportFactory(text="𠮷野家 report.\r\nShe had 😀 tophaceous calcinosis.\r\n"))
    text = case.report.text
    wrong = case.phenotypicfeatures.get(term__hpo_id="HP:0001009")
    page = browser_page

    page.goto(f"{live_site}/admin/login/?next=/admin/cases/case/")
    page.fill("#id_username", curator.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/cases/case/")
    assert page.locator("#result_list").inner_text().count("Calcinosis cutis and CREST") == 1

    page.click(f"a[href='/admin/cases/case/{case.pk}/change/']")
    page.wait_for_selector("#report-text")
    # The evidence of each fact is highlighted in the report text.
    marks = page.locator("#report-text mark.ev-feature")
    assert "calcinosis cutis" in marks.all_inner_texts()
    assert page.locator("#report-text mark.ev-treatment").count() == 2
    # Clicking a highlight brings its fact's row into view.
    page.locator("#report-text mark", has_text="telangiectasia").first.click()
    flashed = page.locator("tr.fact-flash")
    assert flashed.count() == 1
    assert flashed.locator("input[name$='-id']").input_value() == str(wrong.pk)

    # Reject the wrong fact, with a reason.
    row = flashed
    row.locator("input[name$='-rejected']").check()
    row.locator("input[name$='-rejected_reason']").fill("telangiectasia is from the discussion")

    # Select "painful" in the report pane and tie a new feature to it.
    start = text.index("painful")
    page.evaluate(
        """(start) => {
            const pane = document.getElementById('report-text');
            const seg = [...pane.querySelectorAll('[data-start]')]
                .filter(el => Number(el.dataset.start) <= start).pop();
            const node = seg.firstChild;
            const offset = start - Number(seg.dataset.start);
            const range = document.createRange();
            range.setStart(node, offset);
            range.setEnd(node, offset + 'painful'.length);
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
        }""",
        start,
    )
    page.wait_for_selector("#span-tools:not([hidden])")
    assert page.inner_text("#span-text") == "painful"
    page.click("#span-tools button[data-prefix='phenotypicfeatures']")
    new_row = page.locator("#phenotypicfeatures-group tr.fact-flash")
    assert new_row.locator("input[name$='-evidence_start']").input_value() == str(start)
    assert new_row.locator("input[name$='-evidence_end']").input_value() == str(start + 7)
    assert new_row.locator("td.field-evidence").inner_text().strip() == "painful"
    # Pick the coded term through the autocomplete.
    new_row.locator(".select2-selection").click()
    page.fill(".select2-search__field", "pain")
    page.locator(".select2-results__option", has_text="HP:0012531 Pain").first.click()

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()

    wrong.refresh_from_db()
    assert wrong.rejected and wrong.rejected_reason == "telangiectasia is from the discussion"
    assert wrong.edited_by_id == curator.pk
    added = PhenotypicFeature.objects.get(case=case, term__hpo_id="HP:0012531")
    assert (added.evidence_start, added.evidence_end, added.evidence_text) == (start, start + 7, "painful")
    assert added.provenance == Provenance.CURATOR and added.locked and added.edited_by_id == curator.pk
    # The page now shows the rejected evidence struck through and the new fact's highlight.
    assert page.locator("#report-text mark.ev-rejected", has_text="telangiectasia").count() == 1
    assert "painful" in page.locator("#report-text mark.ev-feature").all_inner_texts()

    # Review → curated → published with the state buttons.
    for label in ("In review", "Curated", "Published"):
        page.click(f"#transition-form button:text-is('{label}')")
        page.wait_for_selector(f"#case-state:text-is('{label}')")
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED
    assert case.history.first().history_user_id == curator.pk
    assert "Published" in page.inner_text("#history-box")

    # Exact offsets on a text with astral characters and CRLF line ends.
    page.goto(f"{live_site}/admin/cases/case/{tricky.pk}/change/")
    page.wait_for_selector("#report-text")
    page.evaluate(
        """() => {
            const pane = document.getElementById('report-text');
            const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes('calcinosis')) {}
            const at = node.data.indexOf('calcinosis');
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + 'calcinosis'.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }"""
    )
    page.wait_for_selector("#span-tools:not([hidden])")
    tricky_text = tricky.report.text
    at = tricky_text.index("calcinosis")
    assert page.inner_text("#span-range") == f"{at}–{at + 10}"
    assert page.inner_text("#span-text") == "calcinosis"
