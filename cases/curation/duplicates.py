"""Probable duplicate patients: the same person written up in more than one report.

Candidates come from the GIN-indexed array columns (cases sharing one of a case's most informative
features, same sex, similar age, from another report), never from all pairs. Each candidate pair is
then scored on sex, age, IC-weighted feature overlap, shared treatments and shared dates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import IntegerField, Q
from django.db.models.expressions import RawSQL

from cases.models import FACT_MODELS, Case, CaseDuplicate, PhenotypicFeature, Term

# A pair scoring at least this is flagged for a curator (calibrated on tests/curation/fixtures,
# where the same patient twice scores ~0.95 and a different woman with one shared finding ~0.3,
# and on benchmarks/bench_curation_duplicates.py).
DUPLICATE_THRESHOLD = 0.6
# The same patient may be written up again a few years later, older by as much.
AGE_TOLERANCE_YEARS = 3.0
# How many of a case's rarest features seed its candidate query, and how many candidates to score.
SEED_FEATURES = 6
FULL_EVIDENCE_FEATURES = 4
MAX_CANDIDATES = 200
PROFILE_CHUNK = 500

WEIGHTS = {"sex": 0.1, "age": 0.15, "features": 0.45, "treatments": 0.15, "years": 0.15}

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_DATE_FIELDS = ("onset", "started", "stopped", "observed", "follow_up", "evidence_text")


@dataclass
class CaseProfile:
    """What the scorer compares, loaded once per case."""

    case_id: int
    report_id: int
    sex: str
    age: float | None
    term_closure: frozenset[int]
    leaf_terms: frozenset[int]
    agents: frozenset[int]
    years: frozenset[int]


@dataclass
class DuplicateScore:
    score: float
    components: dict[str, float]
    reasons: dict = field(default_factory=dict)


def case_profiles(case_ids: Iterable[int]) -> dict[int, CaseProfile]:
    """Profiles of many cases in a handful of queries (one per table), not a few per case."""
    ids = list(case_ids)
    if not ids:
        return {}
    leaves: dict[int, set[int]] = defaultdict(set)
    years: dict[int, set[int]] = defaultdict(set)
    for case_id, term_id, excluded, *values in PhenotypicFeature.objects.filter(
        case_id__in=ids, rejected=False
    ).values_list("case_id", "term_id", "excluded", "onset", "evidence_text"):
        if term_id is not None and not excluded:
            leaves[case_id].add(term_id)
        for value in values:
            if value:
                years[case_id].update(int(y) for y in _YEAR.findall(value))
    for fact_model in FACT_MODELS:
        if fact_model is PhenotypicFeature:
            continue
        names = [f.name for f in fact_model._meta.concrete_fields if f.name in _DATE_FIELDS]
        rows = fact_model.objects.filter(case_id__in=ids, rejected=False).values_list("case_id", *names)
        for case_id, *values in rows:
            for value in values:
                if value:
                    years[case_id].update(int(y) for y in _YEAR.findall(value))
    profiles = {}
    for case_id, report_id, sex, age, term_ids, agent_ids in Case.objects.filter(pk__in=ids).values_list(
        "id", "report_id", "sex", "age_years", "term_ids", "agent_ids"
    ):
        profiles[case_id] = CaseProfile(
            case_id=case_id,
            report_id=report_id,
            sex=sex,
            age=age,
            term_closure=frozenset(term_ids) | frozenset(leaves[case_id]),
            leaf_terms=frozenset(leaves[case_id]),
            agents=frozenset(agent_ids),
            years=frozenset(years[case_id]),
        )
    return profiles


def case_profile(case: Case) -> CaseProfile:
    return case_profiles([case.pk])[case.pk]


class _InformationContent:
    """Information content of every term, read once per detection run: ~20k floats, cheaper in one
    query than in one query per scored pair."""

    def __init__(self) -> None:
        self._ic: dict[int, float] | None = None

    def load(self, ids: Iterable[int] = ()) -> None:
        if self._ic is None:
            self._ic = dict(Term.objects.values_list("id", "information_content"))

    def __getitem__(self, term_id: int) -> float:
        if self._ic is None:
            self.load()
        return self._ic.get(term_id, 0.0)


def _jaccard(a: frozenset, b: frozenset) -> float | None:
    union = a | b
    return len(a & b) / len(union) if union else None


def score_pair(a: CaseProfile, b: CaseProfile, ic: _InformationContent) -> DuplicateScore | None:
    """How likely two cases describe one patient, in [0, 1]; None when they cannot (a different
    sex, or ages too far apart, or the same report, whose patients are distinct by construction)."""
    if a.report_id == b.report_id:
        return None
    known = {"female", "male"}
    if a.sex in known and b.sex in known and a.sex != b.sex:
        return None
    if a.age is not None and b.age is not None and abs(a.age - b.age) > AGE_TOLERANCE_YEARS:
        return None

    components: dict[str, float] = {}
    components["sex"] = 1.0 if a.sex == b.sex and a.sex in known else 0.5
    if a.age is None or b.age is None:
        components["age"] = 0.5
    else:
        components["age"] = 1.0 if abs(a.age - b.age) <= 1.0 else 0.5
    # IC-weighted Jaccard over ancestor closures (simGIC): sharing a rare finding counts for much,
    # sharing "Abnormality of the skin" for little, and a specific term in one report still meets
    # its more general parent in the other.
    # Two or three shared findings happen by chance among thousands of patients with a common
    # disease; full weight needs FULL_EVIDENCE_FEATURES of them.
    ic.load(a.term_closure | b.term_closure)
    union = sum(ic[t] for t in a.term_closure | b.term_closure)
    sim_gic = sum(ic[t] for t in a.term_closure & b.term_closure) / union if union else 0.0
    shared = max(len(a.leaf_terms & b.term_closure), len(b.leaf_terms & a.term_closure))
    components["features"] = sim_gic * min(1.0, shared / FULL_EVIDENCE_FEATURES)
    # Unknown treatments or dates neither support nor refute: count them as half.
    treatments = _jaccard(a.agents, b.agents)
    components["treatments"] = 0.5 if treatments is None else treatments
    years = _jaccard(a.years, b.years)
    components["years"] = 0.5 if years is None else years

    score = sum(WEIGHTS[name] * value for name, value in components.items())
    reasons = {
        "components": {name: round(value, 3) for name, value in components.items()},
        "shared_terms": sorted(a.leaf_terms & b.term_closure | b.leaf_terms & a.term_closure),
        "shared_agents": sorted(a.agents & b.agents),
        "shared_years": sorted(a.years & b.years),
    }
    return DuplicateScore(score=round(min(max(score, 0.0), 1.0), 4), components=components, reasons=reasons)


def candidate_ids(profile: CaseProfile, ic: _InformationContent) -> list[int]:
    """Cases worth scoring against this one, found through the GIN indexes."""
    ic.load(profile.leaf_terms)
    seeds = sorted(profile.leaf_terms, key=lambda t: ic[t], reverse=True)[:SEED_FEATURES]
    if not seeds:
        return []
    query = (
        Case.objects.filter(term_ids__overlap=seeds, merged_into__isnull=True)
        .exclude(report_id=profile.report_id)
        .exclude(status=Case.Status.REJECTED)
    )
    if profile.sex in ("female", "male"):
        query = query.filter(sex__in=[profile.sex, "unknown", "other"])
    if profile.age is not None:
        query = query.filter(
            Q(age_years__isnull=True)
            | Q(
                age_years__gte=profile.age - AGE_TOLERANCE_YEARS,
                age_years__lte=profile.age + AGE_TOLERANCE_YEARS,
            )
        )
    # Rank by how many of this case's features the candidate has (its closure holds them), most
    # first, and drop those sharing only one when there are several to share: a second write-up
    # of the same patient repeats more than one finding.
    shared = RawSQL(
        "(SELECT count(*) FROM unnest(cases_case.term_ids) AS t(id) WHERE t.id = ANY(%s))",
        (sorted(profile.leaf_terms),),
        output_field=IntegerField(),
    )
    query = query.annotate(shared=shared)
    if len(profile.leaf_terms) >= 3:
        query = query.filter(shared__gte=2)
    return list(query.order_by("-shared", "id").values_list("id", flat=True)[:MAX_CANDIDATES])


@dataclass
class DetectionResult:
    scanned: int = 0
    scored: int = 0
    flagged: list[CaseDuplicate] = field(default_factory=list)


def duplicates_detect(
    *, cases: Iterable[Case] | None = None, threshold: float = DUPLICATE_THRESHOLD
) -> DetectionResult:
    """Find probable duplicates of the given cases (all cases when None) and record each pair
    scoring at least `threshold` as a CaseDuplicate. A pair a curator already merged or dismissed
    keeps its verdict; an open pair gets the new score."""
    result = DetectionResult()
    ic = _InformationContent()
    profiles: dict[int, CaseProfile] = {}
    if cases is not None:
        cases = list(cases)
        order = [case.pk for case in cases]
    else:
        order = list(
            Case.objects.filter(merged_into__isnull=True)
            .exclude(status=Case.Status.REJECTED)
            .order_by("id")
            .values_list("id", flat=True)
        )
    position = {case_id: index for index, case_id in enumerate(order)}

    def next_ids(case_id: int) -> list[int]:
        index = position[case_id]
        return order[index : index + PROFILE_CHUNK]

    seen: set[tuple[int, int]] = set()
    for case_id in order:
        result.scanned += 1
        if case_id not in profiles:
            # Profiles of the cases to scan are loaded a chunk at a time, not one by one.
            profiles.update(case_profiles(next_ids(case_id)))
        profile = profiles[case_id]
        candidates = candidate_ids(profile, ic)
        profiles.update(case_profiles([c for c in candidates if c not in profiles]))
        for other_id in candidates:
            pair = (min(case_id, other_id), max(case_id, other_id))
            if pair in seen:
                continue
            seen.add(pair)
            scored = score_pair(profile, profiles[other_id], ic)
            result.scored += 1
            if scored is None or scored.score < threshold:
                continue
            result.flagged.append(_record(pair, scored))
        # Bounded memory on a full sweep: forgetting only costs reloading a profile or scoring a
        # pair twice (recording a pair is idempotent).
        if len(profiles) > 50_000:
            profiles.clear()
        if len(seen) > 1_000_000:
            seen.clear()
    return result


@transaction.atomic
def _record(pair: tuple[int, int], scored: DuplicateScore) -> CaseDuplicate:
    duplicate, created = CaseDuplicate.objects.select_for_update().get_or_create(
        case_a_id=pair[0],
        case_b_id=pair[1],
        defaults={"score": scored.score, "reasons": scored.reasons},
    )
    if not created and duplicate.status == CaseDuplicate.Status.OPEN:
        duplicate.score = scored.score
        duplicate.reasons = scored.reasons
        duplicate.save(update_fields=["score", "reasons"])
    return duplicate
