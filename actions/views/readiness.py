"""Readiness for a Council session: which actions that report to Council still lack a report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from wtsa_tracker.filters import parse_id
from wtsa_tracker.pagination import DeferredJoinPaginator

from .. import selectors
from ..choices import COUNCIL_RECIPIENTS, Readiness
from .shared import action_list_url, may_add_meetings, say_no_such_session

COUNCIL_DUTIES = sorted(recipient.value for recipient in COUNCIL_RECIPIENTS)
# Thirty years of assemblies give thousands of each: a page of them at a time.
ROWS_PER_PAGE = 50
GAPS_PER_PAGE = 25


@login_required
@require_safe
def council_readiness(request: HttpRequest) -> HttpResponse:
    """Per Bureau and resolution, the Council actions with an approved report, and the gaps."""
    user = request.user
    today = timezone.localdate()
    # The latest first, as on the Council report's and the assessments' pages.
    sessions = list(selectors.council_meetings())
    chosen = request.GET.get("meeting", "")
    pk = parse_id(chosen)
    session = next((s for s in sessions if s.pk == pk), None)
    # A session asked for that is not one (a stale link, a typed address) is
    # refused with a 400 that says so, over the next session's counts.
    status = 400 if chosen and session is None else 200
    if status == 400:
        say_no_such_session(request, chosen)
    if session is None:  # the next session
        session = next((s for s in reversed(sessions) if s.start_date >= today), None)
    context = {
        "section": "readiness",
        "sessions": sessions,
        "session": session,
        "readiness": list(Readiness),
        "may_add_meetings": may_add_meetings(user),
        "bureau": user.bureau,
    }
    if session is not None:
        period = selectors.reporting_period(session)
        rows = selectors.council_readiness(period, user)
        rows_page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        for row in rows_page:
            # Each count with its column's name: on a phone a row is a card.
            row.cells = [{"label": r.label, "count": row.counts[r.value]} for r in Readiness]
            # A study group's actions count for its Bureau; a body no Bureau
            # supports (the membership) is listed by its own code.
            by_body = {"bureau" if row.bureau_is_staff else "owner": row.bureau_code}
            row.url = action_list_url(
                assembly=row.assembly_code,
                resolution=row.resolution_number,
                reports_to=COUNCIL_DUTIES,
                **by_body,
            )
        gaps = None
        if user.bureau_id:
            gaps = DeferredJoinPaginator(
                selectors.readiness_gaps(period, user), GAPS_PER_PAGE
            ).get_page(request.GET.get("gaps_page"))
            for action in gaps:
                action.readiness_label = Readiness(action.readiness).label
            # The same actions on the actions list, to filter further or download.
            context["gaps_url"] = action_list_url(
                involves=user.bureau.code,
                council=session.pk,
                readiness=[value for value in Readiness.values if value != Readiness.APPROVED],
            )
        context.update(
            period=period,
            rows=rows_page,
            total=sum(row.total for row in rows),
            totals=[
                {"label": r.label, "count": sum(row.counts[r.value] for row in rows)}
                for r in Readiness
            ],
            gaps=gaps,
            reports_url=f"?council={session.pk}",
        )
    return render(request, "actions/council_readiness.html", context, status=status)
