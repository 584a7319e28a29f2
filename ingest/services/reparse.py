"""Re-parsing a report that already has cases (a parser upgrade, a curator's request): machine and
imported facts are replaced, every fact a curator made, locked or rejected is kept, and the
summary says what changed per case."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from cases.models import FACT_MODELS, Case, Fact, Provenance, Report
from cases.services import case_refresh_search_columns

from .decode import decode_and_extract, save_parsed
from .facts import build_facts, case_fields, fact_key
from .vocabulary import vocabulary_ids


@dataclass
class CaseChanges:
    case_id: int
    ordinal: int
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    kept_locked: int = 0
    created: bool = False
    deleted: bool = False


@dataclass
class ReparseSummary:
    """What a re-parse changed, per case, for the curation screen."""

    report_id: int
    parser_version: str
    cases: list[CaseChanges] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(case.added for case in self.cases)

    @property
    def removed(self) -> int:
        return sum(case.removed for case in self.cases)

    @property
    def kept_locked(self) -> int:
        return sum(case.kept_locked for case in self.cases)


def _replaceable(model: type[Fact], case: Case):
    return model.objects.filter(
        case=case, locked=False, rejected=False, provenance__in=[Provenance.MACHINE, Provenance.IMPORT]
    )


def report_reparse(*, report: Report, user=None) -> ReparseSummary:
    """Parse a report again (e.g. after a parser upgrade): unlocked machine/imported facts are
    replaced; every locked, curator-made or rejected fact is kept, and a new machine fact equal to
    a kept one is not added beside it. Case demographics change only while a case is unreviewed."""
    vocabulary_ids.ensure()
    report = Report.objects.get(pk=report.pk)
    parsed = decode_and_extract(report)
    text_length = len(report.text)
    summary = ReparseSummary(report_id=report.pk, parser_version=parsed.parser_version)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        save_parsed(report, parsed.parser_version)
        existing = {case.ordinal: case for case in Case.objects.select_for_update().filter(report=report)}
        for ordinal, patient in enumerate(parsed.patients, 1):
            fields = case_fields(patient, text_length=text_length)
            case = existing.pop(ordinal, None)
            created = case is None
            if created:
                case = Case.objects.create(
                    report=report, ordinal=ordinal, language=report.language, year=report.year, **fields
                )
            elif case.status == Case.Status.MACHINE:
                for name, value in fields.items():
                    setattr(case, name, value)
                case.save()
            changes = CaseChanges(case_id=case.pk, ordinal=ordinal, created=created)
            new_facts = build_facts(
                case,
                patient,
                provenance=parsed.provenance,
                parser_version=parsed.parser_version,
                text_length=text_length,
            )
            for model in FACT_MODELS:
                replaceable = list(_replaceable(model, case))
                kept = list(model.objects.filter(case=case).exclude(pk__in=[fact.pk for fact in replaceable]))
                kept_keys = {fact_key(fact) for fact in kept}
                changes.kept_locked += len(kept)
                rows = [fact for fact in new_facts[model] if fact_key(fact) not in kept_keys]
                old = Counter(fact_key(fact) for fact in replaceable)
                new = Counter(fact_key(fact) for fact in rows)
                changes.added += sum((new - old).values())
                changes.removed += sum((old - new).values())
                changes.unchanged += sum((old & new).values())
                model.objects.filter(pk__in=[fact.pk for fact in replaceable]).delete()
                if rows:
                    model.objects.bulk_create(rows)
            case_refresh_search_columns(case=case)
            summary.cases.append(changes)
        # Patients the new parse no longer finds: their machine facts go; the case goes too unless
        # a curator has worked on it.
        for ordinal, case in sorted(existing.items()):
            changes = CaseChanges(case_id=case.pk, ordinal=ordinal)
            for model in FACT_MODELS:
                replaceable = _replaceable(model, case)
                changes.removed += replaceable.count()
                replaceable.delete()
                changes.kept_locked += model.objects.filter(case=case).count()
            if not changes.kept_locked and case.status == Case.Status.MACHINE:
                case.delete()
                changes.deleted = True
            else:
                case_refresh_search_columns(case=case)
            summary.cases.append(changes)
    return summary
