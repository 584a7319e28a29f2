"""bench_api's data: Django pointed at the benchmark database, synthetic cases written with COPY
(see bench_api.py for their make-up) and the mix of queries the runs rotate through."""

from __future__ import annotations

import hashlib
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO_DIR = Path(__file__).resolve().parents[1]
SEED = 20261126


# --- Django in this process, pointed at the benchmark database ----------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# --- Synthetic data, written with COPY -----------------------------------------------------------


def _copy(model, rows: list[dict]) -> None:
    """COPY rows into the model's table; columns a row leaves out get the field's default."""
    from django.db import connection
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    if not rows:
        return
    now = timezone.now()
    # The identity column fills ids the rows do not give.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            # "" for blank text fields, the declared default otherwise, None when nullable
            defaults[f.attname] = f.get_default()
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row.get(f.attname, defaults[f.attname])
                    if f.attname in json_fields:
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)


def load_synthetic(count: int) -> None:
    from django.db import connection, transaction

    from cases.models import (
        OUTCOME_CODES,
        Agent,
        Case,
        Diagnosis,
        Disease,
        Outcome,
        PhenotypicFeature,
        Report,
        Term,
        Treatment,
    )

    rng = random.Random(SEED)
    started = time.perf_counter()
    terms = list(
        Term.objects.filter(is_phenotype=True, information_content__gte=2.0).values_list(
            "id", "ancestor_ids", "information_content"
        )
    )
    rng.shuffle(terms)
    terms = terms[:3000]
    term_ancestors = {term_id: set(ancestors) | {term_id} for term_id, ancestors, _ in terms}
    term_weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(terms))]
    term_ids = [term_id for term_id, _, _ in terms]
    diseases = list(Disease.objects.values_list("id", flat=True))
    rng.shuffle(diseases)
    diseases = diseases[:2000]
    disease_weights = [1.0 / (rank + 1) for rank in range(len(diseases))]
    agents = list(Agent.objects.values_list("id", "name"))
    rng.shuffle(agents)
    agents = agents[:400]
    agent_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(agents))]
    directions = list(OUTCOME_CODES)
    statuses = ["machine"] * 60 + ["curated"] * 25 + ["published"] * 10 + ["in_review"] * 4 + ["rejected"]

    first_report = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_case = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    reports, cases, features, diagnoses, treatments, outcomes = [], [], [], [], [], []
    for index in range(count):
        report_id, case_id = first_report + index, first_case + index
        language = "zh" if rng.random() < 0.3 else "en"
        year = rng.randint(1990, 2025)
        text = f"Synthetic case report {case_id} ({language}, {year}) for the API benchmark."
        raw = text.encode()
        reports.append(
            {
                "id": report_id,
                "raw": raw,
                "content_hash": hashlib.sha256(raw).hexdigest(),
                "filename": f"synthetic-{case_id}.txt",
                "format": "text",
                "encoding": "utf-8",
                "text": text,
                "language": language,
                "title": f"Synthetic case {case_id}",
                "journal": "Journal of Synthetic Cases",
                "year": year,
                "pmid": str(30_000_000 + case_id),
                "parse_status": "parsed",
            }
        )
        chosen = set(rng.choices(term_ids, weights=term_weights, k=rng.randint(3, 12)))
        excluded = {term for term in chosen if rng.random() < 0.1}
        present = chosen - excluded
        closure: set[int] = set()
        for term in present:
            closure |= term_ancestors[term]
        for term in sorted(chosen):
            features.append({"case_id": case_id, "term_id": term, "excluded": term in excluded})
        case_diseases = set(rng.choices(diseases, weights=disease_weights, k=rng.randint(1, 2)))
        for disease in case_diseases:
            diagnoses.append({"case_id": case_id, "disease_id": disease, "status": "final"})
        case_agents = set(rng.choices(range(len(agents)), weights=agent_weights, k=rng.randint(0, 4)))
        for agent_index in case_agents:
            agent_id, name = agents[agent_index]
            treatments.append(
                {
                    "case_id": case_id,
                    "agent_id": agent_id,
                    "agent_name": name,
                    "dose": 10.0,
                    "dose_unit": "mg",
                }
            )
        case_directions = set(rng.choices(directions, k=rng.randint(0, 2)))
        for direction in case_directions:
            outcomes.append({"case_id": case_id, "about": "disease course", "direction": direction})
        cases.append(
            {
                "id": case_id,
                "report_id": report_id,
                "ordinal": 1,
                "label": f"Case {case_id}",
                "sex": rng.choices(["female", "male", "unknown"], weights=[55, 43, 2])[0],
                "age_years": float(rng.randint(0, 90)),
                "status": rng.choice(statuses),
                "term_ids": sorted(closure),
                "excluded_term_ids": sorted(excluded),
                "disease_ids": sorted(case_diseases),
                "agent_ids": sorted(agents[i][0] for i in case_agents),
                "outcome_codes": sorted(OUTCOME_CODES[d] for d in case_directions),
                "language": language,
                "year": year,
            }
        )
    generated = time.perf_counter()
    with transaction.atomic():
        _copy(Report, reports)
        _copy(Case, cases)
        _copy(PhenotypicFeature, features)
        _copy(Diagnosis, diagnoses)
        _copy(Treatment, treatments)
        _copy(Outcome, outcomes)
        with connection.cursor() as cursor:
            for model in (Report, Case, PhenotypicFeature, Diagnosis, Treatment, Outcome):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"loaded {count} cases ({len(features)} features, {len(diagnoses)} diagnoses, "
        f"{len(treatments)} treatments, {len(outcomes)} outcomes): generated in "
        f"{generated - started:.1f} s, copied in {time.perf_counter() - generated:.1f} s"
    )


def prepare(database_url: str, count: int, *, reload: bool) -> None:
    ensure_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    from cases.models import Case, Report, Term

    call_command("migrate", verbosity=0)
    if not Term.objects.exists():
        from ingest.vocabularies import vocabularies_load

        print("loading vocabularies …")
        vocabularies_load()
    existing = Case.objects.count()
    if existing == count and not reload:
        print(f"reusing {existing} synthetic cases in {database_url.rsplit('/', 1)[-1]}")
        _publish_index()
        return
    if existing:
        print(f"replacing {existing} cases")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE cases_phenotypicfeature, cases_diagnosis, cases_measurement, cases_treatment, "
                "cases_outcome, cases_case, cases_report, cases_ingestjob CASCADE"
            )
        assert not Report.objects.exists()
    load_synthetic(count)
    _publish_index()


def _publish_index() -> None:
    """As deployed: the build task publishes the snapshot the server's workers load; no request
    builds it (an in-request build used to hide behind this benchmark's long timeout)."""
    from cases.search.publish import build_and_publish, current_seq

    published = build_and_publish(requested_seq=current_seq())
    print(f"search index snapshot: {published.reason}")


# --- Query mix -----------------------------------------------------------------------------------


def query_mix() -> list[dict[str, str]]:
    """Realistic searches over the synthetic data: broad and narrow, with and without filters."""
    from django.db import connection

    with connection.cursor() as cursor:
        # The most frequent informative features and drugs of the data set.
        cursor.execute(
            """SELECT t.hpo_id FROM cases_phenotypicfeature f JOIN cases_term t ON t.id = f.term_id
               WHERE NOT f.excluded GROUP BY t.hpo_id ORDER BY count(*) DESC LIMIT 6"""
        )
        top_terms = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """SELECT a.name FROM cases_treatment t JOIN cases_agent a ON a.id = t.agent_id
               GROUP BY a.name ORDER BY count(*) DESC LIMIT 3"""
        )
        top_agents = [row[0] for row in cursor.fetchall()]
    mix = [
        {},
        {"q": f"hpo:{top_terms[0]}"},
        {"q": f"hpo:{top_terms[1]} + hpo:{top_terms[2]}"},
        {"q": f"hpo:{top_terms[3]} | hpo:{top_terms[4]}", "sex": "female"},
        {"drug": top_agents[0]},
        {"sex": "male", "age_min": "30", "age_max": "50"},
        {"q": f"hpo:{top_terms[5]} -hpo:{top_terms[0]}", "sort": "-year"},
        {"lang": "zh", "sort": "year"},
    ]
    return [{**params, "limit": "20"} for params in mix]
