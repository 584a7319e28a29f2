"""Parsing a report into cases: decode and extract everything first (`prepare`, no writes, so bad
input fails before any row changes), then write the reports, cases and facts in bulk
(`write_prepared`: one statement per table however many reports a batch holds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction

from cases.facts.search import search_columns
from cases.models import Case, Fact, Report

from .decode import REPORT_PARSE_FIELDS, decode_and_extract, mark_parsed
from .facts import build_facts, case_fields
from .reparse import report_reparse
from .vocabulary import vocabulary_ids, vocabulary_rows_save_new


@dataclass
class Prepared:
    """A report decoded and extracted, its cases and facts built but not yet written."""

    report: Report
    cases: list[Case]
    facts: list[dict[type[Fact], list[Fact]]]
    # What the import could not keep or check exactly, listed on the job (IngestJob.warnings).
    warnings: list[str] = field(default_factory=list)


def prepare(report: Report) -> Prepared:
    """Everything of a parse that needs no write: bad input fails here, before any row changes."""
    vocabulary_ids.ensure()
    parsed = decode_and_extract(report)
    mark_parsed(report, parsed.parser_version)
    text_length = len(report.text)
    prepared = Prepared(report=report, cases=[], facts=[])
    for ordinal, patient in enumerate(parsed.patients, 1):
        for warning in patient.get("warnings") or []:
            if warning not in prepared.warnings:
                prepared.warnings.append(str(warning))
        case = Case(
            report=report,
            ordinal=ordinal,
            language=report.language,
            year=report.year,
            **case_fields(patient, text_length=text_length),
        )
        facts = build_facts(
            case,
            patient,
            provenance=parsed.provenance,
            parser_version=parsed.parser_version,
            text_length=text_length,
            warnings=prepared.warnings,
        )
        # The search columns from the facts in hand save re-reading them: the same builder as
        # cases.services.case_refresh_search_columns, with the in-memory HPO closure.
        for name, value in search_columns(facts, closure=vocabulary_ids).items():
            setattr(case, name, value)
        prepared.cases.append(case)
        prepared.facts.append(facts)
    return prepared


def _reports_update(reports: Sequence[Report]) -> None:
    """Store the parsed fields of many reports in one parameterised UPDATE … FROM (VALUES …).
    (QuerySet.bulk_update builds a CASE expression per field and row, which costs more time to
    compile than the whole parse of a text report.)"""
    if len(reports) == 1:
        reports[0].save(update_fields=REPORT_PARSE_FIELDS)
        return
    fields = [Report._meta.get_field(name) for name in REPORT_PARSE_FIELDS]
    quote = connection.ops.quote_name
    casts = [model_field.db_type(connection) for model_field in fields]
    row = "(%s::bigint, " + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    params: list = []
    for report in reports:
        params.append(report.pk)
        for model_field in fields:
            params.append(model_field.get_db_prep_save(getattr(report, model_field.attname), connection))
    columns = ", ".join(quote(model_field.column) for model_field in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    # Identifiers come from the model's metadata, quoted; every value is a parameter.
    sql = (
        f"UPDATE {quote(Report._meta.db_table)} AS r SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(reports))}) AS v(id, {columns}) WHERE r.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_prepared(items: Sequence[Prepared]) -> None:
    """Write prepared reports in bulk: one UPDATE of the reports, one INSERT of the cases (and
    their history rows), one INSERT per fact table, however many reports there are."""
    from simple_history.utils import bulk_create_with_history

    cases = [case for item in items for case in item.cases]
    for case in cases:  # after a failed attempt the same objects are written again
        case.pk = None
        case._state.adding = True
    # Drugs, HPO ids and disease codes the vocabulary lacked were left unsaved by `prepare`:
    # saved now, and the search columns built without them rebuilt.
    every_fact = [fact for item in items for facts in item.facts for rows in facts.values() for fact in rows]
    if vocabulary_rows_save_new(every_fact):
        for item in items:
            for case, facts in zip(item.cases, item.facts, strict=True):
                for name, value in search_columns(facts, closure=vocabulary_ids).items():
                    setattr(case, name, value)
    _reports_update([item.report for item in items])
    if cases:
        bulk_create_with_history(cases, Case)
    rows: dict[type[Fact], list[Fact]] = {}
    for item in items:
        for case, facts in zip(item.cases, item.facts, strict=True):
            for model, facts_of_model in facts.items():
                for fact in facts_of_model:
                    fact.pk = None
                    fact.case = case  # now with its id
                rows.setdefault(model, []).extend(facts_of_model)
    for model, facts_of_model in rows.items():
        if facts_of_model:
            model.objects.bulk_create(facts_of_model, batch_size=2000)


def report_parse(*, report: Report) -> list[Case]:
    """Decode a report and write its case(s) with their facts in one transaction. A report that
    already has cases is re-parsed instead (curators' facts kept), so running twice is harmless."""
    # Cases and parse_status=parsed are committed together, so the status says whether cases exist.
    if report.parse_status == Report.ParseStatus.PARSED and Case.objects.filter(report=report).exists():
        report_reparse(report=report)
        return list(Case.objects.filter(report=report).order_by("ordinal"))
    prepared = prepare(report)
    with transaction.atomic():
        write_prepared([prepared])
    return prepared.cases
