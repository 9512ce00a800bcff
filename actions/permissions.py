"""Who may do what. The one place these rules are written.

Every entry point (web page, API, admin, command) reaches the services, and
the services ask these predicates; templates and serializers may ask them too,
to hide a button, but never instead of the service.

- Everybody signed in reads everything published.
- Bureau staff change the status of actions their Bureau owns, and write
  progress reports on actions their Bureau owns or collaborates on.
- Coordinators do what staff do, and approve or return the reports their
  Bureau wrote.
- Administrators (superusers or the Administrator group) may do everything.
- Readers only read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .choices import (
    ALLOWED_REPORT_TRANSITIONS,
    ALLOWED_TRANSITIONS,
    EDITABLE_REPORT_STATES,
    REVIEW_STATES,
    ActionStatus,
    ReportState,
    Role,
)

if TYPE_CHECKING:
    from .models import Action, ProgressReport, User


def role_names(user: User) -> frozenset[str]:
    """The user's role groups, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_administrator(user: User) -> bool:
    return bool(user.is_active and user.is_superuser) or Role.ADMINISTRATOR in role_names(user)


def is_coordinator(user: User) -> bool:
    return Role.COORDINATOR in role_names(user) and user.bureau_id is not None


def is_bureau_staff(user: User) -> bool:
    """Staff and coordinators alike: both work on their Bureau's actions."""
    roles = role_names(user)
    return bool(roles & {Role.BUREAU_STAFF, Role.COORDINATOR}) and user.bureau_id is not None


def can_change_status(user: User, action: Action) -> bool:
    if is_administrator(user):
        return True
    return is_bureau_staff(user) and user.bureau_id == action.owning_bureau_id


def allowed_next_statuses(user: User, action: Action) -> list[ActionStatus]:
    """The statuses this user may move the action to now, in the order of the choices.

    Empty when the user may not change the status at all. Reads no row: the
    rules, the owner and the user's cached roles are in memory.
    """
    if not can_change_status(user, action):
        return []
    allowed = ALLOWED_TRANSITIONS[ActionStatus(action.status)]
    return [status for status in ActionStatus if status in allowed]


def can_edit_action(user: User, action: Action) -> bool:
    """Focal point and target date follow the same rule as the status."""
    return can_change_status(user, action)


def can_write_report(user: User, action: Action) -> bool:
    """Owners report; collaborators contribute reports of their own.

    A report is filed as its writer's Bureau's, so a writer needs one, an
    administrator too: none writes on another Bureau's behalf.
    """
    if user.bureau_id is None:
        return False
    if is_administrator(user):
        return True
    if not is_bureau_staff(user):
        return False
    return user.bureau_id in action.involved_bureau_ids()


def why_no_report(user: User) -> str:
    """What stops this user writing a report on an action they may not report on."""
    if user.bureau_id is None and (is_administrator(user) or is_bureau_staff_role(user)):
        return _(
            "Your account has no Bureau, and a progress report is filed as its writer's "
            "Bureau's. Ask an administrator to set your Bureau, then write the report."
        )
    return _("Only staff of a Bureau that owns or collaborates on this action may report on it.")


def is_bureau_staff_role(user: User) -> bool:
    """Holds a staff or coordinator role, with or without a Bureau."""
    return bool(role_names(user) & {Role.BUREAU_STAFF, Role.COORDINATOR})


def can_edit_report(user: User, report: ProgressReport) -> bool:
    """Only the writing Bureau edits or submits, and only before approval."""
    if report.state not in EDITABLE_REPORT_STATES:
        return False
    if is_administrator(user):
        return True
    return is_bureau_staff(user) and user.bureau_id == report.bureau_id


def can_review_report(user: User, report: ProgressReport) -> bool:
    """A Bureau's coordinator vouches for the reports that Bureau wrote.

    Not for their own: approval is a second pair of eyes before Council.
    """
    if report.state != ReportState.SUBMITTED:
        return False
    if is_administrator(user):
        return True
    return (
        is_coordinator(user) and user.bureau_id == report.bureau_id and user.pk != report.author_id
    )


def can_move_report(user: User, report: ProgressReport, to: ReportState) -> bool:
    """Approving and returning are the reviewer's; submitting is the writer's."""
    if to in REVIEW_STATES:
        return can_review_report(user, report)
    return can_edit_report(user, report)


def allowed_next_report_states(user: User, report: ProgressReport) -> list[ReportState]:
    """The states this user may move the report to now, in the order of the choices."""
    allowed = ALLOWED_REPORT_TRANSITIONS[ReportState(report.state)]
    return [s for s in ReportState if s in allowed and can_move_report(user, report, s)]
