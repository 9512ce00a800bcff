"""Changes to actions: status transitions, planning edits, and what an import does to them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resolutions.models import Clause, Resolution
from resolutions.parsing import Directive
from wtsa_tracker.errors import TransitionRefused

from .. import permissions, selectors
from ..choices import ALLOWED_TRANSITIONS, IMPORT_ONLY_STATUSES, OPEN_STATUSES, ActionStatus
from ..models import (
    Action,
    Body,
    ReportingObligation,
    ResolutionReportingDuty,
    StatusChange,
    User,
    action_sort_key,
    bureaux_of,
    history_record_change,
)
from ..validators import NOTE_MAX_LENGTH, check_characters, text_too_long
from .common import compare_and_set
from .notifications import status_changed_notify


def check_transition(current: ActionStatus, to: ActionStatus) -> None:
    """Refuse, saying what may come next, a status that cannot follow ``current``."""
    if to in IMPORT_ONLY_STATUSES:
        raise TransitionRefused(
            _("“%(to)s” is set only by importing the next assembly's text, never by hand.")
            % {"to": to.label}
        )
    if not ALLOWED_TRANSITIONS[current]:
        raise TransitionRefused(
            _("An action that is “%(from)s” is closed: its status no longer changes.")
            % {"from": current.label}
        )
    if to not in ALLOWED_TRANSITIONS[current]:
        allowed = ", ".join(str(s.label) for s in sorted(ALLOWED_TRANSITIONS[current]))
        raise TransitionRefused(
            _("An action that is “%(from)s” cannot become “%(to)s”. Allowed next: %(allowed)s.")
            % {"from": current.label, "to": to.label, "allowed": allowed}
        )


def action_transition(
    *,
    action: Action,
    to: ActionStatus | str,
    by: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Action:
    """Move an action to another status and record who did it, when and why.

    A change to the status it already has writes nothing. ``expected_version``
    defaults to the version of the ``action`` object the caller holds.
    """
    try:
        to = ActionStatus(to)
    except ValueError:
        raise TransitionRefused(
            _("“%(status)s” is not a status. Choose one of: %(choices)s.")
            % {"status": to, "choices": ", ".join(ActionStatus.values)}
        ) from None
    if not permissions.can_change_status(by, action):
        raise PermissionDenied(permissions.CHANGE_STATUS_REFUSED)
    current = ActionStatus(action.status)
    if to == current:
        return action
    if len(note.strip()) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": text_too_long(NOTE_MAX_LENGTH, len(note.strip()))})
    check_characters(note=note)
    check_transition(current, to)
    now = now or timezone.now()
    expected_version = action.version if expected_version is None else expected_version
    with transaction.atomic():
        compare_and_set(
            Action,
            action,
            expected_version,
            by=by,
            reason=note.strip(),
            status=to,
            updated_at=now,
            changed_at=now,
        )
        change = StatusChange.objects.create(
            action=action,
            from_status=current,
            to_status=to,
            changed_by=by,
            changed_at=now,
            note=note.strip(),
        )
        status_changed_notify(change=change)
    return action


# Fields bureau staff may change on an action they own; administrators may
# also correct what the import derived from the text.
STAFF_EDITABLE_ACTION_FIELDS = frozenset({"focal_point", "target_date"})
ADMIN_EDITABLE_ACTION_FIELDS = STAFF_EDITABLE_ACTION_FIELDS | {
    "owner",
    "strength",
    "needs_review",
    "review_reason",
}


def action_update(
    *,
    action: Action,
    by: User,
    expected_version: int,
    changes: Mapping[str, Any],
    collaborators: Iterable[Body] | None = None,
) -> Action:
    """Change an action's planning fields (focal point, target date…), not its status."""
    allowed = (
        ADMIN_EDITABLE_ACTION_FIELDS
        if permissions.is_administrator(by)
        else STAFF_EDITABLE_ACTION_FIELDS
    )
    if not permissions.can_edit_action(by, action):
        raise PermissionDenied(permissions.EDIT_ACTION_REFUSED)
    refused = set(changes) - allowed
    if refused or (collaborators is not None and not permissions.is_administrator(by)):
        fields = ", ".join(sorted(refused)) or "collaborators"
        raise PermissionDenied(_("You may not change: %(fields)s.") % {"fields": fields})
    if collaborators is not None:
        collaborators = list(collaborators)
    focal_point = changes.get("focal_point")
    bureaux_change = "owner" in changes or collaborators is not None
    if "focal_point" not in changes and bureaux_change and action.focal_point_id:
        # The focal point stays: still of a Bureau the action keeps?
        focal_point = action.focal_point
    if focal_point is not None and (focal_point.pk != action.focal_point_id or bureaux_change):
        # Among the Bureaux the action will have once changed: an administrator
        # may add a collaborator and choose one of its staff at once.
        owner = changes.get("owner", action.owner if action.owner_id else None)
        bodies = action.collaborators.all() if collaborators is None else collaborators
        check_focal_point(focal_point, bureaux_of([owner, *bodies]))
    changed = {k: v for k, v in changes.items() if getattr(action, k) != v}
    new_collaborators = None
    if collaborators is not None:
        new_collaborators = set(collaborators)
        if new_collaborators == set(action.collaborators.all()):
            new_collaborators = None
    if not changed and new_collaborators is None and expected_version == action.version:
        return action
    now = timezone.now()
    with transaction.atomic():
        compare_and_set(
            Action, action, expected_version, by=by, updated_at=now, changed_at=now, **changed
        )
        if new_collaborators is not None:
            # The history row that records the new collaborators names the editor too.
            action._history_user = by
            try:
                action.collaborators.set(new_collaborators)
            finally:
                del action._history_user
    return action


FOCAL_POINT_REFUSED = gettext_lazy(
    "The focal point must be an active member of staff (not a reader) of a Bureau that "
    "owns or contributes to this action."
)


def check_focal_point(person: User, bureau_ids: set[int]) -> None:
    """Refuse a focal point who may not report on an action of these Bureaux."""
    if not selectors.focal_point_candidates(bureau_ids).filter(pk=person.pk).exists():
        raise ValidationError({"focal_point": FOCAL_POINT_REFUSED})


@dataclass
class NewAction:
    """A directive clause that needs its action; ``previous`` is the one it carries on, if any.

    ``previous_directive`` is who the previous text named, to tell whether the
    new text changed the owner or the collaborators.
    """

    clause: Clause
    directive: Directive
    previous: Action | None = None
    previous_directive: Directive | None = None


def actions_create_for_clauses(
    *,
    resolution: Resolution,
    entries: list[NewAction],
    bodies: dict[str, Body],
    by: User | None = None,
) -> list[Action]:
    """Make the actions directive clauses call for, numbered next in their resolution, in bulk.

    The owner, collaborators and reporting duties are what the text says; an
    addressee that names no known body leaves the owner empty and flags the
    action for someone to set it. An action that carries on a previous
    assembly's keeps its owner, collaborators and focal point (people may have
    corrected them) unless the new text names others than the old one did,
    and open work keeps its status; finished work asked for again starts afresh.
    The previous action is closed by ``actions_supersede``. Each action's
    history starts with its creation, by ``by`` (who ran the import) if given.
    """
    if not entries:
        return []
    top = resolution.actions.aggregate(top=Max("number"))["top"] or 0
    actions: list[Action] = []
    partners: list[list[int]] = []
    for number, entry in enumerate(entries, start=top + 1):
        directive, previous = entry.directive, entry.previous
        owner = bodies[directive.owner] if directive.owner else None
        action = Action(
            resolution=resolution,
            clause=entry.clause,
            number=number,
            sort_key=action_sort_key(resolution, number),
            strength=directive.strength,
            owner=owner,
            needs_review=owner is None,
            review_reason=_("The addressee names no known body: set the owner.")
            if owner is None
            else "",
            continues=previous,
        )
        collaborators = [bodies[code].pk for code in directive.collaborators]
        told = entry.previous_directive
        if previous is not None and told is not None:
            if told.owner == directive.owner:
                action.owner_id = previous.owner_id
                action.focal_point_id = previous.focal_point_id
                action.needs_review = previous.owner_id is None
                action.review_reason = "" if previous.owner_id else action.review_reason
            if told.collaborators == directive.collaborators:
                collaborators = [body.pk for body in previous.collaborators.all()]
        if previous is not None and previous.status in OPEN_STATUSES:
            action.status = previous.status
        actions.append(action)
        partners.append(collaborators)
    Action.objects.bulk_create(actions)
    through = Action.collaborators.through
    through.objects.bulk_create(
        through(action_id=action.pk, body_id=body_id)
        for action, body_ids in zip(actions, partners, strict=True)
        for body_id in body_ids
    )
    ReportingObligation.objects.bulk_create(
        ReportingObligation(action=action, recipient=recipient)
        for action, entry in zip(actions, entries, strict=True)
        for recipient in entry.directive.reports_to
    )
    created = _("Created by the import of the resolution's text.")
    for action, entry in zip(actions, entries, strict=True):
        entry.clause.action = action
        history_record_change(action, by=by, reason=created, created=True)
    return actions


def action_create_for_clause(
    *, resolution: Resolution, clause: Clause, directive: Directive, bodies: dict[str, Body]
) -> Action:
    """Make the action one directive clause calls for, numbered next in its resolution."""
    entry = NewAction(clause=clause, directive=directive)
    return actions_create_for_clauses(resolution=resolution, entries=[entry], bodies=bodies)[0]


def action_flag_for_review(*, action: Action, reason: str) -> None:
    """Ask a person to check an action whose clause changed or left the text."""
    # A version bump: whoever holds the action open must see the flag before saving.
    with transaction.atomic():
        Action.objects.filter(pk=action.pk).update(
            needs_review=True, review_reason=reason[:300], version=F("version") + 1
        )
        action.refresh_from_db()
        history_record_change(action, by=None, reason=reason[:300])


def resolution_duties_add(
    *, resolution: Resolution, duties: Iterable[tuple[str, Clause]]
) -> list[str]:
    """Record the reporting duties the text writes for the whole resolution.

    ``duties`` are (recipient, clause that says so) pairs. Only duties not yet
    recorded are written, so importing the same text again writes nothing; a
    duty is never removed by an import, as an action's own duties are not.
    Returns the recipients added.
    """
    known = set(resolution.reporting_duties.values_list("recipient", flat=True))
    new: dict[str, Clause] = {}
    for recipient, clause in duties:
        if recipient not in known:
            new.setdefault(recipient, clause)
    ResolutionReportingDuty.objects.bulk_create(
        ResolutionReportingDuty(resolution=resolution, recipient=recipient, clause=clause)
        for recipient, clause in new.items()
    )
    return sorted(new)


# --- Across assemblies (issue 11) -------------------------------------------


def actions_supersede(
    *,
    closing: list[tuple[Action, str]],
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Close actions because a later assembly's text replaced or dropped their clauses.

    Each comes with the note its history records. Their status history and
    reports stay where they are; the change is recorded like any other, by the
    person who ran the import (if any). Already superseded ones are left alone.
    """
    closing = [(a, note) for a, note in closing if a.status != ActionStatus.SUPERSEDED]
    if not closing:
        return 0
    now = now or timezone.now()
    # A version bump: whoever holds an action open must see it closed before saving.
    Action.objects.filter(pk__in=[action.pk for action, _note in closing]).update(
        status=ActionStatus.SUPERSEDED, updated_at=now, version=F("version") + 1
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            action=action,
            from_status=action.status,
            to_status=ActionStatus.SUPERSEDED,
            changed_by=by,
            changed_at=now,
            note=note,
        )
        for action, note in closing
    )
    # The history records each as it now is: read again, so a change made since
    # the import read it is not shown undone.
    written = Action.objects.in_bulk([action.pk for action, _note in closing])
    for action, note in closing:
        action.status = ActionStatus.SUPERSEDED
        history_record_change(written[action.pk], by=by, reason=note)
    return len(closing)


def actions_sort_keys_refresh(*, actions: QuerySet[Action]) -> int:
    """Rewrite ``sort_key`` where an assembly's opening or a resolution's number moved it.

    Returns how many actions changed place. Called when an assembly or a
    resolution is saved; reads only these actions, writes only those whose
    key is no longer right.
    """
    moved = []
    for action in actions.select_related("resolution__assembly").only(
        "sort_key", "number", "resolution__number", "resolution__assembly__start_date"
    ):
        key = action_sort_key(action.resolution, action.number)
        if key != action.sort_key:
            action.sort_key = key
            moved.append(action)
    Action.objects.bulk_update(moved, ["sort_key"], batch_size=1000)
    return len(moved)
