from django.apps import AppConfig


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"
    verbose_name = "Ingestion"

    def ready(self) -> None:
        # The case review queue offers "re-parse" only with ingestion installed: `cases` never
        # imports `ingest`, so ingestion adds its action to the case admin.
        from cases.admin import CaseAdmin
        from ingest.admin import reparse

        CaseAdmin.add_action(reparse)
