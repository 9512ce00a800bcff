"""Notifications: made with the change they report, shown in the app, e-mailed as chosen.

A notification row is written in the same transaction as the change it
reports, so it exists exactly when the change does. E-mail goes out after
the commit: at once for users who chose so (a task is queued on commit, and
the periodic sweep catches anything the queue lost), or in a daily digest.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..choices import EmailDelivery, NotificationKind, ReportState, Role
from ..display import day, person, session_name, short_action_name
from ..models import (
    Assessment,
    Notification,
    NotificationSettings,
    ProgressReport,
    StatusChange,
    User,
    make_message_id,
)
from .common import lease, send_under_lease

logger = logging.getLogger("actions.mail")

# The task that e-mails immediate notifications, queued by name: services sit
# below the tasks module and never import it.
DELIVER_TASK = "actions.tasks.send_notification_emails"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: NotificationKind,
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """Notify users once per ``key``; queue the immediate e-mails after the commit.

    Returns how many notifications were written (a key seen before writes none).
    """
    ids = sorted(set(recipient_ids) - {None})
    if not ids:
        return 0
    now = now or timezone.now()
    chosen = dict(
        NotificationSettings.objects.filter(user__in=ids).values_list("user", "email_delivery")
    )
    emailed = set(
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    rows = [
        Notification(
            key=f"{key}-user-{user_id}",
            recipient_id=user_id,
            kind=kind,
            subject=subject[:300],
            body=body,
            url=url,
            created_at=now,
            next_attempt_at=now,
            email_delivery=(
                chosen.get(user_id, EmailDelivery.IMMEDIATE)
                if user_id in emailed
                else EmailDelivery.NONE
            ),
        )
        for user_id in ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows if row.email_delivery == EmailDelivery.IMMEDIATE]
    if keys:
        transaction.on_commit(lambda: _queue_delivery(keys))
    return len(rows)


def _queue_delivery(keys: list[str]) -> None:
    """Queue the e-mails of these notifications, and of no other: the sweep finds any missed."""
    try:
        current_app.send_task(DELIVER_TASK, kwargs={"keys": keys})
    except Exception:  # the broker is down: the periodic sweep sends them later
        logger.warning("Could not queue notification e-mails; the next sweep sends them.")


def _coordinators_of(bureau_id: int) -> list[int]:
    return list(
        User.objects.filter(bureau=bureau_id, is_active=True, groups__name=Role.COORDINATOR)
        .values_list("pk", flat=True)
        .distinct()
    )


def report_moved_notify(*, report: ProgressReport, by: User) -> int:
    """Tell whom a report's new state concerns.

    Submitted: the coordinators of its Bureau (not the author). Approved or
    returned: its author, with the reason when returned.
    """
    action = report.action
    url = reverse("action_detail", args=[action.pk]) + f"#report-{report.pk}"
    label = short_action_name(action)
    key = f"report-{report.pk}-{report.state}-v{report.version}"
    if report.state == ReportState.SUBMITTED:
        return notify(
            recipient_ids=set(_coordinators_of(report.bureau_id)) - {report.author_id, by.pk},
            kind=NotificationKind.REPORT_SUBMITTED,
            key=key,
            subject=_("%(label)s: a progress report awaits your approval") % {"label": label},
            body=_("%(author)s submitted a progress report for %(period)s.")
            % {
                "author": by.get_full_name() or by.username,
                "period": f"{day(report.period_start)} – {day(report.period_end)}",
            },
            url=url,
        )
    # Reviewed: no coordinator is still asked to review it.
    Notification.objects.filter(
        key__startswith=f"report-{report.pk}-{ReportState.SUBMITTED}-", read_at__isnull=True
    ).update(read_at=timezone.now())
    if report.state == ReportState.APPROVED:
        kind, subject = NotificationKind.REPORT_APPROVED, _("%(label)s: your report was approved")
        body = _("Approved by %(who)s.") % {"who": person(by)}
    elif report.state == ReportState.RETURNED:
        kind, subject = NotificationKind.REPORT_RETURNED, _("%(label)s: your report was returned")
        body = _("Reason: %(note)s") % {"note": report.review_note}
    else:
        return 0
    return notify(
        recipient_ids=[report.author_id] if report.author_id != by.pk else [],
        kind=kind,
        key=key,
        subject=subject % {"label": label},
        body=body,
        url=url,
    )


def _assessment_names(assessment: Assessment) -> dict[str, object]:
    """What a notification calls an assessment: its resolution's number and its session."""
    return {"number": assessment.resolution.number, "session": session_name(assessment.meeting)}


def _no_longer_awaiting(assessment: Assessment) -> None:
    """Mark read what asked to confirm an earlier version: there is nothing left to do."""
    Notification.objects.filter(
        key__startswith=f"assessment-{assessment.pk}-proposed-", read_at__isnull=True
    ).update(read_at=timezone.now())


def assessment_proposed_notify(*, assessment: Assessment, by: User) -> int:
    """Tell TSB's coordinators (not the proposer) that an assessment awaits their confirmation.

    A revised proposal replaces the one they were asked about: that notification
    is marked read and a new one says what changed hands.
    """
    _no_longer_awaiting(assessment)
    coordinators = (
        User.objects.filter(
            bureau__code=permissions.ASSESSING_BUREAU,
            is_active=True,
            groups__name=Role.COORDINATOR,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return notify(
        recipient_ids=set(coordinators) - {by.pk},
        kind=NotificationKind.ASSESSMENT_PROPOSED,
        key=f"assessment-{assessment.pk}-proposed-v{assessment.version}",
        subject=_("Res. %(number)d: an assessment for %(session)s awaits your confirmation")
        % _assessment_names(assessment),
        body=_("%(who)s proposed “%(rating)s”: %(rationale)s")
        % {
            "who": person(by),
            "rating": assessment.get_rating_display(),
            "rationale": assessment.rationale,
        },
        url=assessment.get_absolute_url(),
    )


def assessment_confirmed_notify(*, assessment: Assessment, by: User) -> int:
    """Tell whoever proposed an assessment that it was confirmed; nobody is asked any more."""
    _no_longer_awaiting(assessment)
    return notify(
        recipient_ids={assessment.proposed_by_id} - {by.pk},
        kind=NotificationKind.ASSESSMENT_CONFIRMED,
        key=f"assessment-{assessment.pk}-confirmed",
        subject=_("Res. %(number)d: your assessment for %(session)s was confirmed")
        % _assessment_names(assessment),
        body=_("Confirmed by %(who)s; it goes to Council as “%(rating)s”.")
        % {"who": person(by), "rating": assessment.get_rating_display()},
        url=assessment.get_absolute_url(),
    )


def status_changed_notify(*, change: StatusChange) -> int:
    """Tell an action's focal point, and the collaborating Bureaux' staff who reported on it."""
    action = change.action
    collaborating = {body.responsible_bureau_id for body in action.collaborators.all()}
    collaborating.discard(action.owning_bureau_id)
    reporters = ProgressReport.objects.filter(action=action, bureau__in=collaborating).values_list(
        "author", flat=True
    )
    recipients = (set(reporters) | {action.focal_point_id}) - {change.changed_by_id, None}
    return notify(
        recipient_ids=recipients,
        kind=NotificationKind.STATUS_CHANGED,
        key=f"status-change-{change.pk}",
        subject=_("%(label)s is now “%(status)s”")
        % {"label": short_action_name(action), "status": change.get_to_status_display()},
        body=change.note,
        url=reverse("action_detail", args=[action.pk]),
        now=change.changed_at,
    )


def notifications_mark_read(
    *, user: User, ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> int:
    """Mark some of a user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=now or timezone.now())


def notification_settings_get(*, user: User) -> NotificationSettings:
    """The user's settings, made with the defaults (immediate e-mail, a fresh token) if new."""
    found, _created = NotificationSettings.objects.get_or_create(
        user=user, defaults={"calendar_token": secrets.token_urlsafe(32)}
    )
    return found


def notification_settings_update(*, user: User, email_delivery: EmailDelivery | str) -> None:
    """Choose how notifications are e-mailed from now on (those already made keep theirs)."""
    delivery = EmailDelivery(email_delivery)
    settings_row = notification_settings_get(user=user)
    NotificationSettings.objects.filter(pk=settings_row.pk).update(email_delivery=delivery)


def calendar_token_rotate(*, user: User) -> str:
    """Give the user's calendar feed a new secret URL; the old one stops working."""
    settings_row = notification_settings_get(user=user)
    token = secrets.token_urlsafe(32)
    NotificationSettings.objects.filter(pk=settings_row.pk).update(calendar_token=token)
    return token


# --- e-mail ------------------------------------------------------------------


def notifications_to_email(*, now: datetime.datetime, keys: list[str] | None = None) -> list[int]:
    """Immediate notifications whose e-mail is due: never sent, or a failed try come round.

    ``keys``: only these (the ones an event just made), oldest first.
    """
    due = Notification.objects.to_email(now, lease()).filter(email_delivery=EmailDelivery.IMMEDIATE)
    if keys is not None:
        due = due.filter(key__in=keys)
    return list(due.order_by("created_at", "pk").values_list("pk", flat=True))


def _notification_message(notification: Notification) -> EmailMessage:
    recipient = User.objects.get(pk=notification.recipient_id)
    body = render_to_string(
        "actions/email/notification.txt",
        {"notification": notification, "user": recipient, "link": _site(notification.url)},
    )
    return EmailMessage(
        subject=notification.subject,
        body=body,
        to=[recipient.email],
        headers={"Message-ID": make_message_id(notification.key)},
    )


def notification_email_send(*, notification_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail one notification, at least once (see ``send_under_lease``)."""
    now = now or timezone.now()
    return send_under_lease(
        Notification.objects.to_email(now, lease()),
        notification_id,
        now=now,
        done_field="emailed_at",
        build=_notification_message,
    )


def digest_recipients(*, now: datetime.datetime) -> list[int]:
    """Users with notifications waiting for their daily digest."""
    return list(
        Notification.objects.to_email(now, lease())
        .filter(email_delivery=EmailDelivery.DAILY)
        .order_by()
        .values_list("recipient", flat=True)
        .distinct()
    )


def digest_send(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """E-mail a user one digest of their waiting notifications; returns how many it held.

    The rows are claimed together, so a digest sent twice by two workers
    holds each notification once; a failure leaves them for the next day's
    digest.
    """
    now = now or timezone.now()
    waiting = Notification.objects.to_email(now, lease()).filter(
        recipient=user_id, email_delivery=EmailDelivery.DAILY
    )
    ids = list(waiting.values_list("pk", flat=True))
    claimed = Notification.objects.filter(
        Q(pk__in=ids), Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease())
    ).update(claimed_at=now)
    if not claimed:
        return 0
    rows = list(Notification.objects.filter(pk__in=ids, claimed_at=now).order_by("created_at"))
    recipient = User.objects.get(pk=user_id)
    day = timezone.localdate(now)
    message = EmailMessage(
        subject=_("WTSA Implementation Tracker: %(count)d notifications") % {"count": len(rows)},
        body=render_to_string(
            "actions/email/digest.txt",
            {"notifications": rows, "user": recipient, "site_url": _site("")},
        ),
        to=[recipient.email],
        headers={"Message-ID": make_message_id(f"digest-{user_id}-{day:%Y%m%d}")},
    )
    try:
        message.send()
    except Exception as error:
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            claimed_at=None, error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.error("Digest for user %s failed: %r", user_id, error)
        raise
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now, error="")
    return len(rows)
