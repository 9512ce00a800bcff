"""The dashboard: the actions my Bureau is involved in, deadlines, reports to finish or approve."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import permissions, selectors
from ..choices import IN_FORCE_STATUSES, STAFF_BODY_KINDS, Readiness, ReportState
from .shared import (
    OPEN_STATUS_VALUES,
    action_list_url,
    may_add_meetings,
    report_list_url,
    unfinished_reports_url,
)

DASHBOARD_ROWS = 10


@dataclass
class ChartSegment:
    value: str
    label: str
    count: int
    width: str = "0"


@dataclass
class ChartRow:
    label: str
    title: str
    url: str
    total: int = 0
    segments: list[ChartSegment] = field(default_factory=list)


def _chart(rows: dict[tuple, ChartRow], counts: list[dict], key) -> list[ChartRow]:
    """Fill one stacked bar per row; bar lengths compare across rows."""
    for item in counts:
        row = rows[key(item)]
        row.total += item["n"]
        for segment in row.segments:
            if segment.value == item["status"]:
                segment.count += item["n"]
    widest = max((row.total for row in rows.values()), default=0) or 1
    for row in rows.values():
        for segment in row.segments:
            # A string, so a French locale never writes "12,5%" into the CSS.
            segment.width = f"{100 * segment.count / widest:.2f}"
    return list(rows.values())


def _segments() -> list[ChartSegment]:
    return [ChartSegment(status.value, status.label, 0) for status in IN_FORCE_STATUSES]


def _status_by_bureau() -> list[ChartRow]:
    counts = selectors.status_counts_by_bureau()
    rows: dict[tuple, ChartRow] = {}
    for item in counts:
        code = item["bureau_code"]
        if (code,) in rows:
            continue
        if code is None:
            label, title, url = _("No owner"), _("Owner not known"), action_list_url()
        elif item["bureau_kind"] in STAFF_BODY_KINDS:
            label, title, url = code, item["bureau_name"], action_list_url(bureau=code)
        else:
            label, title, url = code, item["bureau_name"], action_list_url(owner=code)
        rows[(code,)] = ChartRow(label, title, url, segments=_segments())
    return _chart(rows, counts, lambda c: (c["bureau_code"],))


def _status_by_resolution(counts: list[dict]) -> list[ChartRow]:
    several_assemblies = len({c["resolution__assembly__code"] for c in counts}) > 1
    rows: dict[tuple, ChartRow] = {}
    for item in counts:
        key = (item["resolution__assembly__code"], item["resolution__number"])
        if key in rows:
            continue
        label = _("Res. %(number)s") % {"number": key[1]}
        if several_assemblies:
            label = f"{label} ({key[0]})"
        url = action_list_url(assembly=key[0], resolution=key[1])
        rows[key] = ChartRow(label, item["resolution__title"], url, segments=_segments())
    return _chart(
        rows, counts, lambda c: (c["resolution__assembly__code"], c["resolution__number"])
    )


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    bureau = user.bureau
    scope_params = {"involves": bureau.code} if bureau else {}
    rows = selectors.status_counts(user)
    counts = {row["status"]: row["n"] for row in rows}
    owned_count = sum(row["owned"] for row in rows)
    by_status = [
        {
            "value": status.value,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "url": action_list_url(**scope_params, status=status.value),
        }
        for status in IN_FORCE_STATUSES
    ]
    overdue = selectors.overdue_actions(user, today)
    awaiting = None
    if permissions.is_administrator(user) or permissions.is_coordinator(user):
        awaiting = selectors.reports_awaiting_review(user)
    recent = selectors.recent_status_changes(user, DASHBOARD_ROWS)
    resolution_counts, resolutions_with_actions = selectors.status_counts_by_resolution()
    council = selectors.next_council_deadline(today)
    # Issue 9: readiness for the next Council session, and one's own reports.
    readiness = None
    if council is not None:
        period = selectors.reporting_period(council.session)
        counts_by = selectors.readiness_counts(period, user)
        readiness = {
            "period": period,
            "url": reverse("council_readiness"),
            "total": sum(counts_by.values()),
            "items": [
                {"value": r.value, "label": r.label, "count": counts_by[r.value]} for r in Readiness
            ],
        }
    my_reports = None
    if permissions.is_bureau_staff(user):
        mine = selectors.report_counts_by_state(user)
        my_reports = [
            {
                "label": state.label,
                "count": mine[state.value],
                "url": report_list_url(author=user.get_username(), state=state.value),
            }
            for state in ReportState
        ]

    context = {
        "section": "dashboard",
        "bureau": bureau,
        "today": today,
        "by_status": by_status,
        "total": sum(counts.values()),
        "owned_count": owned_count,
        "owned_url": action_list_url(bureau=bureau.code) if bureau else "",
        "open_url": action_list_url(**scope_params, status=OPEN_STATUS_VALUES),
        "all_url": action_list_url(**scope_params),
        "overdue_url": action_list_url(**scope_params, overdue="true"),
        "overdue_count": overdue.count(),
        "overdue_rows": list(overdue[:DASHBOARD_ROWS]),
        "council": council,
        "readiness": readiness,
        "my_reports": my_reports,
        "may_add_meetings": may_add_meetings(user),
        # issue 10: projected sessions an administrator should confirm or correct.
        "provisional_meetings": (
            list(selectors.provisional_meetings(today)) if may_add_meetings(user) else []
        ),
        "unfinished": selectors.unfinished_reports(user),
        "unfinished_url": unfinished_reports_url(user),
        "awaiting_count": awaiting.count() if awaiting is not None else 0,
        "awaiting": list(awaiting[:DASHBOARD_ROWS]) if awaiting is not None else None,
        # One more than shown: whether to say that more wait, without counting them.
        "assessments_awaiting": (
            list(selectors.assessments_awaiting_confirmation(user)[: DASHBOARD_ROWS + 1])
            if permissions.may_confirm_assessments(user)
            else None
        ),
        "dashboard_rows": DASHBOARD_ROWS,
        "recent": list(recent),
        "chart_by_bureau": _status_by_bureau(),
        "chart_by_resolution": _status_by_resolution(resolution_counts),
        "resolutions_with_actions": resolutions_with_actions,
        "statuses": list(IN_FORCE_STATUSES),
    }
    return render(request, "actions/dashboard.html", context)
