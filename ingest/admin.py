"""Ingestion additions to the IngestJob admin that cases/admin.py registers: a "retry" action and
the error column. Added here, after cases' admin is loaded (INSTALLED_APPS order), so the admin
module of another area needs no edit; an explicit registration there takes precedence."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import Truncator

from cases.models import IngestJob
from ingest.admin_actions import retry_jobs


@admin.display(description="error")
def job_error(job: IngestJob) -> str:
    return Truncator(job.error).chars(120)


def _extend_job_admin() -> None:
    job_admin = admin.site._registry.get(IngestJob)
    if job_admin is None:
        return
    actions = list(job_admin.actions or [])
    if retry_jobs not in actions and "retry_jobs" not in actions:
        job_admin.actions = [*actions, retry_jobs]
    display = list(job_admin.list_display)
    if "error" not in display and job_error not in display:
        job_admin.list_display = (*display, job_error)


_extend_job_admin()
