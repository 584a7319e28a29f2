"""Result order: relevance (how well each case matches the query's items, relevance.py: the
weight of each item, less for a match through a more specific concept only, more for a finding
the report states often or a curator checked; then reviewed cases, then newer), or publication
year either way. Everything is packed into one int64 key per case and the
top of the list found with a partial sort, so ordering 300k matches costs milliseconds."""

from __future__ import annotations

import numpy as np
from pyroaring import BitMap

from cases.search.evaluation import Item
from cases.search.index import SearchIndex
from cases.search.relevance import DESCENDANT, ExactCases
from cases.visibility import REVIEWED

SORTS = ("relevance", "year", "-year")


def order_ids(
    result: BitMap,
    items: list[Item],
    index: SearchIndex,
    *,
    sort: str,
    needed: int,
    exact: dict[tuple[str, int], ExactCases] | None = None,
) -> list[int]:
    """The first `needed` ids of `result` in `sort` order; `exact` (relevance.exact_matches) says
    which cases are coded with a query concept itself."""
    if not result or needed <= 0:
        return []
    ids = np.frombuffer(result.to_array(), dtype=np.uint32).astype(np.int64)
    years = index.year_of[ids].astype(np.int64) if len(index.year_of) else np.zeros(len(ids), np.int64)
    if sort == "relevance":
        scores = np.zeros(len(ids), dtype=np.int64)
        if items:
            dense = np.zeros(int(ids[-1]) + 1, dtype=np.float32)
            for item in items:
                dense += _item_scores(item, result, len(dense), exact or {})
            scores = np.rint(dense[ids] * 100).astype(np.int64)
        reviewed = BitMap.union(*(index.status.get(status, BitMap()) for status in REVIEWED))
        bonus = np.zeros(len(ids), dtype=np.int64)
        reviewed_hits = reviewed & result
        if reviewed_hits:
            bonus[np.searchsorted(ids, np.frombuffer(reviewed_hits.to_array(), dtype=np.uint32))] = 1
        # score | reviewed | year | id, most significant first, in one int64 key
        keys = (np.minimum(scores, (1 << 19) - 1) << 43) | (bonus << 42) | (years << 31) | ids
    elif sort == "-year":
        keys = (years << 31) | ids
    else:  # oldest first; unknown years (0) last: they get the lowest key, every known year a higher one
        oldest_first = np.where(years == 0, 0, 2101 - years)
        keys = (oldest_first << 31) | ((1 << 31) - 1 - ids)
    top = np.argpartition(-keys, needed - 1)[:needed] if needed < len(keys) else np.arange(len(keys))
    top = top[np.argsort(-keys[top], kind="stable")]
    return ids[top].tolist()


def _item_scores(
    item: Item, result: BitMap, size: int, exact: dict[tuple[str, int], ExactCases]
) -> np.ndarray:
    """Per case id: what matching `item` is worth, the best of its concepts."""
    best = np.zeros(size, dtype=np.float32)
    if not item.concepts:
        hits = item.bitmap & result
        if hits:
            best[np.frombuffer(hits.to_array(), dtype=np.uint32)] = item.weight
        return best
    for concept, bitmap, weight in item.concepts:
        hits = bitmap & result
        if not hits:
            continue
        score = np.zeros(size, dtype=np.float32)
        score[np.frombuffer(hits.to_array(), dtype=np.uint32)] = weight * DESCENDANT
        coded = exact.get((concept.kind, concept.id))
        if coded is not None and len(coded.case_ids):
            # The exact cases among this concept's hits (exact rows may include cases the
            # query's other items ruled out, or beyond the dense array's end)
            inside = coded.case_ids < size
            where, bonus = coded.case_ids[inside], coded.bonus[inside]
            among = score[where] > 0
            score[where[among]] = weight * (1.0 + bonus[among])
        np.maximum(best, score, out=best)
    return best
