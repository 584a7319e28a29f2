"""Reference-vocabulary loaders and traditional → simplified conversion.

    .venv/bin/python benchmarks/bench_vocab.py [--repeat 3] [--corpus ../shared/corpus]

Loaders (`vocab.hpo_zh`, `vocab.diseases`, `vocab.genes`, and `vocab.hpo` for scale): each is run
in a fresh process against an empty cache folder (cold: parse the shipped files and write the
pickle) and then again (warm: read the pickle); the figures are wall time and the process's RSS
growth (current and peak). Memory baseline for the disease hierarchy: the same ancestor closure
kept the plain way, a dict of frozensets of MONDO id strings, measured the same way.

Conversion: chars/s of `to_simplified` (script detection + OpenCC + offset map), of OpenCC's
`convert` alone, and of two plain per-character baselines built from the same OpenCC tables
(`str.translate`, and a dict lookup per character), on the traditional-script reports of
`../shared/corpus/dev-zh` (or a built-in sample when it is absent), with how many characters the
baselines convert differently from OpenCC's phrase-aware conversion. No database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LOADERS = {
    "hpo": "from vocab.hpo import load_hpo as load",
    "hpo_zh": "from vocab.hpo_zh import load_hpo_zh as load",
    "diseases": "from vocab.diseases import load_diseases as load",
    "genes": "from vocab.genes import load_genes as load",
}

# Runs in the child: import what the loader needs first (so import cost is not counted as data),
# then time the load and measure RSS growth.
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import vocab.hpo, vocab.languages.chinese_script, vocab.data
{prepare}
{import_line}
before, peak_before = rss_mb(), peak_mb()
started = time.perf_counter()
value = load()
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": elapsed, "rss_mb": rss_mb() - before, "peak_mb": peak_mb() - peak_before}}))
"""

_NAIVE_CLOSURE = """
from vocab.data import DISEASES, read_tsv, split_list
def load():
    parents = {row["id"]: split_list(row["parent_ids"]) for row in read_tsv(DISEASES)}
    closure = {}
    def visit(node):
        if node not in closure:
            found = set()
            for parent in parents.get(node, ()):
                found.add(parent)
                found |= visit(parent)
            closure[node] = frozenset(found)
        return closure[node]
    for node in parents:
        visit(node)
    return closure
"""


def _child(cache: Path, import_line: str, prepare: str = "") -> dict[str, float]:
    code = _CHILD.format(repo=str(REPO), prepare=prepare, import_line=import_line)
    environment = {**os.environ, "REGISTRY_CACHE_DIR": str(cache)}
    output = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def bench_loaders(repeat: int) -> None:
    print("loader      cold s   warm s   warm RSS MB  (peak)   cold peak MB   [best of", repeat, "runs]")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        # Every loader but hpo reads the HPO; its cache is kept warm so it is not counted twice.
        _child(cache, LOADERS["hpo"])
        warm_by_loader: dict[str, dict[str, float]] = {}
        for name, import_line in LOADERS.items():
            colds, warms = [], []
            for _ in range(repeat):
                for stale in cache.glob(f"{name.replace('_', '-')}-v*.pickle"):
                    stale.unlink()
                # hpo_zh reads the HPO release to check its cache: load it first, count only hpo_zh.
                prepare = "vocab.hpo.load_hpo()" if name == "hpo_zh" else ""
                colds.append(_child(cache, import_line, prepare))
                warms.append(_child(cache, import_line, prepare))
            cold = min(colds, key=lambda r: r["seconds"])
            warm = min(warms, key=lambda r: r["seconds"])
            print(
                f"{name:10} {cold['seconds']:7.2f} {warm['seconds']:8.3f} {warm['rss_mb']:11.0f}"
                f"  ({warm['peak_mb']:4.0f}) {cold['peak_mb']:12.0f}"
            )
            warm_by_loader[name] = warm
        naive = _child(cache, "", prepare=_NAIVE_CLOSURE)
    compact = warm_by_loader["diseases"]
    from vocab.diseases import load_diseases

    ontology = load_diseases()
    closure_mb = (
        sum(
            len(part) * part.itemsize
            for part in (
                ontology.ancestor_offsets,
                ontology.ancestor_index,
                ontology.descendant_offsets,
                ontology.descendant_index,
            )
        )
        / 2**20
    )
    print(
        f"disease ancestor closure as dict of frozensets of id strings (baseline): "
        f"{naive['rss_mb']:.0f} MB for the closure alone, built in {naive['seconds']:.2f} s; "
        f"compact CSR arrays, ancestors and descendants: {closure_mb:.1f} MB; the whole ontology "
        f"(names, synonyms, xrefs, name index, both closures): {compact['rss_mb']:.0f} MB"
    )


def _texts(corpus: Path) -> list[str]:
    from vocab.languages.chinese_script import is_traditional

    paths = sorted((corpus / "dev-zh").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    traditional = [text for text in texts if is_traditional(text)]
    if traditional:
        print(f"corpus: {len(traditional)} traditional-script reports of {corpus / 'dev-zh'}")
        return traditional
    print("corpus: ../shared absent; a built-in traditional sample")
    return ["患者為男性，56歲，發燒三天，接著出現頭痛、噁心，四肢關節疼痛顯著。" * 20]


def _rate(function, texts: list[str], rounds: int) -> float:
    characters = sum(len(text) for text in texts) * rounds
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            function(text)
    return characters / (time.perf_counter() - started)


def bench_conversion(corpus: Path, rounds: int) -> None:
    from vocab.languages.chinese_script import (
        TRADITIONAL_CONFIG,
        character_table,
        converter,
        is_traditional,
        to_simplified,
    )

    texts = _texts(corpus)
    opencc = converter(TRADITIONAL_CONFIG)
    table = character_table(TRADITIONAL_CONFIG)
    by_character = {chr(code): value for code, value in table.items()}
    for text in texts:  # warm-up: tables, converters
        to_simplified(text)
    figures = {
        "to_simplified (detect + OpenCC + offset map)": _rate(to_simplified, texts, rounds),
        "OpenCC convert alone": _rate(opencc.convert, texts, rounds),
        "is_traditional alone": _rate(is_traditional, texts, rounds),
        "baseline: str.translate, per-character table": _rate(lambda t: t.translate(table), texts, rounds),
        "baseline: dict lookup per character": _rate(
            lambda t: "".join([by_character.get(c, c) for c in t]), texts, rounds
        ),
    }
    for label, rate in figures.items():
        print(f"  {label:48} {rate / 1e6:7.2f} M chars/s")
    dict_rate = figures["baseline: dict lookup per character"]
    print(f"  to_simplified vs dict-lookup baseline: {figures[next(iter(figures))] / dict_rate:.2f}x")
    differing = sum(
        sum(a != b for a, b in zip(opencc.convert(text), text.translate(table), strict=False))
        for text in texts
    )
    total = sum(len(text) for text in texts)
    print(f"  characters the per-character baseline converts differently from OpenCC: {differing} of {total}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per loader (best is reported)")
    parser.add_argument("--rounds", type=int, default=200, help="passes over the texts per conversion figure")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    bench_loaders(args.repeat)
    print("\ntraditional -> simplified conversion")
    bench_conversion(args.corpus, args.rounds)


if __name__ == "__main__":
    main()
