"""Filters of the case review queue: assignee, parser version, probable duplicates, feature."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q

from cases import models

from .vocabulary import term_resolve


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")[:50]
        return [("me", "Assigned to me"), ("none", "Unassigned")] + [
            (str(u.pk), u.get_username()) for u in users
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class ParserVersionFilter(admin.SimpleListFilter):
    title = "parser version"
    parameter_name = "parser"

    def lookups(self, request, model_admin):
        # DISTINCT over every report is a full scan; the set of versions changes only on upgrades.
        versions = cache.get_or_set(
            "curation:parser-versions",
            lambda: list(
                models.Report.objects.exclude(parser_version="")
                .order_by("-parser_version")
                .values_list("parser_version", flat=True)
                .distinct()[:30]
            ),
            timeout=300,
        )
        return [(v, v) for v in versions]

    def queryset(self, request, queryset):
        return queryset.filter(report__parser_version=self.value()) if self.value() else queryset


class DuplicateFilter(admin.SimpleListFilter):
    title = "duplicates"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("open", "Probable duplicate (open)"), ("merged", "Merged into another case")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            open_pairs = models.CaseDuplicate.objects.filter(status=models.CaseDuplicate.Status.OPEN)
            return queryset.filter(
                Q(pk__in=open_pairs.values("case_a")) | Q(pk__in=open_pairs.values("case_b"))
            )
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        return queryset


class FeatureFilter(admin.SimpleListFilter):
    """A free-text filter: an HPO id or a feature name in English or Chinese; matches cases with
    the term or any descendant through the GIN-indexed ancestor closure in Case.term_ids."""

    title = "feature"
    parameter_name = "feature"
    template = "admin/cases/case/feature_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        term = term_resolve(self.value() or "")
        yield {
            "value": self.value() or "",
            "term": term,
            "hidden": [(k, v) for k, v in changelist.params.items() if k != self.parameter_name],
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        term = term_resolve(self.value())
        if term is None:
            return queryset.none()
        return queryset.filter(term_ids__contains=[term.pk])
