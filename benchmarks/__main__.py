"""`make bench` / `python -m benchmarks [NAME...]`: run the benchmarks one after another.

Each benchmark is a standalone script (run one directly for its options); this runner only calls
them in turn with their defaults so that one command reproduces every figure of the closing
notes. Benchmarks use databases of their own on the configured server, never the registry's.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Cheapest first, so an interrupted run still reports the quick figures.
ORDER = (
    "bench_vocab",
    "bench_extraction",
    "eval_similarity",
    "bench_ingest",
    "bench_search",
    "bench_api",
    "bench_curation_duplicates",
    "bench_curation_queue",
    "bench_huge_case",
    "bench_load",
)


def main(argv: list[str]) -> int:
    names = argv or list(ORDER)
    unknown = [name for name in names if not (HERE / f"{name}.py").exists()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(ORDER)}", file=sys.stderr)
        return 2
    failures = 0
    for name in names:
        print(f"\n=== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py")], cwd=HERE.parent, check=False)
        print(f"=== {name}: exit {result.returncode} after {time.perf_counter() - started:.0f} s", flush=True)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
