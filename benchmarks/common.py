"""What several benchmarks share: a database of their own beside the registry's."""

from __future__ import annotations

import os


def use_benchmark_database(suffix: str) -> str:
    """Point Django at `<registry database>_<suffix>` on the configured server, creating,
    migrating and filling its vocabularies on first use, so a benchmark never touches real data.
    Child processes (workers) follow through DATABASE_NAME. Returns the database name."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    name = f"{settings.DATABASES['default']['NAME']}_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            # CREATE DATABASE takes no parameters; the name is built from settings, not input.
            cursor.execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    os.environ["DATABASE_NAME"] = name
    call_command("migrate", verbosity=0)

    from cases.models import Term

    if not Term.objects.exists():
        from ingest.vocabularies import vocabularies_load

        print("loading vocabularies into the benchmark database …", flush=True)
        vocabularies_load()
    return name
