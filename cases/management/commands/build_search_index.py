"""Build the search index here and publish it as a snapshot in PostgreSQL (or ask a worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Build the search index and publish the snapshot every web process loads at start-up "
        "(run after a bulk load, at deploy, or from cron; web processes never build a large one)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Ask a Celery worker to build instead of building here"
        )
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Skip when the newest snapshot already covers every change",
        )

    def handle(self, *args, enqueue: bool, if_stale: bool, **options) -> None:
        from cases.search.publish import build_and_publish, current_seq
        from cases.tasks import build_search_index

        requested = current_seq() if if_stale else 0
        if enqueue:
            build_search_index.delay(requested_seq=requested)
            self.stdout.write("build requested")
            return
        published = build_and_publish(requested_seq=requested)
        info = published.snapshot
        if info is None:
            self.stdout.write(f"skipped: {published.reason}")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"snapshot {info.id}: {info.cases} cases, {info.size_bytes / 1e6:.1f} MB;"
                f" build {published.build_seconds:.1f} s, similar state {published.prepare_seconds:.1f} s,"
                f" save {published.save_seconds:.1f} s; peak RSS {published.peak_rss_mb:.0f} MB"
                f" (after the build {published.peak_after_build_mb:.0f} MB, after the similar state"
                f" {published.peak_after_prepare_mb:.0f} MB)"
            )
        )
