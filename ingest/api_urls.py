"""Ingestion API routes, included under `api/` by registry/urls.py."""

from django.urls import path

from ingest import api

app_name = "ingest_api"

urlpatterns = [
    path("reports/", api.ReportReceiveView.as_view(), name="report-create"),
    path("jobs/<int:pk>/", api.JobDetailView.as_view(), name="job-detail"),
    path("batches/<uuid:batch>/", api.BatchDetailView.as_view(), name="batch-detail"),
]
