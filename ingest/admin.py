"""Admin of the ingestion's models (they live in cases.models): reports and jobs; and the
"re-parse" action of the case review queue.

Registered here rather than in cases/admin/ because they need what only ingestion has, the labels
of the report formats (ingest.formats) and the extraction pipeline, and `cases` never imports
`ingest`. A report's format is read-only: it is decided once on receipt, and only the services
write it. The re-parse action is added to the case admin by IngestConfig.ready (ingest/apps.py).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.text import Truncator

from cases.admin.actions import error_message
from cases.models import IngestJob, Report
from ingest.formats import FORMATS
from ingest.services.jobs import job_retry
from ingest.services.reparse import cases_reparse, reparse_totals

# Re-parsing runs the extraction pipeline in the request, so a selection must stay small enough
# to answer within the web server's timeout.
REPARSE_MAX_REPORTS = 100


class FormatFilter(admin.SimpleListFilter):
    title = "format"
    parameter_name = "format"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [(fmt.name, fmt.label) for fmt in FORMATS] + [("-", FORMATS.label(""))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(format="" if value == "-" else value)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "format_label", "language", "year", "pmid", "parse_status", "received_at")
    list_filter = (FormatFilter, "language", "parse_status", "parser_version")
    search_fields = ("title", "pmid", "doi", "filename", "content_hash")
    readonly_fields = (
        "content_hash",
        "format_label",
        "received_at",
        "parsed_at",
        "parser_version",
        "parse_error",
    )
    exclude = ("raw", "format")

    @admin.display(description="format", ordering="format")
    def format_label(self, report: Report) -> str:
        return FORMATS.label(report.format)


@admin.action(description="Retry the selected failed jobs", permissions=["change"])
def retry_jobs(modeladmin, request, queryset) -> None:
    retried, refused = 0, []
    for job in queryset:
        try:
            job_retry(job=job)
            retried += 1
        except ValueError as error:
            refused.append(str(error))
    if retried:
        modeladmin.message_user(request, f"{retried} job(s) queued again.", messages.SUCCESS)
    for reason in refused[:10]:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "filename",
        "status",
        "report",
        "attempts",
        "queued_at",
        "finished_at",
        "short_error",
        "warning_count",
    )
    list_filter = ("status",)
    search_fields = ("filename", "error")
    readonly_fields = ("queued_at", "started_at", "finished_at", "warning_list")
    exclude = ("warnings",)
    raw_id_fields = ("report", "created_by")
    actions = [retry_jobs]

    @admin.display(description="error")
    def short_error(self, job: IngestJob) -> str:
        return Truncator(job.error).chars(120)

    @admin.display(description="warnings")
    def warning_count(self, job: IngestJob) -> int:
        return len(job.warnings or [])

    @admin.display(description="warnings")
    def warning_list(self, job: IngestJob) -> str:
        # format_html_join escapes every warning: they quote the uploaded data.
        return format_html_join("", "<div>{}</div>", ((w,) for w in job.warnings or [])) or "—"


@admin.action(
    description="Re-parse selected cases' reports (keeps curator-locked facts)", permissions=["change"]
)
def reparse(modeladmin, request, queryset):
    """A bulk action of the case review queue (and the case page's "Re-parse" button): re-parse
    the selected cases' reports and show what changed per case."""
    reports = queryset.values("report_id").distinct().count()
    if reports > REPARSE_MAX_REPORTS:
        modeladmin.message_user(
            request,
            f"{reports} reports selected; re-parse at most {REPARSE_MAX_REPORTS} at a time here "
            "(the summary is built while you wait). Narrow the selection with the filters.",
            messages.ERROR,
        )
        return None
    try:
        outcomes = cases_reparse(cases=list(queryset.select_related("report")), user=request.user)
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(request, error_message(error), messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Re-parse summary",
        "outcomes": outcomes,
        "opts": modeladmin.model._meta,
        "totals": reparse_totals(outcomes),
    }
    return TemplateResponse(request, "admin/cases/case/reparse_summary.html", context)
