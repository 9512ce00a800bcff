"""Reads that several entry points share: pages, the API, tasks and reports.

Each function returns rows or a queryset with what its callers display
loaded; none writes. What a user may see is decided by ``actions.permissions``.
"""

from __future__ import annotations

import calendar
import datetime
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resolutions.models import Assembly, Resolution

from . import display, permissions
from .choices import (
    IN_FORCE_STATUSES,
    OPEN_STATUSES,
    STAFF_BODY_KINDS,
    ActionStatus,
    AssessmentRating,
    AssessmentState,
    MeetingKind,
    Readiness,
    ReportState,
    Role,
)
from .models import (
    RESOLUTION_TEXT_FIELDS,
    USER_PRIVATE_FIELDS,
    Action,
    Assessment,
    EvidenceLink,
    GoverningBodyMeeting,
    Notification,
    ProgressReport,
    ReportingObligation,
    ResolutionReportingDuty,
    StatusChange,
    User,
    report_editors,
)


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


@dataclass(frozen=True)
class ActionLists:
    """The many-valued parts of many actions' rows, each read once for all of them.

    ``collaborators``: action id → the codes of the bodies it collaborates
    with, in the bodies' order. ``obligations``: action id → the recipients
    of its own reporting duties. ``resolution_duties``: resolution id → the
    recipients of the duties written for the whole resolution. An id with
    none has an empty list.
    """

    collaborators: defaultdict[int, list[str]]
    obligations: defaultdict[int, list[str]]
    resolution_duties: defaultdict[int, list[str]]


def action_lists(actions: QuerySet[Action]) -> ActionLists:
    """The lists of ``actions`` (any filters), in three queries whatever their number.

    The CSV export (for every action it writes) reads the actions as plain
    values and their lists here: joining the lists into each row in SQL took
    longer than reading the rows. The codes and recipients repeat, so each
    is kept once in memory.
    """
    return _action_lists(
        Q(action__in=actions.order_by().values("pk")),
        Q(resolution__in=actions.order_by().values("resolution_id")),
    )


def page_action_lists(rows: Iterable[dict]) -> ActionLists:
    """The lists of a page of actions already read (its rows' ``id`` and ``resolution_id``).

    As ``action_lists``, but by the ids themselves: the three queries carry
    no subquery to build and compile again, which for a page of fifty cost
    more than running them (issue 13).
    """
    rows = list(rows)
    return _action_lists(
        Q(action_id__in=[row["id"] for row in rows]),
        Q(resolution_id__in=sorted({row["resolution_id"] for row in rows})),
    )


def _action_lists(actions: Q, resolutions: Q) -> ActionLists:
    return ActionLists(
        collaborators=_grouped(
            Action.collaborators.through.objects.filter(actions)
            .order_by("body__sort_order", "body__code")
            .values_list("action_id", "body__code")
        ),
        obligations=_grouped(
            ReportingObligation.objects.filter(actions)
            .order_by("recipient")
            .values_list("action_id", "recipient")
        ),
        resolution_duties=_grouped(
            ResolutionReportingDuty.objects.filter(resolutions)
            .order_by("recipient", "pk")
            .values_list("resolution_id", "recipient")
        ),
    )


def _grouped(pairs: Iterable[tuple[int, str]]) -> defaultdict[int, list[str]]:
    grouped: defaultdict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(sys.intern(value))
    return grouped


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


DASHBOARD_RESOLUTIONS = 15


def status_counts_by_resolution(limit: int = DASHBOARD_RESOLUTIONS) -> tuple[list[dict], int]:
    """Actions per status for the ``limit`` resolutions with the most open actions.

    Thirty years of assemblies hold about a thousand resolutions; a chart of
    them all would be a page of its own. Returns the counts, in the order of
    assemblies and numbers, and how many resolutions have actions at all.
    """
    per_resolution = (
        Action.objects.filter(status__in=IN_FORCE_STATUSES).order_by().values("resolution")
    )
    top = (
        per_resolution.annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)), total=Count("pk")
        )
        .order_by("-open", "-total", "resolution")
        .values_list("resolution", flat=True)[:limit]
    )
    counts = list(
        Action.objects.filter(resolution__in=top, status__in=IN_FORCE_STATUSES)
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
    return counts, per_resolution.distinct().count()


def overdue_actions(user: User, today: datetime.date) -> QuerySet[Action]:
    """Open actions in the user's scope past their target date, the longest overdue first."""
    return (
        actions_in_scope(user)
        .overdue(today)
        .for_table()
        .order_by("target_date", "resolution__number", "number")
    )


def recent_status_changes(user: User, limit: int) -> QuerySet[StatusChange]:
    """The ``limit`` latest status changes of the actions in the user's scope, latest first.

    The scope is an EXISTS per change, not ``action__in``: so the database
    walks the changes newest first and stops at the few the dashboard shows,
    instead of sorting every change of every action in scope (issue 13). The
    ids are chosen on the changes alone and their rows joined afterwards:
    with the joins in the same SELECT, SQLite read every action of every
    resolution and sorted all their changes (0.2 s at scale L).
    """
    latest = StatusChange.objects.order_by("-changed_at", "-pk")
    if user.bureau_id:
        in_scope = actions_in_scope(user).filter(pk=OuterRef("action_id"))
        latest = latest.filter(Exists(in_scope))
    return (
        StatusChange.objects.filter(pk__in=latest.values("pk")[:limit])
        .select_related("action__resolution", "action__clause", "changed_by")
        .defer(
            *(f"action__resolution__{name}" for name in RESOLUTION_TEXT_FIELDS),
            *(f"changed_by__{name}" for name in USER_PRIVATE_FIELDS),
        )
        .order_by("-changed_at", "-pk")
    )


def reports_awaiting_review(user: User) -> QuerySet[ProgressReport]:
    """Submitted reports the user may approve or return, the longest waiting first."""
    return (
        permissions.reports_awaiting_review_by(user)
        .select_related("action__resolution", "action__clause", "author", "bureau")
        .order_by("submitted_at", "pk")
    )


UNFINISHED_SHOWN = 20


@dataclass(frozen=True)
class UnfinishedReports:
    """The first ``UNFINISHED_SHOWN`` of the user's unfinished reports, and whether there are
    ``more`` (the reports page lists them all)."""

    first: list[ProgressReport]
    more: bool


def unfinished_reports(user: User) -> UnfinishedReports:
    """The user's drafts and returned reports, returned ones first: someone waits for those."""
    returned_first = Case(When(state=ReportState.RETURNED, then=0), default=1)
    # One more than shown: whether to link to the rest, without counting them.
    first = list(
        ProgressReport.objects.to_finish_by(user)
        .select_related("action__resolution", "action__clause", "reviewed_by")
        .defer(*(f"action__resolution__{name}" for name in RESOLUTION_TEXT_FIELDS))
        .order_by(returned_first, "-updated_at", "-pk")[: UNFINISHED_SHOWN + 1]
    )
    return UnfinishedReports(first[:UNFINISHED_SHOWN], len(first) > UNFINISHED_SHOWN)


TIMELINE_PAGE = 20


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "status" or "report"
    at: datetime.datetime
    item: StatusChange | ProgressReport


@dataclass(frozen=True)
class Timeline:
    """One page of an action's history, newest first; ``older`` continues it."""

    entries: list[TimelineEntry]
    older: datetime.datetime | None


def action_timeline(
    action: Action,
    user: User,
    *,
    before: datetime.datetime | None = None,
    size: int = TIMELINE_PAGE,
) -> Timeline:
    """Status changes and the reports the user may see, newest first, ``size`` at a time.

    Some actions gather thousands of reports: a page reads at most ``size`` + 1
    of each kind, whatever the history holds, and ``older`` is the moment to
    continue from (entries strictly before it), or None on the last page.
    """
    changes = action.status_changes.select_related("changed_by").order_by("-changed_at", "-pk")
    reports = (
        permissions.reports_visible_to(user)
        .filter(action=action)
        .select_related("author", "bureau", "reviewed_by")
        .prefetch_related("evidence_links", report_editors())
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        changes = changes.filter(changed_at__lt=before)
        reports = reports.filter(created_at__lt=before)
    entries = [TimelineEntry("status", c.changed_at, c) for c in changes[: size + 1]]
    entries += [TimelineEntry("report", r.created_at, r) for r in reports[: size + 1]]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    older = entries[size - 1].at if len(entries) > size else None
    return Timeline(entries[:size], older)


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
    # The last ordinary session, and the one before it (to tell where the body settled).
    last, *before = meetings.filter(ordinary=True).order_by("-start_date")[:2] or [None]
    if last is None:
        return None
    rule = last.rule
    if not rule.rhythm_months:
        return None
    start, steps = last.start_date, 0
    while start < today:
        steps += 1
        start = _add_months(last.start_date, rule.rhythm_months * steps)
    # A body that met twice running in one place meets there again (Council in
    # Geneva); one that moves (an assembly, hosted by a Member State) is "to be
    # decided" rather than where it met last.
    settled = [meeting.place for meeting in before] == [last.place]
    projected = GoverningBodyMeeting(
        kind=kind,
        # "Council 2026" becomes "Council 2027"; a name without its year, "<kind> <year>".
        name=(
            last.name.replace(str(last.start_date.year), str(start.year))
            if str(last.start_date.year) in last.name
            else _("%(body)s %(year)s") % {"body": last.get_kind_display(), "year": start.year}
        ),
        place=last.place if settled else "",
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
        # As every page writes a span of days: "9 October 2026 – 31 March 2027".
        return f"{display.day(self.start)} – {display.day(self.end)}"


def reporting_period(meeting: GoverningBodyMeeting) -> ReportingPeriod:
    """The period a session's report covers, up to its document deadline.

    It starts the day after the previous session of the same body had its
    documents due, so consecutive reports neither overlap nor leave a gap,
    across an assembly too: work on the old texts until the assembly closed
    is reported with the next session's, as is the new texts' after it. The
    first session recorded reports from the day after the latest assembly
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
    if previous is not None:
        start = previous.document_deadline + datetime.timedelta(days=1)
    else:
        assembly = Assembly.objects.filter(end_date__lt=end).order_by("-end_date").first()
        start = (
            assembly.end_date + datetime.timedelta(days=1)
            if assembly is not None
            else end - datetime.timedelta(days=365)
        )
    return ReportingPeriod(meeting, min(start, end), end)


def _period_start(
    previous: GoverningBodyMeeting | None, assembly: Assembly | None, *, default: datetime.date
) -> datetime.date:
    """The day after the previous session's deadline or the assembly's close, the later:
    a report on a new assembly's action covers nothing before its texts existed."""
    starts = []
    if previous is not None:
        starts.append(previous.document_deadline + datetime.timedelta(days=1))
    if assembly is not None:
        starts.append(assembly.end_date + datetime.timedelta(days=1))
    return max(starts, default=default)


def open_reporting_period(today: datetime.date) -> ReportingPeriod | None:
    """The period reports are being written for now: that of the next Council deadline."""
    meeting = (
        GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL)
        .filter(start_date__gte=today)
        .order_by("start_date")
        .first()
    )
    return reporting_period(meeting) if meeting is not None else None


def report_period_default(
    today: datetime.date, assembly: Assembly | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period a new progress report covers unless its writer says otherwise.

    The open reporting period, which is what the next Council report collects,
    from the close of the action's assembly where that came later. With no next
    session recorded, or an assembly that closed after its deadline, from the
    day after the last session's deadline (or the assembly's close) to today.
    """
    period = open_reporting_period(today)
    # An assembly that closed after the open period's deadline (the session has
    # not opened yet) has texts the period never saw: from its close to today.
    if period is not None and (assembly is None or assembly.end_date < period.end):
        start = period.start
        if assembly is not None:
            start = max(start, assembly.end_date + datetime.timedelta(days=1))
        return start, period.end
    last = (
        GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL, start_date__lt=today)
        .order_by("-start_date")
        .first()
    )
    return min(_period_start(last, assembly, default=today), today), today


# --- Readiness for a Council session and reports across actions (issue 9) -------


def _readiness(period: ReportingPeriod) -> Case:
    """Each action's readiness for the period: its most advanced report that overlaps it."""

    def has(*states: ReportState) -> Exists:
        return Exists(
            ProgressReport.objects.filter(
                action=OuterRef("pk"),
                state__in=states,
                period_start__lte=period.end,
                period_end__gte=period.start,
            )
        )

    return Case(
        When(has(ReportState.APPROVED), then=Value(Readiness.APPROVED)),
        When(has(ReportState.SUBMITTED), then=Value(Readiness.SUBMITTED)),
        When(has(ReportState.DRAFT, ReportState.RETURNED), then=Value(Readiness.DRAFT)),
        default=Value(Readiness.MISSING),
        output_field=CharField(),
    )


@dataclass
class ReadinessRow:
    """For one Bureau and resolution: how many Council actions are at each readiness."""

    bureau_code: str | None
    bureau_name: str | None
    resolution_number: int
    resolution_title: str
    assembly_code: str
    counts: dict[str, int]
    bureau_is_staff: bool = True
    own: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def gaps(self) -> int:
        return self.total - self.counts.get(Readiness.APPROVED, 0)


def with_readiness(actions: QuerySet[Action], period: ReportingPeriod) -> QuerySet[Action]:
    """``actions`` that report to Council in the period, each with its ``readiness`` for it."""
    return (
        actions.reporting_to_council()
        .in_force_during(period.start, period.end)
        .annotate(readiness=_readiness(period))
    )


def council_readiness(period: ReportingPeriod, user: User) -> list[ReadinessRow]:
    """Per owning Bureau and resolution, the Council actions at each readiness, in one query.

    A study group's actions count for the Bureau that supports it. The user's
    own Bureau comes first, then the others in their usual order.
    """
    counts = (
        with_readiness(Action.objects.order_by(), period)
        .annotate(
            bureau_code=Coalesce("owner__supporting_bureau__code", "owner__code"),
            bureau_name=Coalesce("owner__supporting_bureau__name", "owner__name"),
            bureau_order=Coalesce("owner__supporting_bureau__sort_order", "owner__sort_order"),
            bureau_kind=Coalesce("owner__supporting_bureau__kind", "owner__kind"),
        )
        .values(
            "bureau_code",
            "bureau_name",
            "bureau_order",
            "bureau_kind",
            "resolution__assembly__code",
            "resolution__assembly__start_date",
            "resolution__number",
            "resolution__title",
            "readiness",
        )
        .annotate(n=Count("pk"))
    )
    rows: dict[tuple, ReadinessRow] = {}
    order: dict[tuple, tuple] = {}
    own_code = user.bureau.code if user.bureau_id else None
    for item in counts:
        key = (item["bureau_code"], item["resolution__assembly__code"], item["resolution__number"])
        if key not in rows:
            rows[key] = ReadinessRow(
                bureau_code=item["bureau_code"],
                bureau_name=item["bureau_name"],
                resolution_number=item["resolution__number"],
                resolution_title=item["resolution__title"],
                assembly_code=item["resolution__assembly__code"],
                counts={value: 0 for value in Readiness.values},
                bureau_is_staff=item["bureau_kind"] in STAFF_BODY_KINDS,
                own=own_code is not None and item["bureau_code"] == own_code,
            )
            order[key] = (
                not rows[key].own,
                item["bureau_order"] is None,
                item["bureau_order"] or 0,
                item["bureau_code"] or "",
                item["resolution__assembly__start_date"],
                item["resolution__number"],
            )
        rows[key].counts[item["readiness"]] += item["n"]
    return [rows[key] for key in sorted(rows, key=order.__getitem__)]


def readiness_gaps(period: ReportingPeriod, user: User) -> QuerySet[Action]:
    """Council actions the user's Bureau owns or contributes to without an approved report."""
    return (
        with_readiness(actions_in_scope(user), period)
        .exclude(readiness=Readiness.APPROVED)
        .select_related("resolution", "clause", "owner")
        .defer(*(f"resolution__{name}" for name in RESOLUTION_TEXT_FIELDS))
        .order_by("sort_key", "pk")
    )


def readiness_counts(period: ReportingPeriod, user: User) -> dict[str, int]:
    """How many Council actions in the user's scope are at each readiness: the dashboard card."""
    found = dict(
        with_readiness(actions_in_scope(user).order_by(), period)
        .values("readiness")
        .annotate(n=Count("pk"))
        .values_list("readiness", "n")
    )
    return {value: found.get(value, 0) for value in Readiness.values}


def report_counts_by_state(user: User) -> dict[str, int]:
    """The user's own progress reports per state: a contributor's dashboard card."""
    found = dict(
        ProgressReport.objects.filter(author=user)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {value: found.get(value, 0) for value in ReportState.values}


def progress_report_list(user: User) -> QuerySet[ProgressReport]:
    """Every report the user may see, with what the reports page shows of each."""
    return (
        permissions.reports_visible_to(user, ProgressReport.objects.for_list())
        .select_related("action__clause", "action__owner")
        .order_by("-report_date", "-pk")
    )


# --- Resolution 83 assessments (issue 9b) ----------------------------------------


@dataclass(frozen=True)
class SuggestedRating:
    """The rating the tracker suggests for a resolution's period, and why."""

    rating: AssessmentRating
    reason: str


def assessment_suggestion(resolution: Resolution, meeting: GoverningBodyMeeting) -> SuggestedRating:
    """A rating computed from the resolution's actions and their approved reports.

    An action counts as carried out in the period when it is completed or has
    an approved report covering some of the period. Three queries, whatever
    the number of actions.
    """
    period = reporting_period(meeting)
    actions = resolution.actions.order_by()
    total = actions.count()
    if total == 0:
        return SuggestedRating(
            AssessmentRating.TOO_EARLY, _("The resolution calls for no trackable action.")
        )
    reported = Q(
        reports__state=ReportState.APPROVED,
        reports__period_start__lte=period.end,
        reports__period_end__gte=period.start,
    )
    figures = actions.aggregate(
        completed=Count("pk", filter=Q(status=ActionStatus.COMPLETED), distinct=True),
        started=Count("pk", filter=~Q(status=ActionStatus.NOT_STARTED), distinct=True),
        covered=Count("pk", filter=Q(status=ActionStatus.COMPLETED) | reported, distinct=True),
    )
    values = {"total": total, **figures}
    if figures["completed"] == total:
        return SuggestedRating(
            AssessmentRating.FULLY_MET,
            ngettext("Its one action is completed.", "All %(total)s actions are completed.", total)
            % values,
        )
    if figures["covered"] == 0 and figures["started"] == 0:
        assembly_closed = resolution.assembly.end_date
        if (period.end - assembly_closed).days < 365:
            return SuggestedRating(
                AssessmentRating.TOO_EARLY,
                ngettext(
                    "Its one action has not started, and the assembly closed less than a "
                    "year before the end of the period.",
                    "None of the %(total)s actions has started, and the assembly closed less "
                    "than a year before the end of the period.",
                    total,
                )
                % values,
            )
        return SuggestedRating(
            AssessmentRating.NOT_MET,
            ngettext(
                "Its one action has not started and has no approved report.",
                "None of the %(total)s actions has started or has an approved report.",
                total,
            )
            % values,
        )
    share = figures["covered"] / total
    if share >= 0.75:
        rating = AssessmentRating.LARGELY_MET
    elif share >= 0.25:
        rating = AssessmentRating.PARTLY_MET
    else:
        rating = AssessmentRating.NOT_MET
    reason = ngettext(
        "%(covered)s of %(total)s action is completed or has an approved report for the "
        "period (by status: %(completed)s completed, %(not_started)s still marked "
        "“Not started”).",
        "%(covered)s of %(total)s actions are completed or have an approved report for the "
        "period (by status: %(completed)s completed, %(not_started)s still marked "
        "“Not started”).",
        total,
    ) % {**values, "not_started": total - figures["started"]}
    return SuggestedRating(rating, reason)


def assessments_awaiting_confirmation(user: User) -> QuerySet[Assessment]:
    """Proposed assessments the user may confirm (none they proposed), the longest waiting first."""
    if not permissions.may_confirm_assessments(user):
        return Assessment.objects.none()
    return (
        Assessment.objects.for_list()
        .filter(state=AssessmentState.PROPOSED)
        .exclude(proposed_by=user)
        .order_by("proposed_at", "pk")
    )


def assessment_timeline(resolution: Resolution) -> list[Assessment]:
    """The resolution's assessments, one per Council period, the latest first."""
    return list(
        Assessment.objects.for_list()
        .filter(resolution=resolution)
        .order_by("-meeting__start_date", "-pk")
    )


def council_meetings() -> QuerySet[GoverningBodyMeeting]:
    """Council sessions, the latest first: those a report or an assessment is for."""
    return GoverningBodyMeeting.objects.filter(kind=MeetingKind.COUNCIL).order_by("-start_date")


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


# How far back a calendar feed goes: a year of past sessions and target dates.
# Calendar applications fetch the feed again and again, and a Bureau's open
# actions of decades carried targets back to 1984 (1 MB, growing each assembly).
CALENDAR_PAST = datetime.timedelta(days=365)


def calendar_events(
    user: User, today: datetime.date, *, bureau_wide: bool = False
) -> list[CalendarEvent]:
    """The deadlines that concern a user: Council sessions and documents due, their targets.

    Council deadlines concern anyone whose Bureau owns or contributes to an
    action that reports to Council, or who is focal point of one. Target
    dates: those of the open actions the user is focal point of, and with
    ``bureau_wide`` those of every open action their Bureau owns too. Both
    from ``CALENDAR_PAST`` ago on.
    """
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
                today - CALENDAR_PAST
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
                    end=_day_after(session.document_deadline),
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
                    end=_day_after(session.end_date),
                    provisional=session.provisional,
                )
            )
    targets = Action.objects.open().filter(target_date__gte=today - CALENDAR_PAST)
    if bureau_wide and user.bureau_id:
        targets = targets.filter(focal_point=user) | targets.owned_by_bureau(user.bureau_id)
    else:
        targets = targets.filter(focal_point=user)
    for action in targets.select_related("resolution").order_by("target_date", "pk"):
        events.append(
            CalendarEvent(
                uid=f"action-{action.pk}-target",
                summary=_("Target date: %(action)s")
                % {"action": display.short_action_name(action)},
                start=action.target_date,
                end=_day_after(action.target_date),
                url=reverse("action_detail", args=[action.pk]),
            )
        )
    return events


def _day_after(day: datetime.date) -> datetime.date:
    """The exclusive end of an all-day event; the calendar's last day has none (the feed then
    gives no end, and the event lasts its day).

    Forms and the API keep dates within ``validators.planning_date_validators``;
    one stored before that rule, or written by a script, still leaves every
    feed readable.
    """
    return day if day == datetime.date.max else day + datetime.timedelta(days=1)


def has_approved_report(action: Action) -> bool:
    """Whether an approved progress report says what was done on the action."""
    return action.reports.filter(state=ReportState.APPROVED).exists()


def focal_point_candidates(bureau_ids: Iterable[int]) -> QuerySet[User]:
    """Who may follow an action these Bureaux own or contribute to: their active staff,
    coordinators and administrators, the people who may report on it.

    Readers are not among them: a focal point writes the action's reports.
    """
    roles = [Role.BUREAU_STAFF, Role.COORDINATOR, Role.ADMINISTRATOR]
    return User.objects.filter(
        Q(is_superuser=True) | Q(pk__in=User.objects.filter(groups__name__in=roles).values("pk")),
        is_active=True,
        bureau_id__in=bureau_ids,
    )


# How many people the focal point box suggests at a time, and how much of
# what was typed is read: enough to find anyone by a few letters of a name.
PEOPLE_SUGGESTED = 20
PEOPLE_SEARCH_WORDS = 4
PEOPLE_SEARCH_MAX_LENGTH = 100


def people_matching(people: QuerySet[User], text: str) -> list[User]:
    """The first people whose name or username has every word typed, in any case.

    With nothing typed, the first people by name. Not by e-mail address: a
    few letters at a time would spell out colleagues' addresses. SQLite
    compares only ASCII letters without regard to case, so each word is also
    tried as it is written in names ("KONÉ" finds "Koné" there too).
    """
    words = text[:PEOPLE_SEARCH_MAX_LENGTH].replace("\x00", "").split()[:PEOPLE_SEARCH_WORDS]
    for word in words:
        found = Q()
        for form in {word, word.lower(), word.capitalize()}:
            found |= (
                Q(first_name__icontains=form)
                | Q(last_name__icontains=form)
                | Q(username__icontains=form)
            )
        people = people.filter(found)
    return list(
        people.select_related("bureau")
        .only("username", "first_name", "last_name", "bureau__code")
        .order_by("last_name", "first_name", "username")[:PEOPLE_SUGGESTED]
    )


def unread_notification_count(user: User) -> int:
    """How many notifications the user has not marked read (the header's badge)."""
    return Notification.objects.filter(recipient=user).unread().count()


# --- The audit trail, as people read it ------------------------------------------

# How many changes a page shows: the latest ones. The admin's history has them all.
CHANGES_SHOWN = 20

# Bookkeeping columns that move with every write and say nothing to a reader.
_UNTOLD_FIELDS = frozenset(
    {"id", "version", "created_at", "updated_at", "changed_at", "submitted_at", "reviewed_at"}
)


@dataclass(frozen=True)
class FieldChange:
    """One field of a record, from what to what, as the page shows them."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """One row of an object's history: who, when, why and which fields changed."""

    at: datetime.datetime
    by: User | None
    note: str
    created: bool
    fields: list[FieldChange]


def _shown(field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return str(related.get((field.related_model, value), value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return display.moment(value)
    if isinstance(value, datetime.date):
        return display.day(value)
    return str(value)


def record_changes(history: QuerySet, *, size: int = CHANGES_SHOWN) -> tuple[list[Change], bool]:
    """The latest ``size`` changes in ``history`` (an object's ``.history``), newest first,
    each with the fields it changed from what to what; and whether older ones exist.

    Reads ``size`` + 1 rows whatever the history holds, then the people and
    bodies they name, one query per kind.
    """
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: size + 1]
    )
    fields = [
        f for f in history.model.tracked_fields if f.name not in _UNTOLD_FIELDS and f.concrete
    ]
    # Which fields each row changed; the first row of a history (a creation,
    # or the state found when the trail began) has nothing to compare with.
    changed: list[tuple] = []
    for index, record in enumerate(records[:size]):
        before = records[index + 1] if index + 1 < len(records) else None
        first = record.history_type == "+" or before is None
        differing = [
            field
            for field in ([] if first else fields)
            if getattr(before, field.attname) != getattr(record, field.attname)
        ]
        changed.append((record, before, first, differing))
    # Names for the people and bodies that changed: one query per kind.
    wanted: dict[type, set] = {}
    for record, before, _first, differing in changed:
        for field in differing:
            if field.is_relation:
                for row in (before, record):
                    if getattr(row, field.attname) is not None:
                        wanted.setdefault(field.related_model, set()).add(
                            getattr(row, field.attname)
                        )
    related = {
        (model, pk): obj
        for model, pks in wanted.items()
        for pk, obj in model._base_manager.in_bulk(pks).items()
    }
    changes = [
        Change(
            at=record.history_date,
            by=record.history_user,
            note=record.history_change_reason or "",
            created=first,
            fields=[
                FieldChange(
                    label=str(field.verbose_name),
                    old=_shown(field, getattr(before, field.attname), related),
                    new=_shown(field, getattr(record, field.attname), related),
                )
                for field in differing
            ],
        )
        for record, before, first, differing in changed
    ]
    return changes, len(records) > size


def report_changes(
    report: ProgressReport, *, size: int = CHANGES_SHOWN
) -> tuple[list[Change], bool]:
    """A report's changes (text, period, state, review) and its evidence links added or
    removed, newest first, ``size`` at most; and whether older ones exist."""
    changes, more = record_changes(report.history.all(), size=size)
    links = list(
        EvidenceLink.history.filter(report_id=report.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: size + 1]
    )
    label = str(EvidenceLink._meta.verbose_name)
    for link in links[:size]:
        added = link.history_type == "+"
        changes.append(
            Change(
                at=link.history_date,
                by=link.history_user,
                note="",
                created=False,
                fields=[
                    FieldChange(
                        label=label, old="—" if added else link.url, new=link.url if added else "—"
                    )
                ],
            )
        )
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:size], more or len(links) > size or len(changes) > size
