"""Retrieval quality of the similar-case ranking on real phenopackets, cross-validated by
publication (not a test).

    .venv/bin/python benchmarks/eval_similarity.py [--jsonl PATH] [--folds 5] [--group paper|cohort]
    .venv/bin/python benchmarks/eval_similarity.py --api [--api-cases N]   # through POST /api/similar/

Loads the GA4GH phenopackets of ../shared/corpus/phenopackets/ directly (observed and excluded
HPO features, OMIM diseases, the paper: PMID, else the folder of `_source_path`), queries with
each case's features, leaves out every case of the query's own paper (cases of one paper share a
curation template, which would make retrieval trivial), and counts a hit when a case of the same
disease is in the top 10 (hit@10; MRR: reciprocal rank of the first one). Queries whose disease
has no case in another paper cannot score and are left out (counted).

Cross-validation: the papers are split into folds (a hash of the paper id, so the split is fixed);
the engine's weights are chosen on the queries of the other folds (best hit@10, then MRR, over a
small grid) and measured on the fold's own queries, which the choice never saw. `--group cohort`
folds by phenopacket-store cohort (the gene folder) instead: whole cohorts unseen. Rankings, all
in the same run:

- jaccard: |Q ∩ C| / |Q ∪ C| over the annotated (observed) HPO terms
- ic_overlap: IC-weighted Jaccard over the same sets
- resnik_bma: symmetric Resnik best-match average of the observed terms
- engine_before: the ranking before cross-validation (simGIC of examined and of observed closures,
  minus conflicts; weights observed 0.3, conflict 1, no coverage)
- engine_cv: cases/search/similar_rank.py with the weights chosen on the other folds
- engine: the shipped weights (similar_rank.DEFAULT_WEIGHTS, chosen on all folds), through
  top_cases with its pruning, to show that it ranks as the full scoring does

Ties rank the newer (higher) id first for every ranking, as the engine does.

Figures (phenopacket-store-dev.jsonl, 7,337 cases, 4,084 queries, 5 folds by paper, 2026-11-30),
hit@10 mean / worst fold, MRR mean / worst fold:

    jaccard        0.672 / 0.614   0.554 / 0.479
    ic_overlap     0.695 / 0.637   0.580 / 0.511
    resnik_bma     0.672 / 0.607   0.536 / 0.457
    engine before  0.786 / 0.733   0.694 / 0.643   (HPO-annotation IC, --ic hpo at the time)
    engine_cv      0.798 / 0.751   0.712 / 0.657   (+0.103 mean, +0.066 worst fold over ic_overlap)

Every fold chose the same weights (coverage 0.25, observed 0, conflict 0.1), the shipped ones.
With the HPO annotations' IC instead of the registry's (--ic hpo) the engine scores the same
within 0.005; pruned top_cases agrees with full scoring on every query.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from pyroaring import BitMap

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cases.search.semantic import Ontology, Profile, excluded_closure  # noqa: E402
from cases.search.similar_rank import (  # noqa: E402
    DEFAULT_WEIGHTS,
    Weights,
    registry_ic,
    score_parts,
    top_cases,
)
from vocab.hpo import hpo_int, load_hpo  # noqa: E402

DEFAULT_JSONL = REPO.parent / "shared" / "corpus" / "phenopackets" / "phenopacket-store-dev.jsonl"
BEFORE_OBSERVED, BEFORE_CONFLICT = 0.3, 1.0  # the weights of the ranking before this evaluation
# The conflict weight is never 0: an explicit contradiction must lower a score (a researcher reads
# "query has fever, case has no fever" as a worse match than a case silent about fever)
GRID = [
    Weights(coverage=c, observed=o, conflict=k)
    for c, o, k in itertools.product((0.0, 0.25, 0.5, 1.0), (0.0, 0.3), (0.1, 0.25, 0.5, 1.0))
]


def paper_of(packet: dict) -> str:
    """The publication of a phenopacket: its PMID, else the folder of its source path."""
    refs = sorted(
        r["id"]
        for r in packet.get("metaData", {}).get("externalReferences", [])
        if r.get("id", "").startswith("PMID")
    )
    if refs:
        return refs[0]
    if packet.get("id", "").startswith("PMID_"):  # ids look like PMID_24573067_CASE_REPORT
        return "PMID:" + packet["id"].split("_")[1]
    return packet.get("_source_path", "").rsplit("/", 1)[0] or packet.get("id", "")


def load_cases(path: Path, hpo) -> list[dict]:
    cases = []
    for line in path.open(encoding="utf-8"):
        packet = json.loads(line)
        present, excluded = set(), set()
        for feature in packet.get("phenotypicFeatures", []):
            term = hpo.get(feature.get("type", {}).get("id", ""))
            if term is None:
                continue
            (excluded if feature.get("excluded") else present).add(hpo_int(term.id))
        excluded -= present
        diseases = {d["term"]["id"] for d in packet.get("diseases", []) if d.get("term", {}).get("id")}
        source = packet.get("_source_path", "").split("/")
        if present:
            cases.append(
                {
                    "id": packet.get("id"),
                    "present": present,
                    "excluded": excluded,
                    "diseases": diseases,
                    "paper": paper_of(packet),
                    "cohort": source[1] if len(source) > 2 else paper_of(packet),
                    "packet": packet,
                }
            )
    return cases


def fold_of(key: str, folds: int) -> int:
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % folds  # noqa: S324 - a split, not security


class Corpus:
    """The cases as the engine's index sees them, plus what the baselines need."""

    def __init__(
        self, cases: list[dict], ontology: Ontology, baseline_ontology: Ontology | None = None
    ) -> None:
        self.cases, self.ontology, n = cases, ontology, len(cases)
        # The baselines (Jaccard needs none) weigh with the HPO annotations' IC
        self.baseline_ontology = baseline_ontology or ontology
        ic = ontology.ic
        closure_maps, direct, excluded = defaultdict(BitMap), defaultdict(BitMap), defaultdict(BitMap)
        self.by_paper, self.by_disease = defaultdict(BitMap), defaultdict(BitMap)
        for i, case in enumerate(cases):
            for term in ontology.closure(case["present"]):
                closure_maps[term].add(i)
            for term in case["present"]:
                direct[term].add(i)
            for term in case["excluded"]:
                excluded[term].add(i)
            self.by_paper[case["paper"]].add(i)
            for disease in case["diseases"]:
                self.by_disease[disease].add(i)
        self.direct = direct
        self.index = SimpleNamespace(
            term=closure_maps,
            excluded=excluded,
            excluded_closure=excluded_closure(ontology, excluded),
            observed_ic=np.array(
                [sum(ic.get(t, 0.0) for t in ontology.closure(c["present"])) for c in cases]
            ),
            mentioned_ic=np.array(
                [sum(ic.get(t, 0.0) for t in ontology.closure(c["present"] | c["excluded"])) for c in cases]
            ),
        )
        self.sizes = np.array([len(c["present"]) for c in cases], dtype=np.float64)
        base_ic = self.baseline_ontology.ic
        self.ic_sizes = np.array([sum(base_ic.get(t, 0.0) for t in c["present"]) for c in cases])
        self.universe = BitMap(range(n))
        # Resnik BMA, case → query: every (annotated term, ancestor) pair, and (case, term) pairs
        self.terms = sorted({t for c in cases for t in c["present"]})
        position = {t: k for k, t in enumerate(self.terms)}
        pairs = [(position[t], a) for t in self.terms for a in ontology.ancestors.get(t, {t})]
        self.pair_term = np.array([p[0] for p in pairs])
        self.pair_ancestor_ic = np.array([base_ic.get(p[1], 0.0) for p in pairs])
        self.pair_ancestor = [p[1] for p in pairs]
        owners = [(i, position[t]) for i, c in enumerate(cases) for t in c["present"]]
        self.owner_case = np.array([o[0] for o in owners])
        self.owner_term = np.array([o[1] for o in owners])

    def baselines(self, query: set[int]) -> dict[str, np.ndarray]:
        n, ic = len(self.cases), self.baseline_ontology.ic
        inter, inter_ic = np.zeros(n), np.zeros(n)
        for term in query:
            members = np.frombuffer(self.direct[term].to_array(), dtype=np.uint32)
            inter[members] += 1
            inter_ic[members] += ic.get(term, 0.0)
        query_ic = sum(ic.get(t, 0.0) for t in query)
        union_ic = query_ic + self.ic_sizes - inter_ic
        return {
            "jaccard": inter / (len(query) + self.sizes - inter),
            "ic_overlap": np.divide(inter_ic, union_ic, out=np.zeros(n), where=union_ic > 0),
            "resnik_bma": self.resnik_bma(query),
        }

    def resnik_bma(self, query: set[int]) -> np.ndarray:
        """Symmetric Resnik best-match average of every case against the query, vectorised."""
        ontology, n = self.baseline_ontology, len(self.cases)
        forward = np.zeros(n)
        for q in query:
            best, remaining = np.zeros(n), self.universe.copy()
            for ancestor in ontology.by_ic.get(q, (q,)):
                weight = ontology.ic.get(ancestor, 0.0)
                hits = self.index.term.get(ancestor, BitMap()) & remaining
                if weight <= 0 or not remaining:
                    break
                if hits:
                    best[np.frombuffer(hits.to_array(), dtype=np.uint32)] = weight
                    remaining -= hits
            forward += best
        closure = ontology.closure(query)
        in_query = np.array([a in closure for a in self.pair_ancestor])
        best_term = np.zeros(len(self.terms))
        np.maximum.at(best_term, self.pair_term, self.pair_ancestor_ic * in_query)
        backward = np.bincount(self.owner_case, weights=best_term[self.owner_term], minlength=n) / self.sizes
        return 0.5 * (forward / len(query) + backward)


def rank_of_first_relevant(scores: np.ndarray, allowed: np.ndarray, relevant: np.ndarray) -> float:
    """Rank of the best relevant case when ordering by (score desc, id desc); inf if it is not
    positive (the engine returns positive scores only)."""
    scores = np.where(allowed, scores, -np.inf)
    top = scores[relevant].max()
    best = relevant[scores[relevant] == top].max()
    if not top > 0:
        return math.inf
    ahead = np.count_nonzero(scores > top) + np.count_nonzero(scores[best + 1 :] == top)
    return 1.0 + ahead


def figures(ranks: np.ndarray) -> tuple[float, float]:
    return float(np.mean(ranks <= 10)), float(np.mean(np.where(np.isinf(ranks), 0.0, 1.0 / ranks)))


def evaluate(corpus: Corpus, *, folds: int, group: str, step: int) -> None:
    cases, n = corpus.cases, len(corpus.cases)
    methods = ["jaccard", "ic_overlap", "resnik_bma", "engine_before", "engine"]
    ranks: dict[str, list[float]] = {m: [] for m in methods}
    grid_ranks: list[list[float]] = []
    fold: list[int] = []
    agree = skipped = 0
    timings = []
    for i in range(0, n, step):
        case = cases[i]
        same_paper = corpus.by_paper[case["paper"]] | BitMap([i])
        relevant = BitMap.union(BitMap(), *(corpus.by_disease[d] for d in case["diseases"])) - same_paper
        if not relevant:
            skipped += 1
            continue
        relevant_ids = np.frombuffer(relevant.to_array(), dtype=np.uint32).astype(np.int64)
        allowed = np.zeros(n, dtype=bool)
        pool = corpus.universe - same_paper
        allowed[np.frombuffer(pool.to_array(), dtype=np.uint32)] = True
        query = Profile(case["present"], case["excluded"])
        for name, scores in corpus.baselines(case["present"]).items():
            ranks[name].append(rank_of_first_relevant(scores, allowed, relevant_ids))
        parts = score_parts(corpus.ontology, corpus.index, query, corpus.universe)
        before = parts.examined_before + BEFORE_OBSERVED * parts.observed - BEFORE_CONFLICT * parts.conflicts
        ranks["engine_before"].append(rank_of_first_relevant(before, allowed, relevant_ids))
        grid_ranks.append([rank_of_first_relevant(parts.scores(w), allowed, relevant_ids) for w in GRID])
        full = rank_of_first_relevant(parts.scores(DEFAULT_WEIGHTS), allowed, relevant_ids)
        started = time.perf_counter()
        ranked = [case_id for case_id, _ in top_cases(corpus.ontology, corpus.index, query, pool, limit=10)]
        timings.append(time.perf_counter() - started)
        found = next((k for k, c in enumerate(ranked, 1) if c in relevant), math.inf)
        agree += found == full if full <= 10 else found == math.inf
        ranks["engine"].append(found if found <= 10 else full)
        fold.append(fold_of(case[group], folds))
    fold_array, grid = np.array(fold), np.array(grid_ranks)
    per_fold: dict[str, list[tuple[float, float]]] = defaultdict(list)
    chosen = []
    for f in range(folds):
        train, test = fold_array != f, fold_array == f
        if not test.any():
            continue
        score = [(*figures(grid[train, k]), -k) for k in range(len(GRID))]
        best = max(range(len(GRID)), key=lambda k: score[k])
        chosen.append(GRID[best])
        per_fold["engine_cv"].append(figures(grid[test, best]))
        for name in methods:
            per_fold[name].append(figures(np.array(ranks[name])[test]))
    print(f"queries evaluated: {len(fold)}; left out (disease only in their own paper): {skipped}")
    print(f"folds by {group}: {folds}; queries per fold {np.bincount(fold_array, minlength=folds).tolist()}")
    print("weights chosen per fold (coverage, observed, conflict):")
    print("  " + "; ".join(f"{w.coverage:g}, {w.observed:g}, {w.conflict:g}" for w in chosen))
    print(f"{'ranking':<14} {'hit@10 mean':>11} {'worst':>7} {'MRR mean':>9} {'worst':>7}")
    for name in ["jaccard", "ic_overlap", "resnik_bma", "engine_before", "engine_cv", "engine"]:
        rows = np.array(per_fold[name])
        print(
            f"{name:<14} {rows[:, 0].mean():11.3f} {rows[:, 0].min():7.3f}"
            f" {rows[:, 1].mean():9.3f} {rows[:, 1].min():7.3f}"
        )
    margin = np.array(per_fold["engine_cv"])[:, 0] - np.maximum(
        np.array(per_fold["jaccard"])[:, 0], np.array(per_fold["ic_overlap"])[:, 0]
    )
    print(
        "engine_cv hit@10 above the better of jaccard/ic_overlap:"
        f" mean {margin.mean():+.3f}, worst fold {margin.min():+.3f}"
    )
    print(f"pruned top_cases agrees with full scoring on {agree}/{len(fold)} queries")
    timings.sort()
    print(f"engine top-10 per query: p50 {timings[len(timings) // 2] * 1000:.1f} ms over {n} cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--group", choices=["paper", "cohort"], default="paper")
    parser.add_argument(
        "--ic",
        choices=["registry", "hpo"],
        default="registry",
        help="the engine's information content: the cases' own frequencies (as the registry ranks) or the HPO"
        " annotations'; the baselines always use the HPO annotations'",
    )
    parser.add_argument("--step", type=int, default=1, help="evaluate every k-th query only (quicker)")
    parser.add_argument("--api", action="store_true", help="query POST /api/similar/ on a benchmark database")
    parser.add_argument(
        "--api-cases", type=int, default=0, help="--api: import only the first N phenopackets"
    )
    parser.add_argument("--database", default="reg_eval_similar", help="--api: the benchmark database")
    args = parser.parse_args()
    if not args.jsonl.exists():
        print(f"{args.jsonl} is missing: nothing to evaluate")
        return
    hpo = load_hpo()
    ontology = Ontology(
        {hpo_int(t.id): t.ic for t in hpo.terms.values()},
        {hpo_int(t.id): [hpo_int(a) for a in t.ancestors] for t in hpo.terms.values()},
    )
    cases = load_cases(args.jsonl, hpo)
    print(f"{len(cases)} phenopackets with observed features from {args.jsonl.name}")
    print(f"engine information content: {args.ic}")
    if args.api:
        from benchmarks.eval_similarity_api import evaluate_api

        evaluate_api(cases, database=args.database, limit_cases=args.api_cases, step=args.step)
        return
    weights = DEFAULT_WEIGHTS
    print(
        f"shipped weights: coverage {weights.coverage}, observed {weights.observed},"
        f" conflict {weights.conflict}"
    )
    corpus = Corpus(cases, ontology)
    if args.ic == "registry":
        engine_ontology = Ontology(registry_ic(ontology, corpus.index.term, len(cases)), ontology.ancestors)
        corpus = Corpus(cases, engine_ontology, baseline_ontology=ontology)
    evaluate(corpus, folds=args.folds, group=args.group, step=args.step)


if __name__ == "__main__":
    main()
