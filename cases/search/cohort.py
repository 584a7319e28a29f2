"""Cohort summary of any set of cases: what each treatment was followed by (each case counted once
per drug), outcomes against the finding they concern, how many cases carry treatment data at all,
and sex, age and diagnosis distributions.

Who was treated with what comes from the bitmap index (milliseconds for 300k cases); how it went
needs the outcome rows of the treated cases (one query, at most DETAIL_LIMIT cases: the page says
when it counted fewer than all). An outcome belongs to a drug when the report ties it to it
(`Outcome.after_treatment`); a case given a single drug has its untied outcomes counted against
that drug; otherwise an untied outcome counts under "not tied to a drug". A case with several
outcomes after one drug counts once, under the last one the report states (the latest course).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from pyroaring import BitMap

from cases.models import OUTCOME_CODES, Outcome
from cases.search.facets.age import AGE, AGE_BANDS
from cases.search.facets.disease import informative, roll_up
from cases.search.facets.range import band_label
from cases.search.facets.sex import SEXES
from cases.search.index import get_index
from cases.search.vocabulary import get_vocabulary

DIRECTIONS = list(OUTCOME_CODES)
DETAIL_LIMIT = 50_000  # treated cases whose outcome rows are read
FINDING_ROWS = 30

_ANYONE = object()


def cohort_summary(case_ids: Iterable[int], *, max_agents: int = 50, user=_ANYONE) -> dict:
    """{"total", "treated" (cases with any treatment), "treatments": [{agent, agent_id, label_zh,
    cases, outcomes: {direction: cases}, no_outcome}], "by_finding": [{finding, code, agent,
    cases, outcomes: {direction: cases}}], "detail_cases", "outcomes": {direction: n},
    "no_outcome", "sex": {sex: n}, "age": [{band, low, high, count}], "age_unknown",
    "diagnoses": [{code, label, label_zh, level, cases}]}. Diagnoses are rolled up the MONDO
    hierarchy ("systemic sclerosis" above its limited and diffuse forms; level = MONDO depth).

    In `treatments` each case counts once per drug: its `outcomes` sum with `no_outcome` to
    `cases`. The overall `outcomes` count cases reporting each direction (a case with an improved
    ulcer and a stable calcinosis counts under both).

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
        treated_by_agent: list[tuple[int, BitMap]] = []
        for agent_id, bitmap in index.family("agent").items():
            treated = bitmap & cohort
            if treated:
                treated_by_agent.append((agent_id, treated))
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
    treated_all = BitMap.union(*(bitmap for _, bitmap in treated_by_agent)) if treated_by_agent else BitMap()
    treated_by_agent.sort(key=lambda row: (-len(row[1]), _agent_name(vocabulary, row[0])))
    shown = treated_by_agent[:max_agents]
    detail = _treatment_outcomes(shown, vocabulary)
    treatments = []
    for agent_id, treated in shown:
        concept = vocabulary.agents.get(agent_id)
        per_case = detail.final.get(agent_id, {})
        counted = Counter(per_case.values())
        treatments.append(
            {
                "agent": _agent_name(vocabulary, agent_id),
                "agent_id": agent_id,
                "label_zh": concept.label_zh if concept else "",
                "cases": len(treated),
                "outcomes": {direction: counted.get(direction, 0) for direction in DIRECTIONS},
                "no_outcome": len(treated) - len(per_case),
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
        "treated": len(treated_all),
        "treatments": treatments,
        "by_finding": detail.by_finding[:FINDING_ROWS],
        "detail_cases": detail.cases,
        "detail_limited": detail.limited,
        "outcomes": {name: len(m) for name, m in outcome_maps.items()},
        "no_outcome": len(cohort - any_outcome),
        "sex": sex,
        "age": bands,
        "age_unknown": len(cohort) - known,
        "diagnoses": diagnoses[:20],
    }


def _agent_name(vocabulary, agent_id: int) -> str:
    concept = vocabulary.agents.get(agent_id)
    return concept.code if concept else str(agent_id)


class _Detail:
    def __init__(self) -> None:
        # agent id -> {case id: direction of the last outcome after that drug}
        self.final: dict[int, dict[int, str]] = defaultdict(dict)
        self.by_finding: list[dict] = []
        self.cases = 0  # treated cases whose outcomes were read
        self.limited = False


def _treatment_outcomes(shown: list[tuple[int, BitMap]], vocabulary) -> _Detail:
    """Each shown drug's outcome per treated case, and outcomes per (finding, drug)."""
    detail = _Detail()
    agents_of: dict[int, list[int]] = defaultdict(list)
    for agent_id, treated in shown:
        for case_id in treated:
            agents_of[case_id].append(agent_id)
    case_ids = sorted(agents_of)
    if len(case_ids) > DETAIL_LIMIT:
        case_ids, detail.limited = case_ids[:DETAIL_LIMIT], True
    detail.cases = len(case_ids)
    if not case_ids:
        return detail
    by_name = {_agent_name(vocabulary, agent_id).lower(): agent_id for agent_id, _ in shown}
    rows = (
        Outcome.objects.filter(case_id__in=case_ids, rejected=False)
        .order_by("case_id", "evidence_start", "id")
        .values_list("case_id", "after_treatment", "direction", "term__hpo_id", "term__label", "about")
    )
    # (finding key, agent id) -> {case id: last direction}
    findings: dict[tuple, dict[int, str]] = defaultdict(dict)
    labels: dict[tuple, tuple[str, str]] = {}
    for case_id, after, direction, code, term_label, about in rows.iterator(chunk_size=5000):
        agents = agents_of.get(case_id, [])
        agent_id = by_name.get((after or "").lower())
        if agent_id is None and not after and len(agents) == 1:
            agent_id = agents[0]
        if agent_id is None or agent_id not in agents:
            continue  # tied to a drug not shown, or not tied to one of several drugs
        detail.final[agent_id][case_id] = direction  # rows in text order: the last one stays
        label = term_label or about or "overall condition"
        key = (code or label.lower(), agent_id)
        findings[key][case_id] = direction
        labels[key] = (label, code or "")
    rows_out = []
    for key, per_case in findings.items():
        counted = Counter(per_case.values())
        label, code = labels[key]
        rows_out.append(
            {
                "finding": label,
                "code": code,
                "agent": _agent_name(vocabulary, key[1]),
                "cases": len(per_case),
                "outcomes": {direction: counted[direction] for direction in DIRECTIONS if counted[direction]},
            }
        )
    rows_out.sort(key=lambda row: (-row["cases"], row["finding"].lower(), row["agent"]))
    detail.by_finding = rows_out
    return detail
