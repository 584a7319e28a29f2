"""Probable duplicate patients: the pairs detection flagged, merged or dismissed by a curator."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from cases import models
from cases.curation import services

from .actions import error_message


@admin.register(models.CaseDuplicate)
class CaseDuplicateAdmin(admin.ModelAdmin):
    list_display = ("id", "first_case", "second_case", "score", "why", "status", "resolved_by")
    list_filter = ("status",)
    list_select_related = ("case_a__report", "case_b__report", "resolved_by")
    readonly_fields = (
        "case_a",
        "case_b",
        "score",
        "reasons",
        "status",
        "resolved_by",
        "resolved_at",
        "detected_at",
    )
    actions = ("merge_into_first", "merge_into_second", "dismiss")

    def get_queryset(self, request):
        heavy = ("case_a__report__raw", "case_a__report__text", "case_b__report__raw", "case_b__report__text")
        return super().get_queryset(request).defer(*heavy)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def _case_link(self, case: models.Case) -> str:
        url = reverse("admin:cases_case_change", args=[case.pk])
        return format_html(
            '<a href="{}">{}</a> · {} {} · {}',
            url,
            case,
            case.sex,
            case.age_years or "?",
            case.report.title[:50],
        )

    @admin.display(description="case A")
    def first_case(self, duplicate: models.CaseDuplicate) -> str:
        return self._case_link(duplicate.case_a)

    @admin.display(description="case B")
    def second_case(self, duplicate: models.CaseDuplicate) -> str:
        return self._case_link(duplicate.case_b)

    @admin.display(description="why")
    def why(self, duplicate: models.CaseDuplicate) -> str:
        components = duplicate.reasons.get("components", {})
        shared = len(duplicate.reasons.get("shared_terms", []))
        parts = [f"{name} {value:.2f}" for name, value in components.items()]
        return f"{', '.join(parts)}; {shared} shared feature(s)"

    def _merge(self, request, queryset, keep_first: bool) -> None:
        merged = 0
        for duplicate in queryset.filter(status=models.CaseDuplicate.Status.OPEN):
            keep, merge = (
                (duplicate.case_a, duplicate.case_b) if keep_first else (duplicate.case_b, duplicate.case_a)
            )
            try:
                services.case_merge(keep=keep, merge=merge, user=request.user)
                merged += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, error_message(error), messages.WARNING)
        self.message_user(request, f"{merged} pair(s) merged.", messages.SUCCESS)

    @admin.action(description="Merge: keep case A, merge case B into it", permissions=["change"])
    def merge_into_first(self, request, queryset):
        self._merge(request, queryset, keep_first=True)

    @admin.action(description="Merge: keep case B, merge case A into it", permissions=["change"])
    def merge_into_second(self, request, queryset):
        self._merge(request, queryset, keep_first=False)

    @admin.action(description="Dismiss: different patients", permissions=["change"])
    def dismiss(self, request, queryset):
        for duplicate in queryset.filter(status=models.CaseDuplicate.Status.OPEN):
            services.duplicate_dismiss(duplicate=duplicate, user=request.user)
        self.message_user(request, "Dismissed.", messages.SUCCESS)
