"""Similar cases: HPO phenotype ranking (cases/search/similar_rank.py) on the bitmap index,
restricted to what the user may see, with publications left out on request; a case is never in
its own list. Query ids the HPO release does not hold as given are mapped or left out, each with a
warning (similar_query.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from pyroaring import BitMap

from cases.search.index import get_index
from cases.search.information import information_from_bitmaps
from cases.search.ontology import get_ontology
from cases.search.semantic import Ontology, Profile, TermConflict, TermMatch, explain
from cases.search.similar_query import (
    TermWarning,
    own_publication_case_ids,
    publication_case_ids,
    resolve_features,
)
from cases.search.similar_rank import registry_ic, top_cases
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


@dataclass
class SimilarResult:
    """Ranked hits, and what happened to query ids that were not used as given."""

    hits: list[SimilarHit]
    warnings: list[TermWarning] = field(default_factory=list)


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


def _ranking_view(index, base: Ontology) -> tuple[Ontology, SimpleNamespace]:
    """The ontology with IC from the registry's own cases (similar_rank.registry_ic) and the
    per-case IC sums under it, derived from the index's bitmaps and kept with the index until it
    changes (like the excluded closure, which this computes as well), and carried in the index's
    snapshot (index.derived). Call with index.lock held."""

    def compute(index) -> tuple[Ontology, SimpleNamespace]:
        ontology = Ontology(registry_ic(base, index.term, len(index.all)), base.ancestors)
        observed, mentioned, closure = information_from_bitmaps(
            ontology, index.term, index.excluded, len(index.observed_ic)
        )
        view = SimpleNamespace(
            term=index.term,
            excluded=index.excluded,
            excluded_closure=closure,
            observed_ic=observed,
            mentioned_ic=mentioned,
        )
        return ontology, view

    return index.derived("similar_view", compute)


def prepare_index(index) -> None:
    """Compute the ranking view before the index is published (cases/search/publish.py)."""
    with index.lock:
        _ranking_view(index, get_ontology())


# The most features of a stored case that its similar-cases query uses (by information content).
MAX_CASE_QUERY_TERMS = 300


def _search(
    query: Profile, *, limit: int, user, skip: BitMap | None = None, genes: tuple[str, ...] = ()
) -> list[SimilarHit]:
    ontology = get_ontology()
    query = Profile(
        {t for t in query.present if t in ontology.ancestors},
        {t for t in query.excluded if t in ontology.ancestors},
    )
    if not query.present and not query.excluded:
        return []
    index = get_index()
    with index.lock:
        ontology, view = _ranking_view(index, ontology)
        pool = index.visible(user)
        if skip:
            pool -= skip
        if genes:
            pool &= _gene_cases(index, genes)
        best = top_cases(ontology, view, query, pool, limit=limit)
    profiles = _profiles([case_id for case_id, _ in best], ontology)
    hits = []
    for case_id, score in best:
        profile = profiles.get(case_id)
        if profile is None:
            continue
        matches, conflicts = explain(ontology, query, profile)
        hits.append(SimilarHit(case_id, round(score, 4), *_explain(matches, conflicts)))
    return hits


def unknown_genes(genes: Iterable[str]) -> list[str]:
    """The values of a gene filter that name no gene (neither an HGNC id nor a symbol)."""
    from cases.search.facets.gene import gene_numbers

    return [gene for gene in genes if not gene_numbers(gene)]


def _gene_cases(index, genes: Iterable[str]) -> BitMap:
    """Cases with any of the genes (HGNC symbols or ids), from the index's gene family."""
    from cases.search.facets.gene import gene_numbers

    family = index.family("gene")
    found = BitMap()
    for gene in genes:
        for number in gene_numbers(gene):
            found |= family.get(number) or BitMap()
    return found


def similar_match(
    *,
    features: list[tuple[str, bool]],
    limit: int = 20,
    user=None,
    exclude_publications: list[str] | tuple[str, ...] = (),
    from_case: int | None = None,
    other_publications_only: bool = False,
    genes: Iterable[str] = (),
) -> SimilarResult:
    """Cases most similar to a typed feature set of (HPO id, observed) pairs, with a warning for
    every id mapped to its current term or left out. `exclude_publications`: PMIDs or DOIs whose
    cases are left out (ValueError for a value that is neither). `from_case`: the stored case the
    features came from, never listed (nor the other patients of its report; with
    `other_publications_only`, nor any case of its publication). `genes`: only cases with one of
    these genes (HGNC symbols or ids; ValueError for a value that names no gene)."""
    genes = tuple(genes)
    if unknown := unknown_genes(genes):
        raise ValueError(f"unknown gene {unknown[0]!r}")
    query, warnings = resolve_features(features, get_ontology().ancestors)
    skip = publication_case_ids(exclude_publications) if exclude_publications else BitMap()
    if from_case is not None:
        skip |= own_publication_case_ids(from_case, whole_publication=other_publications_only)
    return SimilarResult(_search(query, limit=limit, user=user, skip=skip, genes=genes), warnings)


def similar_to_features(
    *,
    features: list[tuple[str, bool]],
    sex: str | None = None,
    age: float | None = None,
    limit: int = 20,
    user=None,
    exclude_publications: list[str] | tuple[str, ...] = (),
) -> list[SimilarHit]:
    """The hits of similar_match. `sex` and `age` are accepted for the API's sake; phenotype
    similarity alone ranks (they do not define a phenotype, and filtering belongs to CaseSearch)."""
    return similar_match(
        features=features, limit=limit, user=user, exclude_publications=exclude_publications
    ).hits


def similar_to_case(
    *,
    case_id: int,
    limit: int = 20,
    user=None,
    exclude_publications: list[str] | tuple[str, ...] = (),
    other_publications_only: bool = False,
) -> list[SimilarHit]:
    """Cases most similar to a stored case. Never the case itself nor another patient of its
    report; with `other_publications_only`, no case of a report with the same PMID or DOI either."""
    ontology = get_ontology()
    with connection.cursor() as cursor:
        cursor.execute("SELECT term_ids, excluded_term_ids FROM cases_case WHERE id = %s", [case_id])
        row = cursor.fetchone()
    if row is None:
        return []
    terms, excluded = row
    skip = own_publication_case_ids(case_id, whole_publication=other_publications_only)
    if exclude_publications:
        skip |= publication_case_ids(exclude_publications)
    leaves = ontology.leaves(terms)
    if len(leaves) > MAX_CASE_QUERY_TERMS:
        # A report coded with thousands of features (a whole textbook chapter) would make the
        # ranking cost seconds per page; its most informative features characterise it.
        leaves = set(sorted(leaves, key=lambda t: (-ontology.ic.get(t, 0.0), t))[:MAX_CASE_QUERY_TERMS])
    excluded = set(excluded)
    if len(excluded) > MAX_CASE_QUERY_TERMS:
        excluded = set(sorted(excluded, key=lambda t: (-ontology.ic.get(t, 0.0), t))[:MAX_CASE_QUERY_TERMS])
    query = Profile(leaves, excluded)
    return _search(query, limit=limit, user=user, skip=skip)
