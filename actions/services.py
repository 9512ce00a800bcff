"""Everything that changes an action or a progress report.

The web pages, the API, the admin and the management commands all call these
functions; none of them writes an action or a report by itself. Each service
checks the user's right (``permissions``), refuses a stale edit by a
compare-and-set on ``version``, and writes all its rows in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import permissions
from .choices import (
    ALLOWED_REPORT_TRANSITIONS,
    ALLOWED_TRANSITIONS,
    COUNCIL_RECIPIENTS,
    REVIEW_STATES,
    ActionStatus,
    MeetingKind,
    ReportState,
    Role,
)
from .models import (
    Action,
    Body,
    EvidenceLink,
    GoverningBodyMeeting,
    ProgressReport,
    Reminder,
    StatusChange,
    User,
)
from .validators import NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH, TOO_LONG_MESSAGE


class TransitionRefused(Exception):
    """The requested status is not reachable from the current one."""


class StaleVersion(Exception):
    """Somebody else changed the object since the caller read it; nothing was written."""

    def __init__(self, current: Model):
        self.current = current
        super().__init__(
            _(
                "%(object)s was changed by someone else (now version %(version)s). "
                "Nothing was saved."
            )
            % {"object": current, "version": current.version}
        )


@dataclass(frozen=True)
class Evidence:
    """An evidence link as given by a caller, before it is stored."""

    url: str
    title: str = ""


def _compare_and_set(model: type[Model], obj: Model, expected_version: int, **values: Any) -> None:
    """Write ``values`` only if the row still has ``expected_version``; bump the version."""
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=obj.pk))
    for field, value in values.items():
        setattr(obj, field, value)
    obj.version = expected_version + 1


def check_transition(current: ActionStatus, to: ActionStatus) -> None:
    """Refuse, saying what may come next, a status that cannot follow ``current``."""
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
        raise PermissionDenied(_("Only staff of the owning Bureau may change this status."))
    current = ActionStatus(action.status)
    if to == current:
        return action
    if len(note.strip()) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": text_too_long(NOTE_MAX_LENGTH, len(note.strip()))})
    check_transition(current, to)
    now = now or timezone.now()
    expected_version = action.version if expected_version is None else expected_version
    with transaction.atomic():
        _compare_and_set(
            Action, action, expected_version, status=to, updated_at=now, changed_at=now
        )
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
        raise PermissionDenied(_("Only staff of the owning Bureau may edit this action."))
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
    now = timezone.now()
    with transaction.atomic():
        _compare_and_set(
            Action, action, expected_version, updated_at=now, changed_at=now, **changed
        )
        if new_collaborators is not None:
            action.collaborators.set(new_collaborators)
    return action


# A report looks back over at most one assembly cycle (four years, with some
# slack) and forward no further than the next Council session can be.
REPORT_LOOKBACK = datetime.timedelta(days=5 * 366)
REPORT_LOOKAHEAD = datetime.timedelta(days=366)


def _is_involved(user: User, action: Action) -> bool:
    return user.is_active and user.bureau_id in action.involved_bureau_ids()


def _clean_period(
    period_start: datetime.date, period_end: datetime.date, report_date: datetime.date
) -> None:
    if period_end < period_start:
        raise ValidationError(
            {"period_end": _("The reporting period cannot end before it starts.")}
        )
    if period_start < report_date - REPORT_LOOKBACK:
        raise ValidationError(
            {"period_start": _("The reporting period cannot start more than five years back.")}
        )
    if period_end > report_date + REPORT_LOOKAHEAD:
        raise ValidationError(
            {"period_end": _("The reporting period cannot end more than a year ahead.")}
        )


def _clean_text(text: str) -> None:
    if not text.strip():
        raise ValidationError({"text": _("A progress report needs some text.")})
    if len(text.strip()) > REPORT_TEXT_MAX_LENGTH:
        raise ValidationError({"text": text_too_long(REPORT_TEXT_MAX_LENGTH, len(text.strip()))})


def text_too_long(limit: int, length: int) -> str:
    """The one message for a text over its limit, on every page and in the API."""
    return TOO_LONG_MESSAGE % {"limit_value": limit, "show_value": length}


def progress_report_create(
    *,
    action: Action,
    by: User,
    text: str,
    period_start: datetime.date,
    period_end: datetime.date,
    report_date: datetime.date | None = None,
    evidence: Iterable[Evidence] = (),
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> ProgressReport:
    """Write a progress report on an action, as a draft or submitted for approval.

    The report is filed as the writer's Bureau's: a writer without a Bureau is
    refused, never taken for the owner's staff.
    """
    if not permissions.can_write_report(by, action):
        raise PermissionDenied(permissions.why_no_report(by))
    _clean_text(text)
    now = now or timezone.now()
    report_date = report_date or timezone.localdate(now)
    if report_date > timezone.localdate(now):
        raise ValidationError({"report_date": _("A report cannot be dated in the future.")})
    _clean_period(period_start, period_end, report_date)
    with transaction.atomic():
        report = ProgressReport.objects.create(
            action=action,
            author=by,
            bureau_id=by.bureau_id,
            report_date=report_date,
            period_start=period_start,
            period_end=period_end,
            text=text.strip(),
            state=ReportState.SUBMITTED if submit else ReportState.DRAFT,
            submitted_at=now if submit else None,
        )
        _replace_evidence(report, evidence)
    return report


def _replace_evidence(report: ProgressReport, evidence: Iterable[Evidence]) -> None:
    report.evidence_links.all().delete()
    EvidenceLink.objects.bulk_create(
        EvidenceLink(report=report, url=item.url, title=item.title) for item in evidence
    )


def progress_report_update(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    text: str,
    period_start: datetime.date,
    period_end: datetime.date,
    evidence: Iterable[Evidence] | None = None,
    submit: bool = False,
) -> ProgressReport:
    """Edit a draft or returned report, and submit it with the edit if asked.

    Submitted and approved reports are frozen.
    """
    if not permissions.can_edit_report(by, report):
        raise PermissionDenied(
            _(
                "Only the writing Bureau may edit a report, "
                "and only while it is a draft or returned."
            )
        )
    _clean_text(text)
    _clean_period(period_start, period_end, report.report_date)
    with transaction.atomic():
        _compare_and_set(
            ProgressReport,
            report,
            expected_version,
            text=text.strip(),
            period_start=period_start,
            period_end=period_end,
            updated_at=timezone.now(),
        )
        if evidence is not None:
            _replace_evidence(report, evidence)
        if submit:
            progress_report_transition(report=report, to=ReportState.SUBMITTED, by=by)
    return report


def progress_report_transition(
    *,
    report: ProgressReport,
    to: ReportState | str,
    by: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> ProgressReport:
    """Submit a report for approval, or approve or return it (returning needs a reason)."""
    try:
        to = ReportState(to)
    except ValueError:
        raise TransitionRefused(_("“%(state)s” is not a report state.") % {"state": to}) from None
    current = ReportState(report.state)
    if to not in ALLOWED_REPORT_TRANSITIONS[current]:
        raise TransitionRefused(
            _("A report that is “%(from)s” cannot become “%(to)s”.")
            % {"from": current.label, "to": to.label}
        )
    if not permissions.can_move_report(by, report, to):
        if to not in REVIEW_STATES:
            raise PermissionDenied(_("Only the writing Bureau may submit this report."))
        if by.pk == report.author_id:
            raise PermissionDenied(
                _("You wrote this report: another coordinator of your Bureau must review it.")
            )
        raise PermissionDenied(_("Only a coordinator of the writing Bureau may review it."))
    if to == ReportState.RETURNED and not note.strip():
        raise ValidationError({"note": _("Say why the report is returned.")})
    if len(note.strip()) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": text_too_long(NOTE_MAX_LENGTH, len(note.strip()))})
    now = now or timezone.now()
    expected_version = report.version if expected_version is None else expected_version
    values: dict[str, Any] = {"state": to, "updated_at": now}
    if to == ReportState.SUBMITTED:
        values["submitted_at"] = now
    else:
        values.update(reviewed_by=by, reviewed_at=now, review_note=note.strip())
    with transaction.atomic():
        _compare_and_set(ProgressReport, report, expected_version, **values)
    return report


def _reminder_stage(days_left: int, stages: Iterable[int]) -> int | None:
    """The reminder due with ``days_left`` to go: the nearest stage not yet passed.

    With stages 30, 14 and 7, 20 days left is the 30-day reminder and 5 days
    left the 7-day one; a sweep that missed a day still sends the stage due,
    and never three at once.
    """
    due = [stage for stage in stages if days_left <= stage]
    return min(due) if due else None


def reminders_claim_due(*, today: datetime.date) -> list[int]:
    """Claim the reminders due before each upcoming Council document deadline.

    One reminder per deadline, stage and staff member whose Bureau owns or
    contributes to open actions that report to Council. The unique key is the
    claim: a row another worker inserted first is left to it. Returns the ids
    of reminders not yet sent, earlier failures included: sending claims each
    one again, so offering it twice sends it once.
    """
    reporting = Action.objects.open().filter(obligations__recipient__in=COUNCIL_RECIPIENTS)
    for meeting in GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL).upcoming(today):
        days_left = (meeting.document_deadline - today).days
        stage = _reminder_stage(days_left, settings.REMINDER_DAYS_BEFORE)
        if days_left < 0 or stage is None:
            continue
        bureaux = {
            body.responsible_bureau_id
            for body in Body.objects.filter(
                Q(owned_actions__in=reporting) | Q(collaborations__in=reporting)
            ).distinct()
        }
        recipients = (
            User.objects.filter(
                is_active=True,
                bureau__in=bureaux,
                groups__name__in=[Role.BUREAU_STAFF, Role.COORDINATOR],
            )
            .exclude(email="")
            .distinct()
        )
        for recipient in recipients:
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        key=f"council-{meeting.pk}-{stage}d-user-{recipient.pk}",
                        meeting=meeting,
                        recipient=recipient,
                        days_before=stage,
                    )
            except IntegrityError:
                continue  # claimed already, by an earlier sweep or another worker
    return list(
        Reminder.objects.filter(sent_at__isnull=True, meeting__start_date__gte=today).values_list(
            "pk", flat=True
        )
    )


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail one claimed reminder; record a failure instead of raising it.

    Returns whether a message went out. Sending is claimed first by setting
    ``sent_at`` with a compare-and-set, so a reminder queued twice, or taken
    by two workers at once, is sent once; a failure releases the claim for
    the next sweep.
    """
    now = now or timezone.now()
    if not Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(sent_at=now):
        return False
    reminder = Reminder.objects.select_related("meeting", "recipient").get(pk=reminder_id)
    meeting, recipient = reminder.meeting, reminder.recipient
    actions = (
        Action.objects.open()
        .involving_bureau(recipient.bureau_id)
        .filter(obligations__recipient__in=COUNCIL_RECIPIENTS)
        .select_related("resolution", "clause", "owner")
        .distinct()
        .order_by("resolution__number", "number")
    )
    context = {
        "reminder": reminder,
        "meeting": meeting,
        "user": recipient,
        "actions": actions,
        "site_url": settings.SITE_URL.rstrip("/"),
        "days_left": (meeting.document_deadline - timezone.localdate(now)).days,
    }
    try:
        send_mail(
            subject=_("%(meeting)s: documents due %(deadline)s")
            % {
                "meeting": meeting.name,
                "deadline": date_format(meeting.document_deadline, "j F Y"),
            },
            message=render_to_string("actions/email/deadline_reminder.txt", context),
            from_email=None,
            recipient_list=[recipient.email],
        )
    except Exception as error:  # any mail failure is recorded and retried by the next sweep
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=None, error=str(error)[:1000])
        return False
    Reminder.objects.filter(pk=reminder.pk).update(error="")
    return True
