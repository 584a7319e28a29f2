"""Celery tasks of the cases app: the search index build (cases/search/publish.py)."""

from __future__ import annotations

from celery import shared_task

# A build reads every case: minutes at millions of cases, far above the default task limits.
BUILD_SOFT_LIMIT = 3 * 3600
BUILD_HARD_LIMIT = BUILD_SOFT_LIMIT + 300


@shared_task(
    name="cases.build_search_index",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=BUILD_SOFT_LIMIT,
    time_limit=BUILD_HARD_LIMIT,
)
def build_search_index(requested_seq: int = 0) -> str:
    """Build the search index and publish it as a snapshot, unless one already covers every
    change up to `requested_seq` or another build is running."""
    from cases.search.publish import build_and_publish

    published = build_and_publish(requested_seq=requested_seq)
    if published.snapshot is None:
        return published.reason
    return (
        f"snapshot {published.snapshot.id}: {published.snapshot.cases} cases,"
        f" {published.snapshot.size_bytes / 1e6:.1f} MB, built in {published.build_seconds:.1f} s"
    )
