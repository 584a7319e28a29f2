"""Named visibility rules for cases, used by the site, the API and the admin alike."""

from __future__ import annotations

from django.db import models

from cases.visibility import REVIEWED, CaseVisibility, case_visibility


class CaseQuerySet(models.QuerySet):
    def published(self) -> CaseQuerySet:
        return self.filter(status__in=REVIEWED)

    def not_rejected(self) -> CaseQuerySet:
        return self.exclude(status="rejected")

    def not_merged(self) -> CaseQuerySet:
        """Cases not merged into another (a merged case is a duplicate write-up of a patient)."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user) -> CaseQuerySet:
        """What a user may see (the rule is cases/visibility.py, which the search index reads
        too): staff see everything; the public never sees rejected cases nor duplicates merged
        into another case, and with PUBLIC_CURATED_ONLY only curated/published ones."""
        return self.visible_under(case_visibility(user))

    def visible_under(self, rule: CaseVisibility) -> CaseQuerySet:
        """The cases one visibility rule shows (see visible_to)."""
        if rule.everything:
            return self.all()
        queryset = self.filter(status__in=rule.statuses)
        return queryset if rule.merged else queryset.not_merged()

    def for_curator(self, user) -> CaseQuerySet:
        """The review queue of one curator: cases assigned to them that still need review."""
        return self.filter(assignee=user, status__in=["machine", "in_review"])
