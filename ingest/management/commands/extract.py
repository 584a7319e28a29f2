"""`manage.py extract PATH... [--format jsonl|mentions|phenopacket]`: run the extraction pipeline on files.

Files or directories (walked recursively for the report-text formats of ingest.formats: plain
text, PDF, JATS XML, …), read with the same registry as ingestion, one JSON object a line per file
on stdout with "source" the path as given or found. Nothing is written to the database; the
command works without one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import readers
from ingest.pipeline import cli, warm_up


def _read(path: Path) -> readers.Document:
    """A report through the format registry, with the settings' size limits: its text and the
    citation the reader found (JATS front matter, PDF metadata)."""
    return readers.read_document(path.read_bytes(), path.name)


class Command(BaseCommand):
    help = "Extract coded facts from case-report files (no database access); JSON Lines on stdout."
    requires_system_checks: list = []  # pure file processing: no models, no database

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="files or directories")
        parser.add_argument(
            "--format",
            choices=cli.FORMATS_OUT,
            default="jsonl",
            help="jsonl: the extraction record, one fact per finding (default); mentions: the same "
            "record one fact per mention, for span-level scoring; phenopacket: GA4GH Phenopackets v2",
        )

    def handle(self, *args, **options) -> None:
        missing = [p for p in options["paths"] if not Path(p).exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")
        warm_up()
        status = cli.run(
            options["paths"], fmt=options["format"], out=self.stdout, err=self.stderr, reader=_read
        )
        if status:
            self.stderr.write("some files could not be read (see above)")
