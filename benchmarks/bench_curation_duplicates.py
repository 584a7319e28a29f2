"""Duplicate-patient detection at scale: indexed candidate generation against all-pairs scoring.

    .venv/bin/python benchmarks/bench_curation_duplicates.py [--cases 100000] [--sample 300]
        [--planted 100]

Builds a synthetic registry in a database of its own (`<DB>_curbench` on the configured server,
created and loaded with the vocabularies on first use): cases with 3-8 HPO features drawn with a
long-tailed frequency from the phenotype terms, 0-3 drugs, onset years, and `--planted` second
write-ups of existing patients (a year older, one feature dropped, another report); the
registry is rebuilt on every run. Then, in one process:

  indexed    cases.curation.duplicates.duplicates_detect on a sample of cases (half of them with a
             planted twin): GIN candidate query + scoring, time per case, recall of the twins,
             other pairs flagged
  all-pairs  the baseline: the same scorer against every case (profiles preloaded in memory, so
             only the scoring is timed), measured on a slice and extrapolated; ratio printed
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
from benchmarks.common import use_benchmark_database  # noqa: E402 - after sys.path

os.environ.setdefault("DEBUG", "1")


def _setup_database() -> str:
    return use_benchmark_database("curbench")


def _empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Only this benchmark's own database: TRUNCATE is the fast way to start again.
        cursor.execute(
            "TRUNCATE cases_caseduplicate, cases_phenotypicfeature, cases_treatment, cases_case, "
            "cases_report RESTART IDENTITY CASCADE"
        )


def _build(n_cases: int, n_planted: int, rng: random.Random) -> list[tuple[int, int]]:
    """Insert the synthetic registry; returns the planted (original, twin) case id pairs."""
    from cases.models import Agent, Case, PhenotypicFeature, Report, Term, Treatment

    terms = list(
        Term.objects.filter(is_phenotype=True, information_content__gt=2.0).values_list("id", "ancestor_ids")
    )
    rng.shuffle(terms)
    terms = terms[:4000]
    ancestors = dict(terms)
    term_ids = [t for t, _ in terms]
    # Long tail: a few features are very common, most are rare (as in case reports).
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(term_ids))]
    agents = list(Agent.objects.values_list("id", flat=True)[:300])

    def patient() -> dict:
        features = set(rng.choices(term_ids, weights=weights, k=rng.randint(3, 8)))
        return {
            "sex": rng.choice(["female", "male"]),
            "age": float(rng.randint(1, 85)),
            "features": sorted(features),
            "agents": sorted(set(rng.sample(agents, rng.randint(0, 3)))),
            "year": rng.randint(1990, 2023),
        }

    patients = [patient() for _ in range(n_cases - n_planted)]
    originals = rng.sample(range(len(patients)), n_planted)
    for index in originals:
        twin = dict(patients[index])
        twin["age"] = twin["age"] + 1
        twin["features"] = twin["features"][1:] if len(twin["features"]) > 3 else twin["features"]
        patients.append(twin)

    start = time.perf_counter()
    batch = 5000
    case_ids: list[int] = []
    for offset in range(0, len(patients), batch):
        chunk = patients[offset : offset + batch]
        reports = Report.objects.bulk_create(
            [
                Report(
                    raw=b"",
                    content_hash=f"bench-{offset + i:012d}",
                    format="text",
                    text="",
                    language="en",
                    year=2000,
                    parse_status="parsed",
                    parser_version="bench",
                )
                for i in range(len(chunk))
            ]
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    report=report,
                    sex=p["sex"],
                    age_years=p["age"],
                    term_ids=sorted({a for t in p["features"] for a in ancestors[t]} | set(p["features"])),
                    agent_ids=p["agents"],
                    language="en",
                    year=2000,
                )
                for report, p in zip(reports, chunk, strict=True)
            ]
        )
        PhenotypicFeature.objects.bulk_create(
            [
                PhenotypicFeature(case=case, term_id=t, onset=str(p["year"]))
                for case, p in zip(cases, chunk, strict=True)
                for t in p["features"]
            ]
        )
        Treatment.objects.bulk_create(
            [
                Treatment(case=case, agent_id=a, agent_name="x", started=str(p["year"]))
                for case, p in zip(cases, chunk, strict=True)
                for a in p["agents"]
            ]
        )
        case_ids.extend(case.pk for case in cases)
        print(f"  {len(case_ids)} cases …", end="\r", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case; ANALYZE cases_phenotypicfeature; ANALYZE cases_treatment")
    print(f"built {len(case_ids)} cases in {time.perf_counter() - start:.1f} s" + " " * 20)
    twin_ids = case_ids[len(patients) - n_planted :]
    return [(case_ids[o], twin) for o, twin in zip(originals, twin_ids, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--planted", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(20261126)

    name = _setup_database()
    print(f"database {name}")
    from cases.curation.duplicates import _InformationContent, case_profiles, duplicates_detect, score_pair
    from cases.models import Case, CaseDuplicate

    _empty()
    planted = _build(args.cases, min(args.planted, args.sample // 2), rng)
    all_ids = list(Case.objects.values_list("id", flat=True))
    twin_set = {tuple(sorted(pair)) for pair in planted}
    sample_ids = [original for original, _ in planted]
    others = rng.sample(all_ids, args.sample - len(sample_ids))
    sample_ids += [i for i in others if i not in sample_ids]
    sample = list(Case.objects.filter(pk__in=sample_ids))

    # Indexed detection (what the command and the admin action run).
    start = time.perf_counter()
    result = duplicates_detect(cases=sample)
    indexed = (time.perf_counter() - start) / len(sample)
    flagged = {(d.case_a_id, d.case_b_id) for d in result.flagged}
    recall = len(flagged & twin_set) / len(twin_set)
    print(
        f"indexed:   {indexed * 1000:.1f} ms per case ({result.scored / len(sample):.0f} candidates scored "
        f"per case); planted twins found {len(flagged & twin_set)}/{len(twin_set)} (recall {recall:.2f}); "
        f"other pairs flagged: {len(flagged - twin_set)}"
    )
    CaseDuplicate.objects.all().delete()

    # All-pairs baseline: score sample cases against a slice of all cases, profiles preloaded.
    slice_ids = rng.sample(all_ids, min(5000, len(all_ids)))
    print(f"loading {len(slice_ids)} profiles for the baseline …", flush=True)
    load_start = time.perf_counter()
    profiles = list(case_profiles(slice_ids).values())
    load_per_case = (time.perf_counter() - load_start) / len(profiles)
    ic = _InformationContent()
    for profile in profiles:
        ic.load(profile.term_closure)
    probe = list(case_profiles([case.pk for case in sample[:20]]).values())
    for profile in probe:
        ic.load(profile.term_closure)
    start = time.perf_counter()
    for a in probe:
        for b in profiles:
            score_pair(a, b, ic)
    per_pair = (time.perf_counter() - start) / (len(probe) * len(profiles))
    all_pairs = per_pair * len(all_ids)
    print(
        f"all-pairs: {all_pairs * 1000:.0f} ms per case scoring only ({per_pair * 1e6:.1f} µs per pair x "
        f"{len(all_ids)} cases; bulk-loading profiles adds {load_per_case * 1000:.2f} ms per case)"
    )
    print(f"ratio all-pairs / indexed: {all_pairs / indexed:.0f}x at {len(all_ids)} cases")
    full = indexed * len(all_ids)
    print(f"a full sweep (`manage.py detect_duplicates`) would take ~{full / 60:.0f} min at this size")


if __name__ == "__main__":
    main()
