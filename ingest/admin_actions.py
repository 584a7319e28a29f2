"""Admin action for IngestJobAdmin (registered in cases/admin.py): retry failed or stuck jobs."""

from __future__ import annotations

from django.contrib import admin, messages

from ingest.services.jobs import job_retry


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
