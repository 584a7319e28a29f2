"""Fact kinds, each declared once: one module per kind, one entry in `FACT_KINDS`.

A kind's module holds its Django model (a subclass of `Fact`: evidence, provenance, lock and
rejection come with it) and one `FactKind` declaration (kind.py lists its parts). Everything else
iterates `FACT_KINDS` instead of naming models:

- writing (ingest.services.facts: extraction record -> facts, parse, re-parse) reads `record_key`
  and `from_record`, and `identity` to keep a curator's fact from being added twice;
- the search columns on Case are the kinds' `columns`, created on Case by the registry and filled
  by the one builder in search.py (from `search`), for ingestion and for
  cases.services.case_refresh_search_columns alike;
- curation (cases.curation) edits `editable` fields and merges by `identity`; the admin's inlines,
  read-only lists and evidence colours come from `admin` and `highlight`;
- the API's case detail lists `api_field` with `serializer`; the phenopacket export and import
  call `to_phenopacket` and `from_phenopacket`;
- the case page shows the kind's `sections` (a template for one fact each), the case's CSV
  download its `csv_row`. (Result lists are cases/summaries.py's: one SQL statement that names
  the kinds a result line shows, for speed.)
"""

from __future__ import annotations

from . import diagnosis, feature, gene, measurement, outcome, treatment, variant
from .base import EVIDENCE_FIELDS, FACT_SYSTEM_FIELDS, Fact, Provenance
from .kind import (
    AdminLayout,
    FactKind,
    FactVocabulary,
    GeneMatch,
    PageSection,
    RecordContext,
    SearchColumn,
)
from .registry import FactKindRegistry

FACT_KINDS = FactKindRegistry(
    [
        feature.KIND,
        diagnosis.KIND,
        measurement.KIND,
        treatment.KIND,
        outcome.KIND,
        gene.KIND,
        variant.KIND,
    ]
)
FACT_MODELS: tuple[type[Fact], ...] = FACT_KINDS.models

__all__ = [
    "EVIDENCE_FIELDS",
    "FACT_KINDS",
    "FACT_MODELS",
    "FACT_SYSTEM_FIELDS",
    "AdminLayout",
    "Fact",
    "FactKind",
    "FactKindRegistry",
    "FactVocabulary",
    "GeneMatch",
    "PageSection",
    "Provenance",
    "RecordContext",
    "SearchColumn",
]
