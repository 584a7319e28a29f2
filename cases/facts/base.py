"""What every fact of a case carries, whatever its kind: evidence, provenance, lock, rejection.

The concrete kinds (one module each in this package) subclass `Fact`. Relations point at other
models by name ("cases.Case", "cases.Term"), so this package needs nothing from cases.models and
cases.models can import it before it declares Case (Case's search columns come from the kinds).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Provenance(models.TextChoices):
    MACHINE = "machine", "Extracted by the parser"
    IMPORT = "import", "Imported from structured data"
    CURATOR = "curator", "Entered or edited by a curator"


class Fact(models.Model):
    """What every fact of a case carries: evidence span, provenance, curator lock, rejection."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="%(class)ss")
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    evidence_text = models.TextField(blank=True)
    # Every span of the report that states this finding ([[start, end], …], evidence first): a
    # finding named eight times is one fact, and pages show "×8" instead of eight lines.
    mentions = models.JSONField(default=list, blank=True)
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


# Fields a curator never sets directly on a fact: they record where it came from and its review.
FACT_SYSTEM_FIELDS = frozenset(
    {
        "id",
        "case",
        "provenance",
        "parser_version",
        "locked",
        "rejected",
        "rejected_reason",
        "edited_by",
        "updated_at",
    }
)
EVIDENCE_FIELDS = ("evidence_start", "evidence_end", "evidence_text")


def mention_spans(fact: Fact) -> list[tuple[int, int]]:
    """The fact's spans in the report: its evidence and every further mention, in text order."""
    spans = {(fact.evidence_start, fact.evidence_end)} if fact.evidence_start is not None else set()
    for span in fact.mentions or []:
        if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span):
            spans.add((span[0], span[1]))
    return sorted(s for s in spans if s[1] is not None and s[0] <= s[1])


def mention_count(fact: Fact) -> int:
    """How many times the report states the fact (at least once)."""
    return max(len(mention_spans(fact)), 1)
