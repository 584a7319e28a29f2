"""The reference files shipped inside the project (see README.md here for sources and licences),
and the one way they are read: parsed once per machine, then loaded from a pickle cache.

The files are kept exactly as published (the HPO licence asks for that, and it keeps updates a
plain copy); everything derived from them is built in code by `vocab.hpo_zh`, `vocab.diseases`
and `vocab.genes`. The cache lives beside the HPO's (`vocab.hpo.cache_dir()`), keyed by the size
and mtime of every source file plus anything else the build depends on, so a changed file or a
newer HPO release rebuilds it and a stale cache is never read.

No Django imports here.
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

DATA_DIR = Path(__file__).resolve().parent

HPO_ZH = DATA_DIR / "hp-zh.babelon.tsv"
DISEASES = DATA_DIR / "diseases.tsv"
DISEASES_ZH = DATA_DIR / "diseases-zh.tsv"
GENES = DATA_DIR / "genes.tsv"

Built = TypeVar("Built")


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def read_tsv(path: Path, *, quoted_cells: bool = False) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file with a header line, as dicts.

    `quoted_cells`: the babelon file wraps a value that holds a comma in double quotes, CSV style
    ("染色体核型为46,XY的个体…"); those quotes are removed. The other files quote nothing, and a
    quote inside their names is part of the name (Degos genodermatosis "en cocardes")."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = handle.readline().rstrip("\r\n").split("\t")
        for line in handle:
            line = line.rstrip("\r\n")
            if not line:
                continue
            cells = line.split("\t")
            if quoted_cells:
                cells = [_unquote(cell) for cell in cells]
            cells += [""] * (len(header) - len(cells))
            yield dict(zip(header, cells, strict=False))


def split_list(cell: str) -> list[str]:
    """The '|'-separated lists of these files (synonyms, parents, xrefs, aliases)."""
    return [item.strip() for item in cell.split("|") if item.strip()]


def source_stamp(paths: Sequence[Path], *extra: str) -> str:
    """What a cache is valid for: each source's size and mtime, and whatever else the build
    read (for example the loaded HPO release)."""
    parts = [f"{path.name}:{path.stat().st_size}:{int(path.stat().st_mtime)}" for path in paths]
    return "|".join([*parts, *extra])


def load_cached(name: str, stamp: str, build: Callable[[], Built], *, replaces: str = "") -> Built:
    """`build()`'s result, from the pickle cache `<cache dir>/<name>.pickle` when its stamp
    matches, otherwise built now and cached for the next process (when the folder is writable).
    `replaces`, a glob of cache names, removes the caches an older format of it left behind."""
    from vocab.hpo import cache_dir

    cache_file = cache_dir() / f"{name}.pickle"
    try:
        with cache_file.open("rb") as handle:
            cached_stamp, value = pickle.load(handle)  # noqa: S301 - our own cache file
        if cached_stamp == stamp:
            return value
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, TypeError, ImportError):
        pass  # no cache, or one written by older code: build again
    value = build()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump((stamp, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_file)
        for stale in cache_file.parent.glob(f"{replaces}.pickle") if replaces else ():
            if stale != cache_file:
                stale.unlink(missing_ok=True)  # written by older build rules: never read again
    except (OSError, pickle.PicklingError):
        pass  # a read-only checkout still works, only slower to start
    return value


# ---- shared by the builders -------------------------------------------------------------


def csr_rows(rows: list[list[int]]) -> tuple[array, array]:
    """Rows of positions as two flat arrays (compressed sparse rows): row k is
    flat[offsets[k]:offsets[k + 1]], sorted. Far smaller than a list of sets."""
    offsets = array("I", [0])
    flat = array("I")
    for row in rows:
        flat.extend(sorted(row))
        offsets.append(len(flat))
    return offsets, flat


def dag_closures(parents: list[list[int]]) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """Strict ancestors and descendants of every position, and each one's depth."""
    new, visiting, done = 0, 1, 2
    state = [new] * len(parents)
    ancestors: list[set[int]] = [set() for _ in parents]
    for start in range(len(parents)):
        if state[start] != new:
            continue
        # Iterative depth-first search: a deep chain must not hit the recursion limit.
        state[start] = visiting
        stack = [(start, iter(parents[start]))]
        while stack:
            node, unvisited = stack[-1]
            for parent in unvisited:
                if state[parent] == new:
                    state[parent] = visiting
                    stack.append((parent, iter(parents[parent])))
                    break
            else:
                stack.pop()
                closure = ancestors[node]
                for parent in parents[node]:
                    closure.add(parent)
                    # A parent still being visited means a cycle, which an ontology should not
                    # have; its own ancestors are then left out rather than looping forever.
                    if state[parent] == done:
                        closure |= ancestors[parent]
                closure.discard(node)
                state[node] = done
    descendants: list[list[int]] = [[] for _ in parents]
    for node, closure in enumerate(ancestors):
        for ancestor in closure:
            descendants[ancestor].append(node)
    depth = [-1] * len(parents)
    children: list[list[int]] = [[] for _ in parents]
    for node, node_parents in enumerate(parents):
        for parent in node_parents:
            children[parent].append(node)
    frontier = [node for node, node_parents in enumerate(parents) if not node_parents]
    level = 0
    while frontier:
        following = []
        for node in frontier:
            if depth[node] < 0:
                depth[node] = level
                following.extend(children[node])
        frontier, level = following, level + 1
    return [sorted(closure) for closure in ancestors], descendants, depth


def add_to_index(index: dict, key: str, value: int) -> None:
    """A compact multi-valued index: one int for one value (the usual case), a tuple for several."""
    found = index.get(key)
    if found is None:
        index[key] = value
    elif isinstance(found, int):
        if found != value:
            index[key] = (found, value)
    elif value not in found:
        index[key] = (*found, value)
