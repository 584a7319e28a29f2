"""The review queue (admin case changelist) at scale: time per page view for common filters.

    .venv/bin/python benchmarks/bench_curation_queue.py [--cases 50000] [--repeat 5]

Uses the synthetic registry of bench_curation_duplicates.py (database `<DB>_curbench`, built when
it holds fewer than --cases cases) and renders the queue through Django's test client as a
superuser, in one process:

  queue     what curators get: no unfiltered COUNT(*) per page, no facet counts
  baseline  the same admin with Django's defaults (full result count, facet counts shown)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_curation_duplicates import _build, _empty, _setup_database


def _time(client, url: str, params: dict, repeat: int) -> float:
    client.get(url, params)  # warm caches and the connection
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, params)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    name = _setup_database()
    print(f"database {name}")
    from django.conf import settings
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.models import Case, PhenotypicFeature, Term

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    if Case.objects.count() < args.cases:
        _empty()
        _build(args.cases, 0, random.Random(20261126))
    total = Case.objects.count()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-curator", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    common = PhenotypicFeature.objects.values("term_id").order_by().annotate(n=Count("id"))
    top = Term.objects.get(pk=max(common, key=lambda row: row["n"])["term_id"])
    url = "/admin/cases/case/"
    views = {
        "unfiltered": {},
        "status=machine": {"status__exact": "machine"},
        "language=en, sex=female": {"language__exact": "en", "sex__exact": "female"},
        f"feature={top.hpo_id} (most common)": {"feature": top.hpo_id},
        "feature=Abnormality of the skin": {"feature": "Abnormality of the skin"},
        "search 'bench'": {"q": "bench"},
    }
    case_admin = admin.site._registry[Case]
    print(f"{total} cases; median of {args.repeat} page views")
    for label, params in views.items():
        ours = _time(client, url, params, args.repeat)
        case_admin.show_full_result_count, case_admin.show_facets = True, admin.ShowFacets.ALWAYS
        try:
            baseline = _time(client, url, params, args.repeat)
        finally:
            case_admin.show_full_result_count, case_admin.show_facets = False, admin.ShowFacets.NEVER
        print(
            f"  {label:<40} queue {ours * 1000:7.0f} ms   baseline {baseline * 1000:7.0f} ms   "
            f"ratio {baseline / ours:4.1f}x"
        )


if __name__ == "__main__":
    main()
