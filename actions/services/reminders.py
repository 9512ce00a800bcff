"""Reminders before Council document deadlines, and escalations after them.

A sweep (daily by beat, or ``manage.py send_reminders``) plans what is due,
writes one row per reminder under a unique key, and offers every unsent row
for sending; sending is a lease (see ``common.send_under_lease``), so a
worker killed at any point loses no reminder and a row is sent again only
when its first send was never recorded. All dates are Geneva's
(``TIME_ZONE``), whatever the clock's offset that day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..choices import (
    COUNCIL_RECIPIENTS,
    OPEN_STATUSES,
    EmailDelivery,
    MeetingKind,
    NotificationKind,
    ReminderKind,
    ReportState,
    Role,
)
from ..display import day
from ..models import (
    Action,
    GoverningBodyMeeting,
    Notification,
    ProgressReport,
    Reminder,
    User,
)
from .calendar import meetings_project
from .common import lease, send_under_lease

# How many actions an e-mail names; the rest are counted and linked.
ACTIONS_LISTED = 5
# Rows per INSERT: a day's reminders for 2,000 people in one statement on
# PostgreSQL (13 columns × 4,000 stays under its 65,535 parameters); SQLite
# takes fewer parameters per statement, and Django cuts its batches smaller.
WRITE_BATCH = 4000


def _reminder_stage(days_left: int, stages: list[int]) -> int | None:
    """The reminder due with ``days_left`` to go: the nearest stage not yet passed.

    With stages 30, 14 and 7, 20 days left is the 30-day reminder and 5 days
    left the 7-day one; a sweep that missed a day still sends the stage due,
    and never three at once.
    """
    due = [stage for stage in stages if days_left <= stage]
    return min(due) if due else None


@dataclass(frozen=True)
class PlannedReminder:
    """A reminder or escalation the sweep would write: who, for which session, which stage."""

    key: str
    kind: ReminderKind
    meeting: GoverningBodyMeeting
    recipient_id: int
    days_before: int


def _due_actions():
    """The actions due at a Council deadline: open, with a duty to report to Council."""
    return Action.objects.open().reporting_to_council()


def _reminder_recipient_ids() -> list[int]:
    """Focal points of due actions, and staff of every Bureau owning or contributing to one.

    Three queries, whatever the number of actions: the due actions' Bureaux
    and focal points (``_involvement``), then the people.
    """
    _, of_bureau, of_person = _involvement(_due_actions(), with_contributors=True)
    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(pk__in=set(of_person))
            | Q(bureau__in=set(of_bureau), groups__name__in=[Role.BUREAU_STAFF, Role.COORDINATOR])
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _unreported(meeting: GoverningBodyMeeting):
    """Due actions with no approved report for the session's reporting period."""
    period = selectors.reporting_period(meeting)
    approved = ProgressReport.objects.filter(
        action=OuterRef("pk"),
        state=ReportState.APPROVED,
        period_end__gte=period.start,
        period_start__lte=period.end,
    )
    return _due_actions().exclude(Exists(approved))


def _escalation_recipient_ids(meeting: GoverningBodyMeeting) -> list[int]:
    """Coordinators of the Bureaux that own a due action still without an approved report."""
    bureaux = (
        _unreported(meeting)
        .order_by()
        .annotate(b=Coalesce("owner__supporting_bureau", "owner"))
        .values_list("b", flat=True)
        .distinct()
    )
    return list(
        User.objects.filter(is_active=True, bureau__in=bureaux, groups__name=Role.COORDINATOR)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _council_sessions(today: datetime.date) -> list[GoverningBodyMeeting]:
    """Council sessions not yet opened, read with their deadline rule (one query)."""
    return list(GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL).upcoming(today))


def reminders_plan(*, now: datetime.datetime) -> list[PlannedReminder]:
    """Every reminder and escalation due at ``now``, whether or not already written.

    Reminders: at each stage of ``REMINDER_DAYS_BEFORE`` before a Council
    session's document deadline. Escalation: once the deadline has passed
    and until the session opens, one to each coordinator of a Bureau whose due
    actions lack an approved report. With nothing due, one query.
    """
    today = timezone.localdate(now)
    reminders, escalations = [], []
    for meeting in _council_sessions(today):
        days_left = (meeting.document_deadline - today).days
        if days_left < 0:
            escalations.append(meeting)
            continue
        stage = _reminder_stage(days_left, settings.REMINDER_DAYS_BEFORE)
        if stage is not None:
            reminders.append((meeting, stage))
    plan = []
    if reminders:
        recipients = _reminder_recipient_ids()
        for meeting, stage in reminders:
            plan += [
                PlannedReminder(
                    f"council-{meeting.pk}-{stage}d-user-{user_id}",
                    ReminderKind.REMINDER,
                    meeting,
                    user_id,
                    stage,
                )
                for user_id in recipients
            ]
    for meeting in escalations:
        plan += [
            PlannedReminder(
                f"escalation-{meeting.pk}-user-{user_id}",
                ReminderKind.ESCALATION,
                meeting,
                user_id,
                0,
            )
            for user_id in _escalation_recipient_ids(meeting)
        ]
    return plan


def _subject(kind: ReminderKind, meeting: GoverningBodyMeeting) -> str:
    values = {
        "meeting": meeting.name,
        "deadline": day(meeting.document_deadline),
    }
    if kind == ReminderKind.ESCALATION:
        return _("%(meeting)s: reports missing after the %(deadline)s deadline") % values
    if meeting.provisional:
        return _("%(meeting)s (provisional dates): documents due %(deadline)s") % values
    return _("%(meeting)s: documents due %(deadline)s") % values


def reminders_claim(*, plan: list[PlannedReminder], now: datetime.datetime) -> int:
    """Write the planned rows not written yet (and their in-app notifications).

    The unique key decides: a row another sweep wrote first is left alone.
    Each new row carries its e-mail's subject and text (``_bodies``). Returns
    how many rows were new. The same queries whatever their number: the keys
    already written, the texts' reads, one INSERT for the reminders and one
    for the notifications (on SQLite, whose statements take fewer parameters,
    one per hundred rows or so).
    """
    if not plan:
        return 0
    # Most days the rows exist already (a stage lasts days): one read skips them.
    written = set(
        Reminder.objects.filter(meeting__in={item.meeting.pk for item in plan}).values_list(
            "key", flat=True
        )
    )
    plan = [item for item in plan if item.key not in written]
    if not plan:
        return 0
    today = timezone.localdate(now)
    bodies = _bodies(plan, today=today)
    subjects = {(item.kind, item.meeting.pk): _subject(item.kind, item.meeting) for item in plan}
    Reminder.objects.bulk_create(
        [
            Reminder(
                key=item.key,
                kind=item.kind,
                meeting=item.meeting,
                recipient_id=item.recipient_id,
                days_before=item.days_before,
                next_attempt_at=now,
                subject=subjects[item.kind, item.meeting.pk][:300] if item.key in bodies else "",
                body=bodies.get(item.key, ""),
                body_date=today if item.key in bodies else None,
            )
            for item in plan
        ],
        ignore_conflicts=True,
        batch_size=WRITE_BATCH,
    )
    _refresh_statistics(Reminder)
    # In the app too; the reminder's own e-mail is the message, so no second one.
    url = reverse("my_actions")
    Notification.objects.bulk_create(
        [
            Notification(
                key=item.key,
                recipient_id=item.recipient_id,
                kind=(
                    NotificationKind.ESCALATION
                    if item.kind == ReminderKind.ESCALATION
                    else NotificationKind.DEADLINE_REMINDER
                ),
                subject=subjects[item.kind, item.meeting.pk][:300],
                url=url,
                created_at=now,
                email_delivery=EmailDelivery.NONE,
            )
            for item in plan
        ],
        ignore_conflicts=True,
        batch_size=WRITE_BATCH,
    )
    return len(plan)


def _refresh_statistics(model: type[models.Model]) -> None:
    """Let PostgreSQL's planner see the rows a sweep just wrote, before they are sent.

    A sweep can add thousands of reminders to a table whose statistics still
    say it is nearly empty (a new deployment, or before autovacuum comes
    round); the planner then finds each e-mail's reminder by reading every
    unsent one through another index, a few milliseconds an e-mail. ANALYZE
    samples the table in milliseconds, as PostgreSQL advises after a bulk
    insert. SQLite plans by the primary key whatever its statistics.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reminders_to_send(*, now: datetime.datetime) -> list[int]:
    """Unsent reminders due now: new ones, failed ones whose retry time came, lost claims."""
    return list(Reminder.objects.to_send(now, lease()).values_list("pk", flat=True))


def reminders_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """The periodic sweep: project missing sessions, write what is due, return what to send.

    A missed day catches up and a double run is harmless: rows are keyed,
    and sending each is a lease.
    """
    now = now or timezone.now()
    meetings_project(today=timezone.localdate(now))
    reminders_claim(plan=reminders_plan(now=now), now=now)
    return reminders_to_send(now=now)


def _list_url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v}, doseq=True)
    return f"{settings.SITE_URL.rstrip('/')}{reverse('action_list')}?{query}"


def _reminder_message(reminder: Reminder) -> EmailMessage | None:
    """A short message: counts, the first few actions, a link to the filtered list.

    The subject and text the sweep wrote for the day, or, sent on a later day
    (a retry), written afresh so that its counts and days left are that day's.
    """
    recipient = reminder.recipient
    if not recipient.email:
        return None
    today = timezone.localdate(reminder.claimed_at or timezone.now())
    if reminder.body and reminder.body_date == today:
        subject, body = reminder.subject, reminder.body
    else:
        subject = _subject(reminder.kind, reminder.meeting)
        actions = _concerning(reminder.kind, reminder.meeting, recipient)
        listed = list(actions.select_related(*_LISTED_WITH)[:ACTIONS_LISTED])
        body = _body(
            reminder.kind, reminder.meeting, recipient, listed, actions.count(), today=today
        )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        headers={"Message-ID": reminder.message_id},
    )


# What an e-mail names of each listed action.
_LISTED_WITH = ("resolution", "clause", "owner")


def _concerning(kind: ReminderKind, meeting: GoverningBodyMeeting, recipient: User):
    """The actions a reminder or escalation counts for its recipient, in the lists' order.

    Escalation: the due actions of the recipient's Bureau still without an
    approved report. Reminder: the due actions the recipient is focal point
    of, or that their Bureau owns or contributes to. ``_bodies`` works out
    the same sets for many recipients at once.
    """
    if kind == ReminderKind.ESCALATION:
        actions = _unreported(meeting)
        if recipient.bureau_id:
            actions = actions.owned_by_bureau(recipient.bureau_id)
    else:
        actions = _due_actions().filter(focal_point=recipient.pk)
        if recipient.bureau_id:
            # One WHERE with OR, not a subquery of ids: cheap at 100k actions.
            actions = actions | _due_actions().involving_bureau(recipient.bureau_id)
    # Read along the sort key's index, in the order of the page the link opens.
    return actions.order_by("sort_key", "pk")


def _body(
    kind: ReminderKind,
    meeting: GoverningBodyMeeting,
    recipient: User,
    listed: list[Action],
    count: int,
    *,
    today: datetime.date,
    written: dict | None = None,
) -> str:
    """The e-mail's text for ``recipient``: ``count`` actions, of which ``listed`` are named.

    Only the greeting is the recipient's own; the rest is the same for all
    who share their actions (a Bureau's staff, mostly), so a sweep passes
    ``written`` to render each distinct rest once.
    """
    open_values = sorted(status.value for status in OPEN_STATUSES)
    duties = sorted(COUNCIL_RECIPIENTS)
    if kind == ReminderKind.ESCALATION:
        list_url = _list_url(
            bureau=recipient.bureau.code if recipient.bureau_id else "",
            reports_to=duties,
            status=open_values,
        )
        template = "actions/email/escalation.txt"
    else:
        params = {"reports_to": duties, "status": open_values}
        if recipient.bureau_id:
            params["involves"] = recipient.bureau.code
        else:
            params["focal_point"] = recipient.username
        list_url = _list_url(**params)
        template = "actions/email/deadline_reminder.txt"
    key = (template, meeting.pk, tuple(action.pk for action in listed), count, list_url, today)
    written = {} if written is None else written
    if key not in written:
        context = {
            "meeting": meeting,
            "actions": listed,
            "count": count,
            "list_url": list_url,
            "site_url": settings.SITE_URL.rstrip("/"),
            "days_left": (meeting.document_deadline - today).days,
        }
        written[key] = render_to_string(template, context)
    greeting = _("Dear %(name)s,") % {"name": recipient}
    return f"{greeting}\n\n{written[key]}"


def _bodies(plan: list[PlannedReminder], *, today: datetime.date) -> dict[str, str]:
    """Every planned e-mail's text, by key, from a few queries whatever their number.

    The sets ``_concerning`` reads one recipient at a time are read here once
    for everyone: each due action with its owning Bureau, focal point and
    contributing Bureaux (and, for escalations, those still unreported), in
    the lists' order; then each recipient's are counted and the first few
    named. Recipients without an e-mail address get none.
    """
    people = (
        User.objects.select_related("bureau")
        .exclude(email="")
        .in_bulk({item.recipient_id for item in plan})
    )
    plan = [item for item in plan if item.recipient_id in people]
    counted: dict[str, tuple[list[int], int]] = {}
    reminders = [item for item in plan if item.kind == ReminderKind.REMINDER]
    if reminders:
        order, of_bureau, of_person = _involvement(_due_actions(), with_contributors=True)
        for item in reminders:
            person = people[item.recipient_id]
            counted[item.key] = _first_and_count(
                order, of_bureau.get(person.bureau_id, []), of_person.get(person.pk, [])
            )
    for meeting in {item.meeting for item in plan if item.kind == ReminderKind.ESCALATION}:
        order, of_bureau, _ = _involvement(_unreported(meeting), with_contributors=False)
        everyone = sorted(order, key=order.__getitem__)
        for item in plan:
            if item.kind == ReminderKind.ESCALATION and item.meeting == meeting:
                bureau = people[item.recipient_id].bureau_id
                ids = of_bureau.get(bureau, []) if bureau else everyone
                counted[item.key] = (ids[:ACTIONS_LISTED], len(ids))
    named = Action.objects.select_related(*_LISTED_WITH).in_bulk(
        {pk for ids, _ in counted.values() for pk in ids}
    )
    written: dict = {}
    return {
        item.key: _body(
            item.kind,
            item.meeting,
            people[item.recipient_id],
            [named[pk] for pk in counted[item.key][0]],
            counted[item.key][1],
            today=today,
            written=written,
        )
        for item in plan
    }


def _involvement(actions, *, with_contributors: bool) -> tuple[dict, dict, dict]:
    """``actions``' place in the lists' order, and their ids by Bureau and by focal point.

    A Bureau's ids are those it owns (itself, or through a body it supports)
    and, ``with_contributors``, those it or such a body contributes to, each
    list in the lists' order.
    """
    rows = list(
        actions.order_by("sort_key", "pk")
        .annotate(bureau=Coalesce("owner__supporting_bureau", "owner"))
        .values_list("pk", "bureau", "focal_point")
    )
    order = {pk: place for place, (pk, _, _) in enumerate(rows)}
    of_bureau: dict[int, set[int]] = {}
    of_person: dict[int, list[int]] = {}
    for pk, bureau, focal in rows:
        if bureau:
            of_bureau.setdefault(bureau, set()).add(pk)
        if focal:
            of_person.setdefault(focal, []).append(pk)
    if with_contributors and rows:
        contributions = (
            Action.collaborators.through.objects.filter(action__in=actions.order_by())
            .annotate(bureau=Coalesce("body__supporting_bureau", "body"))
            .values_list("action", "bureau")
        )
        for pk, bureau in contributions:
            if bureau and pk in order:
                of_bureau.setdefault(bureau, set()).add(pk)
    ordered = {bureau: sorted(ids, key=order.__getitem__) for bureau, ids in of_bureau.items()}
    return order, ordered, of_person


def _first_and_count(
    order: dict[int, int], of_bureau: list[int], of_person: list[int]
) -> tuple[list[int], int]:
    """The first few of a Bureau's ids and a person's together, and how many there are."""
    mine = set(of_bureau)
    extra = [pk for pk in of_person if pk not in mine]
    first = sorted([*of_bureau[:ACTIONS_LISTED], *extra], key=order.__getitem__)
    return first[:ACTIONS_LISTED], len(of_bureau) + len(extra)


def reminder_send(*, reminder_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail one reminder, at least once; True if this call sent it.

    A failure is recorded on the row, logged as an error and raised as
    ``DeliveryFailed``; the row is offered again after a growing delay.
    """
    now = now or timezone.now()
    return send_under_lease(
        Reminder.objects.to_send(now, lease()),
        reminder_id,
        now=now,
        done_field="sent_at",
        build=_reminder_message,
        related=("meeting", "recipient__bureau"),
    )
