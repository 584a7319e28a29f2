"""Vocabulary row ids by code or name, as the fact rows reference them (HPO terms, diseases,
agents, analytes), loaded once per process and rebuilt when the vocabulary tables change: the
version stamp of cases/vocabulary_version.py, the same freshness rule the search vocabulary
follows, so a synonym a curator adds in the admin reaches ingestion and search alike.
`vocabulary_ids` is the vocabulary the fact kinds' `from_record` receive
(cases.facts.FactVocabulary), so `cases` never imports ingestion.

Preparing a parse writes nothing (ingest/services/parse.py): a drug the vocabulary lacks becomes
an unsaved Agent, and an imported HPO id or disease code it lacks an unsaved Term or Disease, that
the write step saves (`vocabulary_rows_save_new`) in the writing transaction, so a parse that fails
or is rolled back leaves no row behind and no stale id in this process's cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

from cases.facts import Fact, GeneMatch
from cases.models import Agent, Analyte, Disease, Term
from cases.vocabulary_version import vocabulary_version
from vocab.diseases import load_diseases

_HPO_ID = re.compile(r"HP:\d{7}")
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*:[^\s:][^\s]*")


class VocabularyIds:
    """Vocabulary ids by code or name, loaded once per process: a bulk import would otherwise
    spend more time on look-ups than on writing."""

    def __init__(self) -> None:
        self.loaded_version: tuple | None = None
        # Rows the write step saves (vocabulary_rows_save_new), shared by the facts naming them:
        self.new_agents: dict[str, Agent] = {}  # unsaved agents by lower-case name
        self.new_terms: dict[int, Term] = {}  # kept HPO ids by number (the Term's id)
        self.new_diseases: dict[str, Disease] = {}  # kept disease codes by code

    def ensure(self) -> None:
        version = (vocabulary_version(), connection.settings_dict["NAME"])
        if version == self.loaded_version:
            return
        self.ancestors = dict(Term.objects.values_list("id", "ancestor_ids"))
        self.term_ids = set(self.ancestors)
        self.kept_term_ids = set(Term.objects.filter(in_release=False).values_list("id", flat=True))
        self.disease_by_code = dict(Disease.objects.values_list("code", "id"))
        self.disease_ancestors = dict(Disease.objects.values_list("id", "ancestor_ids"))
        self.kept_disease_ids = set(Disease.objects.filter(in_release=False).values_list("id", flat=True))
        self.agents: dict[str, int] = {}
        for agent_id, en, zh in Agent.objects.values_list("id", "synonyms_en", "synonyms_zh"):
            for synonym in (*en, *zh):
                self.agents.setdefault(synonym.strip().lower(), agent_id)
        # The INN wins over a synonym another agent happens to share.
        for agent_id, name in Agent.objects.values_list("id", "name"):
            self.agents[name.strip().lower()] = agent_id
        self.analytes: dict[str, int] = {}
        for analyte_id, en, zh in Analyte.objects.values_list("id", "synonyms_en", "synonyms_zh"):
            for synonym in (*en, *zh):
                self.analytes.setdefault(synonym.strip().lower(), analyte_id)
        for analyte_id, name in Analyte.objects.values_list("id", "name"):
            self.analytes[name.strip().lower()] = analyte_id
        self.new_agents, self.new_terms, self.new_diseases = {}, {}, {}
        self.loaded_version = version

    def term(self, code: object) -> int | None:
        if not isinstance(code, str) or not code.startswith("HP:"):
            return None
        try:
            number = int(code[3:])
        except ValueError:
            return None
        return number if number in self.term_ids else None

    def term_kept(self, code: object, label: str) -> tuple[int | None, bool]:
        """(term id, in the loaded release): an HPO id the release lacks (newer than it) is kept
        with its label as given, flagged `in_release=False`, so the fact keeps its code and the id
        stays searchable. The Term's id is the HPO number, so the fact can name it at once; the
        row is written with the facts (`vocabulary_rows_save_new`). None when `code` is no HPO id."""
        term_id = self.term(code)
        if term_id is not None and term_id not in self.kept_term_ids:
            return term_id, True
        if not isinstance(code, str) or not _HPO_ID.fullmatch(code):
            return None, False
        number = int(code[3:])
        # Always pending, even when this process saw the row: it may have been rolled back since.
        self.new_terms.setdefault(
            number,
            Term(
                id=number,
                hpo_id=code,
                label=(label or code)[:500],
                ancestor_ids=[number],
                in_release=False,
            ),
        )
        return number, False

    def disease_kept(self, code: object, label: str) -> tuple[int | Disease | None, bool]:
        """The same for a disease code (OMIM:…, ORPHA:…, MONDO:…, any CURIE that fits the column):
        the row's id, or an unsaved Disease the write step saves (or finds, by code).

        The row is the code's own, so an export gives back the code it was given: an OMIM or ORPHA
        code known only as an exact match of a MONDO concept gets a row of its own, placed under
        that concept's ancestors (so hierarchy search still finds it); a code no release knows is
        kept as given and flagged."""
        exact = self.disease_by_code.get(code) if isinstance(code, str) else None
        if exact is not None and exact not in self.kept_disease_ids:
            return exact, True
        concept = None if exact is not None else self.disease(code)
        if not isinstance(code, str) or not _CURIE.fullmatch(code) or len(code) > 32:
            return concept, concept is not None
        if code not in self.new_diseases:
            concept_row = Disease.objects.filter(pk=concept).first() if concept is not None else None
            self.new_diseases[code] = Disease(
                code=code,
                label=(label or (concept_row.label if concept_row else "") or code)[:500],
                in_release=concept_row is not None,
                mondo_id=concept_row.mondo_id if concept_row else "",
                parent_ids=list(concept_row.parent_ids) if concept_row else [],
                depth=concept_row.depth if concept_row else None,
                # The concept's ancestors; the row's own id is put first once it has one.
                ancestor_ids=list(concept_row.ancestor_ids) if concept_row else [],
            )
        pending = self.new_diseases[code]
        return pending, pending.in_release

    def pending_disease(self, code: object) -> Disease | None:
        """The unsaved Disease of a kept code in this parse (to link a fact to the diagnosis that
        names it before either is saved)."""
        return self.new_diseases.get(code) if isinstance(code, str) else None

    def terms(self, term_ids) -> set[int]:
        """The terms with all their ancestors (Term.ancestor_ids holds the term itself too)."""
        found: set[int] = set(term_ids)
        for term_id in list(found):
            found.update(self.ancestors.get(term_id, ()))
        return found

    def diseases(self, disease_ids) -> set[int]:
        """The diseases with every row of their MONDO concept and its ancestors."""
        found: set[int] = set(disease_ids)
        for disease_id in list(found):
            found.update(self.disease_ancestors.get(disease_id, ()))
        return found

    def disease(self, code: object) -> int | None:
        """The row of a disease code; a code with no row of its own (an OMIM or ORPHA code that is
        an exact match of a MONDO concept, or a spelling like "Orphanet:558") is the row of its
        MONDO concept."""
        if not isinstance(code, str):
            return None
        found = self.disease_by_code.get(code)
        if found is None:
            resolution = load_diseases().resolve(code)
            found = self.disease_by_code.get(resolution.code) or self.disease_by_code.get(
                resolution.mondo_id or ""
            )
        return found

    def agent(self, *names: object) -> int | None:
        for name in names:
            if isinstance(name, str) and (found := self.agents.get(name.strip().lower())):
                return found
        return None

    def agent_or_new(self, name: str, code: object = None) -> int | Agent:
        """The agent id of a treatment, or an unsaved Agent when the vocabulary lacks the drug:
        the pipeline names agents by INN from a wider drug dictionary than the curated lexicon,
        and a drug without a row could be neither filtered on nor counted in the facets. Nothing
        is written here; `agents_save_new` saves it with the facts."""
        found = self.agent(name, code)
        if found is not None:
            return found
        key = name.strip().lower()
        if key not in self.new_agents:
            has_code = isinstance(code, str) and code and not code.startswith("HP:")
            self.new_agents[key] = Agent(name=key, code=code[:32] if has_code else "")
        return self.new_agents[key]

    def analyte(self, name: object) -> int | None:
        return self.analytes.get(name.strip().lower()) if isinstance(name, str) else None

    def gene(self, symbol: object, hgnc_id: object = None) -> GeneMatch | None:
        """The gene of an HGNC id or a symbol, from the HGNC set of vocab.genes (not a table).
        An id or symbol the set lacks is kept as given and flagged (`in_hgnc` False); a symbol
        several genes share keeps no id. None when neither is given."""
        symbol = symbol.strip() if isinstance(symbol, str) else ""
        hgnc_id = hgnc_id.strip() if isinstance(hgnc_id, str) else ""
        if not symbol and not hgnc_id:
            return None
        from vocab.genes import load_genes  # only for reports and packets that name genes

        genes = load_genes()
        if hgnc_id:
            known = genes.get(hgnc_id)
            if known is None:
                return GeneMatch(hgnc_id=hgnc_id, symbol=symbol or hgnc_id, in_hgnc=False)
            # The symbol as the source wrote it is kept (an older symbol of the same gene).
            return GeneMatch(hgnc_id=known.hgnc_id, symbol=symbol or known.symbol, in_hgnc=True)
        resolution = genes.resolve(symbol)
        if resolution.via == "unknown":
            return GeneMatch(hgnc_id="", symbol=symbol, in_hgnc=False)
        if resolution.hgnc_id is None:  # an alias of several genes: no guess
            return GeneMatch(hgnc_id="", symbol=symbol, in_hgnc=True)
        return GeneMatch(hgnc_id=resolution.hgnc_id, symbol=resolution.symbol or symbol, in_hgnc=True)


vocabulary_ids = VocabularyIds()


def vocabulary_rows_save_new(facts: Iterable[Fact]) -> bool:
    """Save the vocabulary rows the facts name but that do not exist yet: drugs the vocabulary
    lacks (unsaved Agents), and imported HPO ids and disease codes the loaded release lacks
    (pending Terms, unsaved Diseases). Rows are got or created by name, id or code, so two workers
    naming the same new drug or code share one row, and the facts are pointed at them. True when
    any was saved, for the caller to rebuild the search columns that lacked them. Call inside the
    writing transaction. The vocabulary stamp is locked first: every writer of vocabulary rows
    then takes the same locks in the same order (stamp, rows), so two cannot deadlock."""
    pending: list[tuple[Fact, object, Agent | Disease]] = []
    term_ids: set[int] = set()
    for fact in facts:
        for field in fact._meta.concrete_fields:
            if not field.is_relation:
                continue
            if field.related_model is Term:
                if getattr(fact, field.attname) in vocabulary_ids.new_terms:
                    term_ids.add(getattr(fact, field.attname))
            elif field.related_model in (Agent, Disease):
                # An unsaved row stays "adding" after we give it an id: a write retried after a
                # rolled-back attempt saves it again rather than trusting that id.
                row = field.get_cached_value(fact, default=None)
                if row is not None and row._state.adding:
                    pending.append((fact, field, row))
    if not pending and not term_ids:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM cases_vocabulary_version WHERE id = 1 FOR UPDATE")
    if term_ids:
        existing = set(Term.objects.filter(pk__in=term_ids).values_list("pk", flat=True))
        missing = [vocabulary_ids.new_terms[term_id] for term_id in sorted(term_ids - existing)]
        if missing:
            Term.objects.bulk_create(missing)
    saved: dict[tuple[type, str], int] = {}
    for fact, field, row in pending:
        key = (type(row), row.name if isinstance(row, Agent) else row.code)
        if key not in saved:
            saved[key] = _agent_save(row) if isinstance(row, Agent) else _disease_save(row)
        row.pk = saved[key]
        # The object, not its id: setting the id alone would drop the cached row, and a retried
        # write would then trust an id its rolled-back attempt created.
        setattr(fact, field.name, row)
    # The search columns are rebuilt with the ids just saved; the next parse reads the tables
    # again (the stamp moved, and a rollback would take the rows and the stamp's move back).
    vocabulary_ids.loaded_version = None
    return True


def _agent_save(agent: Agent) -> int:
    row, _created = Agent.objects.get_or_create(name=agent.name, defaults={"code": agent.code})
    return row.pk


def _disease_save(disease: Disease) -> int:
    fields = {f.attname: getattr(disease, f.attname) for f in Disease._meta.concrete_fields}
    fields.pop("id")
    code = fields.pop("code")
    row, created = Disease.objects.get_or_create(code=code, defaults=fields)
    if created:
        row.ancestor_ids = [row.pk, *disease.ancestor_ids]
        row.save(update_fields=["ancestor_ids"])
    # This parse's closure of the diagnosis search column reads it
    vocabulary_ids.disease_ancestors[row.pk] = tuple(row.ancestor_ids)
    return row.pk


def vocabulary_cache_clear() -> None:
    """Read the vocabulary tables again on the next parse (after loading vocabularies, in tests)."""
    from cases.vocabulary_version import vocabulary_version_forget

    vocabulary_ids.loaded_version = None
    vocabulary_version_forget()
