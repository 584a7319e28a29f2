"""`manage.py detect_duplicates`: flag probable duplicate patients for curators."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cases.curation.duplicates import DUPLICATE_THRESHOLD, duplicates_detect
from cases.models import Case


class Command(BaseCommand):
    help = "Score candidate pairs of cases and record those likely to be the same patient."

    def add_arguments(self, parser) -> None:
        parser.add_argument("case_ids", nargs="*", type=int, help="only these cases (default: all)")
        parser.add_argument("--threshold", type=float, default=DUPLICATE_THRESHOLD)

    def handle(self, *args, case_ids: list[int], threshold: float, **options) -> None:
        cases = list(Case.objects.filter(pk__in=case_ids)) if case_ids else None
        result = duplicates_detect(cases=cases, threshold=threshold)
        self.stdout.write(
            f"{result.scanned} cases scanned, {result.scored} pairs scored, "
            f"{len(result.flagged)} probable duplicates (score >= {threshold})"
        )
        for duplicate in result.flagged:
            self.stdout.write(
                f"  cases {duplicate.case_a_id} and {duplicate.case_b_id}: {duplicate.score:.2f}"
            )
