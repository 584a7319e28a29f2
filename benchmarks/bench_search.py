"""Search speed at scale (not a test): faceted queries on the bitmap index vs a naive ORM baseline,
and similar-case ranking.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_search \\
        .venv/bin/python benchmarks/bench_search.py --cases 100000 [--cases 1000000] [--repeat 15]

Loads synthetic cases into a separate database (`--database`, default reg_bench; created and
migrated if missing, vocabularies loaded) with realistic skew: HPO features drawn Zipf-wise from
the phenotype terms (~20 a case, ~10% excluded), ancestor closures precomputed as the service
would, Zipf-distributed agents and diseases, outcome directions, sex, age, language, year and
review status. Cases, reports and their fact rows (features, diagnoses, treatments, outcomes) are
written with COPY. Then, in one process:

- a fixed mix of queries from narrow to broad (~30% of cases matching), each with facet counts,
  through CaseSearch.execute (freshness check, evaluation, ordering, facets): p50/p95 per class;
- the same broad queries by a naive ORM baseline: joins of Case to its facts and one Count query
  per facet, and the speed-up ratio;
- similar-case top-20 (similar_to_features with the profile of a random case): p50/p95, and on
  the same index and queries the ranking alone (`engine`) against the same engine before its
  scoring was rewritten for speed (`engine_previous`: must return the same top 20), the engine
  before cross-validation (`engine_before`, benchmarks/similar_reference.py) and the plain
  IC-overlap baseline (`ic_overlap`), wall clock and this process's CPU time; `--similar-only`
  runs just this part.

Measured on the shared 2-core machine (2026-11-26, other sessions running), ms p50 / p95:

    scale  narrow       medium       broad (27–49%)  ORM baseline broad  similar top-20
    100k   10.1 / 11.5  17.8 / 19.4   2.2 / 3.2      4,474 (1,978x)      28.6 / 34.2
    1M     20.8 / 22.4  25.9 / 28.6  17.7 / 20.4     34,870 (2,002x)    173 / 269

Similar cases, 2026-11-30, load average 9–10 on the 2 cores (a test suite running beside), ms
p50 / p95 over 40 (100k) and 30 (1M) queries:

    scale  similar_to_features  engine       engine_before  ic_overlap baseline  exact top 20
    100k   201 / 306            178 / 241     65 / 110       100 / 180          4/5
    1M     781 / 1,634          731 / 1,131   1,212 / 1,973  1,991 / 3,000      1/5

Similar cases after the scoring rewrite (similar_rank.py: candidates' own positions, general
terms through the candidates lacking them, later stages in one pass), 2026-11-30, load average
14–20 on the 2 cores (several test suites beside), ms, wall p50 / p95 and this process's CPU
p50 / p95, 40 (100k) and 20 (1M) queries, all in the same run:

    scale  ranking              wall p50 / p95   CPU p50 / p95
    100k   similar_to_features  140 / 262         57 / 73
           engine               107 / 208         44 / 56
           engine_previous      215 / 526         78 / 106
           engine_before        100 / 193         41 / 51
           ic_overlap            89 / 128         36 / 45
    1M     similar_to_features  376 / 491        112 / 134
           engine               295 / 390         89 / 127
           engine_previous      831 / 1,204      268 / 359
           engine_before      1,329 / 2,798      409 / 821
           ic_overlap         1,895 / 2,472      558 / 784

The engine returned the same top 20 as engine_previous on every query (40/40, 20/20): 3.1x
faster at p95 at 1M, 6.3x faster than the IC-overlap baseline. On this load the wall clock is
mostly the wait for a core; the CPU time is the engine's own cost. Exactness is unchanged: at
1M the search still stops at 20,000 candidates before the bound proves the top on most of these
synthetic profiles (exact on 1/5 checked queries, as before).

Before that rewrite: at 1M the engine was 2.7x faster than the baseline at p95; it stops at
20,000 candidates, which on these synthetic profiles (Zipf draws that ignore how rare a term
is) often comes before the bound proves the top 20; on real phenopackets the bound always
proves it.

At 1M and 3M cases, 2026-11-30 (`--reuse --similar-only` on the data of bench_scale.py's runs,
under `nice -n 10`, other sessions' suites and benchmarks beside), ms, wall p50 / p95 and this
process's CPU p50 / p95, all in the same run:

    scale  ranking              wall p50 / p95   CPU p50 / p95   load average
    1M     similar_to_features   79 / 127         40 / 59        4.0-4.5 (40 queries)
           engine                58 / 95          32 / 47
           engine_previous      140 / 273         75 / 120
           engine_before        409 / 672        232 / 364
           ic_overlap           486 / 746        262 / 363
    1M     similar_to_features   48 / 74          46 / 71        1.5 (40 queries; 3M build beside)
           engine                38 / 55          37 / 55
           engine_previous       88 / 124         87 / 123
           engine_before        252 / 449        247 / 440
           ic_overlap           308 / 434        301 / 431
    3M     similar_to_features   94 / 208         87 / 189       2.0-3.7 (30 queries)
           engine                74 / 203         67 / 102
           engine_previous      385 / 605        347 / 499
           engine_before      1,087 / 2,308    1,024 / 1,856
           ic_overlap         1,150 / 1,920    1,045 / 1,438

The engine returned the same top 20 as engine_previous on every query (40/40 at 1M, 30/30 at
3M), 3.0x faster at p95 at 3M and 9.5x faster than the IC-overlap baseline; identical to
exhaustive scoring on 0/5 checked queries at both scales (the 20,000-candidate stop, above).
The same 1M run at a load of 7 (a 3M load beside it): similar_to_features 174 / 309 wall,
45 / 65 CPU: the wall clock is the wait for a core.

search_data.py loads the data (numpy per 50k-case chunk, COPY: 3M cases in 1,072 s + 400 s of
index builds at a load of 6-7; 1M took 374 s with the previous per-case loader); this script runs
the queries and prints the figures.
bench_scale.py measures, on the same data, what running at scale needs: the build task and its
snapshot, snapshot loads, the index against the best single SQL statement and the PostgreSQL
fallback, patch rate, memory of several gunicorn workers, and search while a worker ingests.

Index build: 1M cases in 36–45 s (from a snapshot in var/cache/search: 0.3 s); COPY load of 1M
cases with 22M fact rows ~2 min.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # search_data.py beside this script

from search_data import ensure_database, load_synthetic, setup_django  # noqa: E402

# --- queries -------------------------------------------------------------------------------------


def pick_queries(rng: np.random.Generator) -> dict[str, list[dict]]:
    """Query mix by class, chosen from the actual term frequencies of the loaded data."""
    from cases.models import Case
    from cases.search.index import get_index
    from cases.search.vocabulary import get_vocabulary

    index = get_index()
    vocabulary = get_vocabulary()
    n = len(index.all)
    by_share = sorted(
        (
            (len(bitmap) / n, term_id)
            for term_id, bitmap in index.term.items()
            if vocabulary.term_phenotype.get(term_id)
        ),
    )

    def terms_near(share: float, count: int) -> list[str]:
        ranked = sorted(by_share, key=lambda item: abs(item[0] - share))[: count * 3]
        chosen = [vocabulary.terms[t].code for _, t in ranked]
        return list(dict.fromkeys(chosen))[:count]

    narrow = terms_near(0.002, 5)
    medium = terms_near(0.03, 5)
    broad = terms_near(0.30, 5)
    common_agent = next(
        vocabulary.agents[a].code
        for a, _ in sorted(((a, len(b)) for a, b in index.agent.items()), key=lambda item: -item[1])
    )
    del Case  # imported for the side effect of app loading only
    return {
        "narrow": [{"q": f"hpo:{t} + sex:female"} for t in narrow]
        + [{"q": f"hpo:{narrow[0]} | hpo:{narrow[1]}", "lang": "zh"}],
        "medium": [{"q": f"hpo:{t} age:20-60"} for t in medium]
        + [{"q": f"hpo:{medium[0]} -hpo:{medium[1]}"}],
        "broad": [{"q": f"hpo:{t}"} for t in broad]
        + [{"q": f"hpo:{broad[0]} | hpo:{broad[1]}", "sort": "-year"}, {"q": f"drug:{common_agent}"}],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_case_search(queries: dict[str, list[dict]], repeat: int) -> dict[str, dict]:
    from django.contrib.auth.models import AnonymousUser

    from cases.search import CaseSearch
    from cases.search.counting import _facet_cache

    user = AnonymousUser()
    results = {}
    for name, mix in queries.items():
        timings, totals = [], []
        for _ in range(repeat):
            for params in mix:
                # Every repetition counts its facets afresh: these figures are for unseen queries,
                # not for the remembered facets a repeated query gets.
                _facet_cache.clear()
                started = time.perf_counter()
                result = CaseSearch(params).execute(user=user, limit=20, facets=True)
                timings.append((time.perf_counter() - started) * 1000)
                totals.append(result.total)
        results[name] = {
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "matching": (min(totals), max(totals)),
        }
    return results


def naive_orm(params: dict) -> tuple[int, list[int], dict]:
    """What one would write without the index: joins through the facts and a Count per facet."""
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count

    from cases.models import Case, Diagnosis, Outcome, PhenotypicFeature, Treatment

    q = params["q"]
    cases = Case.objects.visible_to(AnonymousUser())
    if q.startswith("hpo:"):
        codes = [part.strip().removeprefix("hpo:") for part in q.split("|")]
        matching = PhenotypicFeature.objects.filter(
            excluded=False, rejected=False, term__ancestor_ids__overlap=[int(c[3:]) for c in codes]
        ).values("case_id")
        cases = cases.filter(id__in=matching)
    elif q.startswith("drug:"):
        cases = cases.filter(treatments__agent__name=q[5:], treatments__rejected=False).distinct()
    total = cases.count()
    page = list(cases.order_by("-year", "-id").values_list("id", flat=True)[:20])
    ids = cases.values("id")
    facets = {
        "sex": list(cases.values("sex").annotate(n=Count("id"))),
        "language": list(cases.values("language").annotate(n=Count("id"))),
        "year": list(cases.values("year").annotate(n=Count("id"))),
        "age": list(cases.values("age_years").annotate(n=Count("id"))),
        "features": list(
            PhenotypicFeature.objects.filter(case_id__in=ids, excluded=False, rejected=False)
            .values("term_id")
            .annotate(n=Count("case_id", distinct=True))
            .order_by("-n")[:15]
        ),
        "diagnoses": list(
            Diagnosis.objects.filter(case_id__in=ids, rejected=False)
            .values("disease_id")
            .annotate(n=Count("case_id", distinct=True))
            .order_by("-n")[:15]
        ),
        "treatments": list(
            Treatment.objects.filter(case_id__in=ids, rejected=False)
            .values("agent_id")
            .annotate(n=Count("case_id", distinct=True))
            .order_by("-n")[:15]
        ),
        "outcomes": list(
            Outcome.objects.filter(case_id__in=ids, rejected=False)
            .values("direction")
            .annotate(n=Count("case_id", distinct=True))
        ),
    }
    return total, page, facets


def run_baseline(queries: list[dict], repeat: int) -> dict:
    timings = []
    for _ in range(repeat):
        for params in queries:
            started = time.perf_counter()
            naive_orm(params)
            timings.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95)}


def run_similarity(rng: np.random.Generator, count: int, exact_checks: int = 5) -> dict:
    """Similar-case top-20 for the profiles of random cases: the whole similar_to_features call
    (ranking, explanations, profiles from the database), and, on the same index and queries, the
    ranking alone against the engine before (benchmarks/similar_reference.py) and the plain
    IC-overlap baseline. The first `exact_checks` queries are also scored exhaustively to show
    that pruning returns the same top 20."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from benchmarks.similar_reference import before_top_cases, ic_overlap_top_cases, previous_top_cases
    from cases.search import similar_to_features
    from cases.search.index import get_index
    from cases.search.ontology import get_ontology
    from cases.search.similar_query import resolve_features
    from cases.search.similar_rank import _best, score_parts, top_cases
    from cases.search.similarity import _ranking_view

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cases_case")
        top = cursor.fetchone()[0]
        queries = []
        for case_id in rng.integers(1, top + 1, size=count).tolist():
            cursor.execute(
                "SELECT t.hpo_id, NOT f.excluded FROM cases_phenotypicfeature f"
                " JOIN cases_term t ON t.id = f.term_id WHERE f.case_id = %s",
                [case_id],
            )
            queries.append(cursor.fetchall())
    user = AnonymousUser()
    similar_to_features(features=queries[0], limit=20, user=user)  # warm the derived structures
    ontology, index = get_ontology(), get_index()
    with index.lock:
        engine_ontology, view = _ranking_view(index, ontology)
    pool = index.visible(user)
    profiles = [resolve_features(features, ontology.ancestors)[0] for features in queries]
    rankings = {
        "engine": lambda q: top_cases(engine_ontology, view, q, pool, limit=20),
        "engine_previous": lambda q: previous_top_cases(engine_ontology, view, q, pool, limit=20),
        "engine_before": lambda q: before_top_cases(ontology, index, q, pool, limit=20),
        "ic_overlap": lambda q: ic_overlap_top_cases(ontology, index, q, pool, limit=20),
    }
    timings: dict[str, list[float]] = {"similar_to_features": [], **{name: [] for name in rankings}}
    # CPU time of this process beside the wall clock: on a shared machine the wall clock mostly
    # measures the wait for a core (the database's share of similar_to_features is not in it)
    cpu: dict[str, list[float]] = {name: [] for name in timings}
    same_as_previous = 0
    for features, profile in zip(queries, profiles, strict=True):
        started, started_cpu = time.perf_counter(), time.process_time()
        hits = similar_to_features(features=features, limit=20, user=user)
        timings["similar_to_features"].append((time.perf_counter() - started) * 1000)
        cpu["similar_to_features"].append((time.process_time() - started_cpu) * 1000)
        assert len(hits) == 20
        found = {}
        for name, ranking in rankings.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            found[name] = ranking(profile)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
        same_as_previous += [c for c, _ in found["engine"]] == [c for c, _ in found["engine_previous"]]
    exact = 0
    for profile in profiles[:exact_checks]:
        parts = score_parts(engine_ontology, view, profile, pool)
        exact += _best(parts.ids, parts.scores(), 20) == top_cases(
            engine_ontology, view, profile, pool, limit=20
        )
    return {
        "queries": count,
        "exact": f"{exact}/{min(exact_checks, count)}",
        "same_as_previous": f"{same_as_previous}/{count}",
        "timings": {
            name: (
                statistics.median(values),
                percentile(values, 0.95),
                statistics.median(cpu[name]),
                percentile(cpu[name], 0.95),
            )
            for name, values in timings.items()
        },
    }


def load_average() -> str:
    """Printed beside every figure: the machine is shared, and on 2 cores a load of 4 doubles any
    wall-clock time (the CPU columns are this process's own time)."""
    return "load average " + " / ".join(f"{value:.1f}" for value in os.getloadavg())


def print_similarity(similar: dict) -> None:
    print(f"similar cases top-20 ({similar['queries']} queries), ms ({load_average()} at the end):")
    print(f"  {'':<20} {'wall p50':>8} {'p95':>8} {'cpu p50':>8} {'p95':>8}")
    for name, (p50, p95, cpu50, cpu95) in similar["timings"].items():
        print(f"  {name:<20} {p50:8.1f} {p95:8.1f} {cpu50:8.1f} {cpu95:8.1f}")
    engine, baseline = similar["timings"]["engine"], similar["timings"]["ic_overlap"]
    previous = similar["timings"]["engine_previous"]
    print(
        f"  engine vs plain IC-overlap baseline: {baseline[1] / engine[1]:.1f}x at p95;"
        f" vs the previous engine {previous[1] / engine[1]:.1f}x (same top 20 on"
        f" {similar['same_as_previous']} queries); pruned top 20 identical to exhaustive scoring on"
        f" {similar['exact']} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Search benchmark")
    parser.add_argument("--cases", type=int, action="append", help="scale(s); default 100000")
    parser.add_argument("--database", default="reg_bench")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline-repeat", type=int, default=2)
    parser.add_argument("--baseline-queries", type=int, default=0, help="how many broad queries (0: all)")
    parser.add_argument("--similar", type=int, default=40, help="similar-case queries (0 to skip)")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded data when the count matches")
    parser.add_argument("--similar-only", action="store_true", help="skip the faceted-search part")
    args = parser.parse_args()
    scales = args.cases or [100_000]
    setup_django(args.database)
    ensure_database(args.database)

    from cases.models import Case
    from cases.search.index import drop_index, get_index

    for n_cases in scales:
        print(f"\n=== {n_cases:,} cases (database {args.database}) ===", flush=True)
        # Reused when the count is within 1% of it: bench_scale's ingest part adds a few cases
        if args.reuse and abs(Case.objects.count() - n_cases) <= n_cases // 100:
            print("reusing the loaded cases")
        else:
            timing = load_synthetic(n_cases)
            print(
                f"loaded with COPY in {timing['load_s']:.1f} s, indexes rebuilt in {timing['index_s']:.1f} s",
                flush=True,
            )
        drop_index()
        started = time.perf_counter()
        index = get_index(build=True)  # this process builds (web processes load the snapshot)
        print(
            f"bitmap index built (or loaded from a published snapshot) in"
            f" {time.perf_counter() - started:.1f} s ({len(index.all):,} cases; {load_average()})",
            flush=True,
        )
        rng = np.random.default_rng(11)
        if args.similar_only:
            print_similarity(run_similarity(rng, args.similar or 40))
            continue
        queries = pick_queries(rng)
        run_case_search(queries, 1)  # warm-up
        results = run_case_search(queries, args.repeat)
        print(f"{'class':<8} {'p50 ms':>8} {'p95 ms':>8}   matching cases ({load_average()} at the end)")
        for name, row in results.items():
            low, high = row["matching"]
            print(
                f"{name:<8} {row['p50']:8.1f} {row['p95']:8.1f}   {low:,}–{high:,} ({high / n_cases:.0%} max)"
            )
        broad_simple = [params for params in queries["broad"] if params["q"].startswith(("hpo:", "drug:"))]
        if args.baseline_queries:
            broad_simple = broad_simple[: args.baseline_queries]
        if not args.baseline_repeat:
            print("naive ORM baseline skipped (--baseline-repeat 0)")
            broad_simple = []
        if not broad_simple:
            if args.similar:
                print_similarity(run_similarity(rng, args.similar))
            continue
        baseline = run_baseline(broad_simple, args.baseline_repeat)
        ours = run_case_search({"broad": broad_simple}, args.repeat)["broad"]
        print(
            f"broad, naive ORM (joins + one Count per facet): p50 {baseline['p50']:.0f} ms,"
            f" p95 {baseline['p95']:.0f} ms;"
            f" bitmap index p50 {ours['p50']:.1f} ms -> {baseline['p50'] / ours['p50']:.0f}x faster at p50",
            flush=True,
        )
        if args.similar:
            print_similarity(run_similarity(rng, args.similar))


if __name__ == "__main__":
    main()
