"""Extraction speed, load time and memory, beside two baselines measured in the same run.

    .venv/bin/python benchmarks/bench_extraction.py [--docs 1000] [--corpus ../shared/corpus]

The corpus reports (the English MACCROBAT reports, the Chinese narratives in both scripts and the
Chinese seed, 1-8 KB each) are repeated to about `--docs` documents. Printed, all in one run:

- **load**, in fresh child processes: *cold* (an empty cache folder: the HPO, the official Chinese
  labels, MONDO and the compiled vocabulary are all parsed and built) and *warm* (the same folder
  again: everything read from the pickles), with each child's peak RSS;
- **extraction**: reports/s of the whole pipeline, by wall clock and by CPU time (per busy core);
- **matching alone**, our Aho-Corasick pass over the normalised text, against
- **the n-gram dictionary baseline**: the same surface forms (every key of our automaton) in a
  Python dict, looked up for every word n-gram of 1-6 words and, in Chinese runs, every character
  n-gram up to the longest Chinese name. It finds names and nothing else (no overlap resolution,
  no assertion, no facts), so it is the floor for the matching step, not for the pipeline;
- **the naive regex baseline** on a sample: one compiled regular expression per HPO label and
  synonym, every one tried on every report (a rule-per-label matcher).

Ratios are against the n-gram dictionary: the fair baseline for what the matcher does. No database;
nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_LOAD_SNIPPET = """
import json, resource, time
started = time.perf_counter()
from ingest.pipeline import warm_up
warm_up()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _corpus(root: Path) -> list[str]:
    paths = (
        sorted((root / "dev-en").glob("*.txt"))
        + sorted((root / "dev-zh").glob("*.txt"))
        + sorted((root / "dev").glob("*.txt"))
    )
    return [p.read_text(encoding="utf-8") for p in paths]


def _child_load(cache_dir: Path) -> dict:
    """Seconds and peak RSS of loading the pipeline in a fresh process with this cache folder."""
    env = {**os.environ, "REGISTRY_CACHE_DIR": str(cache_dir)}
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_SNIPPET], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the n-gram dictionary baseline
_WORD_RE = re.compile(r"[a-z0-9α-ω]+(?:'[a-z]+)?")
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")


def _ngram_table(vocabulary) -> tuple[dict[str, object], int, int]:
    """Every surface form of our automaton in a dict, with the longest n-gram sizes to try."""
    table = {key: vocabulary.automaton.get(key) for key in vocabulary.automaton}
    max_words = max_chars = 1
    for key in table:
        if _CJK_RUN_RE.fullmatch(key):
            max_chars = max(max_chars, len(key))
        else:
            max_words = max(max_words, len(key.split()))
    return table, min(max_words, 6), max_chars


def _ngram_find(key: str, table: dict, max_words: int, max_chars: int) -> int:
    """How many dictionary names the word and character n-grams of `key` hit."""
    hits = 0
    words = _WORD_RE.findall(key)
    for i in range(len(words)):
        for n in range(1, min(max_words, len(words) - i) + 1):
            if " ".join(words[i : i + n]) in table:
                hits += 1
    for run in _CJK_RUN_RE.findall(key):
        for i in range(len(run)):
            for j in range(i + 2, min(i + max_chars, len(run)) + 1):
                if run[i:j] in table:
                    hits += 1
    return hits


def _regex_baseline(texts: list[str]) -> float:
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
    parser.add_argument("--baseline-docs", type=int, default=3, help="reports for the (slow) regex baseline")
    parser.add_argument("--skip-cold", action="store_true", help="do not measure the cold build")
    args = parser.parse_args()

    texts = _corpus(args.corpus)
    if not texts:
        sys.exit(f"no reports under {args.corpus}")
    docs = (texts * (args.docs // len(texts) + 1))[: args.docs]
    sizes = sorted(len(t.encode()) for t in texts)
    print(
        f"corpus: {len(texts)} reports, {sizes[0]}-{sizes[-1]} bytes "
        f"(median {sizes[len(sizes) // 2]}); run: {len(docs)} docs; load average {_load_average()}"
    )

    # --- load: cold and warm, each in a fresh process ------------------------------------------
    if not args.skip_cold:
        with tempfile.TemporaryDirectory(prefix="bench-extraction-cache-") as folder:
            cold = _child_load(Path(folder))
            warm = _child_load(Path(folder))
        for name, load in (
            ("cold (empty cache: everything parsed and built)", cold),
            ("warm (from the cache)", warm),
        ):
            print(
                f"load, fresh process, {name}: {load['seconds']:.2f} s wall, {load['cpu']:.2f} s CPU, "
                f"peak RSS {load['rss_mb']:.0f} MB"
            )

    started = time.perf_counter()
    from ingest.pipeline import extract, warm_up
    from ingest.pipeline.normalize import normalise
    from ingest.pipeline.vocabulary import key_text
    from ingest.pipeline.vocabulary_build import load_vocabulary
    from vocab.languages import detect_language

    warm_up()
    vocabulary = load_vocabulary()
    print(
        f"load, this process (project cache): {time.perf_counter() - started:.2f} s; "
        f"{len(vocabulary.automaton):,} surface forms, {len(vocabulary.concepts):,} concepts; "
        f"RSS {_rss_mb():.0f} MB"
    )

    # --- the whole pipeline ---------------------------------------------------------------------
    for text in texts:  # warm-up: lazy caches, regex compilation
        extract(text)
    started, cpu_started = time.perf_counter(), time.process_time()
    facts = 0
    for text in docs:
        record = extract(text)
        for patient in record["patients"]:
            facts += sum(
                len(patient[k]) for k in ("features", "diagnoses", "measurements", "treatments", "outcomes")
            )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rate, rate_cpu = len(docs) / elapsed, len(docs) / cpu
    print(
        f"extraction (whole pipeline): {len(docs)} docs in {elapsed:.2f} s = {rate:.0f} reports/s "
        f"({facts} facts)"
    )
    print(f"  CPU time {cpu:.2f} s = {rate_cpu:.0f} reports/s per busy core")

    # --- matching alone against the n-gram dictionary, on the same normalised texts -----------
    keys = [key_text(normalise(t, language=detect_language(t)).text) for t in docs]
    started = time.process_time()
    ours = sum(len(vocabulary.find(k)) for k in keys)
    match_rate = len(keys) / (time.process_time() - started)
    started = time.perf_counter()
    table, max_words, max_chars = _ngram_table(vocabulary)
    table_load = time.perf_counter() - started
    started = time.process_time()
    theirs = sum(_ngram_find(k, table, max_words, max_chars) for k in keys)
    ngram_rate = len(keys) / (time.process_time() - started)
    print(
        f"matching alone, CPU: Aho-Corasick + overlap resolution {match_rate:.0f} reports/s "
        f"({ours} mentions kept); n-gram dictionary baseline {ngram_rate:.0f} reports/s ({theirs} raw hits; "
        f"1-{max_words} words, Chinese 2-{max_chars} characters; dict built in {table_load:.2f} s)"
    )
    print(
        f"  ratios against the n-gram dictionary: matching {match_rate / ngram_rate:.1f}x, "
        f"whole pipeline {rate_cpu / ngram_rate:.2f}x (the pipeline does far more than look names up)"
    )

    # --- the naive regex baseline ---------------------------------------------------------------
    sample = texts[: args.baseline_docs]
    base = _regex_baseline(sample)
    print(f"naive regex baseline (one regex per HPO label/synonym, {len(sample)} docs): {base:.1f} reports/s")
    print(f"peak RSS of this process: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
