"""Reads that several entry points share: pages, the API, tasks and reports.

Each function returns rows or a queryset with what its callers display
loaded; none writes. What a user may see is decided by ``actions.permissions``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Max, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from resolutions.models import Assembly

from . import display, permissions
from .choices import OPEN_STATUSES, MeetingKind, ReportState
from .models import Action, EvidenceLink, GoverningBodyMeeting, ProgressReport, StatusChange, User


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


DASHBOARD_RESOLUTIONS = 15


def status_counts_by_resolution(limit: int = DASHBOARD_RESOLUTIONS) -> tuple[list[dict], int]:
    """Actions per status for the ``limit`` resolutions with the most open actions.

    Thirty years of assemblies hold about a thousand resolutions; a chart of
    them all would be a page of its own. Returns the counts, in the order of
    assemblies and numbers, and how many resolutions have actions at all.
    """
    per_resolution = Action.objects.order_by().values("resolution")
    top = (
        per_resolution.annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)), total=Count("pk")
        )
        .order_by("-open", "-total", "resolution")
        .values_list("resolution", flat=True)[:limit]
    )
    counts = list(
        Action.objects.filter(resolution__in=top)
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
    last_report_end: datetime.date | None


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
        .prefetch_related("evidence_links", "editors")
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        changes = changes.filter(changed_at__lt=before)
        reports = reports.filter(created_at__lt=before)
    entries = [TimelineEntry("status", c.changed_at, c) for c in changes[: size + 1]]
    entries += [TimelineEntry("report", r.created_at, r) for r in reports[: size + 1]]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    older = entries[size - 1].at if len(entries) > size else None
    last_end = (
        permissions.reports_visible_to(user)
        .filter(action=action)
        .aggregate(last=Max("period_end"))["last"]
    )
    return Timeline(entries[:size], older, last_end)


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
