"""Which cases a user may see: the one rule behind `Case.objects.visible_to(user)` (SQL, for pages,
the API and the admin) and `SearchIndex.visible(user)` (bitmaps, for search, similarity and cohort
summaries). Both read `case_visibility`, so the queryset and the index cannot drift apart;
tests/search/test_visibility.py checks that they agree for anonymous, curator and staff users.

The rule:
- staff see every case;
- everyone else never sees a rejected case, nor a duplicate merged into another case;
- with PUBLIC_CURATED_ONLY=1 everyone else sees only curated and published cases.

Curators who are not staff see what the public sees here: their queue lives in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Case.Status values (cases/models.py, constrained there); listed here because models import this
# module through the queryset.
STATUSES = ("machine", "in_review", "curated", "published", "rejected")
REVIEWED = ("curated", "published")  # checked by a curator
NEVER_PUBLIC = ("rejected",)


@dataclass(frozen=True)
class CaseVisibility:
    """What one class of users may see. Hashable: callers may cache per rule."""

    statuses: tuple[str, ...]  # the case statuses shown
    merged: bool  # whether cases merged into another one are shown

    @property
    def everything(self) -> bool:
        return self.merged and set(self.statuses) >= set(STATUSES)


EVERYTHING = CaseVisibility(statuses=STATUSES, merged=True)


def case_visibility(user) -> CaseVisibility:
    """The rule for `user` (None or anonymous: the public), under the current settings."""
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False):
        return EVERYTHING
    if settings.PUBLIC_CURATED_ONLY:
        return CaseVisibility(statuses=REVIEWED, merged=False)
    return CaseVisibility(
        statuses=tuple(status for status in STATUSES if status not in NEVER_PUBLIC), merged=False
    )
