"""Cohort summary of any set of cases: treatment → outcome counts per agent, outcome, sex and
age distributions. Counted from the bitmap index, so a result set of 300k cases costs milliseconds."""

from __future__ import annotations

from collections.abc import Iterable

from pyroaring import BitMap

from cases.models import OUTCOME_CODES
from cases.search.facets.age import AGE, AGE_BANDS
from cases.search.facets.disease import informative, roll_up
from cases.search.facets.range import band_label
from cases.search.facets.sex import SEXES
from cases.search.index import get_index
from cases.search.vocabulary import get_vocabulary

DIRECTIONS = list(OUTCOME_CODES)


_ANYONE = object()


def cohort_summary(case_ids: Iterable[int], *, max_agents: int = 50, user=_ANYONE) -> dict:
    """{"total", "treatments": [{agent, agent_id, label_zh, cases, outcomes: {direction: n},
    no_outcome}], "outcomes": {direction: n}, "no_outcome", "sex": {sex: n},
    "age": [{band, low, high, count}], "age_unknown",
    "diagnoses": [{code, label, label_zh, level, cases}]}. Diagnoses are rolled up the MONDO
    hierarchy ("systemic sclerosis" above its limited and diffuse forms; level = MONDO depth).

    Outcome counts are cases: a treated case with outcomes "improved" and "stable" (about
    different findings) counts once under each, so the directions of an agent may sum to more
    than its cases; `no_outcome` counts treated cases without any reported outcome.

    Ids from CaseSearch are already restricted to what the user may see; pass `user` to restrict
    ids from elsewhere the same way (Case.objects.visible_to)."""
    cohort = BitMap(int(i) for i in case_ids)
    index = get_index()
    vocabulary = get_vocabulary()
    with index.lock:
        cohort &= index.all if user is _ANYONE else index.visible(user)
        outcome_maps = {
            name: index.family("outcome").get(code, BitMap()) & cohort for name, code in OUTCOME_CODES.items()
        }
        any_outcome = BitMap.union(*outcome_maps.values()) if outcome_maps else BitMap()
        treatments = []
        for agent_id, bitmap in index.family("agent").items():
            treated = bitmap & cohort
            if not treated:
                continue
            concept = vocabulary.agents.get(agent_id)
            treatments.append(
                {
                    "agent": concept.code if concept else str(agent_id),
                    "agent_id": agent_id,
                    "label_zh": concept.label_zh if concept else "",
                    "cases": len(treated),
                    "outcomes": {
                        name: treated.intersection_cardinality(m) for name, m in outcome_maps.items()
                    },
                    "no_outcome": len(treated - any_outcome),
                }
            )
        treatments.sort(key=lambda row: (-row["cases"], row["agent"]))
        sex = {
            name: cohort.intersection_cardinality(index.family("sex").get(name, BitMap())) for name in SEXES
        }
        ages = {age: cohort.intersection_cardinality(bitmap) for age, bitmap in index.family("age").items()}
        # Rolled up the MONDO hierarchy as the facet is: one row per concept, the top groupings
        # and ancestors that add nothing to a more specific row left out.
        counted = []
        for disease_id, bitmap in index.family("disease").items():
            if informative(disease_id, vocabulary):
                count = cohort.intersection_cardinality(bitmap)
                if count:
                    counted.append((disease_id, count))
        diagnoses = []
        for disease_id, count in roll_up(counted, vocabulary, limit=20):
            concept = vocabulary.diseases.get(disease_id)
            diagnoses.append(
                {
                    "code": concept.code if concept else str(disease_id),
                    "label": concept.label if concept else "",
                    "label_zh": concept.label_zh if concept else "",
                    "level": vocabulary.disease_depth.get(disease_id),
                    "cases": count,
                }
            )
    bands = []
    for low, high in AGE_BANDS:
        bands.append(
            {
                "band": band_label(low, high, AGE.maximum),
                "low": low,
                "high": high,
                "count": sum(count for age, count in ages.items() if low <= age <= high),
            }
        )
    known = sum(band["count"] for band in bands)
    return {
        "total": len(cohort),
        "treatments": treatments[:max_agents],
        "outcomes": {name: len(m) for name, m in outcome_maps.items()},
        "no_outcome": len(cohort - any_outcome),
        "sex": sex,
        "age": bands,
        "age_unknown": len(cohort) - known,
        "diagnoses": diagnoses[:20],
    }
