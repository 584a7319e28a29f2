"""Cases by variant: `variant:` values looked up in Variant.search_keys (a GIN-indexed array of
every form a variant answers to, vocab.hgvs), one indexed query per value."""

from __future__ import annotations

from cases.models import Variant
from vocab.hgvs import query_key


def variant_case_ids(value: str) -> list[int]:
    """Ids of the cases with a non-rejected variant that `value` names."""
    key = query_key(value)
    if not key:
        return []
    rows = (
        Variant.objects.filter(search_keys__contains=[key], rejected=False)
        .exclude(status="rejected")
        .values_list("case_id", flat=True)
        .distinct()
    )
    return list(rows)
