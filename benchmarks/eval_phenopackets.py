"""Phenopacket round trip on a whole file: import every phenopacket through the ingestion services
(receive, then the workers' jobs_run, in batches), export each case again as the API does
(cases.phenopackets.case_to_phenopacket) and compare field by field (cases.phenopacket_roundtrip).
Prints the jobs by status, the warnings, how many phenopackets differ and the differences counted
by field, so that a loss is visible by name.

    .venv/bin/python benchmarks/eval_phenopackets.py [FILE.jsonl] [--limit N] [--db-suffix S]

Runs in a database of its own (`<registry database>_<suffix>`, emptied of cases first).
`interpretations` (genes and variants) are compared and counted apart while they are not facts
(`--skip` names fields left out of the totals).

Whole file (../shared/corpus/phenopackets/phenopacket-store-dev.jsonl, 7,340 phenopackets; both runs
on this machine on 2026-11-30, side by side under the same load, interpretations left out):

    before (main at 5fe8c21)   7,340 jobs done; 7,340 phenopackets differ; 288,013 differences
                               (158,867 evidence added, 23,255 resources lost, 7,340 ids and
                               subject ids changed, 6,187 feature onsets lost, 3,173 disease onsets
                               lost, 1,691 diseases lost, 682 labels changed, 332 LOINC assays
                               changed, 275 reference ranges lost, 92 ages changed, 69 features
                               lost, 53 ages at last encounter lost, …)
    after                      7,340 jobs done; 0 phenopackets differ; 0 differences; warnings:
                               1,691 jobs with a disease code and 69 with an HPO id not in the
                               loaded release (kept, flagged), 7,340 with "_source_path" (outside
                               the schema, kept on the case, not exported)
    (interpretations: 7,340 lost in both: genes and variants are not facts yet)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILE = REPO.parent / "shared" / "corpus" / "phenopackets" / "phenopacket-store-dev.jsonl"


def _differences(original: dict, exported: dict, labels: dict[str, str], skip: tuple[str, ...]):
    from cases.phenopacket_roundtrip import phenopacket_differences

    return phenopacket_differences(original, exported, label_of=labels.get, skip=skip)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--limit", type=int, default=0, help="only the first N phenopackets")
    parser.add_argument("--db-suffix", default="pheno_eval")
    parser.add_argument(
        "--skip", default="interpretations", help="top-level fields left out (comma-separated)"
    )
    parser.add_argument("--chunk", type=int, default=250, help="phenopackets received per upload")
    parser.add_argument("--show", type=int, default=5, help="examples printed per field")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    from benchmarks.common import use_benchmark_database

    database = use_benchmark_database(args.db_suffix)

    from cases.models import Case, Disease, IngestJob, Report, Term
    from cases.phenopackets import case_to_phenopacket
    from ingest import services

    lines = [line for line in Path(args.file).read_text().splitlines() if line.strip()]
    if args.limit:
        lines = lines[: args.limit]
    Case.objects.all().delete()
    IngestJob.objects.all().delete()
    Report.objects.all().delete()

    started = time.monotonic()
    job_ids: list[int] = []
    for start in range(0, len(lines), args.chunk):
        chunk = lines[start : start + args.chunk]
        jobs = services.reports_receive(
            data="\n".join(chunk).encode(), filename=f"chunk-{start}.jsonl", queue=False
        )
        queued = [job.pk for job in jobs if job.status == IngestJob.Status.QUEUED]
        for at in range(0, len(queued), 50):
            services.jobs_run(job_ids=queued[at : at + 50])
        job_ids.extend(job.pk for job in jobs)
        print(f"  imported {start + len(chunk)} / {len(lines)}", end="\r", flush=True)
    imported = time.monotonic() - started
    jobs = {job.pk: job for job in IngestJob.objects.filter(pk__in=job_ids)}
    statuses = Counter(job.status for job in jobs.values())
    warnings = Counter()
    for job in jobs.values():
        for warning in getattr(job, "warnings", None) or []:
            warnings[warning.split(":", 1)[0] + ": " + _kind_of_warning(warning)] += 1

    labels = dict(Term.objects.values_list("hpo_id", "label"))
    labels.update(Disease.objects.values_list("code", "label"))
    skip = tuple(name for name in args.skip.split(",") if name)
    started = time.monotonic()
    by_field: Counter[str] = Counter()
    skipped_fields: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    differing = 0
    compared = 0
    from cases.api.loading import detail_prefetches

    report_ids = [jobs[j].report_id for j in job_ids if jobs[j].status == IngestJob.Status.DONE]
    cases = {}
    for at in range(0, len(report_ids), 500):
        query = Case.objects.filter(report_id__in=report_ids[at : at + 500]).select_related("report")
        cases.update({case.report_id: case for case in query.prefetch_related(*detail_prefetches())})
    for job_id, line in zip(job_ids, lines, strict=True):
        job = jobs[job_id]
        if job.status != IngestJob.Status.DONE:
            continue
        original = json.loads(line)
        case = cases.get(job.report_id)
        if case is None:
            continue
        compared += 1
        exported = case_to_phenopacket(case)
        found = _differences(original, exported, labels, skip)
        if found:
            differing += 1
        for difference in found:
            key = f"{difference.field} {difference.kind}"
            by_field[key] += 1
            if len(examples.setdefault(key, [])) < args.show:
                examples[key].append(f"{original.get('id')}: {difference}"[:240])
        for name in skip:
            for difference in _differences(
                {name: original.get(name, [])}, {name: exported.get(name, [])}, labels, ()
            ):
                skipped_fields[f"{difference.field} {difference.kind}"] += 1
    compared_seconds = time.monotonic() - started

    print(f"\nphenopacket round trip: {len(lines)} phenopackets from {args.file} (database {database})")
    rate = len(lines) / max(imported, 1e-9)
    print(f"import {imported:.0f} s ({rate:.1f}/s), export+compare {compared_seconds:.0f} s")
    print("jobs:", dict(statuses))
    print("warnings by field (jobs):", dict(warnings.most_common(20)))
    print(f"compared {compared}; with a difference: {differing}; differences: {sum(by_field.values())}")
    for key, count in by_field.most_common():
        print(f"  {count:7d}  {key}")
        for example in examples[key][:2]:
            print(f"             e.g. {example}")
    if skip:
        print(f"left out of the totals ({', '.join(skip)}): {sum(skipped_fields.values())} differences")
        for key, count in skipped_fields.most_common(10):
            print(f"  {count:7d}  {key}")


def _kind_of_warning(warning: str) -> str:
    for phrase in ("not in the loaded", "not part of the Phenopacket schema", "was not kept", "can store"):
        if phrase in warning:
            return phrase
    return "other"


if __name__ == "__main__":
    main()
