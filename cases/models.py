"""The registry's data model: vocabularies, reports, cases and the evidence-linked facts of a case.

It mirrors GA4GH Phenopackets v2 (PhenotypicFeature with `excluded`, Disease, Measurement,
MedicalAction/Treatment, response to treatment) so that import and export map field for field.
Facts carry the span of report text they came from, who produced them (parser version or curator)
and a lock: a fact a curator created or edited is never replaced by re-parsing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

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

    class Meta:
        ordering = ["id"]
        indexes = [GinIndex(fields=["ancestor_ids"], name="term_ancestors_gin")]

    def __str__(self) -> str:
        return f"{self.hpo_id} {self.label}"


class Disease(models.Model):
    """A disease from Orphanet, OMIM or MONDO, with names in English and Chinese."""

    code = models.CharField(max_length=32, unique=True, help_text="ORPHA:…, OMIM:… or MONDO:…")
    label = models.CharField(max_length=500)
    synonyms_en = _names()
    synonyms_zh = _names()
    # HPO terms annotated to the disease by the HPO project (numbers, as Term.id).
    annotated_term_ids = _int_array()

    class Meta:
        ordering = ["code"]

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
    content_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the raw bytes")
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

    # Denormalised search columns, rebuilt from the facts by cases.services.case_refresh_search_columns.
    # Integer arrays with GIN indexes answer boolean filters (`@>`, `&&`) without joins.
    term_ids = _int_array()  # present features with all their ancestors
    excluded_term_ids = _int_array()  # excluded features (the terms themselves)
    disease_ids = _int_array()
    agent_ids = _int_array()
    outcome_codes = _int_array()  # OUTCOME_CODES of the outcome directions
    language = models.CharField(max_length=8, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["term_ids", "excluded_term_ids", "disease_ids", "agent_ids", "outcome_codes"]
    )

    class Meta:
        ordering = ["-id"]
        permissions = [("publish_case", "Can publish or reject a case")]
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
        indexes = [
            GinIndex(fields=["term_ids"], name="case_term_ids_gin"),
            GinIndex(fields=["excluded_term_ids"], name="case_excluded_ids_gin"),
            GinIndex(fields=["disease_ids"], name="case_disease_ids_gin"),
            GinIndex(fields=["agent_ids"], name="case_agent_ids_gin"),
            GinIndex(fields=["outcome_codes"], name="case_outcome_codes_gin"),
        ]

    def __str__(self) -> str:
        return self.label or f"Case {self.pk}"


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


# --- Facts ---------------------------------------------------------------------------------------


class Provenance(models.TextChoices):
    MACHINE = "machine", "Extracted by the parser"
    IMPORT = "import", "Imported from structured data"
    CURATOR = "curator", "Entered or edited by a curator"


class Fact(models.Model):
    """What every fact of a case carries: evidence span, provenance, curator lock, rejection."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="%(class)ss")
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    evidence_text = models.TextField(blank=True)
    provenance = models.CharField(max_length=10, choices=Provenance.choices, default=Provenance.MACHINE)
    parser_version = models.CharField(max_length=40, blank=True)
    # Set when a curator creates or edits the fact: re-parsing replaces only unlocked machine facts.
    locked = models.BooleanField(default=False)
    rejected = models.BooleanField(default=False, help_text="Marked wrong by a curator; kept, not deleted")
    rejected_reason = models.TextField(blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["evidence_start", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk} of case {self.case_id}"

    @classmethod
    def fact_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(evidence_start__isnull=True, evidence_end__isnull=True)
                | Q(
                    evidence_start__isnull=False,
                    evidence_end__isnull=False,
                    evidence_start__lte=models.F("evidence_end"),
                ),
                name=f"{prefix}_evidence_ordered",
            ),
            models.CheckConstraint(
                condition=Q(provenance__in=Provenance.values), name=f"{prefix}_provenance_valid"
            ),
        ]


class PhenotypicFeature(Fact):
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=500, blank=True, help_text="As written, when no term was found")
    excluded = models.BooleanField(default=False, help_text="Explicitly absent (negated)")
    onset = models.CharField(max_length=100, blank=True)
    severity = models.CharField(max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = Fact.fact_constraints("feature")


class Diagnosis(Fact):
    class Status(models.TextChoices):
        FINAL = "final", "Final"
        HISTORY = "history", "History"
        DIFFERENTIAL = "differential", "Differential"

    # Named here: the base class's "%(class)ss" pattern would give `case.diagnoses`.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnoses")
    disease = models.ForeignKey(Disease, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FINAL)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        verbose_name_plural = "diagnoses"
        constraints = [
            *Fact.fact_constraints("diagnosis"),
            models.CheckConstraint(
                condition=Q(status__in=["final", "history", "differential"]), name="diagnosis_status_valid"
            ),
        ]


class Measurement(Fact):
    class Interpretation(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"
        ABNORMAL = "abnormal", "Abnormal"
        UNKNOWN = "", "Not stated"

    analyte = models.CharField(max_length=200)
    analyte_ref = models.ForeignKey(
        Analyte, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.FloatField(null=True, blank=True)
    value_text = models.CharField(max_length=200, blank=True)
    comparator = models.CharField(max_length=2, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    interpretation = models.CharField(max_length=10, choices=Interpretation.choices, blank=True)
    observed = models.CharField(max_length=100, blank=True, help_text="When, as written")
    term = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The HPO finding the result implies",
    )
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("measurement"),
            models.CheckConstraint(
                condition=Q(comparator__in=["", "<", "<=", ">", ">=", "="]),
                name="measurement_comparator_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    interpretation__in=["", "high", "low", "normal", "positive", "negative", "abnormal"]
                ),
                name="measurement_interpretation_valid",
            ),
        ]


class Treatment(Fact):
    class Route(models.TextChoices):
        ORAL = "oral"
        INTRAVENOUS = "intravenous"
        INTRAMUSCULAR = "intramuscular"
        SUBCUTANEOUS = "subcutaneous"
        TOPICAL = "topical"
        INHALED = "inhaled"
        INTRALESIONAL = "intralesional"
        INTRATHECAL = "intrathecal"
        INTRA_ARTICULAR = "intra-articular"
        RECTAL = "rectal"
        SUBLINGUAL = "sublingual"
        TRANSDERMAL = "transdermal"
        OPHTHALMIC = "ophthalmic"
        NASAL = "nasal"
        OTHER = "other"
        UNKNOWN = "", "Not stated"

    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agent_name = models.CharField(max_length=200, help_text="As extracted (INN when known)")
    dose = models.FloatField(null=True, blank=True)
    dose_unit = models.CharField(max_length=30, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    frequency = models.CharField(max_length=60, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    started = models.CharField(max_length=100, blank=True)
    stopped = models.CharField(max_length=100, blank=True)
    stopped_because = models.CharField(max_length=300, blank=True)
    adverse_events = models.CharField(max_length=300, blank=True)
    dose_changes = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("treatment"),
            models.CheckConstraint(
                condition=Q(dose__isnull=True) | Q(dose__gte=0), name="treatment_dose_nonnegative"
            ),
        ]


class Outcome(Fact):
    class Direction(models.TextChoices):
        IMPROVED = "improved", "Improved"
        RESOLVED = "resolved", "Resolved"
        STABLE = "stable", "Stable"
        WORSENED = "worsened", "Worsened"
        RECURRED = "recurred", "Recurred"
        DIED = "died", "Died"

    about = models.CharField(max_length=300, blank=True)
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    series = models.JSONField(default=list, blank=True, help_text="Measured values over time")
    follow_up = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta(Fact.Meta):
        constraints = [
            *Fact.fact_constraints("outcome"),
            models.CheckConstraint(
                condition=Q(direction__in=["improved", "resolved", "stable", "worsened", "recurred", "died"]),
                name="outcome_direction_valid",
            ),
        ]


FACT_MODELS: tuple[type[Fact], ...] = (PhenotypicFeature, Diagnosis, Measurement, Treatment, Outcome)

# Small integers for outcome directions in Case.outcome_codes (stable: stored in the database).
OUTCOME_CODES: dict[str, int] = {
    "improved": 1,
    "resolved": 2,
    "stable": 3,
    "worsened": 4,
    "recurred": 5,
    "died": 6,
}
