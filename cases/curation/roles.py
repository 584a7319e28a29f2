"""The two curation roles as permission groups, created or brought up to date idempotently."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

CURATORS = "curators"
VIEWERS = "viewers"

_FACTS = ("phenotypicfeature", "diagnosis", "measurement", "treatment", "outcome")
_VOCABULARIES = ("term", "disease", "agent", "analyte")

# Viewers read the review queue and everything a case page shows; they change nothing.
VIEWER_PERMISSIONS = [
    "view_case",
    "view_report",
    "view_caseduplicate",
    *(f"view_{model}" for model in _FACTS),
    *(f"view_{model}" for model in _VOCABULARIES),
]
# Curators edit cases and facts (never delete: a wrong fact is rejected, kept with why), publish
# or reject cases, and resolve duplicates. Vocabularies stay read-only (autocomplete needs view).
CURATOR_PERMISSIONS = [
    *VIEWER_PERMISSIONS,
    "change_case",
    "publish_case",
    "change_caseduplicate",
    *(f"add_{model}" for model in _FACTS),
    *(f"change_{model}" for model in _FACTS),
]


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create the groups and set exactly their permissions; safe to run any number of times."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after `migrate`; make sure they exist when this runs in
    # the same process (tests, a fresh database).
    create_permissions(apps.get_app_config("cases"), verbosity=0)
    counts: dict[str, int] = {}
    for name, codenames in ((VIEWERS, VIEWER_PERMISSIONS), (CURATORS, CURATOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(content_type__app_label="cases", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"permissions not found (run migrate first): {', '.join(sorted(missing))}")
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
