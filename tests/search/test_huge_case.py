"""Issue 14 F6: a huge report stays usable. The case page shows a bounded page of facts per section
and a bounded window of report text, whatever the number of facts, in the same number of queries;
the admin edits facts a page at a time; full-text fallback and web statements are bounded in time.
(Speed itself is measured in benchmarks/bench_huge_case.py, not here.)"""

from __future__ import annotations

import hashlib
import itertools
import re
import subprocess
import sys

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Case, PhenotypicFeature, Report, Term
from cases.selectors import FACTS_PER_SECTION, TEXT_WINDOW
from cases.spans import covered_runs
from tests.conftest import REPO_DIR
from tests.factories import UserFactory

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=25).map(
    lambda pairs: [(min(a, b), max(a, b), i) for i, (a, b) in enumerate(pairs)]
)


@settings(max_examples=300, deadline=None)
@given(SPANS, st.lists(st.integers(0, 60), max_size=5))
def test_sweep_cuts_like_comparing_every_span_with_every_run(spans, cuts):
    bounds = sorted({0, 60, *cuts, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    expected = [
        (left, right, [item for start, end, item in spans if start <= left and right <= end and start < end])
        for left, right in itertools.pairwise(bounds)
    ]
    assert covered_runs(60, spans, cuts) == expected


def _case_with_features(count: int, *, text_length: int = 20_000) -> Case:
    text = ("calcinosis of the fingers and Raynaud phenomenon. " * (text_length // 50 + 1))[:text_length]
    raw = text.encode()
    report = Report.objects.create(
        text=text,
        raw=raw,
        content_hash=hashlib.sha256(raw + str(count).encode()).hexdigest(),
        format="text",
        language="en",
        title=f"{count} features",
        parse_status=Report.ParseStatus.PARSED,
    )
    case = Case.objects.create(report=report, sex="female", age_years=40)
    terms = list(Term.objects.order_by("id").values_list("id", flat=True)[: max(count, 1)])
    step = max(len(text) // max(count, 1), 12)
    PhenotypicFeature.objects.bulk_create(
        PhenotypicFeature(
            case=case,
            term_id=terms[i % len(terms)],
            evidence_start=i * step,
            evidence_end=i * step + 10,
            evidence_text=text[i * step : i * step + 10],
        )
        for i in range(count)
    )
    return case


@pytest.mark.django_db
def test_case_page_shows_a_bounded_page_of_facts_in_the_same_number_of_queries(client):
    small, large = _case_with_features(5), _case_with_features(450)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(f"/cases/{small.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        response = client.get(f"/cases/{large.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(large_queries) <= len(small_queries) + 2  # no query per fact
    features = re.search(r'<section id="features">(.*?)</section>', html, re.S).group(1)
    assert features.count("<li>") == FACTS_PER_SECTION
    assert "1–100 of 450" in features
    assert 'href="?page_features=2#features"' in features
    last = client.get(f"/cases/{large.pk}/?page_features=5").content.decode()
    last_features = re.search(r'<section id="features">(.*?)</section>', last, re.S).group(1)
    assert last_features.count("<li>") == 50 and "401–450 of 450" in last_features
    # Nonsense page numbers fall back to a page that exists, never an error
    for value in ("0", "-1", "x", "9" * 30, "999"):
        assert client.get(f"/cases/{large.pk}/?page_features={value}&text={value}").status_code == 200


@pytest.mark.django_db
def test_case_page_shows_one_window_of_a_long_report_and_links_facts_to_theirs(client):
    case = _case_with_features(300, text_length=TEXT_WINDOW * 3 - 10)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    report = re.search(r'<div class="report-text"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert len(re.sub(r"<[^>]+>", "", report)) <= TEXT_WINDOW
    assert f"Characters 1–{TEXT_WINDOW} of {TEXT_WINDOW * 3 - 10}" in html
    assert 'href="?text=1#report"' in html
    # A feature whose evidence lies in the first window links within the page; on the second page
    # of features (evidence in the second window) they link to that window
    assert re.search(r'href="#ev-f\d+"', html)
    later = client.get(f"/cases/{case.pk}/?page_features=2").content.decode()
    anchor = re.search(r'href="\?text=1#(ev-f\d+)"', later).group(1)
    second = client.get(f"/cases/{case.pk}/?text=1").content.decode()
    assert f'id="{anchor}"' in second


@pytest.mark.django_db
def test_case_csv_lists_every_fact(client):
    case = _case_with_features(250)
    response = client.get(f"/cases/{case.pk}/case.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\nfeature,") == 250


@pytest.mark.django_db
def test_admin_change_page_edits_facts_a_page_at_a_time(client):
    from cases.admin.facts import INLINE_PAGE_SIZE

    case = _case_with_features(130)
    client.force_login(UserFactory(username="huge-admin", is_staff=True, is_superuser=True))
    html = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    total = re.search(r'name="phenotypicfeatures-TOTAL_FORMS"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="phenotypicfeatures-TOTAL_FORMS"', html
    )
    assert total and int(total.group(1)) == INLINE_PAGE_SIZE
    assert "1–25 of 130" in html and "page_phenotypicfeatures=2" in html
    third = client.get(f"/admin/cases/case/{case.pk}/change/?page_phenotypicfeatures=6").content.decode()
    total = re.search(r'name="phenotypicfeatures-TOTAL_FORMS"[^>]*value="(\d+)"', third) or re.search(
        r'value="(\d+)"[^>]*name="phenotypicfeatures-TOTAL_FORMS"', third
    )
    assert int(total.group(1)) == 5


@pytest.mark.django_db
def test_full_text_fallback_is_bounded_and_answers_400(client, settings):
    """A full-text search that cannot finish in FULLTEXT_TIMEOUT_MS (here: the reports table is
    locked by another connection) is cancelled and answered 400, not left holding the index."""
    import psycopg

    settings.FULLTEXT_TIMEOUT_MS = 200
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    # (No case is created first: this test's transaction must not hold a lock on the reports.)
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as locker:
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE cases_report IN ACCESS EXCLUSIVE MODE NOWAIT")
        try:
            response = client.get("/api/cases/", {"q": "zzqxunknownword"})
        finally:
            locker.execute("ROLLBACK")
    assert response.status_code == 400
    assert "took longer than 200 ms" in response.json()["error"]["message"]
    # and the connection's own timeout is back to what it was
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] in ("0", "0ms")


@pytest.mark.django_db
def test_a_cancelled_statement_is_a_503_not_a_500(rf):
    from registry.middleware import StatementTimeoutMiddleware, is_statement_timeout

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")
    except OperationalError as error:
        caught = error
    assert is_statement_timeout(caught)
    middleware = StatementTimeoutMiddleware(lambda request: None)
    api = middleware.process_exception(rf.get("/api/cases/"), caught)
    assert api.status_code == 503 and b'"timeout"' in api.content and api["Retry-After"]
    page = middleware.process_exception(rf.get("/"), caught)
    assert page.status_code == 503
    assert middleware.process_exception(rf.get("/"), OperationalError("other")) is None


@pytest.mark.parametrize(("web", "expected"), [("1", "statement_timeout=15000"), ("", None)])
def test_only_the_web_process_gets_a_statement_timeout(web, expected):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DEBUG": "1",
        "REGISTRY_WEB_PROCESS": web,
    }
    output = subprocess.run(
        [sys.executable, "-c", "import registry.settings as s; print(s.DATABASES['default'].get('OPTIONS'))"],
        env=env,
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    if expected:
        assert expected in output
    else:
        assert "statement_timeout" not in output
