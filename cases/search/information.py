"""Information-content sums per case that similar-case scoring needs (semantic.py): Σ IC of the
observed closure, and of the closure of observed ∪ excluded terms. Computed by the index from
its term and excluded families on a full build, and per stored row on an incremental refresh."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pyroaring import BitMap

from cases.search.semantic import Ontology, excluded_closure
from cases.search.vocabulary import Vocabulary


def information_from_bitmaps(
    ontology: Ontology, terms: Mapping[int, BitMap], excluded: Mapping[int, BitMap], size: int
) -> tuple[np.ndarray, np.ndarray, dict[int, BitMap]]:
    """(observed, mentioned, excluded closure) for every case id below `size` at once: one
    vectorised add per term bitmap instead of a lookup per stored value (a million cases)."""
    observed = np.zeros(size)
    for term, bitmap in terms.items():
        ic = ontology.ic.get(term, 0.0)
        if ic > 0 and bitmap:
            observed[np.frombuffer(bitmap.to_array(), dtype=np.uint32)] += ic
    mentioned = observed.copy()
    closure = excluded_closure(ontology, excluded)
    for term, bitmap in closure.items():
        ic = ontology.ic.get(term, 0.0)
        extra = bitmap - terms[term] if term in terms else bitmap
        if ic > 0 and extra:
            mentioned[np.frombuffer(extra.to_array(), dtype=np.uint32)] += ic
    return observed, mentioned, closure


def information_of_rows(
    vocabulary: Vocabulary,
    ids: np.ndarray,
    term_counts: np.ndarray,
    terms: np.ndarray,
    excluded_counts: np.ndarray,
    excluded: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(observed, mentioned) of the given cases, from their stored arrays (flattened, with the
    number of values of each case)."""
    lookup_ids, lookup_ic = _ic_lookup(vocabulary)
    observed = np.zeros(len(ids))
    if len(terms):
        positions = np.clip(np.searchsorted(lookup_ids, terms), 0, len(lookup_ids) - 1)
        weights = np.where(lookup_ids[positions] == terms, lookup_ic[positions], 0.0)
        owners = np.repeat(np.arange(len(ids)), term_counts)
        observed = np.bincount(owners, weights=weights, minlength=len(ids))
    mentioned = observed.copy()
    if len(excluded):
        term_ends = np.cumsum(term_counts)
        excluded_ends = np.cumsum(excluded_counts)
        ancestors, ic = vocabulary.term_ancestors, vocabulary.term_ic
        for row in np.flatnonzero(excluded_counts).tolist():
            closure = set(terms[term_ends[row] - term_counts[row] : term_ends[row]].tolist())
            extra: set[int] = set()
            for term in excluded[excluded_ends[row] - excluded_counts[row] : excluded_ends[row]].tolist():
                extra.update(ancestors.get(term, (term,)))
            mentioned[row] += sum(ic.get(term, 0.0) for term in extra - closure)
    return observed, mentioned


_ic_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _ic_lookup(vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Sorted term ids and their IC, for vectorised lookups."""
    key = id(vocabulary)
    if key not in _ic_cache:
        _ic_cache.clear()
        ids = np.array(sorted(vocabulary.term_ic), dtype=np.int64)
        _ic_cache[key] = (ids, np.array([vocabulary.term_ic[int(i)] for i in ids], dtype=np.float64))
    return _ic_cache[key]
