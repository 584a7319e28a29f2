"""Create (or show, or replace) the API token of a user: `python manage.py create_api_token alice`.

API writes need a token and the model permission of the change; `--permission cases.add_report`
grants one on the way (repeatable), `--create-user` makes a user without a usable password (a
program's account), `--reset` replaces an existing token.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create or show the API token of a user (prints the key)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--create-user", action="store_true", help="Create the user if missing")
        parser.add_argument("--reset", action="store_true", help="Replace an existing token")
        parser.add_argument(
            "--permission",
            action="append",
            default=[],
            metavar="APP.CODENAME",
            help="Grant a model permission, e.g. cases.add_report (repeatable)",
        )

    @transaction.atomic
    def handle(self, *args, username: str, create_user: bool, reset: bool, permission: list[str], **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            if not create_user:
                raise CommandError(f"no user {username!r}; pass --create-user to create one") from None
            user = User(**{User.USERNAME_FIELD: username})
            user.set_unusable_password()
            user.save()
            self.stderr.write(f"created user {username}")
        for name in permission:
            app_label, _, codename = name.partition(".")
            try:
                user.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist:
                raise CommandError(f"no permission {name!r} (expected app_label.codename)") from None
        if reset:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        self.stderr.write("created token" if created else "existing token")
        self.stdout.write(token.key)
