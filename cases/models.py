"""The registry's data model: vocabularies, reports, cases and the evidence-linked facts of a case.

It mirrors GA4GH Phenopackets v2 (PhenotypicFeature with `excluded`, Disease, Measurement,
MedicalAction/Treatment, response to treatment) so that import and export map field for field.
Facts carry the span of report text they came from, who produced them (parser version or curator)
and a lock: a fact a curator created or edited is never replaced by re-parsing.

The fact models live in cases/facts/, one module per kind with its declaration (see that package's
docstring); they are imported here so that Django registers them with this app, and their names
still resolve as attributes of this module (`from cases.models import Diagnosis`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

# Re-exported: callers import them from here, as they did before the kinds had their own modules.
from cases.facts import FACT_KINDS, FACT_MODELS, Fact, Provenance  # noqa: F401
from cases.facts.outcome import OUTCOME_CODES  # noqa: F401
from cases.querysets import CaseQuerySet


def _names() -> ArrayField:
    return ArrayField(models.CharField(max_length=500), default=list, blank=True)


def _int_array() -> ArrayField:
    return ArrayField(models.IntegerField(), default=list, blank=True)


# --- Vocabularies --------------------------------------------------------------------------------


class Term(models.Model):
    """An HPO term. The primary key is the numeric part of the HPO id (HP:0003761 -> 3761), so the
    integer arrays on Case can hold term ids without a lookup table."""

    id = models.PositiveIntegerField(primary_key=True)
    hpo_id = models.CharField(max_length=12, unique=True)
    label = models.CharField(max_length=500)
    synonyms_en = _names()
    synonyms_zh = _names()
    parent_ids = _int_array()
    # The term and every ancestor up to the root; a search for a term matches its descendants
    # because each case stores the ancestor closure of its features.
    ancestor_ids = _int_array()
    information_content = models.FloatField(default=0.0)
    is_phenotype = models.BooleanField(default=True, help_text="Under Phenotypic abnormality (HP:0000118)")
    # False for an id an imported phenopacket used that the loaded HPO release lacks (newer than
    # it): the row keeps the code and its label as given so the fact is never nulled and stays
    # searchable by id; a later release that has the term sets it back to True.
    in_release = models.BooleanField(default=True, help_text="In the loaded HPO release")

    class Meta:
        ordering = ["id"]
        indexes = [GinIndex(fields=["ancestor_ids"], name="term_ancestors_gin")]

    def __str__(self) -> str:
        return f"{self.hpo_id} {self.label}"


class Disease(models.Model):
    """A disease code from Orphanet, OMIM or MONDO, with names in English and Chinese, placed in
    the MONDO hierarchy (vocab/diseases.py): every MONDO concept has a row of its own, and an
    ORPHA or OMIM row names the MONDO concept it is an exact match of (`mondo_id`)."""

    code = models.CharField(max_length=32, unique=True, help_text="ORPHA:…, OMIM:… or MONDO:…")
    label = models.CharField(max_length=500)
    synonyms_en = _names()
    synonyms_zh = _names()
    # HPO terms annotated to the disease by the HPO project (numbers, as Term.id).
    annotated_term_ids = _int_array()
    # False for a code an imported phenopacket used that the loaded vocabularies lack (an OMIM id
    # missing from them): kept as given, flagged, searchable by its code.
    in_release = models.BooleanField(default=True, help_text="In the loaded vocabulary release")
    # The MONDO concept of the code ("" when the shipped MONDO release does not know the code: the
    # row then stands alone, outside the hierarchy).
    mondo_id = models.CharField(max_length=16, blank=True, db_index=True)
    xrefs = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, help_text="Exact-match codes (MONDO rows)"
    )
    # Disease ids of the rows of the concept's parents (is_a).
    parent_ids = _int_array()
    # Disease ids of every row whose concept is this one or an ancestor of it (all codes of each
    # concept): a case stores the union for its diagnoses, so a search for a disease by any of
    # its codes finds the cases diagnosed with it or a more specific disease.
    ancestor_ids = _int_array()
    # Fewest is_a steps up to a concept with no parent (0 for the root "disease"): the level at
    # which facets roll up. Null outside the hierarchy.
    depth = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [GinIndex(fields=["ancestor_ids"], name="disease_ancestors_gin")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Agent(models.Model):
    """A drug or other intervention, named by its lower-case English INN."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=32, blank=True, help_text="ATC or other code")
    drug_class = models.CharField(max_length=200, blank=True)
    synonyms_en = _names()
    synonyms_zh = _names()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Analyte(models.Model):
    """A laboratory analyte or antibody and the HPO findings an abnormal result implies."""

    name = models.CharField(max_length=200, unique=True)
    synonyms_en = _names()
    synonyms_zh = _names()
    default_unit = models.CharField(max_length=50, blank=True)
    term_when_high = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    term_when_low = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    term_when_positive = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Reports and ingestion -----------------------------------------------------------------------


class Report(models.Model):
    """A source document exactly as received. Its bytes are kept even when parsing fails, so a
    report can always be re-parsed after a fix."""

    class ParseStatus(models.TextChoices):
        RECEIVED = "received", "Received"
        PARSED = "parsed", "Parsed"
        FAILED = "failed", "Failed"

    raw = models.BinaryField(help_text="The bytes as received")
    content_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 of the raw bytes (of the canonical JSON for a phenopacket, so a re-serialised "
        "copy is a duplicate)",
    )
    filename = models.CharField(max_length=500, blank=True)
    # The name of a format of the ingestion's format registry (text, pdf, jats, phenopacket, and
    # archive for a container refused as a whole), decided once on receipt; empty when the file
    # was of no known format. The registry is the one declaration of the formats: no choices or
    # check constraint here, so adding a format needs no migration; only ingestion writes it.
    format = models.CharField(max_length=16, blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True, help_text="Decoded text; evidence offsets index this")
    language = models.CharField(max_length=8, blank=True)
    # Citation
    title = models.TextField(blank=True)
    journal = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    pmid = models.CharField(max_length=20, blank=True, db_index=True)
    doi = models.CharField(max_length=200, blank=True)
    authors = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True, help_text="Anything else the reader found")
    # Parsing
    parse_status = models.CharField(
        max_length=16, choices=ParseStatus.choices, default=ParseStatus.RECEIVED, db_index=True
    )
    parse_error = models.TextField(blank=True)
    parser_version = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parse_status__in=["received", "parsed", "failed"]),
                name="report_parse_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1800, year__lte=2100),
                name="report_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.filename or f"Report {self.pk}"


class IngestJob(models.Model):
    """One unit of ingestion work, from receipt to stored cases. Its row is the job's state: the
    broker only carries its id."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        DUPLICATE = "duplicate", "Duplicate"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    filename = models.CharField(max_length=500, blank=True)
    batch = models.UUIDField(null=True, blank=True, db_index=True, help_text="Jobs received together")
    error = models.TextField(blank=True)
    # What a job that completed could not keep or check exactly (a code the loaded vocabulary
    # lacks, a field outside the schema): one sentence each, for the client and the curator.
    warnings = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of the worker running the job: it renews `lease_until` while it works, and writes
    # the job's cases only while `lease_token` is still its own. A `running` job whose lease ran
    # out belongs to a dead worker and is queued again (ingest.services.jobs).
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed", "duplicate"]),
                name="job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"


# --- Cases ---------------------------------------------------------------------------------------


class Case(models.Model):
    """One patient described in a report."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    class Status(models.TextChoices):
        MACHINE = "machine", "Machine-extracted"
        IN_REVIEW = "in_review", "In review"
        CURATED = "curated", "Curated"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="cases")
    ordinal = models.PositiveSmallIntegerField(default=1, help_text="Which patient of the report")
    label = models.CharField(max_length=200, blank=True, help_text='As the report names it, e.g. "Case 2"')
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_years = models.FloatField(null=True, blank=True)
    age_text = models.CharField(max_length=200, blank=True)
    # An imported phenopacket's own ids (the registry's are the row's pk) and what it gave beyond
    # the modelled fields (subject, metaData, …: cases.facts.phenopacket.CASE_SOURCE_KEYS), so that
    # the export gives back what was imported.
    phenopacket_id = models.CharField(max_length=200, blank=True, db_index=True)
    subject_id = models.CharField(max_length=200, blank=True)
    phenopacket = models.JSONField(default=dict, blank=True, help_text="What an imported phenopacket gave")
    age_start = models.PositiveIntegerField(null=True, blank=True)
    age_end = models.PositiveIntegerField(null=True, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MACHINE, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    review_note = models.TextField(blank=True)
    # Set when a curator merges this case into another describing the same patient: the row (its
    # report, its citation and facts) stays, the public sees only the case it was merged into.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised search columns: one integer array per column the fact kinds declare (term_ids,
    # excluded_term_ids, disease_ids, agent_ids, outcome_codes, …), added to this class right after
    # it by FACT_KINDS.add_search_columns, with their GIN indexes in Meta; rebuilt from the facts by
    # cases.facts.search.search_columns. They answer boolean filters (`@>`, `&&`) without joins.
    language = models.CharField(max_length=8, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)

    objects = CaseQuerySet.as_manager()
    # Derived columns are not history: excluded, so a historical case reads their current values.
    history = HistoricalRecords(excluded_fields=FACT_KINDS.column_names())

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("publish_case", "Can publish or reject a case"),
            ("match_mme", "Can query the Matchmaker Exchange endpoint"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "ordinal"], name="case_unique_ordinal_per_report"),
            models.CheckConstraint(
                condition=Q(sex__in=["female", "male", "other", "unknown"]), name="case_sex_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["machine", "in_review", "curated", "published", "rejected"]),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(age_years__isnull=True) | Q(age_years__gte=0, age_years__lte=130),
                name="case_age_plausible",
            ),
            models.CheckConstraint(
                condition=Q(age_start__isnull=True)
                | Q(age_end__isnull=True)
                | Q(age_start__lte=models.F("age_end")),
                name="case_age_evidence_ordered",
            ),
        ]
        indexes = FACT_KINDS.column_indexes()

    def __str__(self) -> str:
        return self.label or f"Case {self.pk}"


FACT_KINDS.add_search_columns(Case)


class CaseDuplicate(models.Model):
    """Two cases that probably describe the same patient (cases.curation.duplicates), until a
    curator merges or dismisses them. case_a has the lower id, so a pair is stored once."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Dismissed"

    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=dict, blank=True, help_text="Score components and shared facts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="duplicate_unique_pair"),
            models.CheckConstraint(condition=Q(case_a__lt=models.F("case_b")), name="duplicate_pair_ordered"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "merged", "dismissed"]), name="duplicate_status_valid"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="duplicate_score_range"),
        ]

    def __str__(self) -> str:
        return f"Cases {self.case_a_id} and {self.case_b_id} ({self.score:.2f})"


def __getattr__(name: str) -> type[Fact]:
    """The fact models by name (PhenotypicFeature, Diagnosis, …), declared in cases/facts/."""
    for model in FACT_KINDS.models:
        if model.__name__ == name:
            return model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
