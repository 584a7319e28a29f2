"""`eval_similarity.py --api`: the same cross-publication evaluation through POST /api/similar/.

Imports phenopackets into a benchmark database (`--database`, created, migrated and loaded with
the vocabularies if missing) through the ingestion pipeline (`manage.py ingest --sync`), then asks
the endpoint, in process through the whole view stack, for each imported case's features with
`limit` 100 and the query's own publication left out (`exclude_publications`), and counts a hit
when a case with the same disease is in the top 10. In the same run, on the same phenopackets: the
engine called directly (top_cases on the file's cases, as eval_similarity.py does) and the
Jaccard and IC-weighted-overlap baselines. The API figures match the direct engine's when the
import keeps what ranking reads (features, excluded features, diseases, PMIDs).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
from pyroaring import BitMap


def _import(database: str, packets: list[dict]) -> None:
    """Import the phenopackets through the ingestion pipeline (once: a database that holds at least
    as many cases is reused)."""
    from benchmarks.search_data import ensure_database, setup_django

    os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
    setup_django(database)
    ensure_database(database)
    from django.core.management import call_command

    from cases.models import Case

    if Case.objects.count() < len(packets):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "packets.jsonl"
            path.write_text("".join(json.dumps(p) + "\n" for p in packets), encoding="utf-8")
            call_command("ingest", str(path), sync=True, quiet_progress=True)


def evaluate_api(cases: list[dict], *, database: str, limit_cases: int, step: int) -> None:
    from benchmarks.eval_similarity import Corpus, rank_of_first_relevant
    from cases.search.semantic import Ontology, Profile
    from cases.search.similar_rank import registry_ic, top_cases

    chosen = cases[:limit_cases] if limit_cases else cases
    _import(database, [c["packet"] for c in chosen])
    from django.test import Client

    from cases.models import Case
    from cases.search.ontology import get_ontology

    # Each phenopacket of the file became its own report, "packets.jsonl#<line>": judge the API's
    # hits by the file's diseases, as the direct rankings are (the yardstick stays the same even
    # where the import lost a disease code)
    diseases_of: dict[int, set[str]] = {}
    for case_id, filename in Case.objects.values_list("id", "report__filename"):
        line = filename.rsplit("#", 1)[-1]
        if line.isdigit() and 0 < int(line) <= len(chosen):
            diseases_of[case_id] = chosen[int(line) - 1]["diseases"]
    ontology = get_ontology()
    n = len(chosen)
    plain = Corpus(chosen, ontology)
    engine_ontology = Ontology(registry_ic(ontology, plain.index.term, n), ontology.ancestors)
    corpus = Corpus(chosen, engine_ontology, baseline_ontology=ontology)
    client = Client(HTTP_HOST="127.0.0.1")
    ranks: dict[str, list[float]] = {"api": [], "engine": [], "jaccard": [], "ic_overlap": []}
    skipped = 0
    for i in range(0, n, step):
        case = chosen[i]
        if not case["paper"].startswith("PMID:"):
            skipped += 1
            continue
        same_paper = corpus.by_paper[case["paper"]] | BitMap([i])
        relevant = BitMap.union(BitMap(), *(corpus.by_disease[d] for d in case["diseases"])) - same_paper
        if not relevant:
            skipped += 1
            continue
        body = {
            "features": [{"id": f"HP:{t:07d}", "observed": True} for t in sorted(case["present"])]
            + [{"id": f"HP:{t:07d}", "observed": False} for t in sorted(case["excluded"])],
            "limit": 100,
            "exclude_publications": [case["paper"]],
        }
        response = client.post("/api/similar/", body, content_type="application/json")
        results = response.json()["results"] if response.status_code == 200 else []
        found = next(
            (
                k
                for k, hit in enumerate(results, 1)
                if diseases_of.get(hit["case"]["id"], set()) & case["diseases"]
            ),
            math.inf,
        )
        ranks["api"].append(found)
        query = Profile(case["present"], case["excluded"])
        direct = top_cases(engine_ontology, corpus.index, query, corpus.universe - same_paper, limit=100)
        ranks["engine"].append(next((k for k, (c, _) in enumerate(direct, 1) if c in relevant), math.inf))
        allowed = np.ones(n, dtype=bool)
        allowed[np.frombuffer(same_paper.to_array(), dtype=np.uint32)] = False
        relevant_ids = np.frombuffer(relevant.to_array(), dtype=np.uint32).astype(np.int64)
        for name, scores in corpus.baselines(case["present"]).items():
            if name in ranks:
                ranks[name].append(rank_of_first_relevant(scores, allowed, relevant_ids))
    print(f"API evaluation on {n} imported phenopackets (database {database}); queries {len(ranks['api'])},")
    print(f"left out {skipped} (no PMID, or the disease only in the query's own paper)")
    print(f"{'ranking':<12} {'hit@10':>7} {'MRR':>7}")
    for name, values in ranks.items():
        array = np.array(values, dtype=float)
        mrr = float(np.mean(np.where(np.isinf(array), 0.0, 1.0 / array)))
        print(f"{name:<12} {np.mean(array <= 10):7.3f} {mrr:7.3f}")
