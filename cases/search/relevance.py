"""How well a case matches the vocabulary items of a query, and why (ordering.py, the cards).

A query word resolves to concepts (an HPO term, a disease, a drug); the index finds the cases
coded with the concept or a more specific one. Among those, a case ranks higher when:

- the concept is informative (its weight: a term's information content, facets/term.py): a
  match on a rare finding says more than one on a common finding;
- it is coded with the concept itself rather than only with a more specific one (a descendant
  match counts DESCENDANT of the weight): a search for "calcinosis" puts cases of calcinosis
  before cases of calcinosis cutis;
- its report states the finding more often (Fact.mentions; each further mention adds
  MENTION_STEP of the weight, up to MAX_MENTIONS), and a curator has checked the fact (CURATED).

Exact matches, their mentions and their provenance come from the fact tables in one indexed
query per concept kind (`exact_matches`), for the whole result set, so that the order is the same
on every page; the cards' reasons (`matched_facts`) read the facts of the page's cases only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection

from cases.search.vocabulary import Concept, Vocabulary

DESCENDANT = 0.7
MENTION_STEP = 0.04
MAX_MENTIONS = 5
CURATED = 0.1
EXACT_ROWS_LIMIT = 500_000  # exact-match rows read per query (a bound for very common terms)

# Fact table and column of each concept kind (kinds the query can resolve words to)
_SOURCES: dict[str, tuple[str, str, str]] = {
    # kind: (table, concept column, extra condition)
    "term": ("cases_phenotypicfeature", "term_id", "AND NOT f.excluded"),
    "disease": ("cases_diagnosis", "disease_id", ""),
    "agent": ("cases_treatment", "agent_id", ""),
}


@dataclass(frozen=True)
class ExactCases:
    """The cases coded with one concept itself, as arrays (a common concept has hundreds of
    thousands: no Python object per case): their ids, and the share of the weight each adds
    for how often its report states the finding and whether a curator checked it."""

    case_ids: np.ndarray  # int64, ascending
    bonus: np.ndarray  # float32, aligned with case_ids


def exact_matches(concepts: list[Concept]) -> dict[tuple[str, int], ExactCases]:
    """{(kind, concept id): ExactCases} for the live facts coded with each concept itself."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for concept in concepts:
        if concept.kind in _SOURCES:
            wanted[concept.kind].add(concept.id)
    found: dict[tuple[str, int], ExactCases] = {}
    with connection.cursor() as cursor:
        for kind, ids in wanted.items():
            table, column, condition = _SOURCES[kind]
            # One row per concept with its cases and their bonuses as two arrays (the bonus is
            # computed by the database: MENTION_STEP per mention after the first, up to
            # MAX_MENTIONS, plus CURATED). Table and column names come from _SOURCES, never from
            # a request; the constants are ours.
            mentions = f"LEAST(sum(GREATEST(jsonb_array_length(f.mentions), 1)), {MAX_MENTIONS})"
            curated = f"CASE WHEN bool_or(f.locked OR f.provenance = 'curator') THEN {CURATED} ELSE 0 END"
            sql = (
                "SELECT concept, array_agg(case_id ORDER BY case_id), array_agg(bonus ORDER BY case_id)"  # noqa: S608
                f" FROM (SELECT f.{column} AS concept, f.case_id,"
                f" ({MENTION_STEP} * ({mentions} - 1) + {curated})::real AS bonus"
                f" FROM {table} f WHERE f.{column} = ANY(%s) AND NOT f.rejected {condition}"
                f" GROUP BY f.{column}, f.case_id LIMIT {EXACT_ROWS_LIMIT}) per_case GROUP BY concept"
            )
            cursor.execute(sql, [sorted(ids)])
            for concept_id, case_ids, bonuses in cursor.fetchall():
                found[(kind, concept_id)] = ExactCases(
                    np.asarray(case_ids, dtype=np.int64), np.asarray(bonuses, dtype=np.float32)
                )
    return found


@dataclass(frozen=True)
class Match:
    """A fact of a case that matched a query concept: shown on its card."""

    code: str
    label: str  # the case's own term (or disease, drug)
    via: str  # the query's concept when the case has a more specific one, else ""
    mentions: int


def matched_facts(
    case_ids: list[int], concepts: list[Concept], vocabulary: Vocabulary
) -> dict[int, list[Match]]:
    """{case id: the facts that matched the query's concepts}, the most informative first."""
    if not case_ids or not concepts:
        return {}
    terms = {c.id: c for c in concepts if c.kind == "term"}
    others = {(c.kind, c.id): c for c in concepts if c.kind in ("disease", "agent")}
    result: dict[int, dict[str, Match]] = defaultdict(dict)
    with connection.cursor() as cursor:
        if terms:
            cursor.execute(
                "SELECT f.case_id, f.term_id, GREATEST(jsonb_array_length(f.mentions), 1)"
                " FROM cases_phenotypicfeature f WHERE f.case_id = ANY(%s) AND f.term_id IS NOT NULL"
                " AND NOT f.excluded AND NOT f.rejected ORDER BY f.evidence_start NULLS LAST, f.id",
                [case_ids],
            )
            for case_id, term_id, mentions in cursor.fetchall():
                ancestors = vocabulary.term_ancestors.get(term_id, ())
                query = terms.get(term_id) or next((terms[a] for a in ancestors if a in terms), None)
                if query is None:
                    continue
                concept = vocabulary.terms.get(term_id)
                if concept is None:
                    continue
                _add(result[case_id], concept, "" if query.id == term_id else query.label, mentions)
        for kind, table, column, source in (
            ("disease", "cases_diagnosis", "disease_id", vocabulary.diseases),
            ("agent", "cases_treatment", "agent_id", vocabulary.agents),
        ):
            ids = sorted(concept_id for k, concept_id in others if k == kind)
            if not ids:
                continue
            cursor.execute(
                f"SELECT f.case_id, f.{column}, GREATEST(jsonb_array_length(f.mentions), 1)"  # noqa: S608
                f" FROM {table} f WHERE f.case_id = ANY(%s) AND f.{column} = ANY(%s) AND NOT f.rejected",
                [case_ids, ids],
            )
            for case_id, concept_id, mentions in cursor.fetchall():
                concept = source.get(concept_id)
                if concept is not None:
                    _add(result[case_id], concept, "", mentions)
    ic = vocabulary.term_ic
    return {
        case_id: sorted(
            matches.values(),
            key=lambda m: -ic.get(vocabulary.term_by_code.get(m.code, -1), 0.0),
        )
        for case_id, matches in result.items()
    }


def _add(matches: dict[str, Match], concept: Concept, via: str, mentions: int) -> None:
    kept = matches.get(concept.code)
    total = mentions + (kept.mentions if kept else 0)
    matches[concept.code] = Match(concept.code, concept.label, via, total)
