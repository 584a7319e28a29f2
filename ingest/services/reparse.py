"""Re-parsing a report that already has cases (a parser upgrade, a curator's request): machine and
imported facts are replaced, every fact a curator made, locked or rejected is kept, and the
summary says what changed per case. `cases_reparse` is the curator's side (the admin action that
ingest.admin adds to the case review queue): the reports of selected cases, each once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from cases.curation.services import EDIT_PERMISSION, user_require
from cases.facts import FACT_KINDS, Fact
from cases.models import Case, Provenance, Report
from cases.services import case_refresh_search_columns

from .decode import decode_and_extract, save_parsed
from .facts import build_facts, case_fields
from .vocabulary import vocabulary_ids, vocabulary_rows_save_new


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


def _replace_facts(case: Case, new_facts: dict[type[Fact], list[Fact]], changes: CaseChanges) -> None:
    """Swap the case's replaceable facts for the new parse's, kind by kind in registry order, and
    keep links between facts (a variant's diagnosis) pointing at the right row: a new fact that
    links to a new one dropped as equal to a kept fact links to the kept one instead, and a kept
    fact that linked to a replaced one links to its equal in the new parse."""
    kept_for_dropped: dict[int, Fact] = {}  # id() of a dropped new fact -> the kept equal one
    for kind in FACT_KINDS:
        model = kind.model
        replaceable = list(_replaceable(model, case))
        kept = list(model.objects.filter(case=case).exclude(pk__in=[fact.pk for fact in replaceable]))
        kept_by_key = {kind.key(fact): fact for fact in kept}
        changes.kept_locked += len(kept)
        rows = []
        for fact in new_facts.get(model, []):
            equal = kept_by_key.get(kind.key(fact))
            if equal is None:
                rows.append(fact)
            else:
                kept_for_dropped[id(fact)] = equal
        for fact in rows:
            for link in FACT_KINDS.links_of(model):
                target = getattr(fact, link.name)
                if target is not None and id(target) in kept_for_dropped:
                    setattr(fact, link.name, kept_for_dropped[id(target)])
        old = Counter(kind.key(fact) for fact in replaceable)
        new = Counter(kind.key(fact) for fact in rows)
        changes.added += sum((new - old).values())
        changes.removed += sum((old - new).values())
        changes.unchanged += sum((old & new).values())
        if rows:
            model.objects.bulk_create(rows)
        _relink_kept(case, model, replaceable, {kind.key(fact): fact for fact in rows})
        model.objects.filter(pk__in=[fact.pk for fact in replaceable]).delete()


def _relink_kept(case: Case, model: type[Fact], replaced: list[Fact], new_by_key: dict[tuple, Fact]) -> None:
    """Facts of the case linking to a row about to be replaced link to its equal new row (a
    deleted target would otherwise leave the link empty)."""
    kind = FACT_KINDS.for_model(model)
    moved = {fact.pk: new_by_key[kind.key(fact)].pk for fact in replaced if kind.key(fact) in new_by_key}
    if not moved:
        return
    for other in FACT_KINDS.models:
        for link in FACT_KINDS.links_of(other):
            if link.related_model is not model:
                continue
            for old_pk, new_pk in moved.items():
                other.objects.filter(case=case, **{link.attname: old_pk}).update(**{link.attname: new_pk})


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
            vocabulary_rows_save_new(fact for rows in new_facts.values() for fact in rows)
            _replace_facts(case, new_facts, changes)
            case_refresh_search_columns(case=case)
            summary.cases.append(changes)
        # Patients the new parse no longer finds: their machine facts go; the case goes too unless
        # a curator has worked on it.
        for ordinal, case in sorted(existing.items()):
            changes = CaseChanges(case_id=case.pk, ordinal=ordinal)
            for model in FACT_KINDS.models:
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


# --- The curator's side: re-parse the reports of cases selected in the review queue ---------------


@dataclass
class ReparseRow:
    """What re-parsing did to one case of a report, labelled for the summary page."""

    case_id: int
    label: str
    added: int
    removed: int
    unchanged: int
    kept_locked: int
    created: bool
    deleted: bool


@dataclass
class ReparseOutcome:
    report: Report
    selected_case_ids: list[int]
    rows: list[ReparseRow] = field(default_factory=list)
    error: str = ""
    parser_version: str = ""


def _summary_rows(summary: ReparseSummary) -> list[ReparseRow]:
    labels = {
        case.pk: str(case)
        for case in Case.objects.filter(pk__in=[changes.case_id for changes in summary.cases])
    }
    return [
        ReparseRow(
            case_id=changes.case_id,
            label=labels.get(changes.case_id, f"Case {changes.case_id} (patient {changes.ordinal})"),
            added=changes.added,
            removed=changes.removed,
            unchanged=changes.unchanged,
            kept_locked=changes.kept_locked,
            created=changes.created,
            deleted=changes.deleted,
        )
        for changes in summary.cases
    ]


def cases_reparse(*, cases: Iterable[Case], user) -> list[ReparseOutcome]:
    """Re-parse the reports of the selected cases (each report once), replacing machine facts and
    keeping curator-locked ones, and say what changed per case. One report failing does not stop
    the others."""
    user_require(user=user, permission=EDIT_PERMISSION, what="re-parse cases")
    by_report: dict[int, ReparseOutcome] = {}
    for case in cases:
        outcome = by_report.setdefault(
            case.report_id, ReparseOutcome(report=case.report, selected_case_ids=[])
        )
        outcome.selected_case_ids.append(case.pk)
    for outcome in by_report.values():
        try:
            summary = report_reparse(report=outcome.report, user=user)
        except Exception as error:  # one bad report must not hide the summary of the others
            outcome.error = f"{error.__class__.__name__}: {error}"
            continue
        outcome.rows = _summary_rows(summary)
        outcome.parser_version = summary.parser_version
    return list(by_report.values())


def reparse_totals(outcomes: list[ReparseOutcome]) -> dict[str, int]:
    rows = [row for outcome in outcomes for row in outcome.rows]
    return {
        "reports": len(outcomes),
        "failed": sum(1 for outcome in outcomes if outcome.error),
        "added": sum(row.added for row in rows),
        "removed": sum(row.removed for row in rows),
        "unchanged": sum(row.unchanged for row in rows),
        "kept_locked": sum(row.kept_locked for row in rows),
    }
