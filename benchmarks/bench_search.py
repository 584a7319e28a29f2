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
- similar-case top-20 (similar_to_features with the profile of a random case): p50/p95.

Measured on the shared 2-core machine (2026-11-26, other sessions running), ms p50 / p95:

    scale  narrow       medium       broad (27–49%)  ORM baseline broad  similar top-20
    100k   10.1 / 11.5  17.8 / 19.4   2.2 / 3.2      4,474 (1,978x)      28.6 / 34.2
    1M     20.8 / 22.4  25.9 / 28.6  17.7 / 20.4     34,870 (2,002x)    173 / 269

Index build: 1M cases in 36–45 s (from a snapshot in var/cache/search: 0.3 s); COPY load of 1M
cases with 22M fact rows ~2 min.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def setup_django(database: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_NAME"] = database
    import django

    django.setup()


def ensure_database(database: str) -> None:
    """Create and migrate the benchmark database, with vocabularies, once."""
    import psycopg
    from django.conf import settings

    params = dict(settings.DATABASES["default"])
    admin = psycopg.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cases.models import Term

    if not Term.objects.exists():
        from ingest.vocabularies import vocabularies_load

        vocabularies_load()


# --- synthetic data ------------------------------------------------------------------------------


def zipf_choice(rng: np.random.Generator, n_values: int, size: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_values + 1) ** exponent
    return rng.choice(n_values, size=size, p=weights / weights.sum())


def required_columns(cursor, table: str, given: set[str]) -> list[tuple[str, str]]:
    """NOT NULL columns without a default that the loader does not set (added by others)."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    return [(name, kind) for name, kind in cursor.fetchall() if name not in given]


FILLERS = {
    "boolean": "f",
    "jsonb": "{}",
    "json": "{}",
    "timestamp with time zone": "2026-01-01 00:00:00+00",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "double precision": "0",
}


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    extra = required_columns(cursor, table, set(columns))
    names = columns + [name for name, _ in extra]
    fill = [FILLERS.get(kind, "") for _, kind in extra]
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for count, row in enumerate(rows, start=1):
            buffer.write("\t".join([*row, *fill]))
            buffer.write("\n")
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def pg_array(values) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


def load_synthetic(n_cases: int, seed: int = 7) -> dict:
    """Replace the benchmark database's cases with `n_cases` synthetic ones."""
    from django.db import connection

    from cases.models import Agent, Disease, Term

    rng = np.random.default_rng(seed)
    terms = list(
        Term.objects.filter(is_phenotype=True, information_content__gt=1.0)
        .order_by("id")
        .values_list("id", "ancestor_ids")
    )
    order = rng.permutation(len(terms))
    term_ids = np.array([terms[i][0] for i in order])
    ancestors = {terms[i][0]: terms[i][1] for i in order}
    agent_ids = np.array(list(Agent.objects.order_by("id").values_list("id", flat=True)))[
        rng.permutation(Agent.objects.count())
    ][:600]
    disease_ids = np.array(list(Disease.objects.order_by("id").values_list("id", flat=True)))[
        rng.permutation(Disease.objects.count())
    ][:3000]
    started = time.perf_counter()

    n_features = np.clip(rng.poisson(20, n_cases), 5, 40)
    feature_draws = term_ids[zipf_choice(rng, len(term_ids), int(n_features.sum()), 1.05)]
    n_agents = np.clip(rng.poisson(1.8, n_cases), 0, 6)
    agent_draws = agent_ids[zipf_choice(rng, len(agent_ids), int(n_agents.sum()), 1.1)]
    disease_draws = disease_ids[zipf_choice(rng, len(disease_ids), n_cases, 1.0)]
    has_disease = rng.random(n_cases) < 0.8
    directions = np.array(["improved", "resolved", "stable", "worsened", "recurred", "died"])
    codes = {"improved": 1, "resolved": 2, "stable": 3, "worsened": 4, "recurred": 5, "died": 6}
    n_outcomes = rng.choice([0, 1, 2], size=n_cases, p=[0.25, 0.55, 0.2])
    outcome_draws = directions[
        rng.choice(6, size=int(n_outcomes.sum()), p=[0.5, 0.15, 0.15, 0.1, 0.05, 0.05])
    ]
    sexes = rng.choice(["female", "male", "unknown"], size=n_cases, p=[0.55, 0.43, 0.02])
    ages = np.round(rng.gamma(2.2, 17, n_cases).clip(0, 100), 1)
    age_known = rng.random(n_cases) > 0.1
    languages = rng.choice(["en", "zh", "ja"], size=n_cases, p=[0.78, 0.2, 0.02])
    years = (2025 - rng.exponential(9, n_cases)).clip(1975, 2025).astype(int)
    statuses = rng.choice(
        ["machine", "in_review", "curated", "published", "rejected"],
        size=n_cases,
        p=[0.6, 0.1, 0.15, 0.1, 0.05],
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_phenotypicfeature, cases_diagnosis, cases_measurement, cases_treatment,"
            " cases_outcome, cases_case, cases_report, cases_search_deleted RESTART IDENTITY CASCADE"
        )
        # Bulk load: no per-row triggers or FK checks, indexes rebuilt afterwards
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('cases_case', 'cases_report',"
            " 'cases_phenotypicfeature', 'cases_treatment', 'cases_outcome', 'cases_diagnosis')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = indexname)"
        )
        dropped = cursor.fetchall()
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

        copy_rows(
            cursor,
            "cases_report",
            ["id", "raw", "content_hash", "format", "language", "year", "title", "parse_status"],
            (
                (
                    str(i + 1),
                    "\\\\x",
                    f"{i + 1:064x}",
                    "text",
                    languages[i],
                    str(years[i]),
                    f"Synthetic report {i + 1}",
                    "parsed",
                )
                for i in range(n_cases)
            ),
        )

        features_rows = []
        feature_end = np.cumsum(n_features)
        agent_end = np.cumsum(n_agents)
        outcome_end = np.cumsum(n_outcomes)

        def case_rows():
            for i in range(n_cases):
                drawn = feature_draws[feature_end[i] - n_features[i] : feature_end[i]]
                unique = list(dict.fromkeys(drawn.tolist()))
                n_excluded = len(unique) // 10
                excluded = set(unique[:n_excluded])
                present = unique[n_excluded:]
                closure: set[int] = set()
                for term in present:
                    closure.update(ancestors[term])
                excluded -= closure
                features_rows.append((i + 1, present, excluded))
                agents = sorted(set(agent_draws[agent_end[i] - n_agents[i] : agent_end[i]].tolist()))
                outcomes = sorted(
                    {codes[d] for d in outcome_draws[outcome_end[i] - n_outcomes[i] : outcome_end[i]]}
                )
                yield (
                    str(i + 1),
                    str(i + 1),
                    "1",
                    sexes[i],
                    f"{ages[i]:g}" if age_known[i] else "\\N",
                    statuses[i],
                    pg_array(sorted(closure)),
                    pg_array(sorted(excluded)),
                    pg_array([disease_draws[i]] if has_disease[i] else []),
                    pg_array(agents),
                    pg_array(outcomes),
                    languages[i],
                    str(years[i]),
                    "",
                    "",
                    "",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                )

        copy_rows(
            cursor,
            "cases_case",
            [
                "id", "report_id", "ordinal", "sex", "age_years", "status", "term_ids", "excluded_term_ids",
                "disease_ids", "agent_ids", "outcome_codes", "language", "year", "label", "age_text",
                "country", "created_at", "updated_at",
            ],
            case_rows(),
        )  # fmt: skip
        fact = [
            "provenance",
            "locked",
            "rejected",
            "evidence_text",
            "parser_version",
            "rejected_reason",
            "updated_at",
        ]
        fact_values = ["machine", "f", "f", "", "", "", "2026-01-01 00:00:00+00"]
        copy_rows(
            cursor,
            "cases_phenotypicfeature",
            ["case_id", "term_id", "excluded", "label", "onset", "severity", *fact],
            (
                (str(case_id), str(term), "t" if term in excluded else "f", "", "", "", *fact_values)
                for case_id, present, excluded in features_rows
                for term in [*present, *sorted(excluded)]
            ),
        )
        copy_rows(
            cursor,
            "cases_diagnosis",
            ["case_id", "disease_id", "label", "status", *fact],
            (
                (str(i + 1), str(disease_draws[i]), "", "final", *fact_values)
                for i in range(n_cases)
                if has_disease[i]
            ),
        )
        copy_rows(
            cursor,
            "cases_treatment",
            ["case_id", "agent_id", "agent_name", "dose_unit", "route", "frequency", "duration", "started",
             "stopped", "stopped_because", "adverse_events", "dose_changes", *fact],
            (
                (str(i + 1), str(agent), "", "", "", "", "", "", "", "", "", "[]", *fact_values)
                for i in range(n_cases)
                for agent in set(agent_draws[agent_end[i] - n_agents[i] : agent_end[i]].tolist())
            ),
        )  # fmt: skip
        copy_rows(
            cursor,
            "cases_outcome",
            ["case_id", "about", "direction", "series", "follow_up", *fact],
            (
                (str(i + 1), "", direction, "[]", "", *fact_values)
                for i in range(n_cases)
                for direction in sorted(
                    set(outcome_draws[outcome_end[i] - n_outcomes[i] : outcome_end[i]].tolist())
                )
            ),
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        # The load went around the change triggers: tell every search index to rebuild
        cursor.execute("INSERT INTO cases_search_deleted (case_id) VALUES (-1)")
        loaded = time.perf_counter() - started
        for _, definition in dropped:
            cursor.execute(definition)
        for table in (
            "cases_report",
            "cases_case",
            "cases_phenotypicfeature",
            "cases_diagnosis",
            "cases_treatment",
            "cases_outcome",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return {"load_s": loaded, "index_s": time.perf_counter() - started - loaded}


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


def run_similarity(rng: np.random.Generator, count: int) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from cases.search import similar_to_features

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
    timings = []
    user = AnonymousUser()
    similar_to_features(features=queries[0], limit=20, user=user)  # warm the derived structures
    for features in queries:
        started = time.perf_counter()
        hits = similar_to_features(features=features, limit=20, user=user)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(hits) == 20
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95), "queries": count}


def main() -> None:
    parser = argparse.ArgumentParser(description="Search benchmark")
    parser.add_argument("--cases", type=int, action="append", help="scale(s); default 100000")
    parser.add_argument("--database", default="reg_bench")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline-repeat", type=int, default=2)
    parser.add_argument("--baseline-queries", type=int, default=0, help="how many broad queries (0: all)")
    parser.add_argument("--similar", type=int, default=40, help="similar-case queries (0 to skip)")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded data when the count matches")
    args = parser.parse_args()
    scales = args.cases or [100_000]
    setup_django(args.database)
    ensure_database(args.database)

    from cases.models import Case
    from cases.search.index import drop_index, get_index

    for n_cases in scales:
        print(f"\n=== {n_cases:,} cases (database {args.database}) ===", flush=True)
        if args.reuse and Case.objects.count() == n_cases:
            print("reusing the loaded cases")
        else:
            timing = load_synthetic(n_cases)
            print(
                f"loaded with COPY in {timing['load_s']:.1f} s, indexes rebuilt in {timing['index_s']:.1f} s",
                flush=True,
            )
        drop_index()
        started = time.perf_counter()
        index = get_index()
        print(
            f"bitmap index built in {time.perf_counter() - started:.1f} s ({len(index.all):,} cases)",
            flush=True,
        )
        rng = np.random.default_rng(11)
        queries = pick_queries(rng)
        run_case_search(queries, 1)  # warm-up
        results = run_case_search(queries, args.repeat)
        print(f"{'class':<8} {'p50 ms':>8} {'p95 ms':>8}   matching cases")
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
                similar = run_similarity(rng, args.similar)
                print(f"similar cases top-20: p50 {similar['p50']:.1f} ms, p95 {similar['p95']:.1f} ms")
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
            similar = run_similarity(rng, args.similar)
            print(
                f"similar cases top-20: p50 {similar['p50']:.1f} ms, p95 {similar['p95']:.1f} ms"
                f" ({similar['queries']} queries)"
            )


if __name__ == "__main__":
    main()
