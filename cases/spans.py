"""Cutting a text into runs covered by the same evidence spans, in one sweep.

Comparing every span with every run costs spans × runs: 5,300 facts of one large report made that
28 million comparisons per case page. A sweep over the sorted boundaries keeps the set of spans
open at each point instead, so the cost grows with the spans a run is covered by.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def covered_runs(
    length: int, spans: Sequence[tuple[int, int, T]], cuts: Iterable[int] = ()
) -> list[tuple[int, int, list[T]]]:
    """(start, end, items) for each run of [0, length) between consecutive boundaries (every span
    start and end, and `cuts`); `items` are those of the spans covering the run, in the order the
    spans were given. Spans must lie inside [0, length]; empty spans cut but cover nothing."""
    bounds = {0, length, *cuts}
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for index, (start, end, _item) in enumerate(spans):
        bounds.update((start, end))
        if start < end:
            opening[start].append(index)
            closing[end].append(index)
    active: set[int] = set()
    runs: list[tuple[int, int, list[T]]] = []
    for left, right in itertools.pairwise(sorted(b for b in bounds if 0 <= b <= length)):
        active.difference_update(closing.get(left, ()))
        active.update(opening.get(left, ()))
        runs.append((left, right, [spans[i][2] for i in sorted(active)]))
    return runs
