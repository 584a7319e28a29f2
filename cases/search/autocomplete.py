"""Autocomplete over HPO terms, diseases and agents, in English and Chinese."""

from __future__ import annotations

import bisect
import re

from cases.search.facets import FACETS
from cases.search.vocabulary import Concept, get_vocabulary, normalise

_KIND_ORDER = {"term": 0, "disease": 1, "agent": 2}


def autocomplete(prefix: str, *, limit: int = 10) -> list[dict]:
    """Vocabulary entries whose name (label or synonym, either language) starts with `prefix`, or
    whose id does ("HP:00037"). Each: kind, id (HP:…, ORPHA:…/OMIM:…, agent name), label, label_zh,
    matched (the name that matched), language of that name, and query: the `field:value` that
    searches for it (the field of the facet declared for its kind of entry)."""
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


def _query(concept: Concept) -> str:
    facet = FACETS.for_concept(concept.kind)
    value = f'"{concept.code}"' if " " in concept.code else concept.code
    return f"{facet.name if facet is not None else 'text'}:{value}"
