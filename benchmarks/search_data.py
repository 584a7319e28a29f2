"""bench_search's data: Django pointed at a benchmark database of its own (created, migrated and
given the vocabularies once) and synthetic cases with realistic skew written with COPY (see
bench_search.py for their make-up)."""

from __future__ import annotations

import io
import os
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
