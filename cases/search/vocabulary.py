"""Names of the vocabularies (HPO terms, diseases, agents, analytes) in English and Chinese,
normalised for lookup by the query language and autocomplete.

Loaded once per process from the database and rebuilt when the vocabulary tables change (their
version stamp, cases/vocabulary_version.py, the rule ingestion's caches follow too), so a curator
adding a synonym in the admin is picked up within seconds without a restart.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from cases.vocabulary_version import vocabulary_version, vocabulary_version_forget
from vocab.diseases import ROOT as MONDO_ROOT
from vocab.languages import CJK_CHARS, has_cjk
from vocab.languages.chinese_script import simplify

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{CJK_CHARS}])\\s+(?=[{CJK_CHARS}])")
CONTAINED_LIMIT = 40  # most general concepts a Chinese word inside names may stand for


def normalise(text: str) -> str:
    """Lookup key: NFKC (full-width -> ASCII), case-folded, punctuation and hyphens as one space.
    "Anti-Scl-70" == "anti scl 70"; Chinese keeps its characters without spaces, in simplified
    script (OpenCC), so 癲癇 and 癫痫 are one key."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if has_cjk(text):
        text = simplify(text)
    text = _NON_WORD.sub(" ", text).replace("_", " ").strip()
    text = re.sub(r"\s+", " ", text)
    # Spaces between CJK characters carry no meaning
    return _SPACE_BETWEEN_HAN.sub("", text)


@dataclass(frozen=True)
class Concept:
    """A vocabulary entry a name resolved to. `kind` is term/disease/agent; `id` is the integer in
    the Case search columns (Term.id, Disease.id, Agent.id)."""

    kind: str
    id: int
    code: str  # HP:…, ORPHA:…, agent name
    label: str
    label_zh: str = ""
    via: str = ""  # e.g. "analyte anti-Scl-70" when an analyte implied the term


@dataclass
class Vocabulary:
    names: dict[str, list[Concept]] = field(default_factory=lambda: defaultdict(list))
    terms: dict[int, Concept] = field(default_factory=dict)
    term_ic: dict[int, float] = field(default_factory=dict)
    term_ancestors: dict[int, tuple[int, ...]] = field(default_factory=dict)
    term_phenotype: dict[int, bool] = field(default_factory=dict)
    term_by_code: dict[str, int] = field(default_factory=dict)
    # Disease rows by id, each as the concept it stands for: all codes of one MONDO concept
    # (MONDO, ORPHA, OMIM rows) give the Concept of one canonical row (`disease_canonical`), the
    # id every case diagnosed with the concept or a more specific one stores (Disease.ancestor_ids).
    diseases: dict[int, Concept] = field(default_factory=dict)
    disease_by_code: dict[str, int] = field(default_factory=dict)
    disease_canonical: dict[int, int] = field(default_factory=dict)
    disease_depth: dict[int, int | None] = field(default_factory=dict)  # canonical id -> MONDO depth
    disease_ancestors: dict[int, frozenset[int]] = field(default_factory=dict)  # canonical ids
    disease_roots: set[int] = field(default_factory=set)  # the canonical id of MONDO's "disease"
    agents: dict[int, Concept] = field(default_factory=dict)
    agent_by_name: dict[str, int] = field(default_factory=dict)
    # For autocomplete: (normalised name, display name, language, concept), sorted by name
    entries: list[tuple[str, str, str, Concept]] = field(default_factory=list)
    max_words: int = 1
    max_cjk_chars: int = 1
    # Chinese name keys: aligned with English after loading, searched by `containing`
    cjk_keys: set[str] = field(default_factory=set)
    _containing: dict[str, list[Concept]] = field(default_factory=dict)

    def add(self, name: str, concept: Concept, language: str) -> None:
        key = normalise(name)
        if not key:
            return
        bucket = self.names[key]
        if concept not in bucket:
            bucket.append(concept)
        self.entries.append((key, name, language, concept))
        self.max_words = max(self.max_words, key.count(" ") + 1)
        if has_cjk(key):
            self.max_cjk_chars = max(self.max_cjk_chars, len(key))
            self.cjk_keys.add(key)

    def align_languages(self) -> None:
        """A Chinese name resolves to what the English label of its concept resolves to, so both
        languages reach the same concepts: 癫痫 names the disease epilepsy, and "epilepsy" is also
        an HPO synonym of Seizure, so 癫痫 finds the cases coded with either, as "epilepsy" does."""
        for key in self.cjk_keys:
            bucket = self.names[key]
            for concept in list(bucket):
                label_key = normalise(concept.label)
                if label_key in self.cjk_keys:
                    continue  # only English names are followed: Chinese buckets change here
                for same in self.names.get(label_key, ()):
                    if same not in bucket and same.kind in ("term", "disease"):
                        bucket.append(same)

    def containing(self, text: str, *, limit: int = CONTAINED_LIMIT) -> list[Concept]:
        """For a Chinese word that is no name of its own (钙化, "calcification"): the most general
        HPO terms and diseases among those with a Chinese name containing it (皮肤钙化, 血管钙化,
        钙化灶…). A search for them finds their descendants too, so the word finds every case
        coded with such a name. Empty for one character, or when more than `limit` unrelated
        concepts share the word (异常, "abnormal"): too vague to stand for concepts."""
        key = normalise(text)
        if len(key) < 2 or not has_cjk(key) or " " in key:
            return []
        if key in self._containing:
            return self._containing[key]
        found: dict[tuple[str, int], Concept] = {}
        for name_key in self.cjk_keys:
            if key in name_key:
                for concept in self.names[name_key]:
                    if concept.kind in ("term", "disease") and not concept.via:
                        found.setdefault((concept.kind, concept.id), concept)
        roots = [
            concept
            for concept in found.values()
            if not any((concept.kind, above) in found for above in self._above(concept))
        ]
        roots.sort(key=lambda concept: (concept.kind != "term", concept.code))
        result = roots if len(roots) <= limit else []
        self._containing[key] = result
        return result

    def _above(self, concept: Concept) -> tuple[int, ...] | frozenset[int]:
        if concept.kind == "term":
            return tuple(a for a in self.term_ancestors.get(concept.id, ()) if a != concept.id)
        return self.disease_ancestors.get(concept.id, frozenset())

    def lookup(self, text: str) -> list[Concept]:
        key = normalise(text)
        found = self.names.get(key)
        if found:
            return found
        # English plural: "ulcers" -> "ulcer"
        if key.endswith("s") and not has_cjk(key):
            return self.names.get(key[:-1], [])
        return []


# Which code of a MONDO concept names it in facets and chips: Orphanet's preferred terms read best
# and are the codes the curated lexicon uses, then OMIM (the phenopackets' codes), then MONDO.
_CANONICAL_PREFIX = {"ORPHA": 0, "OMIM": 1, "MONDO": 2}


def _load_diseases(vocabulary: Vocabulary, rows: list[tuple]) -> None:
    """Disease rows grouped by MONDO concept: one Concept per concept (a row outside the hierarchy
    is its own), named by every row's names, labelled in Chinese by whichever row has a name."""
    by_concept: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_concept[row[5] or f"row:{row[0]}"].append(row)
    canonical_of: dict[int, int] = {}
    for group in by_concept.values():
        group.sort(key=lambda row: (_CANONICAL_PREFIX.get(row[1].split(":", 1)[0], 3), row[0]))
        for row in group:
            canonical_of[row[0]] = group[0][0]
    for group in by_concept.values():
        disease_id, code, label, _syn_en, _syn_zh, _mondo, depth, ancestors = group[0]
        label_zh = next((row[4][0] for row in group if row[4]), "")
        concept = Concept("disease", disease_id, code, label, label_zh)
        vocabulary.disease_depth[disease_id] = depth
        if group[0][5] == MONDO_ROOT:
            vocabulary.disease_roots.add(disease_id)
        vocabulary.disease_ancestors[disease_id] = frozenset(
            canonical_of[a] for a in ancestors if a in canonical_of and canonical_of[a] != disease_id
        )
        for row_id, row_code, row_label, syn_en, syn_zh, *_rest in group:
            vocabulary.diseases[row_id] = concept
            vocabulary.disease_by_code[row_code.upper()] = row_id
            vocabulary.disease_canonical[row_id] = disease_id
            vocabulary.add(row_label, concept, "en")
            for name in syn_en:
                vocabulary.add(name, concept, "en")
            for name in syn_zh:
                vocabulary.add(name, concept, "zh")


def _load() -> Vocabulary:
    vocabulary = Vocabulary()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, hpo_id, label, synonyms_en, synonyms_zh, ancestor_ids, information_content,"
            " is_phenotype FROM cases_term"
        )
        for term_id, hpo_id, label, syn_en, syn_zh, ancestors, ic, is_phenotype in cursor.fetchall():
            concept = Concept("term", term_id, hpo_id, label, syn_zh[0] if syn_zh else "")
            vocabulary.terms[term_id] = concept
            vocabulary.term_ic[term_id] = ic or 0.0
            vocabulary.term_ancestors[term_id] = tuple(ancestors)
            vocabulary.term_phenotype[term_id] = is_phenotype
            vocabulary.term_by_code[hpo_id] = term_id
            vocabulary.add(label, concept, "en")
            for name in syn_en:
                vocabulary.add(name, concept, "en")
            for name in syn_zh:
                vocabulary.add(name, concept, "zh")
        cursor.execute(
            "SELECT id, code, label, synonyms_en, synonyms_zh, mondo_id, depth, ancestor_ids"
            " FROM cases_disease"
        )
        _load_diseases(vocabulary, cursor.fetchall())
        cursor.execute("SELECT id, name, synonyms_en, synonyms_zh FROM cases_agent")
        for agent_id, name, syn_en, syn_zh in cursor.fetchall():
            concept = Concept("agent", agent_id, name, name, syn_zh[0] if syn_zh else "")
            vocabulary.agents[agent_id] = concept
            vocabulary.agent_by_name[normalise(name)] = agent_id
            vocabulary.add(name, concept, "en")
            for synonym in syn_en:
                vocabulary.add(synonym, concept, "en")
            for synonym in syn_zh:
                vocabulary.add(synonym, concept, "zh")
        # An analyte name stands for the finding its abnormal result implies ("anti-Scl-70" ->
        # anti-topoisomerase I antibody positivity), since features carry the HPO term.
        cursor.execute(
            "SELECT name, synonyms_en, synonyms_zh, term_when_positive_id, term_when_high_id,"
            " term_when_low_id FROM cases_analyte"
        )
        for name, syn_en, syn_zh, positive, high, low in cursor.fetchall():
            implied = positive or high or low
            if implied is None or implied not in vocabulary.terms:
                continue
            base = vocabulary.terms[implied]
            concept = Concept("term", base.id, base.code, base.label, base.label_zh, via=f"analyte {name}")
            for synonym in [name, *syn_en]:
                vocabulary.add(synonym, concept, "en")
            for synonym in syn_zh:
                vocabulary.add(synonym, concept, "zh")
    vocabulary.align_languages()
    vocabulary.entries.sort(key=lambda entry: entry[0])
    return vocabulary


_lock = threading.Lock()
_state: dict[str, object] = {"vocabulary": None, "signature": None}


def _signature(*, fresh: bool = False) -> tuple:
    # The vocabulary tables' version stamp (cases/vocabulary_version.py: bumped by any write to
    # them, read at most every few seconds) and the database, since tests switch databases.
    return (vocabulary_version(fresh=fresh), connection.settings_dict["NAME"])


def get_vocabulary(*, fresh: bool = False) -> Vocabulary:
    """The process-wide vocabulary, rebuilt when the vocabulary tables changed (the one freshness
    rule of cases/vocabulary_version.py, shared with ingestion). `fresh` reads the stamp now
    rather than trusting a read of the last seconds: for a value the vocabulary does not know,
    which may be a code imported a moment ago."""
    with _lock:
        signature = _signature(fresh=fresh)
        vocabulary = _state["vocabulary"]
        if vocabulary is None or signature != _state["signature"]:
            vocabulary = _load()
            _state["vocabulary"] = vocabulary
            _state["signature"] = signature
        return vocabulary


def reset_vocabulary_cache() -> None:
    with _lock:
        _state.update(vocabulary=None, signature=None)
    vocabulary_version_forget()
