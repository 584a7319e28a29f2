"""Curation writes: review states, assignment, fact corrections, merging duplicate patients.

Every change goes through here so that the rules hold whichever door it comes in by (admin page,
bulk action, command, test): transitions are checked against the state machine and the user's
permissions, curator-touched facts are locked against re-parsing, and each save is attributed in
the simple-history tables (who, when, and a reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

# FACT_SYSTEM_FIELDS: what a curator never sets on a fact (where it came from, its review); the
# admin reads it from here.
from cases.facts import EVIDENCE_FIELDS, FACT_KINDS, FACT_SYSTEM_FIELDS, Fact, Provenance  # noqa: F401
from cases.models import Case, CaseDuplicate
from cases.services import case_refresh_search_columns

S = Case.Status

# The review state machine. Going back is allowed where a curator may need it: a published case
# can be reopened for correction, a rejected one reconsidered.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.MACHINE: frozenset({S.IN_REVIEW, S.REJECTED}),
    S.IN_REVIEW: frozenset({S.CURATED, S.REJECTED, S.MACHINE}),
    S.CURATED: frozenset({S.PUBLISHED, S.IN_REVIEW, S.REJECTED}),
    S.PUBLISHED: frozenset({S.IN_REVIEW, S.REJECTED}),
    S.REJECTED: frozenset({S.IN_REVIEW}),
}

# Publishing and rejecting decide what the public sees, so they need more than edit rights;
# reopening a rejected case undoes such a decision and needs the same.
PUBLISH_PERMISSION = "cases.publish_case"
EDIT_PERMISSION = "cases.change_case"


def transition_permission(*, from_status: str, to_status: str) -> str:
    if to_status in (S.PUBLISHED, S.REJECTED) or from_status == S.REJECTED:
        return PUBLISH_PERMISSION
    return EDIT_PERMISSION


def user_require(*, user, permission: str, what: str) -> None:
    """Refuse (PermissionDenied) unless `user` is active staff with `permission`: the check every
    curation write makes, for other apps' curation tools too (ingest's re-parse)."""
    if user is None or not user.is_active or not user.is_staff or not user.has_perm(permission):
        raise PermissionDenied(f"{getattr(user, 'username', 'anonymous')} may not {what}")


def _require(user, permission: str, what: str) -> None:
    user_require(user=user, permission=permission, what=what)


@transaction.atomic
def case_transition(*, case: Case, to_status: str, user, note: str = "") -> Case:
    """Move a case to another review state; raises ValidationError for a transition the state
    machine does not allow and PermissionDenied when the user lacks the right."""
    if to_status not in S.values:
        raise ValidationError(f"unknown status {to_status!r}")
    # Lock the row: two curators acting on the same case must not both pass the check below.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    from_status = locked.status
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            f"case {locked.pk}: cannot go from {S(from_status).label} to {S(to_status).label}",
            code="invalid_transition",
        )
    _require(
        user,
        transition_permission(from_status=from_status, to_status=to_status),
        f"move a case to {S(to_status).label}",
    )
    if to_status == S.REJECTED and not note.strip():
        raise ValidationError("say why the case is rejected (a note is required)", code="note_required")
    locked.status = to_status
    if note:
        locked.review_note = note
    # Whoever starts reviewing an unassigned case is its curator from then on.
    if to_status == S.IN_REVIEW and locked.assignee_id is None:
        locked.assignee = user
    locked._history_user = user
    reason = f"{S(from_status).label} → {S(to_status).label}"
    locked._change_reason = f"{reason}: {note}"[:100] if note else reason
    locked.save()
    case.status, case.review_note, case.assignee_id = locked.status, locked.review_note, locked.assignee_id
    return locked


@transaction.atomic
def case_assign(*, cases: Iterable[Case], curator, user) -> int:
    """Assign cases to a curator (or unassign with curator=None); returns how many changed."""
    _require(user, EDIT_PERMISSION, "assign cases")
    if curator is not None and not (
        curator.is_active and curator.is_staff and curator.has_perm(EDIT_PERMISSION)
    ):
        raise ValidationError(f"{curator.username} is not a curator (needs staff status and edit rights)")
    changed = 0
    for case in Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]):
        if case.assignee_id == (curator.pk if curator else None):
            continue
        case.assignee = curator
        case._history_user = user
        case._change_reason = f"assigned to {curator.username}" if curator else "unassigned"
        case.save(update_fields=["assignee", "updated_at"])
        changed += 1
    return changed


def _fact_permission(fact_model: type[Fact], action: str) -> str:
    return f"cases.{action}_{fact_model._meta.model_name}"


def evidence_check(*, case: Case, values: dict[str, Any]) -> None:
    """An evidence span must index the report text exactly; its snippet is filled from the text
    when left blank and must match it otherwise."""
    start, end = values.get("evidence_start"), values.get("evidence_end")
    if start is None and end is None:
        return
    if start is None or end is None:
        raise ValidationError("evidence needs both a start and an end offset")
    text = case.report.text
    if not 0 <= start <= end <= len(text):
        raise ValidationError(f"evidence span {start}-{end} lies outside the report text (0-{len(text)})")
    snippet = text[start:end]
    given = values.get("evidence_text") or ""
    if not given:
        values["evidence_text"] = snippet
    elif given != snippet:
        raise ValidationError(
            f"evidence text {given[:40]!r} does not match the report at {start}-{end} ({snippet[:40]!r})"
        )


def _editable(fact_model: type[Fact], fields: dict[str, Any]) -> dict[str, Any]:
    """The fields a curator may set on this kind (its declaration's `editable`, and the evidence)."""
    kind = FACT_KINDS.for_model(fact_model)
    allowed = {*kind.editable, *EVIDENCE_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"not editable on {fact_model.__name__}: {', '.join(sorted(unknown))}")
    return dict(fields)


def _mark_curated(fact: Fact, user) -> None:
    fact.provenance = Provenance.CURATOR
    fact.locked = True
    fact.edited_by = user
    fact._history_user = user


@transaction.atomic
def fact_create(*, fact_model: type[Fact], case: Case, user, **fields: Any) -> Fact:
    """A fact entered by a curator: provenance curator, locked against re-parsing."""
    if fact_model not in FACT_KINDS.models:
        raise ValidationError(f"{fact_model!r} is not a fact model")
    _require(user, _fact_permission(fact_model, "add"), f"add {fact_model._meta.verbose_name_plural}")
    values = _editable(fact_model, fields)
    evidence_check(case=case, values=values)
    fact = fact_model(case=case, **values)
    _mark_curated(fact, user)
    fact._change_reason = "entered by curator"
    fact.full_clean()
    fact.save()
    case_refresh_search_columns(case=case)
    return fact


@transaction.atomic
def fact_update(*, fact: Fact, user, **fields: Any) -> Fact:
    """A curator's correction of a fact; the fact is locked against re-parsing from then on."""
    fact_model = type(fact)
    _require(user, _fact_permission(fact_model, "change"), f"change {fact_model._meta.verbose_name_plural}")
    values = _editable(fact_model, fields)
    if {"evidence_start", "evidence_end", "evidence_text"} & set(values):
        merged = {
            "evidence_start": values.get("evidence_start", fact.evidence_start),
            "evidence_end": values.get("evidence_end", fact.evidence_end),
            "evidence_text": values.get("evidence_text", fact.evidence_text),
        }
        if "evidence_text" not in values and (
            merged["evidence_start"] != fact.evidence_start or merged["evidence_end"] != fact.evidence_end
        ):
            merged["evidence_text"] = ""  # a moved span takes its snippet from the text
        evidence_check(case=fact.case, values=merged)
        values.update(merged)
    changed = [name for name, value in values.items() if getattr(fact, name) != value]
    for name, value in values.items():
        setattr(fact, name, value)
    _mark_curated(fact, user)
    fact._change_reason = ("edited: " + ", ".join(changed))[:100] if changed else "confirmed by curator"
    fact.full_clean()
    fact.save()
    case_refresh_search_columns(case=fact.case)
    return fact


@transaction.atomic
def fact_reject(*, fact: Fact, user, reason: str) -> Fact:
    """Mark a fact wrong. It is kept (with who and why) and locked, so a re-parse neither deletes
    the record of the mistake nor brings the fact back; search columns drop it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the fact is wrong")
    _require(user, _fact_permission(type(fact), "change"), "reject facts")
    fact.rejected = True
    fact.rejected_reason = reason
    fact.locked = True
    fact.edited_by = user
    fact._history_user = user
    fact._change_reason = f"rejected: {reason}"[:100]
    fact.save()
    case_refresh_search_columns(case=fact.case)
    return fact


@transaction.atomic
def fact_unreject(*, fact: Fact, user) -> Fact:
    """Take back a rejection (the fact stays locked: a curator has looked at it)."""
    _require(user, _fact_permission(type(fact), "change"), "change facts")
    fact.rejected = False
    fact.rejected_reason = ""
    fact.locked = True
    fact.edited_by = user
    fact._history_user = user
    fact._change_reason = "rejection withdrawn"
    fact.save()
    case_refresh_search_columns(case=fact.case)
    return fact


@transaction.atomic
def case_merge(*, keep: Case, merge: Case, user) -> Case:
    """Merge `merge` (a second write-up of the same patient) into `keep`.

    Nothing is deleted: the merged case keeps its report (so its citation), its facts and its
    history, and points at `keep` through `merged_into`; the public then sees only `keep`. Every
    curator fact of the merged case that `keep` lacks is copied onto `keep` (locked, curator
    provenance) so that search on `keep` reflects it; the copy keeps the evidence snippet but not
    the offsets, which index the other report's text (the original stays on the merged case).
    """
    if keep.pk == merge.pk:
        raise ValidationError("a case cannot be merged into itself")
    _require(user, EDIT_PERMISSION, "merge cases")
    keep, merge = (
        Case.objects.select_for_update().select_related("report").get(pk=keep.pk),
        Case.objects.select_for_update().select_related("report").get(pk=merge.pk),
    )
    if keep.merged_into_id is not None:
        raise ValidationError(f"case {keep.pk} is itself merged into case {keep.merged_into_id}")
    if merge.merged_into_id is not None:
        raise ValidationError(f"case {merge.pk} is already merged into case {merge.merged_into_id}")

    copied = _copy_curator_facts(keep=keep, merge=merge, user=user)

    # Flatten: cases already merged into `merge` now point at `keep` directly.
    for earlier in Case.objects.filter(merged_into=merge):
        earlier.merged_into = keep
        earlier._history_user = user
        earlier._change_reason = f"merged into case {keep.pk} (via case {merge.pk})"
        earlier.save(update_fields=["merged_into", "updated_at"])
    merge.merged_into = keep
    merge._history_user = user
    merge._change_reason = f"merged into case {keep.pk} ({copied} curator facts copied)"[:100]
    merge.save(update_fields=["merged_into", "updated_at"])

    low, high = sorted((keep.pk, merge.pk))
    CaseDuplicate.objects.filter(case_a_id=low, case_b_id=high).update(
        status=CaseDuplicate.Status.MERGED, resolved_by=user, resolved_at=timezone.now()
    )
    case_refresh_search_columns(case=keep)
    return keep


def _copy_curator_facts(*, keep: Case, merge: Case, user) -> int:
    """Copy onto `keep` every curator fact of `merge` that `keep` lacks (by the kinds' identity),
    kind by kind in registry order; a copied fact's link to another fact (a variant's diagnosis)
    points at `keep`'s equal fact, or at nothing when `keep` has none."""
    copied = 0
    on_keep: dict[tuple, Fact] = {}  # identity key -> the fact of `keep` that stands for it
    for kind in FACT_KINDS:
        fact_model = kind.model
        for fact in fact_model.objects.filter(case=keep, rejected=False):
            on_keep.setdefault(kind.key(fact), fact)
        curator_facts = fact_model.objects.filter(case=merge, rejected=False).filter(
            provenance=Provenance.CURATOR
        ) | fact_model.objects.filter(case=merge, rejected=False, locked=True)
        for fact in curator_facts.order_by("id"):
            key = kind.key(fact)
            if key in on_keep:
                continue
            copy = fact_model.objects.get(pk=fact.pk)
            copy.pk = copy.id = None
            copy._state.adding = True
            copy.case = keep
            copy.evidence_start = copy.evidence_end = None
            copy.provenance = Provenance.CURATOR
            copy.locked = True
            for link in FACT_KINDS.links_of(fact_model):
                target = getattr(copy, link.name)
                equal = on_keep.get(FACT_KINDS.key(target)) if target is not None else None
                setattr(copy, link.name, equal)
            copy._history_user = user
            copy._change_reason = f"copied from merged case {merge.pk}"
            copy.save()
            on_keep[key] = copy
            copied += 1
    return copied


@transaction.atomic
def duplicate_dismiss(*, duplicate: CaseDuplicate, user) -> CaseDuplicate:
    """A curator's verdict that the pair are different patients; detection will not reopen it."""
    _require(user, EDIT_PERMISSION, "dismiss duplicates")
    duplicate.status = CaseDuplicate.Status.DISMISSED
    duplicate.resolved_by = user
    duplicate.resolved_at = timezone.now()
    duplicate.save(update_fields=["status", "resolved_by", "resolved_at"])
    return duplicate
