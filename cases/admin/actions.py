"""Bulk actions of the case review queue: assign, start review, mark curated, publish, reject,
find duplicates. (Re-parse is ingestion's: ingest.admin adds it through CaseAdmin.add_action.)"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cases import models
from cases.curation import services
from cases.curation.duplicates import duplicates_detect

S = models.Case.Status


def error_message(error: Exception) -> str:
    """What a curator reads when a service refuses (a ValidationError's messages, joined)."""
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or error.__class__.__name__


def curators():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name="curators"))
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    curator = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="(unassign)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = curators()


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=True)


class CaseActionsMixin:
    """The review queue's own bulk actions, each through cases.curation.services."""

    def _bulk_transition(self, request, queryset, to_status: str, note: str = "") -> None:
        done, failed = 0, []
        for case in queryset:
            try:
                services.case_transition(case=case, to_status=to_status, user=request.user, note=note)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                failed.append(error_message(error))
        if done:
            self.message_user(request, f"{done} case(s) moved to {S(to_status).label}.", messages.SUCCESS)
        for message in failed[:10]:
            self.message_user(request, message, messages.WARNING)
        if len(failed) > 10:
            self.message_user(request, f"… and {len(failed) - 10} more not moved.", messages.WARNING)

    @admin.action(description="Start review of selected cases")
    def start_review(self, request, queryset):
        self._bulk_transition(request, queryset, S.IN_REVIEW)

    @admin.action(description="Mark selected cases curated")
    def mark_curated(self, request, queryset):
        self._bulk_transition(request, queryset, S.CURATED)

    @admin.action(description="Publish selected cases")
    def publish(self, request, queryset):
        self._bulk_transition(request, queryset, S.PUBLISHED)

    @admin.action(description="Reject selected cases…")
    def reject(self, request, queryset):
        form = NoteForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._bulk_transition(request, queryset, S.REJECTED, note=form.cleaned_data["note"])
            return None
        return self._action_page(request, queryset, form, "reject", "Reject cases", "Why are they rejected?")

    @admin.action(description="Assign selected cases to a curator…")
    def assign_to_curator(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            curator = form.cleaned_data["curator"]
            try:
                changed = services.case_assign(cases=list(queryset), curator=curator, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, error_message(error), messages.ERROR)
            else:
                who = curator.get_username() if curator else "nobody"
                self.message_user(request, f"{changed} case(s) assigned to {who}.", messages.SUCCESS)
            return None
        return self._action_page(request, queryset, form, "assign_to_curator", "Assign cases", "Assign to")

    def _action_page(self, request, queryset, form, action, title, prompt):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "prompt": prompt,
            "form": form,
            "action": action,
            "cases": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/case/action_form.html", context)

    @admin.action(description="Find probable duplicates of selected cases")
    def find_duplicates(self, request, queryset):
        result = duplicates_detect(cases=list(queryset))
        self.message_user(
            request,
            f"{result.scanned} case(s) checked, {result.scored} candidate pair(s) scored, "
            f"{len(result.flagged)} probable duplicate(s) flagged.",
            messages.SUCCESS,
        )
        if result.flagged:
            url = reverse("admin:cases_caseduplicate_changelist") + "?status__exact=open"
            return HttpResponseRedirect(url)
        return None
