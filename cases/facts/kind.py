"""The declaration of a fact kind (`FactKind`) and the small types its parts are made of.

A declaration says everything the rest of the registry needs to know about one kind of fact; the
write path, curation, the API, the phenopacket export and import, the admin, the case page and
the search columns read it instead of naming models. See the package docstring for how to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from .base import EVIDENCE_FIELDS, FACT_SYSTEM_FIELDS, Fact

if TYPE_CHECKING:
    from django.db import models
    from django.template import Template

    from .phenopacket import PhenopacketExport


# --- What the write path hands to a kind ----------------------------------------------------------


@dataclass(frozen=True)
class GeneMatch:
    """A gene symbol (and/or HGNC id) as the vocabulary read it. `in_hgnc` is False when the
    symbol is not in the loaded HGNC set: the symbol (and any id given) is kept, and flagged."""

    hgnc_id: str
    symbol: str
    in_hgnc: bool


class FactVocabulary(Protocol):
    """Vocabulary look-ups a kind needs to turn a record item into fields. Ingestion passes its
    per-process vocabulary service (ingest.services.vocabulary); `cases` never imports it."""

    def term(self, code: object) -> int | None: ...

    def disease(self, code: object) -> int | None: ...

    def analyte(self, name: object) -> int | None: ...

    def agent_or_new(self, name: str, code: object = None) -> int | models.Model:
        """The agent's id, or an unsaved Agent for a drug the vocabulary lacks (saved with the
        facts: building facts writes nothing)."""
        ...

    def gene(self, symbol: object, hgnc_id: object = None) -> GeneMatch | None: ...

    def term_kept(self, code: object, label: str) -> tuple[int | None, bool]:
        """(term id, in the loaded release) for an HPO id of structured data: an id the release
        lacks gets a row of its own, flagged, rather than being dropped; None for no HPO id."""
        ...

    def disease_kept(self, code: object, label: str) -> tuple[int | models.Model | None, bool]:
        """The same for a disease code (OMIM:…, ORPHA:…, MONDO:…): the row's id, or an unsaved
        Disease saved with the facts."""
        ...

    def pending_disease(self, code: object) -> models.Model | None:
        """The unsaved Disease `disease_kept` gave for a code in this parse, if any."""
        ...


@dataclass
class RecordContext:
    """What `FactKind.from_record` may read besides the item: the vocabulary, and the facts of the
    same patient built so far by the kinds registered before it (a variant links to a diagnosis)."""

    vocabulary: FactVocabulary
    built: dict[str, list[Fact]] = field(default_factory=dict)  # kind name -> unsaved facts
    # What could not be kept exactly, one sentence each: listed on the ingestion job.
    warnings: list[str] = field(default_factory=list)

    def facts_of(self, kind_name: str) -> list[Fact]:
        return self.built.get(kind_name, [])

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def term_kept(self, code: object, label: str, where: str) -> int | None:
        """The term of an imported HPO id; one newer than the loaded release is kept, flagged."""
        term_id, in_release = self.vocabulary.term_kept(code, label)
        if term_id is not None and not in_release:
            self.warn(f"{where}: {code} is not in the loaded HPO release; kept as given and flagged")
        return term_id

    def disease_kept(self, code: object, label: str, where: str) -> int | models.Model | None:
        """The disease of an imported code; one the loaded vocabularies lack is kept, flagged."""
        disease_id, in_release = self.vocabulary.disease_kept(code, label)
        if disease_id is not None and not in_release:
            self.warn(f"{where}: {code} is not in the loaded disease vocabulary; kept as given and flagged")
        elif disease_id is None and code:
            self.warn(f"{where}: {code} is not a disease code the registry can store; kept in the element")
        return disease_id


class Closure(Protocol):
    """The ontology closures the search columns store: ids given with every ancestor of each, so
    that a search for a general entry finds cases coded with a more specific one."""

    def terms(self, term_ids: Iterable[int]) -> set[int]:
        """HPO terms (Term ids) with their ancestors."""
        ...

    def diseases(self, disease_ids: Iterable[int]) -> set[int]:
        """Diseases (Disease ids) with the rows of their concept and its MONDO ancestors."""
        ...


# --- Parts of a declaration -----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchColumn:
    """An integer-array column on Case with a GIN index, filled from the facts of the kinds that
    declare it (several kinds may feed one column: genes and variants both feed gene_ids)."""

    name: str
    index: str = ""  # the GIN index's name; "case_<name>_gin" unless given
    meaning: str = ""  # what its integers are, for readers of the declaration

    @property
    def index_name(self) -> str:
        return self.index or f"case_{self.name}_gin"


@dataclass(frozen=True)
class AdminLayout:
    """How the case page of the admin lays out the kind's inline (evidence, rejection and source
    columns follow `fields`), and the columns of the kind's own read-only list."""

    fields: tuple[str, ...]
    autocomplete: tuple[str, ...] = ()
    list_display: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageSection:
    """A section of the public case page. `template` is Django template source rendering ONE fact
    (in the context as `fact`): the content of an <li> (layouts "list", "timeline") or the cells of
    a table row (layout "table", under `columns`). `include` picks the kind's facts it shows."""

    id: str
    title: str
    template: str
    layout: str = "list"
    columns: tuple[str, ...] = ()
    include: Callable[[Fact], bool] | None = None
    # The same choice as field lookups, so the page can count and page the section in the database
    # (a report with thousands of facts); a section with `include` but no `where` is paged in Python.
    where: dict | None = None

    @cached_property
    def compiled(self) -> Template:
        from django.template import Template

        return Template(self.template)


# --- The declaration ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FactKind:
    """Everything about one kind of fact, declared once.

    Identity and record
      name           singular, lower case ("feature"): CSS class ev-<name>, history "<name> 12"
      model          the Django model (a subclass of Fact)
      record_key     its list in an extraction record's patient ("features")
      from_record    (item, RecordContext) -> model field values, or None to skip the item;
                     evidence, provenance and the case are added by the write path
      identity       fact -> tuple: "the same finding" across re-parses and merges
      describe       fact -> short label (evidence tooltips, link choices in the admin)
      related        select_related() paths whatever reads the facts needs
    Curation
      editable       fields a curator may set (evidence offsets besides)
      admin          AdminLayout: the inline's columns, autocompletes, the read-only list
      highlight      CSS colour of its evidence in the admin's report pane
    API
      api_field      its list in the case detail ("phenotypic_features")
      serializer     the DRF serializer of one fact (a FactSerializer)
    Search
      columns        SearchColumns on Case it feeds (may be empty)
      search         (non-rejected facts, closure) -> {column name: ids}; None when no columns
    Phenopacket
      to_phenopacket (non-rejected facts, PhenopacketExport) -> None: adds its part
      from_phenopacket packet -> record items of `record_key`
    Pages
      sections       PageSections of the public case page
      csv_row        fact -> [code, label, status, value, details] of the case's CSV download
    """

    name: str
    model: type[Fact]
    record_key: str
    anchor: str
    from_record: Callable[[dict, RecordContext], dict[str, Any] | None]
    identity: Callable[[Any], tuple]
    describe: Callable[[Any], str]
    related: tuple[str, ...] = ()
    editable: tuple[str, ...]
    admin: AdminLayout
    highlight: str
    api_field: str
    serializer: type
    columns: tuple[SearchColumn, ...] = ()
    search: Callable[[list[Any], Closure], Mapping[str, Iterable[int]]] | None = None
    to_phenopacket: Callable[[list[Any], PhenopacketExport], None]
    from_phenopacket: Callable[[dict], list[dict[str, Any]]]
    sections: tuple[PageSection, ...]
    csv_row: Callable[[Any], list[str]]

    @property
    def accessor(self) -> str:
        """The related manager on Case ("phenotypicfeatures", "diagnoses")."""
        return self.model._meta.get_field("case").remote_field.get_accessor_name(model=False)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def content_fields(self) -> set[str]:
        """The model's own fields: neither bookkeeping (provenance, lock, …) nor evidence."""
        names = {f.name for f in self.model._meta.concrete_fields}
        return names - FACT_SYSTEM_FIELDS - set(EVIDENCE_FIELDS)

    def key(self, fact: Fact) -> tuple:
        """The identity with the kind's name in front, so keys of different kinds never meet."""
        return (self.name, *self.identity(fact))
