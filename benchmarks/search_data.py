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
    "ARRAY": "{}",  # array columns declared since (gene_ids, …): empty
}


def filler(table: str, column: str, kind: str) -> str:
    """COPY text for a column the loader does not set: the model field's default when it has one
    (`mentions` defaults to a list, which relevance.py measures with jsonb_array_length), else an
    empty value of the column's type."""
    import json

    from django.apps import apps

    for model in apps.get_models():
        if model._meta.db_table != table:
            continue
        for field in model._meta.concrete_fields:
            if field.column == column and field.has_default():
                value = field.get_default()
                if kind in ("jsonb", "json"):
                    return json.dumps(value)
                if isinstance(value, bool):
                    return "t" if value else "f"
                if kind == "ARRAY":
                    return "{" + ",".join(str(v) for v in value) + "}"
                return str(value)
    return FILLERS.get(kind, "")


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    extra = required_columns(cursor, table, set(columns))
    names = columns + [name for name, _ in extra]
    fill = [filler(table, name, kind) for name, kind in extra]
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for count, row in enumerate(rows, start=1):
            buffer.write("\t".join([*row, *fill]))
            buffer.write("\n")
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def copy_blocks(cursor, table: str, columns: list[str], blocks) -> None:
    """COPY from text blocks that `blocks(suffix)` yields, each line ending with `suffix` (the
    tab-separated fillers of the NOT NULL columns the loader does not set): the caller formats
    tens of thousands of lines at once instead of a tuple per row."""
    extra = required_columns(cursor, table, set(columns))
    names = columns + [name for name, _ in extra]
    suffix = "".join("\t" + filler(table, name, kind) for name, kind in extra)
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for block in blocks(suffix):
            copy.write(block)


def pg_array(values) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


# Cases whose features are drawn up at once (numpy arrays of ~20 features and ~200 closure
# entries each): bounds the generator's memory whatever the scale.
GENERATE_CHUNK = 50_000


class _Closures:
    """Each case's features split into present and excluded, the closure of the present ones
    and the excluded ones outside it, for a chunk of cases at a time with numpy (sorts of packed
    keys instead of Python sets: ~20x faster, which makes 3M cases a few minutes' work).

    The same as, per case: unique = the drawn features in the order first drawn; the first
    len(unique) // 10 excluded, the rest present; closure = ∪ ancestors(present);
    excluded -= closure."""

    def __init__(self, ancestors: dict[int, list[int]], draws: np.ndarray, n_features: np.ndarray) -> None:
        self.term_of = np.array(sorted(ancestors), dtype=np.int64)  # dense index -> term id
        self.dense = {term: k for k, term in enumerate(self.term_of.tolist())}
        lengths = np.array([len(ancestors[t]) for t in self.term_of.tolist()], dtype=np.int64)
        self.anc_len = lengths
        self.anc_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        flat = np.array([a for t in self.term_of.tolist() for a in ancestors[t]], dtype=np.int64)
        # Closure keys pack (case, rank of the term id among every id that can occur), so that
        # sorted keys are sorted term ids and each id's text is formatted once (`name`), not once
        # per case: the closures are ~200 ids a case, 600M at 3M cases.
        values = np.sort(np.concatenate((self.term_of, flat)))
        self.value_of = values[np.concatenate(([True], values[1:] != values[:-1]))]
        self.name = np.array([str(v) for v in self.value_of.tolist()], dtype=object)
        self.anc_flat = np.searchsorted(self.value_of, flat)
        self.rank_of_term = np.searchsorted(self.value_of, self.term_of)
        lookup = np.full(int(self.term_of.max()) + 1, -1, dtype=np.int64)
        lookup[self.term_of] = np.arange(len(self.term_of))
        self.lookup = lookup
        self.draws = draws
        self.n_features = n_features
        self.end = np.cumsum(n_features)
        self.width = len(self.value_of)  # packs (case, term rank)

    def chunk(self, first: int, stop: int) -> dict:
        """Cases first..stop-1 (0-based): closure and excluded as sorted (case, term) keys, and the
        fact rows (case index, term id, excluded) in the loader's order: present ones as drawn,
        then the excluded ones sorted."""
        n_terms, width = len(self.term_of), self.width
        low, high = int(self.end[first] - self.n_features[first]), int(self.end[stop - 1])
        dense = self.lookup[self.draws[low:high]]
        owner = np.repeat(np.arange(first, stop, dtype=np.int64), self.n_features[first:stop])
        # First draw of each (case, term), in draw order: a stable sort groups equal keys with the
        # earliest first. (np.unique's hash path costs ~50x more on these arrays in numpy 2.)
        drawn = owner * n_terms + dense
        by_key = np.argsort(drawn, kind="stable")
        ordered = drawn[by_key]
        first_of_key = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        kept = np.sort(by_key[first_of_key])
        case, term = drawn[kept] // n_terms, drawn[kept] % n_terms
        per_case = np.bincount(case - first, minlength=stop - first)
        starts = np.concatenate(([0], np.cumsum(per_case)[:-1]))
        rank = np.arange(len(case)) - np.repeat(starts, per_case)
        excluded = rank < np.repeat(per_case // 10, per_case)
        present_case, present_term = case[~excluded], term[~excluded]
        counts = self.anc_len[present_term]
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        values = self.anc_flat[np.repeat(self.anc_start[present_term], counts) + offsets]
        closure = np.sort(np.repeat(present_case, counts) * width + values)
        closure = closure[np.concatenate(([True], closure[1:] != closure[:-1]))]
        excluded_keys = np.sort(case[excluded] * width + self.rank_of_term[term[excluded]])
        at = np.minimum(np.searchsorted(closure, excluded_keys), len(closure) - 1)
        excluded_keys = excluded_keys[closure[at] != excluded_keys]  # those outside the closure
        # Fact rows: per case its present terms as drawn, then its excluded ones in order
        fact_case = np.concatenate((present_case, excluded_keys // width))
        fact_term = np.concatenate((self.term_of[present_term], self.value_of[excluded_keys % width]))
        fact_excluded = np.concatenate((np.zeros(len(present_case), bool), np.ones(len(excluded_keys), bool)))
        fact_order = np.argsort(fact_case, kind="stable")
        return {
            "closure": closure,
            "excluded": excluded_keys,
            "facts": (
                fact_case[fact_order].astype(np.int32),
                fact_term[fact_order].astype(np.int32),
                fact_excluded[fact_order],
            ),
        }

    def arrays_text(self, keys: np.ndarray, first: int, stop: int) -> list[str]:
        """PostgreSQL array literals of the (case, term) keys of each case first..stop-1."""
        width = self.width
        bounds = np.searchsorted(keys // width, np.arange(first, stop + 1)).tolist()
        text = self.name[keys % width].tolist()
        return ["{" + ",".join(text[bounds[k] : bounds[k + 1]]) + "}" for k in range(stop - first)]


def load_synthetic(n_cases: int, seed: int = 7) -> dict:
    """Replace the benchmark database's cases with `n_cases` synthetic ones."""
    from django.db import connection, transaction

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

    # One transaction: a load that fails half-way (a column added since, a full disk) rolls back
    # the dropped indexes with the rest, instead of leaving the benchmark database without them.
    with transaction.atomic(), connection.cursor() as cursor:
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

        closures = _Closures(ancestors, feature_draws, n_features)
        facts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        agent_end = np.cumsum(n_agents)
        outcome_end = np.cumsum(n_outcomes)

        def case_rows():
            for first in range(0, n_cases, GENERATE_CHUNK):
                stop = min(first + GENERATE_CHUNK, n_cases)
                chunk = closures.chunk(first, stop)
                facts.append(chunk["facts"])
                closure_text = closures.arrays_text(chunk["closure"], first, stop)
                excluded_text = closures.arrays_text(chunk["excluded"], first, stop)
                for i in range(first, stop):
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
                        closure_text[i - first],
                        excluded_text[i - first],
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

        def feature_blocks(suffix: str):
            tail = "\t\t\t\t" + "\t".join(fact_values) + suffix + "\n"
            flag = ("\tf" + tail, "\tt" + tail)
            while facts:
                cases, terms, excluded = facts.pop(0)  # freed as written
                yield "".join(
                    [
                        f"{case + 1}\t{term}{flag[x]}"
                        for case, term, x in zip(
                            cases.tolist(), terms.tolist(), excluded.tolist(), strict=True
                        )
                    ]
                )

        copy_blocks(
            cursor,
            "cases_phenotypicfeature",
            ["case_id", "term_id", "excluded", "label", "onset", "severity", *fact],
            feature_blocks,
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
        # GIN and b-tree builds sort in memory up to this much instead of spilling to disk (the
        # GIN index on term_ids at 3M cases holds ~250M entries): several times faster.
        cursor.execute("SET maintenance_work_mem = '1GB'")
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
