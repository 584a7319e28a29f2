"""`manage.py setup_roles`: create the "curators" and "viewers" groups (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cases.curation.roles import roles_setup


class Command(BaseCommand):
    help = 'Create or update the "curators" and "viewers" permission groups.'

    def handle(self, *args, **options) -> None:
        for name, count in roles_setup().items():
            self.stdout.write(f"group {name}: {count} permissions")
