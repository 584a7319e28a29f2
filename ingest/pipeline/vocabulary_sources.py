"""The files and packages the vocabulary is built from (see `vocabulary_build.py`), read.

A new source of names (another lexicon, an official translation) gets its reader here and its
place in the build order in `vocabulary_build._build`; adding its path to `sources()` makes a
change to it rebuild the cache.
"""

from __future__ import annotations

import bz2
import csv
import hashlib
import importlib.util
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import vocab
from vocab import languages
from vocab.data import load_cached
from vocab.hpo import Hpo, data_dir

from . import lexicons
from .vocabulary import pattern_key_batch
from .vocabulary_reference import REFERENCE_FILES, mondo_disease_names, official_chinese_hpo_names

LEXICON_DIR = lexicons.LEXICON_DIR


def tsv(filename: str) -> list[dict[str, str]]:
    path = LEXICON_DIR / filename
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [
        {k: (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    ]


def split_cell(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


def to_float(cell: str) -> float | None:
    try:
        return float(cell)
    except (TypeError, ValueError):
        return None


# WHO INN stems: a name that ends like a drug class is a drug ("apatinib", "landiolol"); the
# offline dictionary's other entries ("aldosterone", "alkaline phosphatase", "hematoxylin") are
# usually lab tests or reagents in a case report.
_INN_ENDINGS = (
    *"""
    mab nib cillin mycin micin cycline floxacin oxacin azole vir pril sartan olol alol dipine statin
    platin taxel rubicin parin lukast tidine prazole semide thiazide zepam zolam barbital caine profen
    fenac fungin parib lisib ciclib cept kinra dronate relin gliptin gliflozin glinide glitazone sone
    olone triptan setron pramine oxetine apine idone azepam trexate abine uridine citabine fosfamide
    mustine sulfan tecan mide amide lamide artan conazole
    """.split(),
    "dronic acid",
)
_INN_PATTERNS = (r"cef\w+", r"ceph\w+")  # the cephalosporins: the stem begins the name
INN_STEM = re.compile("(?:" + "|".join([*map(re.escape, _INN_ENDINGS), *_INN_PATTERNS]) + ")$")
# `INN_STEM.search(key)` for a key (no final newline), ~40,000 a build: the literal endings are one
# `str.endswith` in C, not a search that tries every alternative at every position.
_INN_PATTERN_RE = re.compile("(?:" + "|".join(_INN_PATTERNS) + ")$")


def ends_like_inn(key: str) -> bool:
    return key.endswith(_INN_ENDINGS) or _INN_PATTERN_RE.search(key) is not None


def drug_ner_path() -> Path | None:
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    return path if path.exists() else None


def drug_ner_names() -> dict[str, str]:
    """English drug name -> canonical name, from the offline dictionary of drug-named-entity-recognition.

    Read directly (not through its module, which does network look-ups). Only entries with a
    DrugBank or MedlinePlus id are kept: the dictionary also lists MeSH enzymes and receptors,
    which in a case report are lab tests, not treatments.
    """
    path = drug_ner_path()
    if path is None:
        return {}
    data = pickle.loads(bz2.decompress(path.read_bytes()))  # noqa: S301 - shipped inside an installed package
    identified = {
        canonical
        for canonical, info in data.get("drug_canonical_to_data", {}).items()
        if info.get("drugbank_id") or info.get("medline_plus_id")
    }
    out: dict[str, str] = {}
    for variant, canonicals in data.get("drug_variant_to_canonical", {}).items():
        if not canonicals or canonicals[0] not in identified:
            continue
        if len(variant) < 4 or "," in variant or len(variant.split()) > 3:
            continue
        if " " in variant and any(map(str.isdigit, variant)):
            continue  # "at 10", "pt 9": codes and strengths, not names
        out[variant] = canonicals[0].lower()
    return out


BUILD_MODULES = (
    "lexicons.py",
    "vocabulary.py",
    "vocabulary_build.py",
    "vocabulary_heads.py",
    "vocabulary_reference.py",
    "vocabulary_sources.py",
)


def sources() -> list[Path]:
    paths = [data_dir() / "hp.obo", data_dir() / "phenotype.hpoa", *REFERENCE_FILES]
    # The build rules themselves: editing them rebuilds the cache without a VOCAB_FORMAT bump
    # (the bump is still needed when a pickled class moves).
    here = Path(__file__).resolve().parent
    paths += [here / name for name in BUILD_MODULES]
    paths += sorted(Path(languages.__file__).resolve().parent.glob("*.py"))  # variants, stems, stop names
    paths += sorted(LEXICON_DIR.glob("*.tsv"))
    ner = drug_ner_path()
    if ner:
        paths.append(ner)
    return paths


# ------------------------------------------------------------------ the parsed reference names
# The reference vocabularies and the drug dictionary change far less often than the lexicons and
# the build rules, and reading them (MONDO's guards, CHPO's labels against the loaded HPO, the
# compressed drug dictionary) is a fifth of a build: the names they give are cached on their own,
# so a lexicon edit rebuilds the automaton without parsing them again.
SOURCES_FORMAT = 1  # bump when `ReferenceNames` or what is kept in it changes


@dataclass(slots=True)
class ReferenceNames:
    official_chinese: list[tuple[str, str]]  # (official Chinese label, HPO id), guards passed
    mondo: list[tuple[str, str, str]]  # (name, MONDO id, English label), guards passed
    # English drug name -> canonical name, only names whose key ends like an INN (`INN_STEM`)
    drug_dictionary: dict[str, str]


def _reader_files() -> list[Path]:
    """Files whose content decides the reference names: the shipped reference files and the code
    that reads and guards them (vocab's readers, the language modules' scripts and stop names)."""
    here = Path(__file__).resolve().parent
    package = Path(vocab.__file__).resolve().parent
    return [
        *REFERENCE_FILES,
        here / "vocabulary_reference.py",
        here / "vocabulary_sources.py",
        here / "vocabulary.py",  # pattern_key, for the drug names' stems
        *(package / name for name in ("hpo.py", "hpo_zh.py", "diseases.py")),
        package / "data" / "__init__.py",
        *sorted((package / "languages").glob("*.py")),
    ]


def _digest(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "blake2b").hexdigest()[:32]
    except OSError:
        return "-"


def reference_stamp(hpo: Hpo) -> str:
    """What the cached reference names are valid for: the content of the project's files (a
    checkout or a rebase that leaves a file as it was keeps the cache), and the loaded HPO release
    and the drug dictionary as installed (package data, identified like the HPO's own cache)."""
    parts = [f"v{SOURCES_FORMAT}", f"hpo={hpo.version}"]
    for path in (data_dir() / "hp.obo", data_dir() / "phenotype.hpoa", drug_ner_path()):
        if path is None:
            parts.append("drug-dictionary:-")
            continue
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{int(st.st_mtime)}")
        except OSError:
            parts.append(f"{path.name}:-")
    parts += [f"{path.name}:{_digest(path)}" for path in _reader_files()]
    return "|".join(parts)


def _read_reference_names(hpo: Hpo) -> ReferenceNames:
    dictionary = drug_ner_names()
    keys = pattern_key_batch(list(dictionary))
    return ReferenceNames(
        official_chinese=official_chinese_hpo_names(hpo),
        mondo=[(entry.name, entry.mondo_id, entry.label) for entry in mondo_disease_names()],
        drug_dictionary={
            variant: canonical
            for (variant, canonical), key in zip(dictionary.items(), keys, strict=True)
            if ends_like_inn(key)
        },
    )


def reference_names(hpo: Hpo) -> ReferenceNames:
    """The names the reference vocabularies and the drug dictionary give, read once and cached
    apart from the compiled vocabulary (`reference_stamp`)."""
    return load_cached(
        f"pipeline-sources-v{SOURCES_FORMAT}",
        reference_stamp(hpo),
        lambda: _read_reference_names(hpo),
        replaces="pipeline-sources-v*",
    )
