"""Helpers the staff views share: links to pages, the action page, POST-only views,
the errors of filters.

Views import these, never each other.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from resolutions.models import Assembly

from .. import permissions, selectors
from ..choices import COUNCIL_RECIPIENTS, EDITABLE_REPORT_STATES, OPEN_STATUSES, ActionStatus
from ..forms import (
    ActionPlanningForm,
    ProgressReportForm,
    StatusChangeForm,
    evidence_formset,
    report_form_initial,
)
from ..models import Action

OPEN_STATUS_VALUES = [status.value for status in ActionStatus if status in OPEN_STATUSES]


def action_list_url(**params) -> str:
    """The action list, filtered: ``action_list_url(bureau="BDT", status=[...])``."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
    url = reverse("action_list")
    return f"{url}?{query}" if query else url


def report_list_url(**params) -> str:
    """The progress reports page, filtered: ``report_list_url(author="jdoe", state="draft")``."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
    url = reverse("report_list")
    return f"{url}?{query}" if query else url


def unfinished_reports_url(user) -> str:
    """The reports page with every one of the user's unfinished reports."""
    return report_list_url(author=user.get_username(), state=sorted(EDITABLE_REPORT_STATES))


def say_no_such_session(request: HttpRequest, asked: str) -> None:
    """Tell the person that ``?meeting=`` names no Council session (a stale link, a
    typed address); the page answers 400 over its default session."""
    messages.error(
        request,
        _("There is no Council session “%(meeting)s”: choose one from the list.")
        # Only what prints: a NUL or a control character typed in the address is no name.
        % {"meeting": "".join(c for c in asked[:20] if c.isprintable())},
    )


def may_add_meetings(user) -> bool:
    """Whether to offer the admin page that records Council sessions."""
    return user.is_staff and permissions.is_administrator(user)


def detail_url(action_pk: int, report_pk: int | None = None) -> str:
    url = reverse("action_detail", args=[action_pk])
    return f"{url}#report-{report_pk}" if report_pk else url


def post_only(page: Callable[[HttpRequest, int], str] = lambda request, pk: detail_url(pk)):
    """A view that acts on POST; a GET of its URL is sent to the page it acts from (303).

    The browser opens these URLs by GET after a reload or from its history; an
    empty 405 would look like a broken page. ``page`` gives that page's address
    from the URL's ``pk`` (the action's page, by default).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
            if request.method in {"GET", "HEAD"}:
                return HttpResponseRedirect(page(request, pk), status=HTTPStatus.SEE_OTHER)
            return view(request, pk)

        return require_http_methods(["GET", "HEAD", "POST"])(wrapped)

    return decorator


# The years a ``?before=`` moment may name; outside them the page starts from the newest.
TIMELINE_YEARS = (1900, 9000)


def assembly_code_in_any_case(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A resolution's page reached with its assembly in other letters (``wtsa-20``) redirects.

    Looked up only when the code as typed finds nothing, so the page costs no
    query more; a form sent to such an address is not resent, and stays a 404.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, assembly: str, number: int, *args, **kwargs):
        try:
            return view(request, assembly, number, *args, **kwargs)
        except Http404:
            if request.method not in {"GET", "HEAD"}:
                raise
            codes = Assembly.objects.filter(code__iexact=assembly).values_list("code", flat=True)
            code = codes.first()
            if code is None or code == assembly:
                raise
            url = reverse(request.resolver_match.view_name, args=[code, number])
            query = request.META.get("QUERY_STRING", "")
            # Not permanent: the resolution may not exist under that number either.
            return HttpResponseRedirect(f"{url}?{query}" if query else url)

    return wrapped


def _timeline_start(request: HttpRequest) -> datetime.datetime | None:
    """Where the page of history starts: ``?before=`` (an ISO moment), else the newest.

    A moment that cannot be read ("2025-13-45T00:00") or lies outside the
    years any history can hold starts from the newest, as the page does
    without one: such a link was not made by the page.
    """
    try:
        value = parse_datetime(request.GET.get("before", "") or "")
    except ValueError:
        return None
    if value is None or not TIMELINE_YEARS[0] <= value.year <= TIMELINE_YEARS[1]:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def render_detail(
    request: HttpRequest,
    action: Action,
    *,
    status: int = 200,
    status_form: StatusChangeForm | None = None,
    planning_form: ActionPlanningForm | None = None,
    report_form: ProgressReportForm | None = None,
    evidence_forms=None,
    review_errors: dict[int, list[str]] | None = None,
    review_notes: dict[int, str] | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    before = _timeline_start(request)
    timeline = selectors.action_timeline(action, user, before=before)
    for entry in timeline.entries:
        if entry.kind == "report":
            report = entry.item
            report.can_edit = permissions.can_edit_report(user, report)
            report.can_review = permissions.can_review_report(user, report)
            report.review_errors = (review_errors or {}).get(report.pk, [])
            report.review_draft = (review_notes or {}).get(report.pk, "")
    can_change = permissions.can_change_status(user, action)
    can_edit = permissions.can_edit_action(user, action)
    can_write = permissions.can_write_report(user, action)
    duties = list(action.obligations.all())
    # A duty the text writes for the whole resolution, unless the item repeats it.
    own = {duty.recipient for duty in duties}
    resolution_duties = [
        duty
        for duty in action.resolution.reporting_duties.select_related("clause")
        if duty.recipient not in own
    ]
    reports_to_council = any(
        duty.recipient in COUNCIL_RECIPIENTS for duty in [*duties, *resolution_duties]
    )
    council = selectors.next_council_deadline(today) if reports_to_council else None
    if can_write and report_form is None:
        period = selectors.report_period_default(today, action.resolution.assembly)
        report_form = ProgressReportForm(initial=report_form_initial(period))
        evidence_forms = evidence_formset()
    if can_edit and planning_form is None:
        planning_form = ActionPlanningForm(action=action)
    context = {
        "section": "actions",
        "action": action,
        "clause": action.clause,
        "sub_items": list(action.clause.children.all()),
        "duties": duties,
        "resolution_duties": resolution_duties,
        "reports_to_council": reports_to_council,
        "council": council,
        "may_add_meetings": reports_to_council and may_add_meetings(user),
        "owning_bureau": action.owning_bureau,
        "today": today,
        "overdue": action.is_overdue(today),
        "timeline": timeline.entries,
        "timeline_older": timeline.older,
        "timeline_is_first_page": before is None,
        # After a refused change (409) the plan form may show values someone
        # else has changed since: its version must not follow the action's on
        # its own (the status panel's htmx swap takes only #plan-version-sync).
        "plan_version_follows": status != 409,
        "can_change_status": can_change,
        "can_edit_action": can_edit,
        "can_write_report": can_write,
        # Someone who would report but has no Bureau is told why the form is missing.
        "no_bureau": not can_write
        and user.bureau_id is None
        and (permissions.is_administrator(user) or permissions.is_bureau_staff_role(user)),
        "next_steps": permissions.allowed_next_statuses(user, action),
        "status_form": status_form,
        "status_note": (status_form["note"].value() or "") if status_form else "",
        "planning_form": planning_form,
        "report_form": report_form,
        "evidence_forms": evidence_forms,
    }
    # The audit trail: the latest changes to the action, by whom, from what to what.
    changes, more = selectors.record_changes(action.history.all())
    context.update(
        changes=changes,
        changes_more=more,
        history_url=history_url(request, action),
    )
    return render(request, "actions/action_detail.html", context, status=status)


def history_url(request: HttpRequest, obj) -> str:
    """The admin's full history of ``obj`` for those who may open the admin, else ""."""
    if not request.user.is_staff:
        return ""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])


# --- Filters a list or an export could not read ---------------------------------


@dataclass(frozen=True)
class FilterError:
    label: str
    message: str
    anchor: str


def filter_errors(form: forms.Form) -> list[FilterError]:
    """Each error of the filter form with its field's label, for a summary that links to it."""
    errors = []
    for name, field_errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None else _("Filters")
        anchor = "target_date_after" if name == "target_date" else f"id_{name}"
        errors.extend(FilterError(label, message, anchor) for message in field_errors)
    return errors


def filters_refused(form: forms.Form) -> HttpResponse:
    """An export's answer to filters it cannot read: each named, in plain text."""
    lines = [_("Nothing was exported: these filters could not be read.")]
    lines += [f"{error.label}: {error.message}" for error in filter_errors(form)]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
