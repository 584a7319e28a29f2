"""Evaluation of a parsed query over the bitmap index: free words resolved to vocabulary entries
(whole runs first, then the longest names within them, Chinese by characters), else full text;
`field:value` handed to the facet declared for the field; the tree folded with bitmap and/or/not.

The evaluator also records, for CaseSearch, what each positive item matched (relevance ordering,
ordering.py) and how each word was understood ("calcinosis → HP:0003761 Calcinosis").
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from pyroaring import BitMap

from cases.search.facets import FACETS
from cases.search.fulltext import FullTextTooSlow, fulltext_case_ids
from cases.search.index import SearchIndex
from cases.search.syntax import And, Field, Node, Not, Or, QuerySyntaxError, Words
from cases.search.vocabulary import Concept, Vocabulary
from vocab.languages import has_cjk

FULLTEXT_WEIGHT = 2.0  # relevance of a full-text match (vocabulary matches: their facet's weight)


@dataclass
class Item:
    """One resolved positive item of the query, for relevance ranking: its cases, its weight,
    and for a vocabulary item each concept with its own cases and weight (relevance.py)."""

    bitmap: BitMap
    weight: float
    concepts: list[tuple[Concept, BitMap, float]] = field(default_factory=list)


class Evaluator:
    def __init__(self, index: SearchIndex, vocabulary: Vocabulary, universe: BitMap) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.universe = universe
        self.items: list[Item] = []
        self.interpretation: list[dict] = []
        self._fulltext_cache: dict[tuple[str, bool], BitMap] = {}

    def family(self, name: str) -> Mapping[Hashable, BitMap]:
        return self.index.family(name)

    # --- concepts -------------------------------------------------------------------------------

    def concept_bitmap(self, concept: Concept) -> BitMap:
        facet = FACETS.for_concept(concept.kind)
        if facet is None or facet.column is None:
            return BitMap()
        return self.index.family(facet.column.family).get(concept.id) or BitMap()

    def concept_weight(self, concept: Concept) -> float:
        facet = FACETS.for_concept(concept.kind)
        return facet.weight(concept, self.vocabulary) if facet is not None else 1.0

    def concepts_bitmap(self, concepts: list[Concept], text: str, negated: bool) -> BitMap:
        parts = [(c, self.concept_bitmap(c), self.concept_weight(c)) for c in concepts]
        bitmap = BitMap.union(*(part[1] for part in parts)) if parts else BitMap()
        if not negated:
            self.items.append(Item(bitmap, max(part[2] for part in parts), parts))
        self.interpretation.append(
            {
                "text": text,
                "negated": negated,
                "concepts": [
                    {"kind": c.kind, "code": c.code, "label": c.label, "label_zh": c.label_zh, "via": c.via}
                    for c in concepts
                ],
            }
        )
        return bitmap

    def fulltext(self, text: str, *, phrase: bool, negated: bool, position: int = 0) -> BitMap:
        key = (text, phrase)
        if key not in self._fulltext_cache:
            try:
                self._fulltext_cache[key] = BitMap(fulltext_case_ids(text, phrase=phrase))
            except FullTextTooSlow as error:
                raise QuerySyntaxError(
                    f"{error}: narrow the search with a vocabulary term, a field (e.g. hpo:, drug:) "
                    "or a quoted phrase",
                    position,
                ) from None
        bitmap = self._fulltext_cache[key]
        if not negated:
            self.items.append(Item(bitmap, FULLTEXT_WEIGHT))
        self.interpretation.append({"text": text, "negated": negated, "fulltext": True, "concepts": []})
        return bitmap

    # --- words ----------------------------------------------------------------------------------

    def words(self, node: Words, negated: bool) -> BitMap:
        concepts = self.vocabulary.lookup(node.text)
        if concepts:
            return self.concepts_bitmap(concepts, node.text, negated)
        if node.quoted:
            return self.fulltext(node.text, phrase=True, negated=negated, position=node.position)
        # A Chinese word that is part of names but no name itself (钙化 in 皮肤钙化, 血管钙化…)
        # stands for the most general concepts so named, before being cut into smaller names.
        if has_cjk(node.text) and " " not in node.text.strip():
            contained = self.vocabulary.containing(node.text)
            if contained:
                return self.concepts_bitmap(contained, node.text, negated)
        parts = self.segment(node.text)
        bitmaps = []
        for text, found in parts:
            if found:
                bitmaps.append(self.concepts_bitmap(found, text, negated))
            else:
                bitmaps.append(self.fulltext(text, phrase=False, negated=negated, position=node.position))
        if not bitmaps:
            return BitMap()
        return BitMap.intersection(*bitmaps) if len(bitmaps) > 1 else bitmaps[0]

    def segment(self, text: str) -> list[tuple[str, list[Concept]]]:
        """Split a run of words into the longest vocabulary names (greedy from the left); words
        with no name become full-text parts. Chinese runs are segmented by characters."""
        tokens = text.split()
        parts: list[tuple[str, list[Concept]]] = []
        pending: list[str] = []

        def flush() -> None:
            if pending:
                parts.append((" ".join(pending), []))
                pending.clear()

        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + self.vocabulary.max_words), i, -1):
                candidate = " ".join(tokens[i:j])
                found = self.vocabulary.lookup(candidate)
                if found:
                    flush()
                    parts.append((candidate, found))
                    i = j
                    break
            else:
                token = tokens[i]
                if has_cjk(token):
                    flush()
                    parts.extend(self.segment_cjk(token))
                else:
                    pending.append(token)
                i += 1
        flush()
        return parts

    def segment_cjk(self, token: str) -> list[tuple[str, list[Concept]]]:
        parts: list[tuple[str, list[Concept]]] = []
        unmatched = ""
        i = 0
        longest = self.vocabulary.max_cjk_chars
        while i < len(token):
            for j in range(min(len(token), i + longest), i + 1, -1):  # names of 2+ characters
                found = self.vocabulary.lookup(token[i:j])
                if found:
                    if unmatched:
                        parts.append((unmatched, []))
                        unmatched = ""
                    parts.append((token[i:j], found))
                    i = j
                    break
            else:
                unmatched += token[i]
                i += 1
        if unmatched:
            parts.append((unmatched, []))
        return parts

    # --- fields and the tree --------------------------------------------------------------------

    def field(self, node: Field, negated: bool) -> BitMap:
        facet = FACETS.get(node.name)
        if facet is None:
            raise QuerySyntaxError(f"unknown field {node.name!r}", node.position)
        return facet.evaluate(node, self, negated)

    def evaluate(self, node: Node, negated: bool = False) -> BitMap:
        if isinstance(node, And):
            result = None
            for child in node.children:
                bitmap = self.evaluate(child, negated)
                result = bitmap.copy() if result is None else result & bitmap
            return result if result is not None else BitMap()
        if isinstance(node, Or):
            return BitMap.union(*(self.evaluate(child, negated) for child in node.children))
        if isinstance(node, Not):
            return self.universe - self.evaluate(node.child, not negated)
        if isinstance(node, Words):
            return self.words(node, negated)
        if isinstance(node, Field):
            return self.field(node, negated)
        raise TypeError(node)
