"""Similar cases: IC-weighted semantic similarity over HPO (cases/search/semantic.py) on the
bitmap index, restricted to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from pyroaring import BitMap

from cases.search.index import get_index
from cases.search.ontology import get_ontology
from cases.search.semantic import (
    Ontology,
    Profile,
    TermConflict,
    TermMatch,
    excluded_closure,
    explain,
    top_cases,
)
from cases.search.vocabulary import get_vocabulary

# Matches whose common ancestor is this general ("Phenotypic abnormality") explain nothing.
EXPLAIN_MIN_IC = 0.5


@dataclass(frozen=True)
class Match:
    """Query feature `query_term` matched case feature `case_term` through their most informative
    common ancestor (HPO ids as HP:nnnnnnn)."""

    query_term: str
    case_term: str
    common_ancestor: str
    ic: float
    query_term_label: str = ""
    case_term_label: str = ""
    common_ancestor_label: str = ""


@dataclass(frozen=True)
class Conflict:
    """The query observed what the case excludes, or excludes what the case has."""

    query_term: str
    case_term: str
    kind: str
    ic: float
    query_term_label: str = ""
    case_term_label: str = ""


@dataclass
class SimilarHit:
    case_id: int
    score: float
    matches: list[Match] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _explain(
    hit_matches: list[TermMatch], hit_conflicts: list[TermConflict]
) -> tuple[list[Match], list[Conflict]]:
    terms = get_vocabulary().terms

    def code(term_id: int) -> str:
        concept = terms.get(term_id)
        return concept.code if concept else f"HP:{term_id:07d}"

    def label(term_id: int) -> str:
        concept = terms.get(term_id)
        return concept.label if concept else ""

    matches = [
        Match(
            code(m.query_term),
            code(m.case_term),
            code(m.common_ancestor),
            round(m.ic, 3),
            label(m.query_term),
            label(m.case_term),
            label(m.common_ancestor),
        )
        for m in hit_matches
        if m.ic >= EXPLAIN_MIN_IC
    ]
    conflicts = [
        Conflict(
            code(c.query_term),
            code(c.case_term),
            c.kind,
            round(c.ic, 3),
            label(c.query_term),
            label(c.case_term),
        )
        for c in hit_conflicts
    ]
    return matches, conflicts


def _hpo_number(value: str | int) -> int:
    if isinstance(value, int):
        return value
    return int(str(value).upper().removeprefix("HP:"))


def _profiles(case_ids: list[int], ontology: Ontology) -> dict[int, Profile]:
    if not case_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, term_ids, excluded_term_ids FROM cases_case WHERE id = ANY(%s)", [list(case_ids)]
        )
        rows = cursor.fetchall()
    # The columns hold closures; the annotated terms are the most specific ones among them.
    return {case_id: Profile(ontology.leaves(terms), set(excluded)) for case_id, terms, excluded in rows}


def _search(query: Profile, *, limit: int, user, skip: BitMap | None = None) -> list[SimilarHit]:
    ontology = get_ontology()
    query = Profile(
        {t for t in query.present if t in ontology.ancestors},
        {t for t in query.excluded if t in ontology.ancestors},
    )
    if not query.present and not query.excluded:
        return []
    index = get_index()
    with index.lock:
        # Cases excluding a term or a descendant, derived from the index when it changed
        key = (index.seen_seq, len(index.all))
        if getattr(index, "_excluded_closure_key", None) != key:
            index.excluded_closure = excluded_closure(ontology, index.excluded)
            index._excluded_closure_key = key
        pool = index.visible(user)
        if skip:
            pool -= skip
        best = top_cases(ontology, index, query, pool, limit=limit)
    profiles = _profiles([case_id for case_id, _ in best], ontology)
    hits = []
    for case_id, score in best:
        profile = profiles.get(case_id)
        if profile is None:
            continue
        matches, conflicts = explain(ontology, query, profile)
        hits.append(SimilarHit(case_id, round(score, 4), *_explain(matches, conflicts)))
    return hits


def similar_to_features(
    *,
    features: list[tuple[str, bool]],
    sex: str | None = None,
    age: float | None = None,
    limit: int = 20,
    user=None,
) -> list[SimilarHit]:
    """Cases most similar to a typed feature set: (hpo_id, observed) pairs. `sex` and `age` are
    accepted for the API's sake; phenotype similarity alone ranks (they do not define a
    phenotype, and filtering belongs to CaseSearch)."""
    present = {_hpo_number(term) for term, observed in features if observed}
    excluded = {_hpo_number(term) for term, observed in features if not observed} - present
    return _search(Profile(present, excluded), limit=limit, user=user)


def similar_to_case(*, case_id: int, limit: int = 20, user=None) -> list[SimilarHit]:
    """Cases most similar to a stored case (itself and other patients of its report excluded)."""
    ontology = get_ontology()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.term_ids, c.excluded_term_ids, c.report_id FROM cases_case c WHERE c.id = %s", [case_id]
        )
        row = cursor.fetchone()
        if row is None:
            return []
        terms, excluded, report_id = row
        cursor.execute("SELECT id FROM cases_case WHERE report_id = %s", [report_id])
        same_report = BitMap(r[0] for r in cursor.fetchall())
    same_report.add(case_id)
    query = Profile(ontology.leaves(terms), set(excluded))
    return _search(query, limit=limit, user=user, skip=same_report)
