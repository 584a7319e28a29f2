"""Validate the curated lexicon files in `ingest/lexicons/` against their formats and the ontology.

    .venv/bin/python -m ingest.lexicons.check_lexicons        # exit status 1 on any error

Checks: header and column count of every line; no duplicate keys; every HPO id is a current
(not alternative, not obsolete) HPO term, a phenotypic abnormality where a feature is meant; every
ORPHA/OMIM code is a disease of the HPO annotation file with the label given, every MONDO id one of
vocab.diseases (the pipeline's supplements `pipeline_findings.tsv` and `pipeline_diseases.tsv`
too); canonical INNs are lower case and ATC codes well formed; no name is given to two different
agents, terms or diseases; `drugs.tsv` carries every row of `drugs_curated.tsv`; minimum row counts.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from ingest.pipeline.lexicons import LEXICON_DIR, _rows, _split

COLUMNS = {
    "drugs.tsv": ("inn", "code", "drug_class", "english_names", "chinese_names"),
    "drugs_curated.tsv": ("inn", "code", "drug_class", "english_names", "chinese_names"),
    "hpo_zh.tsv": ("hpo_id", "chinese_names"),
    "hpo_en_extra.tsv": ("hpo_id", "english_names"),
    "analytes.tsv": (
        "analyte",
        "english_names",
        "chinese_names",
        "default_unit",
        "hpo_when_high",
        "hpo_when_low",
        "hpo_when_positive",
    ),
    "diseases.tsv": ("code", "label", "english_names", "chinese_names"),
    "pipeline_findings.tsv": ("hpo_id", "english_names", "chinese_names"),
    "pipeline_diseases.tsv": ("code", "label", "english_names", "chinese_names"),
}
MINIMUM_ROWS = {
    "drugs.tsv": 1500,
    "drugs_curated.tsv": 800,
    "hpo_zh.tsv": 600,
    "hpo_en_extra.tsv": 100,
    "analytes.tsv": 150,
    "diseases.tsv": 300,
}
# ATC: anatomical group, therapeutic subgroup, then optional pharmacological/chemical subgroups
# and substance (A, A10, A10B, A10BA, A10BA02).
ATC_RE = re.compile(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$")
HPO_RE = re.compile(r"^HP:\d{7}$")
DISEASE_RE = re.compile(r"^(ORPHA:\d+|OMIM:\d{6}|MONDO:\d{7})$")


@lru_cache(maxsize=1)
def _hpo():
    from vocab.hpo import load_hpo

    return load_hpo()


def check_format(filename: str) -> list[str]:
    """Header, tab-separated column count and non-empty first cell of every data line."""
    errors = []
    path = LEXICON_DIR / filename
    expected = COLUMNS[filename]
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != expected:
        return [f"{filename}: header must be {'<TAB>'.join(expected)}"]
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("#"):
            continue
        if not line.strip():
            errors.append(f"{filename}:{number}: blank line")
            continue
        cells = line.split("\t")
        if len(cells) != len(expected):
            errors.append(f"{filename}:{number}: {len(cells)} columns, expected {len(expected)}")
        elif not cells[0].strip():
            errors.append(f"{filename}:{number}: empty {expected[0]}")
        elif any(cell != cell.strip() for cell in cells):
            errors.append(f"{filename}:{number}: a cell has leading or trailing spaces")
        for cell in cells:
            if "||" in cell or cell.startswith("|") or cell.endswith("|"):
                errors.append(f"{filename}:{number}: empty alternative in {cell!r}")
    return errors


def _duplicates(filename: str, key: str) -> list[str]:
    seen: set[str] = set()
    errors = []
    for row in _rows(filename):
        if row[key] in seen:
            errors.append(f"{filename}: duplicate {key} {row[key]}")
        seen.add(row[key])
    return errors


def _shared_names(filename: str, owner_of: Iterable[tuple[str, str]]) -> list[str]:
    """A name (case-insensitive) may belong to one entry only."""
    owners: dict[str, set[str]] = defaultdict(set)
    for owner, name in owner_of:
        owners[name.casefold()].add(owner)
    return [
        f"{filename}: name {name!r} given to several entries: {', '.join(sorted(who))}"
        for name, who in sorted(owners.items())
        if len(who) > 1
    ]


def check_hpo_id(term_id: str, where: str, phenotype: bool = True) -> list[str]:
    if not HPO_RE.match(term_id):
        return [f"{where}: malformed HPO id {term_id!r}"]
    term = _hpo().terms.get(term_id)
    if term is None:
        current = _hpo().get(term_id)
        hint = f" (use {current.id} {current.name})" if current else ""
        return [f"{where}: {term_id} is not a current HPO term{hint}"]
    if term.obsolete:
        return [f"{where}: {term_id} is obsolete"]
    if phenotype and not term.is_phenotype:
        return [f"{where}: {term_id} {term.name} is not a phenotypic abnormality"]
    return []


def check_drugs(filename: str = "drugs.tsv") -> list[str]:
    errors = check_format(filename) + _duplicates(filename, "inn")
    rows = _rows(filename)
    for row in rows:
        where = f"{filename}: {row['inn']}"
        if row["inn"] != row["inn"].lower():
            errors.append(f"{where}: the INN must be lower case")
        if row["code"] and not ATC_RE.match(row["code"]):
            errors.append(f"{where}: malformed ATC code {row['code']!r}")
        if row["drug_class"] == "class" and row["code"]:
            errors.append(f"{where}: a drug class has no ATC code")
    errors += _shared_names(
        filename,
        (
            (row["inn"], name)
            for row in rows
            for name in (row["inn"], *_split(row["english_names"]), *_split(row["chinese_names"]))
        ),
    )
    if filename == "drugs.tsv":
        generated = {row["inn"]: row for row in rows}
        for row in _rows("drugs_curated.tsv"):
            mine = generated.get(row["inn"])
            if mine is None:
                errors.append(f"drugs.tsv lacks curated agent {row['inn']}: run build_drugs")
                continue
            for column in ("code", "drug_class", "chinese_names"):
                if mine[column] != row[column]:
                    errors.append(f"drugs.tsv: {row['inn']} {column} differs from drugs_curated.tsv")
            missing = set(_split(row["english_names"])) - set(_split(mine["english_names"]))
            if missing:
                errors.append(f"drugs.tsv: {row['inn']} lacks curated names {sorted(missing)}")
        for row in _rows("drugs_curated.tsv"):
            if not row["drug_class"]:
                errors.append(f"drugs_curated.tsv: {row['inn']} has no drug_class")
    return errors


def check_hpo_chinese(filename: str = "hpo_zh.tsv") -> list[str]:
    errors = check_format(filename) + _duplicates(filename, "hpo_id")
    rows = _rows(filename)
    for row in rows:
        errors += check_hpo_id(row["hpo_id"], f"{filename}: {row['hpo_id']}")
        if not _split(row["chinese_names"]):
            errors.append(f"{filename}: {row['hpo_id']} has no name")
    errors += _shared_names(
        filename, ((row["hpo_id"], n) for row in rows for n in _split(row["chinese_names"]))
    )
    return errors


def check_hpo_english(filename: str = "hpo_en_extra.tsv") -> list[str]:
    errors = check_format(filename) + _duplicates(filename, "hpo_id")
    rows = _rows(filename)
    for row in rows:
        errors += check_hpo_id(row["hpo_id"], f"{filename}: {row['hpo_id']}")
        if not _split(row["english_names"]):
            errors.append(f"{filename}: {row['hpo_id']} has no name")
    errors += _shared_names(
        filename, ((row["hpo_id"], n) for row in rows for n in _split(row["english_names"]))
    )
    return errors


def check_analytes(filename: str = "analytes.tsv") -> list[str]:
    errors = check_format(filename) + _duplicates(filename, "analyte")
    rows = _rows(filename)
    for row in rows:
        for column in ("hpo_when_high", "hpo_when_low", "hpo_when_positive"):
            if row[column]:
                errors += check_hpo_id(row[column], f"{filename}: {row['analyte']} {column}")
    errors += _shared_names(
        filename,
        (
            (row["analyte"], name)
            for row in rows
            for name in (row["analyte"], *_split(row["english_names"]), *_split(row["chinese_names"]))
        ),
    )
    return errors


@lru_cache(maxsize=1)
def _mondo():
    from vocab.diseases import load_diseases

    return load_diseases()


def check_diseases(filename: str = "diseases.tsv") -> list[str]:
    errors = check_format(filename) + _duplicates(filename, "code")
    rows = _rows(filename)
    known = _hpo().diseases
    for row in rows:
        code = row["code"]
        if not DISEASE_RE.match(code):
            errors.append(f"{filename}: malformed disease code {code!r}")
        elif code.startswith("MONDO:"):
            label = _mondo().label(code)
            if label is None:
                errors.append(f"{filename}: {code} is not a MONDO disease of vocab/data/diseases.tsv")
            elif filename != "diseases.tsv" and label.casefold() != row["label"].casefold():
                errors.append(f"{filename}: {code} is {label!r}, not {row['label']!r}")
        else:
            disease = known.get(code)
            if disease is None:
                errors.append(f"{filename}: {code} is not in the HPO disease annotations")
            elif disease.name.casefold() != row["label"].casefold():
                errors.append(f"{filename}: {code} is {disease.name!r}, not {row['label']!r}")
        if not row["label"]:
            errors.append(f"{filename}: {code} has no label")
    errors += _shared_names(
        filename,
        (
            (row["code"], name)
            for row in rows
            for name in (row["label"], *_split(row["english_names"]), *_split(row["chinese_names"]))
        ),
    )
    return errors


def check_pipeline_findings(filename: str = "pipeline_findings.tsv") -> list[str]:
    """The pipeline's extra finding names: current phenotype ids; a name (a leading "!" states
    absence) given to one term only."""
    errors = check_format(filename)
    rows = _rows(filename)
    for row in rows:
        errors += check_hpo_id(row["hpo_id"], f"{filename}: {row['hpo_id']}")
        if not _split(row["english_names"]) and not _split(row["chinese_names"]):
            errors.append(f"{filename}: {row['hpo_id']} has no name")
    errors += _shared_names(
        filename,
        (
            (row["hpo_id"], name)
            for row in rows
            for name in (*_split(row["english_names"]), *_split(row["chinese_names"]))
        ),
    )
    return errors


def check_pipeline_diseases(filename: str = "pipeline_diseases.tsv") -> list[str]:
    """The pipeline's disease supplement: codes and labels as `diseases.tsv`, MONDO ids known to
    vocab.diseases, and no name that `diseases.tsv` already gives (that file wins; a second copy
    under another code would make one mention two diseases)."""
    errors = check_diseases(filename)
    curated = {
        name.casefold(): row["code"]
        for row in _rows("diseases.tsv")
        for name in (row["label"], *_split(row["english_names"]), *_split(row["chinese_names"]))
    }
    for row in _rows(filename):
        for name in (*_split(row["english_names"]), *_split(row["chinese_names"])):
            other = curated.get(name.casefold())
            if other is not None and other != row["code"]:
                errors.append(f"{filename}: {row['code']} name {name!r} is {other} in diseases.tsv")
    return errors


def check_row_counts() -> list[str]:
    return [
        f"{filename}: {len(_rows(filename))} rows, expected at least {minimum}"
        for filename, minimum in MINIMUM_ROWS.items()
        if len(_rows(filename)) < minimum
    ]


CHECKS: dict[str, Callable[[], list[str]]] = {
    "drugs_curated.tsv": lambda: check_drugs("drugs_curated.tsv"),
    "drugs.tsv": check_drugs,
    "hpo_zh.tsv": check_hpo_chinese,
    "hpo_en_extra.tsv": check_hpo_english,
    "analytes.tsv": check_analytes,
    "diseases.tsv": check_diseases,
    "pipeline_findings.tsv": check_pipeline_findings,
    "pipeline_diseases.tsv": check_pipeline_diseases,
    "row counts": check_row_counts,
}


def run_all() -> list[str]:
    errors: list[str] = []
    for check in CHECKS.values():
        errors += check()
    return errors


def main() -> int:
    errors = run_all()
    for error in errors:
        print(error)
    counts = ", ".join(f"{name} {len(_rows(name))}" for name in MINIMUM_ROWS)
    print(f"{len(errors)} error(s); rows: {counts}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
