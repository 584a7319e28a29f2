"""Benchmark (issue 14 F6): one huge report — about 5 MB of text and one case with 5,300 features
(plus a few hundred facts of the other kinds) — against the pages that show it: the public case
page (first and last text window, a later page of features), the admin change page, case.csv and
the similar-cases list. Not a test: it prints figures.

    .venv/bin/python benchmarks/bench_huge_case.py                   # 5 MB, 5,300 features
    .venv/bin/python benchmarks/bench_huge_case.py --mb 1 --features 1000 --repeat 2

Same-run baselines: the same pages for an ordinary case (12 features) of the same database, and
the evidence segmentation of the huge page cut the way it was before (every span compared with
every run) against the sweep now used (cases/spans.py), on the same spans.

Uses a database of its own (`<registry database>_huge`, created on first use).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

from benchmarks.common import use_benchmark_database

WORDS = (
    "the patient presented with progressive calcinosis of the fingers and raynaud phenomenon over several "
    "months laboratory tests showed elevated markers and imaging revealed diffuse soft tissue changes "
).split()


def make_huge_case(*, megabytes: float, features: int, seed: int = 7):
    """A report of `megabytes` of text and one case whose features' evidence spreads over it."""
    from cases.models import Case, Diagnosis, PhenotypicFeature, Report, Term, Treatment
    from cases.services import case_refresh_search_columns

    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    chunks, size = [], 0
    while size < target:
        sentence = " ".join(rng.choice(WORDS) for _ in range(18)) + ". "
        chunks.append(sentence)
        size += len(sentence)
    text = "".join(chunks)
    import hashlib

    raw = text.encode()
    report = Report.objects.create(
        text=text,
        raw=raw,
        content_hash=hashlib.sha256(raw + str(features).encode()).hexdigest(),
        format="text",
        encoding="utf-8",
        language="en",
        title=f"Huge report ({megabytes} MB, {features} features)",
        year=2020,
        parse_status=Report.ParseStatus.PARSED,
    )
    case = Case.objects.create(report=report, ordinal=1, sex="female", age_years=40, language="en", year=2020)
    terms = list(Term.objects.order_by("id").values_list("id", flat=True)[:20000])
    step = max(len(text) // max(features, 1), 20)
    PhenotypicFeature.objects.bulk_create(
        [
            PhenotypicFeature(
                case=case,
                term_id=rng.choice(terms),
                excluded=i % 10 == 0,
                evidence_start=i * step,
                evidence_end=i * step + 12,
                evidence_text=text[i * step : i * step + 12],
            )
            for i in range(features)
        ],
        batch_size=2000,
    )
    from cases.models import Agent, Disease

    diseases = list(Disease.objects.values_list("id", flat=True)[:300])
    agents = list(Agent.objects.values_list("id", flat=True)[:300])
    Diagnosis.objects.bulk_create(
        [
            Diagnosis(
                case=case, disease_id=d, status="final", evidence_start=5 + i * 997, evidence_end=17 + i * 997
            )
            for i, d in enumerate(diseases[:200])
        ]
    )
    Treatment.objects.bulk_create(
        [
            Treatment(case=case, agent_id=a, evidence_start=9 + i * 1009, evidence_end=20 + i * 1009)
            for i, a in enumerate(agents[:200])
        ]
    )
    case_refresh_search_columns(case=case)
    return case


def make_small_case():
    from cases.models import Case, PhenotypicFeature, Report, Term

    text = "A 40-year-old woman with calcinosis and Raynaud phenomenon; no fever. " * 3
    import hashlib

    report = Report.objects.create(
        text=text,
        raw=text.encode(),
        content_hash=hashlib.sha256(b"small" + text.encode()).hexdigest(),
        format="text",
        language="en",
        title="Ordinary report",
        year=2020,
        parse_status=Report.ParseStatus.PARSED,
    )
    case = Case.objects.create(report=report, ordinal=1, sex="female", age_years=40, language="en", year=2020)
    for i, term in enumerate(Term.objects.order_by("id").values_list("id", flat=True)[100:112]):
        PhenotypicFeature.objects.create(
            case=case, term_id=term, evidence_start=i * 10, evidence_end=i * 10 + 5
        )
    return case


def timed(client, url: str, repeat: int) -> tuple[float, int, int]:
    """(median seconds, status, bytes) of GET url."""
    times, status, size = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - started)
        status, size = response.status_code, len(body)
    return statistics.median(times), status, size


def naive_segments(text: str, spans: list[tuple[str, int, int]]) -> int:
    """The segmentation as it was: every span compared with every run (for the baseline only)."""
    import itertools

    valid = [(a, s, e) for a, s, e in spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for _, s, _ in valid), *(e for _, _, e in valid)})
    count = 0
    for left, right in itertools.pairwise(cuts):
        count += len([a for a, s, e in valid if s <= left and right <= e]) >= 0
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--features", type=int, default=5300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    use_benchmark_database("huge")
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from cases.models import Case, PhenotypicFeature
    from cases.selectors import evidence_segments
    from tests.factories import UserFactory

    setup_test_environment()
    settings.DEBUG = False
    title = f"Huge report ({args.mb} MB, {args.features} features)"
    huge = Case.objects.filter(report__title=title).first() or make_huge_case(
        megabytes=args.mb, features=args.features
    )
    small = Case.objects.filter(report__title="Ordinary report").first() or make_small_case()
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(username="bench-admin").first() or UserFactory(
        username="bench-admin", is_staff=True, is_superuser=True
    )
    client = Client()
    staff = Client()
    staff.force_login(admin)
    print(
        f"huge case {huge.pk}: {len(huge.report.text):,} characters, "
        f"{PhenotypicFeature.objects.filter(case=huge).count():,} features; ordinary case {small.pk}"
    )
    last_window = len(huge.report.text) // 100_000
    rows = [
        ("case page", "/cases/{}/", client),
        ("case page, last text part", f"/cases/{{}}/?text={last_window}", client),
        ("case page, features page 20", "/cases/{}/?page_features=20", client),
        ("case.csv", "/cases/{}/case.csv", client),
        ("API case detail", "/api/cases/{}/", client),
        ("API similar", "/api/cases/{}/similar/", client),
        ("admin change page", "/admin/cases/case/{}/change/", staff),
    ]
    head = f"{'page':32} {'huge s':>8} {'status':>6} {'bytes':>11} {'queries':>7}"
    print(f"{head} | {'ordinary s':>10} {'bytes':>9}")
    for name, pattern, who in rows:
        with CaptureQueriesContext(connection) as queries:
            seconds, status, size = timed(who, pattern.format(huge.pk), args.repeat)
        base_seconds, _base_status, base_size = timed(
            who, pattern.format(small.pk).replace(f"?text={last_window}", ""), args.repeat
        )
        print(
            f"{name:32} {seconds:8.3f} {status:6} {size:11,} {len(queries) // args.repeat:7} | "
            f"{base_seconds:10.3f} {base_size:9,}"
        )
    text = huge.report.text
    spans = [
        (f"f{i}", start, end)
        for i, (start, end) in enumerate(
            PhenotypicFeature.objects.filter(case=huge).values_list("evidence_start", "evidence_end")
        )
    ]
    started = time.perf_counter()
    evidence_segments(text, spans)
    sweep = time.perf_counter() - started
    started = time.perf_counter()
    naive_segments(text, spans)
    naive = time.perf_counter() - started
    print(
        f"evidence segmentation of the whole text, {len(spans):,} spans: sweep {sweep:.3f} s, "
        f"span-by-run comparison (before) {naive:.3f} s"
    )


if __name__ == "__main__":
    main()
