"""Extraction quality on the dev corpus, on the reports we tune on and on those kept aside.

    .venv/bin/python benchmarks/eval_extraction.py [--corpus ../shared/corpus] [--show FILE]

Runs the pipeline in this process over ../shared/corpus (Chinese narratives and the seed, the
English MACCROBAT reports and their coded golds), scores every part with the corpus's own scorer
(../shared/tools/score_extraction.py) and prints one table: each set split into "tune" and
"held-out" by benchmarks/extraction_split.json. Tune only on "tune"; a held-out figure well below
its tune figure means a rule fits the reports it was written for, not case reports in general.

English brat is scored four ways: the record as written (one fact per finding, its first
mention as `evidence`: what the scorer reads); every span of each fact read (the facts' `mentions`
as an evidence list); one fact per mention of the coded facts; and one fact per mention with the
words that map to no code (`uncoded_findings`, kept apart from the features) read as features.
The gold marks every mention, and many of them with words that name no code ("mass", "lesion"),
so the four figures show how much of the gap each of those record rules accounts for.

`--show zh-a03` prints the scorer's full report for one gold file (what was missed, what was not
in the gold). No database; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import mean

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SPLIT = json.loads((Path(__file__).resolve().parent / "extraction_split.json").read_text(encoding="utf-8"))
TRADITIONAL_MARKERS = "為歲發診斷醫體療"  # characters that only traditional script uses this way
_SUMMARY = re.compile(r"(\w+)=([0-9.]+|n/a)")


def _summary(line: str) -> dict[str, float | None]:
    return {k: (None if v == "n/a" else float(v)) for k, v in _SUMMARY.findall(line)}


def _score(scorer: Path, mode: str, gold: Path, records: Path) -> tuple[dict, str]:
    out = subprocess.run(
        [sys.executable, str(scorer), mode, str(gold), str(records)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return _summary(out.strip().splitlines()[-1]), out


def _extract(paths: list[Path], target: Path, without: frozenset[str] = frozenset()) -> None:
    from ingest.pipeline import extract

    run = extract
    if without:
        # The same pipeline over a vocabulary built without some sources, to measure what they add.
        from ingest.pipeline.extractor import Extractor
        from ingest.pipeline.vocabulary_build import build_vocabulary

        extractor = Extractor(build_vocabulary(without=without))

        def run(text: str, *, source: str) -> dict:
            return extractor.run(text, source=source, language=None)

    with target.open("w", encoding="utf-8") as handle:
        for path in paths:
            record = run(path.read_text(encoding="utf-8"), source=str(path))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _per_mention(source: Path, target: Path, *, uncoded: bool = True) -> None:
    from ingest.pipeline.merging import per_mention

    with source.open(encoding="utf-8") as records, target.open("w", encoding="utf-8") as handle:
        for line in records:
            view = per_mention(json.loads(line), uncoded=uncoded)
            handle.write(json.dumps(view, ensure_ascii=False) + "\n")


def _evidence_lists(source: Path, target: Path) -> None:
    """The records with each fact's `evidence` the list of all its mentions (the scorer reads a
    list): what one fact per finding would earn if the scorer read every span of it."""
    with source.open(encoding="utf-8") as records, target.open("w", encoding="utf-8") as handle:
        for line in records:
            record = json.loads(line)
            for patient in record.get("patients") or []:
                for kind in ("features", "diagnoses", "measurements", "treatments"):
                    for fact in patient.get(kind) or []:
                        if fact.get("mentions"):
                            fact["evidence"] = fact.pop("mentions")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _mean(values: list[float | None]) -> str:
    kept = [v for v in values if v is not None]
    return f"{mean(kept):.2f}" if kept else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--show", help="print the full scorer report of one gold (e.g. zh-a03, 28090049)")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="SOURCE",
        help="leave an optional vocabulary source out (hpo-zh, mondo, hpo-diseases); repeatable",
    )
    args = parser.parse_args()
    without = frozenset(args.without)
    corpus: Path = args.corpus
    scorer = corpus.parent / "tools" / "score_extraction.py"
    if not scorer.exists():
        print(f"no scorer at {scorer}: the evaluation corpus is not checked out beside the project")
        return 1
    work = Path(tempfile.mkdtemp(prefix="eval-extraction-"))

    # --- Chinese: gold mode, one gold per narrative --------------------------------------------
    zh_golds = sorted((corpus / "dev-zh").glob("*.gold.json")) + sorted((corpus / "dev").glob("*.gold.json"))
    zh_texts = [g.with_name(json.loads(g.read_text(encoding="utf-8"))["report"]) for g in zh_golds]
    _extract(zh_texts, work / "zh.jsonl", without)
    held_zh = set(SPLIT["zh"]["held_out"])
    rows: dict[str, list[tuple[str, dict]]] = {"tune": [], "held-out": []}
    reports: dict[str, str] = {}
    for gold, text in zip(zh_golds, zh_texts, strict=True):
        name = text.stem
        summary, full = _score(scorer, "gold", gold, work / "zh.jsonl")
        reports[name] = full
        script = "trad" if any(c in text.read_text(encoding="utf-8") for c in TRADITIONAL_MARKERS) else "simp"
        summary["script"] = script  # type: ignore[assignment]
        rows["held-out" if name in held_zh else "tune"].append((name, summary))

    # --- English: brat mode (span overlap) and the coded golds ---------------------------------
    en_dir = corpus / "dev-en"
    brat_gold = [json.loads(line) for line in (en_dir / "maccrobat-dev.gold.jsonl").open(encoding="utf-8")]
    held_en = set(SPLIT["en_brat"]["held_out"])
    _extract(sorted(en_dir.glob("*.txt")), work / "en.jsonl", without)
    _per_mention(work / "en.jsonl", work / "en-mentions.jsonl")
    _per_mention(work / "en.jsonl", work / "en-mentions-coded.jsonl", uncoded=False)
    _evidence_lists(work / "en.jsonl", work / "en-evidence-lists.jsonl")
    brat: dict[str, dict] = {}
    for part, keep in (("tune", lambda d: d not in held_en), ("held-out", lambda d: d in held_en)):
        subset = work / f"brat-{part}.jsonl"
        subset.write_text(
            "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in brat_gold if keep(str(g["doc_id"]))),
            encoding="utf-8",
        )
        brat[part], reports[f"brat-{part}"] = _score(scorer, "brat", subset, work / "en.jsonl")
        # The record has one fact per finding; brat marks every mention. Scored one fact per
        # mention too (each with its own assertion), the figure the extractor's mentions earn.
        brat[f"{part}-mentions"], reports[f"brat-{part}-mentions"] = _score(
            scorer, "brat", subset, work / "en-mentions.jsonl"
        )
        # Where the record-as-written figure loses to brat's every-mention gold: the record's facts
        # with all their spans read, then one fact per mention of the coded facts alone (the
        # figure above adds the words that map to no code, which the record keeps apart).
        brat[f"{part}-lists"], _ = _score(scorer, "brat", subset, work / "en-evidence-lists.jsonl")
        brat[f"{part}-coded"], _ = _score(scorer, "brat", subset, work / "en-mentions-coded.jsonl")
    coded: dict[str, list[tuple[str, dict]]] = {"tune": [], "held-out": []}
    for gold in sorted((en_dir / "coded").glob("*.gold.json")):
        name = gold.name.split(".")[0]
        summary, reports[name] = _score(scorer, "gold", gold, work / "en.jsonl")
        coded["held-out" if name in SPLIT["en_coded"]["held_out"] else "tune"].append((name, summary))

    if args.show:
        print(reports.get(args.show, f"no report named {args.show}; names: {', '.join(sorted(reports))}"))
        return 0

    print("Chinese narratives and seed (gold mode), per report:")
    header = "overall features excluded treatments attrs measure diagn outcomes"
    print(f"  {'report':24} {'set':8} {'script':6} {header}")
    for part, items in rows.items():
        for name, s in items:
            cells = [
                s.get(k)
                for k in (
                    "overall",
                    "features",
                    "excluded",
                    "treatments",
                    "attrs",
                    "measurements",
                    "diagnoses",
                    "outcomes",
                )
            ]
            print(
                f"  {name:24} {part:8} {s['script']:6} "
                + " ".join(f"{'n/a' if c is None else f'{c:.2f}':>7}" for c in cells)
            )
    print()
    print(f"{'figure':46} {'tune':>8} {'held-out':>9}")

    def line(label: str, tune: str, held: str) -> None:
        print(f"{label:56} {tune:>8} {held:>9}")

    def zh(part: str, key: str, script: str | None = None, *, seed: bool | None = False) -> str:
        values = [
            s.get(key)
            for name, s in rows[part]
            if (script is None or s["script"] == script)
            and (seed is None or (name.startswith("crest")) == seed)
        ]
        return _mean(values)

    line("Chinese narratives, mean overall", zh("tune", "overall"), zh("held-out", "overall"))
    line("  … traditional script", zh("tune", "overall", "trad"), zh("held-out", "overall", "trad"))
    line("  … simplified script", zh("tune", "overall", "simp"), zh("held-out", "overall", "simp"))
    line("  diagnoses recall", zh("tune", "diagnoses"), zh("held-out", "diagnoses"))
    line("  features F1", zh("tune", "features"), zh("held-out", "features"))
    line("Chinese seed, overall", zh("tune", "overall", seed=True), "—")
    for key, label in (
        ("overall", "English brat, overall"),
        ("features", "  features F1"),
        ("excluded", "  excluded findings F1"),
        ("measurements", "  measurements F1"),
        ("treatments", "  treatments F1"),
        ("sex", "  sex accuracy"),
        ("age", "  age accuracy"),
    ):
        line(label, f"{brat['tune'][key]:.2f}", f"{brat['held-out'][key]:.2f}")
    for view, title in (
        ("lists", "English brat, every span of a fact read"),
        ("coded", "English brat per mention, coded facts"),
        ("mentions", "English brat per mention, uncoded words too"),
    ):
        for key, label in (
            ("overall", f"{title}, overall"),
            ("features", "  features F1"),
            ("excluded", "  excluded findings F1"),
            ("treatments", "  treatments F1"),
        ):
            line(label, f"{brat[f'tune-{view}'][key]:.2f}", f"{brat[f'held-out-{view}'][key]:.2f}")
    line(
        "English coded, mean overall",
        _mean([s["overall"] for _, s in coded["tune"]]),
        _mean([s["overall"] for _, s in coded["held-out"]]),
    )
    print(f"\n(records in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
