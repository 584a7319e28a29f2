"""Extraction throughput, one process: reports/s after warm-up, one-time load, peak RSS.

    .venv/bin/python benchmarks/bench_extraction.py [--docs 1000] [--corpus ../shared/corpus]

The corpus reports (the Chinese seed and the 40 English MACCROBAT reports, 1-8 KB each) are
repeated to about `--docs` documents. The same process then runs a naive baseline over a sample:
one compiled regular expression per HPO label and synonym, tried on every report (the shape of a
rule-per-label matcher such as a medspaCy configuration generated from HPO), and prints the ratio.
No database; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    except OSError:
        return "n/a"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _corpus(root: Path) -> list[str]:
    paths = sorted((root / "dev-en").glob("*.txt")) + sorted((root / "dev").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def _naive_baseline(texts: list[str]) -> float:
    """Reports/s of per-label regexes (word-bounded, case-insensitive), every label tried on every text."""
    from vocab.hpo import load_hpo

    hpo = load_hpo()
    names = {
        n.lower() for t in hpo.terms.values() if t.is_phenotype for n in [t.name, *t.synonyms] if len(n) > 3
    }
    patterns = [re.compile(r"\b" + re.escape(n) + r"\b", re.I) for n in sorted(names)]
    started = time.perf_counter()
    for text in texts:
        for pattern in patterns:
            pattern.search(text)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--baseline-docs", type=int, default=5)
    args = parser.parse_args()

    texts = _corpus(args.corpus)
    if not texts:
        sys.exit(f"no reports under {args.corpus}")
    docs = (texts * (args.docs // len(texts) + 1))[: args.docs]
    sizes = sorted(len(t.encode()) for t in texts)
    print(
        f"corpus: {len(texts)} reports, {sizes[0]}-{sizes[-1]} bytes "
        f"(median {sizes[len(sizes) // 2]}); run: {len(docs)} docs"
    )

    started = time.perf_counter()
    from ingest.pipeline import extract, warm_up

    warm_up()
    load = time.perf_counter() - started
    print(f"one-time load (ontology, vocabularies, compiled matcher): {load:.2f} s, RSS {_rss_mb():.0f} MB")

    for text in texts:  # warm-up: lazy caches, regex compilation
        extract(text)
    started = time.perf_counter()
    cpu_started = time.process_time()
    facts = 0
    for text in docs:
        record = extract(text)
        for patient in record["patients"]:
            facts += sum(
                len(patient[k]) for k in ("features", "diagnoses", "measurements", "treatments", "outcomes")
            )
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rate = len(docs) / elapsed
    print(f"extraction: {len(docs)} docs in {elapsed:.2f} s = {rate:.0f} reports/s ({facts} facts)")
    # On a shared machine wall time includes other processes' load; CPU time does not.
    print(f"  CPU time {cpu:.2f} s = {len(docs) / cpu:.0f} reports/s per busy core; load average {_load()}")
    print(f"peak RSS: {_rss_mb():.0f} MB")

    sample = texts[: args.baseline_docs]
    base = _naive_baseline(sample)
    print(f"naive baseline (one regex per HPO label/synonym, {len(sample)} docs): {base:.1f} reports/s")
    print(f"speed-up over the naive baseline: {rate / base:.0f}x")


if __name__ == "__main__":
    main()
