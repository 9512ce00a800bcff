"""Changes to actions: status transitions, planning edits, and what an import does to them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from resolutions.models import Clause, Resolution
from resolutions.parsing import Directive
from wtsa_tracker.errors import TransitionRefused

from .. import permissions
from ..choices import ALLOWED_TRANSITIONS, IMPORT_ONLY_STATUSES, OPEN_STATUSES, ActionStatus
from ..models import Action, Body, ReportingObligation, StatusChange, User
from .common import compare_and_set


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
    check_transition(current, to)
    now = now or timezone.now()
    expected_version = action.version if expected_version is None else expected_version
    with transaction.atomic():
        compare_and_set(Action, action, expected_version, status=to, updated_at=now)
        StatusChange.objects.create(
            action=action,
            from_status=current,
            to_status=to,
            changed_by=by,
            changed_at=now,
            note=note.strip(),
        )
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
    focal_point = changes.get("focal_point")
    if (
        focal_point is not None
        and focal_point != action.focal_point
        and not _is_involved(focal_point, action)
    ):
        raise ValidationError(
            {
                "focal_point": _(
                    "The focal point must be an active member of a Bureau that owns "
                    "or contributes to this action."
                )
            }
        )
    changed = {k: v for k, v in changes.items() if getattr(action, k) != v}
    new_collaborators = None
    if collaborators is not None:
        new_collaborators = set(collaborators)
        if new_collaborators == set(action.collaborators.all()):
            new_collaborators = None
    if not changed and new_collaborators is None and expected_version == action.version:
        return action
    with transaction.atomic():
        compare_and_set(Action, action, expected_version, updated_at=timezone.now(), **changed)
        if new_collaborators is not None:
            action.collaborators.set(new_collaborators)
    return action


def _is_involved(user: User, action: Action) -> bool:
    return user.is_active and user.bureau_id in action.involved_bureau_ids()


def action_create_for_clause(
    *, resolution: Resolution, clause: Clause, directive: Directive, bodies: dict[str, Body]
) -> Action:
    """Make the action a directive clause calls for, numbered next in its resolution.

    The owner, collaborators and reporting duties are what the text says; an
    addressee that names no known body leaves the owner empty and flags the
    action for someone to set it.
    """
    number = (resolution.actions.aggregate(top=Max("number"))["top"] or 0) + 1
    owner = bodies[directive.owner] if directive.owner else None
    action = Action.objects.create(
        resolution=resolution,
        clause=clause,
        number=number,
        strength=directive.strength,
        owner=owner,
        needs_review=owner is None,
        review_reason=_("The addressee names no known body: set the owner.")
        if owner is None
        else "",
    )
    action.collaborators.set([bodies[code] for code in directive.collaborators])
    ReportingObligation.objects.bulk_create(
        ReportingObligation(action=action, recipient=recipient)
        for recipient in directive.reports_to
    )
    clause.action = action
    return action


def action_flag_for_review(*, action: Action, reason: str) -> None:
    """Ask a person to check an action whose clause changed or left the text."""
    # A version bump: whoever holds the action open must see the flag before saving.
    Action.objects.filter(pk=action.pk).update(
        needs_review=True, review_reason=reason[:300], version=F("version") + 1
    )


# --- Across assemblies (issue 11) -------------------------------------------


def action_continue(
    *,
    previous: Action,
    resolution: Resolution,
    clause: Clause,
    directive: Directive,
    previous_directive: Directive | None,
    bodies: dict[str, Body],
) -> Action:
    """Make the action of a later assembly's clause that carries ``previous`` on.

    It keeps the previous owner, collaborators and focal point (people may
    have corrected them) unless the new text names others than the old one
    did; its reporting duties are what the new text says. Open work stays at
    its status; finished work asked for again starts afresh.
    """
    action = action_create_for_clause(
        resolution=resolution, clause=clause, directive=directive, bodies=bodies
    )
    same_owner = previous_directive is not None and previous_directive.owner == directive.owner
    same_partners = (
        previous_directive is not None
        and previous_directive.collaborators == directive.collaborators
    )
    values: dict[str, Any] = {"continues": previous}
    if same_owner:
        values.update(
            owner_id=previous.owner_id,
            focal_point_id=previous.focal_point_id,
            needs_review=previous.owner_id is None,
        )
        if previous.owner_id is not None:
            values["review_reason"] = ""
    if previous.status in OPEN_STATUSES:
        values["status"] = previous.status
    Action.objects.filter(pk=action.pk).update(**values)
    for name, value in values.items():
        setattr(action, name, value)
    if same_partners:
        action.collaborators.set(list(previous.collaborators.all()))
    return action


def action_supersede(
    *,
    action: Action,
    successor: Action | None,
    note: str,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Close an action because a later assembly's text replaced or dropped its clause.

    Its status history and reports stay where they are; the status change is
    recorded like any other, by the person who ran the import (if any).
    """
    current = ActionStatus(action.status)
    if current == ActionStatus.SUPERSEDED:
        return
    now = now or timezone.now()
    # A version bump: whoever holds the action open must see it closed before saving.
    Action.objects.filter(pk=action.pk).update(
        status=ActionStatus.SUPERSEDED, updated_at=now, version=F("version") + 1
    )
    StatusChange.objects.create(
        action=action,
        from_status=current,
        to_status=ActionStatus.SUPERSEDED,
        changed_by=by,
        changed_at=now,
        note=note,
    )
    action.status = ActionStatus.SUPERSEDED
