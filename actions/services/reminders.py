"""Reminders before Council document deadlines: claimed by a sweep, then e-mailed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..choices import MeetingKind, Role
from ..models import Action, Body, GoverningBodyMeeting, Reminder, User


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
    reporting = Action.objects.open().reporting_to_council()
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
        .reporting_to_council()
        .select_related("resolution", "clause", "owner")
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
