"""Reads that several entry points share: pages, the API, tasks and reports.

Each function returns rows or a queryset with what its callers display
loaded; none writes. What a user may see is decided by ``actions.permissions``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import Coalesce

from resolutions.models import Assembly

from . import permissions
from .choices import IN_FORCE_STATUSES, MeetingKind, ReportState
from .models import Action, GoverningBodyMeeting, ProgressReport, StatusChange, User


def action_detail_queryset() -> QuerySet[Action]:
    """Actions with everything their own page shows loaded."""
    return Action.objects.for_list().select_related(
        "clause__parent",
        "owner__supporting_bureau",
        "resolution__assembly",
        # Across assemblies (issue 11): the action it carries on, and its successor.
        "continues__resolution__assembly",
        "continues__clause",
        "continued_by__resolution__assembly",
        "continued_by__clause",
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
    scope = actions_in_scope(user).filter(status__in=IN_FORCE_STATUSES).order_by().values("status")
    if user.bureau_id:
        bureau = user.bureau_id
        owned = Q(owner=bureau) | Q(owner__supporting_bureau=bureau)
        return list(scope.annotate(n=Count("pk"), owned=Count("pk", filter=owned)))
    return list(scope.annotate(n=Count("pk"), owned=Count("pk")))


def status_counts_by_bureau() -> list[dict]:
    """Actions per status and responsible Bureau (a study group counts for its Bureau)."""
    counts = list(
        Action.objects.filter(status__in=IN_FORCE_STATUSES)
        .order_by()
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
        Action.objects.filter(status__in=IN_FORCE_STATUSES)
        .order_by()
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
    """The next Council session and the day secretariat documents are due for it."""

    session: GoverningBodyMeeting
    deadline: datetime.date
    days_left: int


def next_council_deadline(today: datetime.date) -> CouncilDeadline | None:
    """The next Council session staff work to, or None when none is recorded."""
    session = GoverningBodyMeeting.objects.next_council(today)
    if session is None:
        return None
    deadline = session.document_deadline
    return CouncilDeadline(session, deadline, (deadline - today).days)


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
