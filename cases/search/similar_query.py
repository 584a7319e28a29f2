"""What a similar-case query asks for, resolved before ranking: its HPO ids against the loaded
release (with a warning for every id that was not taken as given) and the publications whose
cases it leaves out.

A query is never refused for its ids: an alt_id maps to its current term, an obsolete id with
`replaced_by` is followed (vocab.hpo's `Hpo.get` does both), and an id the release does not know
is left out of the scoring. Each of these is reported, so a client sees what was compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from pyroaring import BitMap

from cases.search.semantic import Profile
from cases.search.syntax import unstorable_character
from vocab.hpo import hpo_int, load_hpo

_HPO_ID = re.compile(r"^HP:\d{7}$")
_PMID = re.compile(r"^(?:PMID:?\s*)?(\d{1,9})$", re.IGNORECASE)
_DOI = re.compile(r"^(?:DOI:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


@dataclass(frozen=True)
class TermWarning:
    """An id of the query that was not used as given. `status`: "alt_id" (mapped to the current
    term), "replaced" (obsolete, followed to its replacement) or "ignored" (left out of scoring)."""

    id: str
    status: str
    message: str
    current_id: str | None = None


def resolve_features(
    features: Iterable[tuple[str, bool]], known: Iterable[int]
) -> tuple[Profile, list[TermWarning]]:
    """(observed, excluded) HPO integers of the query, and a warning for every id mapped or left
    out. `known` holds the integers the registry's ontology can score (its loaded terms)."""
    known = known if isinstance(known, (set, frozenset, dict)) else set(known)
    hpo = load_hpo()
    present: set[int] = set()
    excluded: set[int] = set()
    warnings: list[TermWarning] = []
    seen: set[str] = set()
    for raw, observed in features:
        given = str(raw).strip().upper()
        term = hpo.get(given) if _HPO_ID.match(given) else None
        if term is None:
            if given not in seen:
                warnings.append(
                    TermWarning(
                        raw, "ignored", f"not a term of the loaded HPO release ({hpo.version}); not scored"
                    )
                )
            seen.add(given)
            continue
        if term.id != given and given not in seen:
            if given in term.alt_ids:
                warnings.append(
                    TermWarning(raw, "alt_id", f"alternative id of {term.id} ({term.name})", term.id)
                )
            else:
                warnings.append(
                    TermWarning(raw, "replaced", f"obsolete; replaced by {term.id} ({term.name})", term.id)
                )
        seen.add(given)
        number = hpo_int(term.id)
        if number not in known:
            warnings.append(
                TermWarning(
                    raw, "ignored", f"{term.id} is not in the registry's vocabulary; not scored", term.id
                )
            )
            continue
        (present if observed else excluded).add(number)
    return Profile(present, excluded - present), warnings


def parse_publication(value: str) -> tuple[str, str]:
    """("pmid", digits) or ("doi", lower-case DOI) for "PMID:123", "123", "doi:10.1/x",
    "https://doi.org/10.1/x" or "10.1/x"; ValueError for anything else."""
    text = str(value).strip()
    if (where := unstorable_character(text)) is not None:
        raise ValueError(f"the character U+{ord(text[where]):04X} at character {where + 1} is not allowed")
    if match := _PMID.match(text):
        return "pmid", match.group(1)
    if match := _DOI.match(text):
        return "doi", match.group(1).lower()
    raise ValueError(f"not a publication id (PMID:… or DOI): {value!r}")


def publication_case_ids(publications: Iterable[str]) -> BitMap:
    """Cases reported in any of the given publications (PMIDs or DOIs, see parse_publication)."""
    pmids: list[str] = []
    dois: list[str] = []
    for value in publications:
        kind, key = parse_publication(value)
        (pmids if kind == "pmid" else dois).append(key)
    if not pmids and not dois:
        return BitMap()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM cases_case c JOIN cases_report r ON r.id = c.report_id"
            " WHERE r.pmid = ANY(%s) OR (r.doi <> '' AND lower(r.doi) = ANY(%s))",
            [pmids, dois],
        )
        return BitMap(row[0] for row in cursor.fetchall())


def own_publication_case_ids(case_id: int, *, whole_publication: bool) -> BitMap:
    """The case itself and the other patients of its report; with `whole_publication`, also every
    case of another report with the same PMID or DOI (the same paper ingested twice, or as a
    phenopacket per patient)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c2.id FROM cases_case c JOIN cases_case c2 ON c2.report_id = c.report_id WHERE c.id = %s",
            [case_id],
        )
        skip = BitMap(row[0] for row in cursor.fetchall())
        if whole_publication:
            cursor.execute(
                "SELECT c2.id FROM cases_case c JOIN cases_report r ON r.id = c.report_id"
                " JOIN cases_report r2 ON (r.pmid <> '' AND r2.pmid = r.pmid)"
                "   OR (r.doi <> '' AND lower(r2.doi) = lower(r.doi))"
                " JOIN cases_case c2 ON c2.report_id = r2.id WHERE c.id = %s",
                [case_id],
            )
            skip |= BitMap(row[0] for row in cursor.fetchall())
    skip.add(case_id)
    return skip
