"""Readers for the project's curated lexicon files in `ingest/lexicons/` (what no package ships).

The files are TSV with a header line; `#` lines are comments; `|` separates alternatives inside a
cell. The pipeline matches against them and `load_vocabularies` copies them into the database, so
both read them through these functions and never parse the files on their own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicons"


@dataclass(frozen=True, slots=True)
class DrugEntry:
    inn: str  # lower-case English INN, the canonical agent name
    code: str  # ATC code where one exists
    drug_class: str
    english_names: tuple[str, ...]  # brand names and other English names
    chinese_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnalyteEntry:
    analyte: str
    english_names: tuple[str, ...]
    chinese_names: tuple[str, ...]
    default_unit: str
    hpo_when_high: str
    hpo_when_low: str
    hpo_when_positive: str


@dataclass(frozen=True, slots=True)
class DiseaseEntry:
    code: str  # ORPHA:… / OMIM:… / MONDO:…
    label: str
    english_names: tuple[str, ...]
    chinese_names: tuple[str, ...]


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _rows(filename: str) -> list[dict[str, str]]:
    path = LEXICON_DIR / filename
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [
        {key: (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    ]


@lru_cache(maxsize=1)
def hpo_chinese_names() -> dict[str, tuple[str, ...]]:
    """HPO id -> Chinese names."""
    names: dict[str, tuple[str, ...]] = {}
    for row in _rows("hpo_zh.tsv"):
        names[row["hpo_id"]] = names.get(row["hpo_id"], ()) + _split(row["chinese_names"])
    return names


@lru_cache(maxsize=1)
def drug_entries(filename: str = "drugs.tsv") -> tuple[DrugEntry, ...]:
    """Agents of a drug lexicon file (`drugs.tsv`, or a supplement in the same columns)."""
    return tuple(
        DrugEntry(
            inn=row["inn"].lower(),
            code=row["code"],
            drug_class=row["drug_class"],
            english_names=_split(row["english_names"]),
            chinese_names=_split(row["chinese_names"]),
        )
        for row in _rows(filename)
    )


@lru_cache(maxsize=1)
def analyte_entries() -> tuple[AnalyteEntry, ...]:
    return tuple(
        AnalyteEntry(
            analyte=row["analyte"],
            english_names=_split(row["english_names"]),
            chinese_names=_split(row["chinese_names"]),
            default_unit=row["default_unit"],
            hpo_when_high=row["hpo_when_high"],
            hpo_when_low=row["hpo_when_low"],
            hpo_when_positive=row["hpo_when_positive"],
        )
        for row in _rows("analytes.tsv")
    )


@lru_cache(maxsize=1)
def disease_entries(filename: str = "diseases.tsv") -> tuple[DiseaseEntry, ...]:
    """Diseases of a disease lexicon file (`diseases.tsv`, or a supplement in the same columns)."""
    return tuple(
        DiseaseEntry(
            code=row["code"],
            label=row["label"],
            english_names=_split(row["english_names"]),
            chinese_names=_split(row["chinese_names"]),
        )
        for row in _rows(filename)
    )


@lru_cache(maxsize=1)
def hpo_english_extra_names() -> dict[str, tuple[str, ...]]:
    """HPO id -> common English clinical phrasings the HPO labels and synonyms lack."""
    if not (LEXICON_DIR / "hpo_en_extra.tsv").exists():
        return {}
    names: dict[str, tuple[str, ...]] = {}
    for row in _rows("hpo_en_extra.tsv"):
        names[row["hpo_id"]] = names.get(row["hpo_id"], ()) + _split(row["english_names"])
    return names
