"""Retrieval quality of the similar-case ranking on real phenopackets (not a test).

    .venv/bin/python benchmarks/eval_similarity.py [--jsonl PATH] [--limit N] [--candidates N]

Loads the GA4GH phenopackets of ../shared/corpus/phenopackets/ directly (observed and excluded
HPO features, OMIM diseases, PMIDs), queries with each case's features, skips every case of the
query's own publication (cases of one paper share a curation template, which would make
retrieval trivial), and measures how often a case of the same disease is in the top 10 (hit@10)
and the mean reciprocal rank of the first one. Three rankings are computed in the same run:

- jaccard: |Q ∩ C| / |Q ∪ C| over the annotated (observed) HPO terms
- ic_overlap: IC-weighted Jaccard over the same sets
- ours: cases/search/semantic.py, the code behind similar_to_case: IC-weighted overlap of
  ancestor closures (IC from the HPO disease annotations) of the features each report examined
  (observed or excluded) plus of the observed ones, minus explicit contradictions.
- resnik_bma: Resnik best-match average over the observed features (symmetric), for reference.

Queries whose disease has no case in another publication cannot score and are left out (counted).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from pyroaring import BitMap

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cases.search import semantic  # noqa: E402
from cases.search.semantic import Ontology, Profile, excluded_closure, top_cases  # noqa: E402
from vocab.hpo import hpo_int, load_hpo  # noqa: E402

DEFAULT_JSONL = REPO.parent / "shared" / "corpus" / "phenopackets" / "phenopacket-store-dev.jsonl"


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
        refs = {
            r["id"]
            for r in packet.get("metaData", {}).get("externalReferences", [])
            if r.get("id", "").startswith("PMID")
        }
        if not refs:  # ids look like PMID_24573067_CASE_REPORT
            refs = (
                {"PMID:" + packet.get("id", "").split("_")[1]}
                if packet.get("id", "").startswith("PMID_")
                else set()
            )
        if present:
            cases.append(
                {
                    "id": packet.get("id"),
                    "present": present,
                    "excluded": excluded,
                    "diseases": diseases,
                    "pmids": refs,
                }
            )
    return cases


def resnik_bma(ontology: Ontology, query: Profile, case: Profile) -> float:
    """Symmetric Resnik best-match average of the observed features."""
    case_closure = ontology.closure(case.present)
    query_closure = ontology.closure(query.present)
    forward = sum(ontology.mica(q, case_closure)[1] for q in query.present) / len(query.present)
    backward = sum(ontology.mica(t, query_closure)[1] for t in case.present) / len(case.present)
    return 0.5 * (forward + backward)


def rank_of_first_relevant(order: list[int], relevant: set[int]) -> float:
    for position, case in enumerate(order, start=1):
        if case in relevant:
            return position
    return math.inf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL)
    parser.add_argument("--limit", type=int, default=0, help="evaluate only every k-th query to save time")
    parser.add_argument("--conflict-weight", type=float, default=semantic.W_CONFLICT)
    parser.add_argument("--observed-weight", type=float, default=semantic.W_OBSERVED)
    parser.add_argument("--no-bma", action="store_true", help="skip the (slow) Resnik BMA reference")
    args = parser.parse_args()
    semantic.W_CONFLICT = args.conflict_weight
    semantic.W_OBSERVED = args.observed_weight
    if not args.jsonl.exists():
        print(f"{args.jsonl} is missing: nothing to evaluate")
        return

    hpo = load_hpo()
    ic = {hpo_int(t.id): t.ic for t in hpo.terms.values()}
    ancestors = {hpo_int(t.id): [hpo_int(a) for a in t.ancestors] for t in hpo.terms.values()}
    ontology = Ontology(ic, ancestors)
    cases = load_cases(args.jsonl, hpo)
    n = len(cases)
    print(f"{n} phenopackets with observed features from {args.jsonl.name}")

    # Per-term bitmaps: closures (ours), direct terms (baselines), excluded terms
    closure_maps: dict[int, BitMap] = defaultdict(BitMap)
    direct_maps: dict[int, BitMap] = defaultdict(BitMap)
    excluded_maps: dict[int, BitMap] = defaultdict(BitMap)
    by_pmid: dict[str, BitMap] = defaultdict(BitMap)
    by_disease: dict[str, BitMap] = defaultdict(BitMap)
    for i, case in enumerate(cases):
        for term in ontology.closure(case["present"]):
            closure_maps[term].add(i)
        for term in case["present"]:
            direct_maps[term].add(i)
        for term in case["excluded"]:
            excluded_maps[term].add(i)
        for pmid in case["pmids"]:
            by_pmid[pmid].add(i)
        for disease in case["diseases"]:
            by_disease[disease].add(i)
    observed_ic = np.array([sum(ic.get(t, 0.0) for t in ontology.closure(c["present"])) for c in cases])
    mentioned_ic = np.array(
        [sum(ic.get(t, 0.0) for t in ontology.closure(c["present"] | c["excluded"])) for c in cases]
    )
    index = SimpleNamespace(
        term=closure_maps,
        excluded=excluded_maps,
        excluded_closure=excluded_closure(ontology, excluded_maps),
        observed_ic=observed_ic,
        mentioned_ic=mentioned_ic,
    )
    universe = BitMap(range(n))
    sizes = np.array([len(c["present"]) for c in cases], dtype=np.float64)
    ic_sizes = np.array([sum(ic.get(t, 0.0) for t in c["present"]) for c in cases], dtype=np.float64)
    profiles = {i: Profile(c["present"], c["excluded"]) for i, c in enumerate(cases)}
    print(f"weights: observed {semantic.W_OBSERVED}, conflict {semantic.W_CONFLICT}")

    ranks: dict[str, list[float]] = {"jaccard": [], "ic_overlap": [], "ours": []}
    if not args.no_bma:
        ranks["resnik_bma"] = []
    skipped = 0
    timings = []
    step = max(args.limit, 1)
    for i in range(0, n, step):
        case = cases[i]
        same_paper = BitMap([i])
        for pmid in case["pmids"]:
            same_paper |= by_pmid[pmid]
        relevant = BitMap()
        for disease in case["diseases"]:
            relevant |= by_disease[disease]
        relevant -= same_paper
        if not relevant:
            skipped += 1
            continue
        relevant_set = set(relevant)
        allowed = np.ones(n, dtype=bool)
        allowed[np.frombuffer(same_paper.to_array(), dtype=np.uint32)] = False

        # Baselines over direct terms, vectorised over all cases
        inter = np.zeros(n)
        inter_ic = np.zeros(n)
        for term in case["present"]:
            members = np.frombuffer(direct_maps[term].to_array(), dtype=np.uint32)
            inter[members] += 1
            inter_ic[members] += ic.get(term, 0.0)
        jaccard = inter / (len(case["present"]) + sizes - inter)
        q_ic = sum(ic.get(t, 0.0) for t in case["present"])
        weighted = np.divide(
            inter_ic, q_ic + ic_sizes - inter_ic, out=np.zeros(n), where=(q_ic + ic_sizes - inter_ic) > 0
        )
        for name, scores in (("jaccard", jaccard), ("ic_overlap", weighted)):
            scores = np.where(allowed, scores, -1.0)
            top = np.argsort(-scores, kind="stable")[:10]
            order = [int(x) for x in top if scores[x] > 0]
            ranks[name].append(rank_of_first_relevant(order, relevant_set) if order else math.inf)
            if ranks[name][-1] == math.inf:
                # Rank beyond the top 10 still counts for MRR
                full = np.argsort(-scores, kind="stable")
                position = next(
                    (k for k, x in enumerate(full, 1) if int(x) in relevant_set and scores[x] > 0), math.inf
                )
                ranks[name][-1] = position

        started = time.perf_counter()
        query = profiles[i]
        ranked = top_cases(ontology, index, query, universe - same_paper, limit=50)
        timings.append(time.perf_counter() - started)
        ranks["ours"].append(rank_of_first_relevant([case_id for case_id, _ in ranked], relevant_set))
        if "resnik_bma" in ranks:
            bma = np.array(
                [resnik_bma(ontology, query, profiles[k]) if allowed[k] else -1.0 for k in range(n)]
            )
            order = [int(x) for x in np.argsort(-bma, kind="stable")[:50] if bma[x] > 0]
            ranks["resnik_bma"].append(rank_of_first_relevant(order, relevant_set))

    evaluated = len(ranks["ours"])
    print(f"queries evaluated: {evaluated}; left out (disease only in their own paper): {skipped}")
    print(f"{'method':<12} {'hit@1':>7} {'hit@10':>7} {'MRR':>7}")
    for name, values in ranks.items():
        hit1 = sum(1 for r in values if r <= 1) / len(values)
        hit10 = sum(1 for r in values if r <= 10) / len(values)
        mrr = sum(0.0 if r == math.inf else 1.0 / r for r in values) / len(values)
        print(f"{name:<12} {hit1:7.3f} {hit10:7.3f} {mrr:7.3f}")
    if timings:
        timings.sort()
        print(
            f"ours per query: p50 {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms over {n} cases"
        )


if __name__ == "__main__":
    main()
