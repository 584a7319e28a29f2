"""Autocomplete over HPO terms, diseases and agents, in English and Chinese."""

from __future__ import annotations

import bisect
import re

from cases.search.facets import FACETS
from cases.search.facets.concept import ConceptFacet
from cases.search.vocabulary import Concept, Vocabulary, get_vocabulary, normalise
from vocab.languages import has_cjk

_KIND_ORDER = {"term": 0, "disease": 1, "agent": 2}


def autocomplete(prefix: str, *, limit: int = 10) -> list[dict]:
    """Vocabulary entries whose name (label or synonym, either language) starts with `prefix`, or
    whose id does ("HP:00037"). Each: kind, id (HP:…, ORPHA:…/OMIM:…, agent name), label, label_zh,
    matched (the name that matched), language of that name, query: the `field:value` that
    searches for it by code (the field of the facet declared for its kind of entry), and
    query_name: the same by a readable name, which the query box receives."""
    prefix = (prefix or "").strip()
    limit = max(1, min(int(limit), 50))
    if not prefix:
        return []
    vocabulary = get_vocabulary()
    results: list[dict] = []
    seen: set[tuple[str, int]] = set()

    def add(concept: Concept, matched: str, language: str) -> None:
        key = (concept.kind, concept.id)
        if key in seen:
            return
        seen.add(key)
        results.append(
            {
                "kind": concept.kind,
                "id": concept.code,
                "label": concept.label,
                "label_zh": concept.label_zh,
                "matched": matched,
                "language": language,
                "query": _query(concept),
                "query_name": _query_name(concept, matched, vocabulary),
            }
        )

    code = re.fullmatch(r"(?i)(hp|orpha|omim|mondo):\s*(\d*)", prefix)
    if code:
        wanted = f"{code.group(1).upper()}:{code.group(2)}"
        pool = (
            [(c, vocabulary.terms[i]) for c, i in vocabulary.term_by_code.items()]
            if code.group(1).lower() == "hp"
            else [(c, vocabulary.diseases[i]) for c, i in vocabulary.disease_by_code.items()]
        )
        for concept_code, concept in sorted(pool, key=lambda item: item[0]):
            if concept_code.startswith(wanted):
                add(concept, concept.code, "en")
                if len(results) >= limit:
                    break
        return results

    key = normalise(prefix)
    if not key:
        return []
    entries = vocabulary.entries
    start = bisect.bisect_left(entries, (key,))
    matches = []
    for position in range(start, min(start + 5000, len(entries))):
        name_key, name, language, concept = entries[position]
        if not name_key.startswith(key):
            break
        # Exact names first, then phenotype terms, then shorter names
        rank = (
            name_key != key,
            _KIND_ORDER.get(concept.kind, 3),
            not vocabulary.term_phenotype.get(concept.id, True) if concept.kind == "term" else False,
            len(name_key),
        )
        matches.append((rank, name, language, concept))
    matches.sort(key=lambda item: item[0])
    for _, name, language, concept in matches:
        add(concept, name, language)
        if len(results) >= limit:
            break
    return results


_NEEDS_QUOTES = re.compile(r'[\s+|()":\-＋｜（）]')


def _query(concept: Concept) -> str:
    """The `field:value` that searches for the entry by its code (stable, for API clients)."""
    facet = FACETS.for_concept(concept.kind)
    value = f'"{concept.code}"' if " " in concept.code else concept.code
    return f"{facet.name if facet is not None else 'text'}:{value}"


def _query_name(concept: Concept, matched: str, vocabulary: Vocabulary) -> str:
    """The `field:value` a picked suggestion puts in the query box: a name people read (the name
    that matched, else the label) when it names exactly this entry within its field, else the
    code. The field keeps the meaning picked ("epilepsy" is also a disease; hpo:epilepsy is not)."""
    facet = FACETS.for_concept(concept.kind)
    field = facet.name if facet is not None else "text"
    value = concept.code
    if facet is not None:
        # The label reads best; a Chinese name typed stays Chinese (the entry's first Chinese name)
        names = (concept.label_zh, matched, concept.label) if has_cjk(matched) else (concept.label, matched)
        for name in names:
            if name and name != concept.code and _names_only(facet, name, concept, vocabulary):
                value = name
                break
    return f'{field}:"{value}"' if _NEEDS_QUOTES.search(value) else f"{field}:{value}"


def _names_only(facet: ConceptFacet, name: str, concept: Concept, vocabulary: Vocabulary) -> bool:
    if '"' in name:
        return False  # could not be quoted in the query language
    found = facet.resolve(name, vocabulary)
    return {(c.kind, c.id) for c in found} == {(concept.kind, concept.id)}
