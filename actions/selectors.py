"""Reads that several entry points share: pages, the API, tasks and reports.

Each function returns rows or a queryset with what its callers display
loaded; none writes. What a user may see is decided by ``actions.permissions``.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from resolutions.models import Assembly

from . import permissions
from .choices import MeetingKind, ReportState
from .models import (
    Action,
    GoverningBodyMeeting,
    Notification,
    ProgressReport,
    StatusChange,
    User,
)


def action_detail_queryset() -> QuerySet[Action]:
    """Actions with everything their own page shows loaded."""
    return Action.objects.for_list().select_related(
        "clause__parent", "owner__supporting_bureau", "resolution__assembly"
    )


def actions_in_scope(user: User) -> QuerySet[Action]:
    """The actions a user's dashboard counts: those their Bureau owns or contributes to.

    TSB owns nearly every action; the other Bureaux mostly contribute, so "my
    Bureau's actions" are those it owns or contributes to. A user without a
    Bureau sees them all.
    """
    if user.bureau_id:
        return Action.objects.involving_bureau(user.bureau_id)
    return Action.objects.all()


def status_counts(user: User) -> list[dict]:
    """Per status, how many actions are in the user's scope and how many their Bureau owns."""
    scope = actions_in_scope(user).order_by().values("status")
    if user.bureau_id:
        bureau = user.bureau_id
        owned = Q(owner=bureau) | Q(owner__supporting_bureau=bureau)
        return list(scope.annotate(n=Count("pk"), owned=Count("pk", filter=owned)))
    return list(scope.annotate(n=Count("pk"), owned=Count("pk")))


def status_counts_by_bureau() -> list[dict]:
    """Actions per status and responsible Bureau (a study group counts for its Bureau)."""
    counts = list(
        Action.objects.order_by()
        .annotate(
            bureau_code=Coalesce("owner__supporting_bureau__code", "owner__code"),
            bureau_name=Coalesce("owner__supporting_bureau__name", "owner__name"),
            bureau_kind=Coalesce("owner__supporting_bureau__kind", "owner__kind"),
            bureau_order=Coalesce("owner__supporting_bureau__sort_order", "owner__sort_order"),
        )
        .values("bureau_code", "bureau_name", "bureau_kind", "bureau_order", "status")
        .annotate(n=Count("pk"))
    )
    counts.sort(key=lambda c: (c["bureau_order"] is None, c["bureau_order"] or 0, c["bureau_code"]))
    return counts


def status_counts_by_resolution() -> list[dict]:
    """Actions per status and resolution, in the order of assemblies and numbers."""
    counts = list(
        Action.objects.order_by()
        .values(
            "resolution__assembly__code",
            "resolution__assembly__start_date",
            "resolution__number",
            "resolution__title",
            "status",
        )
        .annotate(n=Count("pk"))
    )
    counts.sort(key=lambda c: (c["resolution__assembly__start_date"], c["resolution__number"]))
    return counts


def overdue_actions(user: User, today: datetime.date) -> QuerySet[Action]:
    """Open actions in the user's scope past their target date, the longest overdue first."""
    return (
        actions_in_scope(user)
        .overdue(today)
        .select_related("resolution", "clause", "owner", "focal_point")
        .order_by("target_date", "resolution__number", "number")
    )


def recent_status_changes(user: User) -> QuerySet[StatusChange]:
    """Status changes of the actions in the user's scope, the latest first."""
    recent = StatusChange.objects.select_related(
        "action__resolution", "action__clause", "changed_by"
    )
    if user.bureau_id:
        recent = recent.filter(action__in=actions_in_scope(user))
    return recent


def reports_awaiting_review(user: User) -> QuerySet[ProgressReport]:
    """Submitted reports the user may approve or return, the longest waiting first."""
    return (
        permissions.reports_awaiting_review_by(user)
        .select_related("action__resolution", "action__clause", "author", "bureau")
        .order_by("submitted_at", "pk")
    )


def unfinished_reports(user: User) -> list[ProgressReport]:
    """The user's drafts and returned reports, returned ones first: someone waits for those.

    All of them, not the first few: they are one person's own work, and there
    is no other page that lists them.
    """
    returned_first = Case(When(state=ReportState.RETURNED, then=0), default=1)
    return list(
        ProgressReport.objects.to_finish_by(user)
        .select_related("action__resolution", "action__clause", "reviewed_by")
        .order_by(returned_first, "-updated_at", "-pk")
    )


def action_reports(action: Action, user: User) -> list[ProgressReport]:
    """The reports on an action that the user may see, with their authors and evidence."""
    return list(
        permissions.reports_visible_to(user)
        .filter(action=action)
        .select_related("author", "bureau", "reviewed_by")
        .prefetch_related("evidence_links")
    )


@dataclass(frozen=True)
class CouncilDeadline:
    """The next Council session and the day secretariat documents are due for it.

    ``provisional`` when the session was projected from Council's rhythm and
    no administrator has confirmed it yet.
    """

    session: GoverningBodyMeeting
    deadline: datetime.date
    days_left: int

    @property
    def provisional(self) -> bool:
        return self.session.provisional


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def projected_meeting(kind: str, today: datetime.date) -> GoverningBodyMeeting | None:
    """The next session of a body projected from its rhythm, unsaved; None if not needed.

    Only when no session of the body opening today or later is recorded: the
    last ordinary session moved on by the rhythm (Council yearly, WTSA every
    four years) until it lies ahead, lasting as long. It is provisional.
    """
    meetings = GoverningBodyMeeting.objects.filter(kind=kind)
    if meetings.filter(start_date__gte=today).exists():
        return None
    last = meetings.filter(ordinary=True).order_by("-start_date").first()
    if last is None:
        return None
    rule = last.rule
    if not rule.rhythm_months:
        return None
    start, steps = last.start_date, 0
    while start < today:
        steps += 1
        start = _add_months(last.start_date, rule.rhythm_months * steps)
    projected = GoverningBodyMeeting(
        kind=kind,
        # "Council 2026" becomes "Council 2027"; a name without its year, "<kind> <year>".
        name=(
            last.name.replace(str(last.start_date.year), str(start.year))
            if str(last.start_date.year) in last.name
            else _("%(body)s %(year)s") % {"body": last.get_kind_display(), "year": start.year}
        ),
        place=last.place,
        start_date=start,
        end_date=start + (last.end_date - last.start_date),
        provisional=True,
    )
    projected.rule = rule
    return projected


def next_council_deadline(today: datetime.date) -> CouncilDeadline | None:
    """The next Council session staff work to: recorded, or else projected (provisional).

    None only when no Council session was ever recorded to project from.
    """
    session = GoverningBodyMeeting.objects.next_council(today) or projected_meeting(
        MeetingKind.COUNCIL, today
    )
    if session is None:
        return None
    deadline = session.document_deadline
    return CouncilDeadline(session, deadline, (deadline - today).days)


def provisional_meetings(today: datetime.date) -> QuerySet[GoverningBodyMeeting]:
    """Projected sessions ahead that an administrator has yet to confirm or correct."""
    return GoverningBodyMeeting.objects.filter(provisional=True).upcoming(today)


@dataclass(frozen=True)
class ReportingPeriod:
    """What a session's progress reports cover: ``start`` to ``end``, both included."""

    meeting: GoverningBodyMeeting
    start: datetime.date
    end: datetime.date

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


def reporting_period(meeting: GoverningBodyMeeting) -> ReportingPeriod:
    """The period a session's report covers, up to its document deadline.

    It starts the day after the previous session of the same body had its
    documents due, so consecutive reports neither overlap nor leave a gap; the
    first session after an assembly reports from the day after the assembly
    closed. A session may set its own start.
    """
    end = meeting.document_deadline
    if meeting.reporting_period_start_override:
        return ReportingPeriod(meeting, meeting.reporting_period_start_override, end)
    previous = (
        GoverningBodyMeeting.objects.filter(kind=meeting.kind, start_date__lt=meeting.start_date)
        .order_by("-start_date")
        .first()
    )
    assembly = Assembly.objects.filter(end_date__lt=end).order_by("-end_date").first()
    starts = []
    if previous is not None:
        starts.append(previous.document_deadline + datetime.timedelta(days=1))
    if assembly is not None:
        starts.append(assembly.end_date + datetime.timedelta(days=1))
    # The later of the two: a new assembly's resolutions are reported on from its close.
    start = max(starts, default=end - datetime.timedelta(days=365))
    return ReportingPeriod(meeting, min(start, end), end)


def open_reporting_period(today: datetime.date) -> ReportingPeriod | None:
    """The period reports are being written for now: that of the next Council deadline."""
    meeting = (
        GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL)
        .filter(start_date__gte=today)
        .order_by("start_date")
        .first()
    )
    return reporting_period(meeting) if meeting is not None else None


# --- issue 10: calendar feed and notifications ---------------------------------


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day entry of a calendar feed; ``uid`` stays the same across fetches."""

    uid: str
    summary: str
    start: datetime.date
    end: datetime.date  # exclusive, as iCalendar's all-day DTEND is
    description: str = ""
    url: str = ""
    provisional: bool = False


def calendar_events(
    user: User, today: datetime.date, *, bureau_wide: bool = False
) -> list[CalendarEvent]:
    """The deadlines that concern a user: Council sessions and documents due, their targets.

    Council deadlines concern anyone whose Bureau owns or contributes to an
    action that reports to Council, or who is focal point of one. Target
    dates: those of the open actions the user is focal point of, or with
    ``bureau_wide`` of every open action their Bureau owns.
    """
    day = datetime.timedelta(days=1)
    due = Action.objects.open().reporting_to_council()
    concerned = due.filter(focal_point=user)
    if user.bureau_id:
        concerned = due.filter(
            Q(focal_point=user) | Q(pk__in=due.involving_bureau(user.bureau_id).values("pk"))
        )
    events: list[CalendarEvent] = []
    if concerned.exists():
        sessions = list(
            GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL).upcoming(
                today - datetime.timedelta(days=365)
            )
        )
        if not any(s.start_date >= today for s in sessions):
            projected = projected_meeting(MeetingKind.COUNCIL, today)
            if projected is not None:
                sessions.append(projected)
        for session in sessions:
            key = (
                f"meeting-{session.pk}"
                if session.pk
                else f"projected-{session.kind}-{session.start_date.year}"
            )
            suffix = " " + _("(provisional)") if session.provisional else ""
            events.append(
                CalendarEvent(
                    uid=f"{key}-documents",
                    summary=_("Secretariat documents due: %(name)s") % {"name": session.name}
                    + suffix,
                    start=session.document_deadline,
                    end=session.document_deadline + day,
                    description=_("Progress reports on actions that report to Council."),
                    provisional=session.provisional,
                )
            )
            events.append(
                CalendarEvent(
                    uid=f"{key}-session",
                    summary=f"{session.name}{', ' + session.place if session.place else ''}"
                    + suffix,
                    start=session.start_date,
                    end=session.end_date + day,
                    provisional=session.provisional,
                )
            )
    targets = Action.objects.open().filter(target_date__isnull=False)
    if bureau_wide and user.bureau_id:
        targets = targets.owned_by_bureau(user.bureau_id)
    else:
        targets = targets.filter(focal_point=user)
    for action in targets.select_related("resolution").order_by("target_date", "pk"):
        events.append(
            CalendarEvent(
                uid=f"action-{action.pk}-target",
                summary=_("Target date: Res. %(number)s action %(seq)s")
                % {"number": action.resolution.number, "seq": action.number},
                start=action.target_date,
                end=action.target_date + day,
                url=reverse("action_detail", args=[action.pk]),
            )
        )
    return events


def unread_notification_count(user: User) -> int:
    """How many notifications the user has not marked read (the header's badge)."""
    return Notification.objects.filter(recipient=user).unread().count()
