"""Editing a progress report and moving it through submit, approve or return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wtsa_tracker.errors import StaleVersion, TransitionRefused

from .. import permissions, selectors
from ..choices import EDITABLE_REPORT_STATES, ReportState
from ..display import moment, person, report_panel
from ..forms import (
    ProgressReportEditForm,
    ReportTransitionForm,
    evidence_formset,
    focus_once,
)
from ..models import ProgressReport
from ..selectors import action_detail_queryset
from ..services.reports import progress_report_transition, progress_report_update
from .shared import detail_url, history_url, post_only, render_detail


def _visible_report(request: HttpRequest, pk: int) -> ProgressReport:
    return get_object_or_404(
        permissions.reports_visible_to(request.user)
        .select_related(
            "action__resolution__assembly",
            "action__owner",
            "action__clause",
            "author",
            "bureau",
            "reviewed_by",
        )
        .prefetch_related("evidence_links", "action__collaborators"),
        pk=pk,
    )


def _report_change_message(report: ProgressReport, user) -> str:
    """Why a save was refused: who made the report's latest change, and when.

    The history says it (an edit of the text after a return is the latest
    change, not the return); the user's own change in another tab says so.
    """
    latest = report.history.select_related("history_user").order_by("-history_date").first()
    values = {
        "state": report.get_state_display(),
        "when": moment(latest.history_date if latest else report.updated_at),
    }
    if latest is not None and latest.history_user_id == user.pk:
        return (
            _(
                "You changed this report in another tab or window on %(when)s: it is now "
                "“%(state)s”. This change was not saved."
            )
            % values
        )
    if latest is not None and latest.history_user is not None:
        values["who"] = person(latest.history_user)
        return (
            _(
                "Someone changed this report while you were working on it: it is now "
                "“%(state)s” (last changed by %(who)s on %(when)s). Your change was not saved."
            )
            % values
        )
    return (
        _(
            "Someone changed this report while you were working on it: it is now "
            "“%(state)s” (last changed on %(when)s). Your change was not saved."
        )
        % values
    )


def _render_report_form(
    request: HttpRequest, report: ProgressReport, form, links, *, status=200, unsaved=""
) -> HttpResponse:
    context = {
        "section": "actions",
        "report": report,
        "action": report.action,
        "form": form,
        "evidence_forms": links,
        "editable": report.state in EDITABLE_REPORT_STATES,
        "unsaved": unsaved,
    }
    # The audit trail: every version of the text and every review, latest first.
    changes, more = selectors.report_changes(report)
    context.update(changes=changes, changes_more=more, history_url=history_url(request, report))
    return render(request, "actions/report_form.html", context, status=status)


def _fresh_report_form(report: ProgressReport) -> ProgressReportEditForm:
    return ProgressReportEditForm(
        initial={
            "period_start": report.period_start,
            "period_end": report.period_end,
            "text": report.text,
            "version": report.version,
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or returned report, and submit it if the author wishes."""
    report = _visible_report(request, pk)
    user = request.user
    # Administrators correct reports of any Bureau; the report stays that Bureau's.
    if not (
        permissions.can_write_report(user, report.action) or permissions.is_administrator(user)
    ):
        raise PermissionDenied(permissions.EDIT_REPORT_REFUSED)
    if request.method == "GET":
        if report.state not in EDITABLE_REPORT_STATES:
            messages.info(
                request,
                _("This report is “%(state)s”: it can no longer be edited.")
                % {"state": report.get_state_display()},
            )
            return redirect(detail_url(report.action_id, report.pk))
        if not permissions.can_edit_report(user, report):
            raise PermissionDenied(permissions.EDIT_REPORT_REFUSED)
        return _render_report_form(
            request, report, _fresh_report_form(report), evidence_formset(report=report)
        )

    # Every answer below shows the report's history, its drafts included: for its Bureau only.
    if not permissions.writes_report(user, report):
        raise PermissionDenied(permissions.EDIT_REPORT_REFUSED)
    form = ProgressReportEditForm(request.POST, report_date=report.report_date)
    links = evidence_formset(request.POST)
    # Both checked, so that every error shows at once.
    if not all([form.is_valid(), links.is_valid()]):
        messages.error(request, _("The report was not saved: correct the fields marked below."))
        focus_once(form, *links.forms)
        return _render_report_form(request, report, form, links, status=400)
    unsaved = form.cleaned_data["text"]
    if report.state not in EDITABLE_REPORT_STATES:
        messages.error(request, _report_change_message(report, request.user))
        return _render_report_form(request, report, None, None, status=409, unsaved=unsaved)
    try:
        progress_report_update(
            report=report,
            by=user,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            evidence=links.evidence(),
            submit="submit" in request.POST,
        )
    except StaleVersion as stale:
        current = _visible_report(request, stale.current.pk)
        messages.error(request, _report_change_message(current, request.user))
        return _render_report_form(
            request,
            current,
            _fresh_report_form(current) if current.state in EDITABLE_REPORT_STATES else None,
            evidence_formset(report=current),
            status=409,
            unsaved=unsaved,
        )
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _render_report_form(request, report, form, links, status=400)
    if report.state == ReportState.SUBMITTED:
        message = _("Your report was saved and submitted for approval.")
    else:
        message = _("Your report was saved.")
    messages.success(request, message, extra_tags=report_panel(report.pk))
    return redirect(detail_url(report.action_id, report.pk))


REPORT_TRANSITION_MESSAGES = {
    ReportState.SUBMITTED: gettext_lazy("The report was submitted for approval."),
    ReportState.APPROVED: gettext_lazy("The report was approved."),
    ReportState.RETURNED: gettext_lazy("The report was returned to its Bureau with your reason."),
}


def _report_action_page(request: HttpRequest, pk: int) -> str:
    return detail_url(
        get_object_or_404(
            permissions.reports_visible_to(request.user).values_list("action_id", flat=True), pk=pk
        )
    )


@login_required
@post_only(page=_report_action_page)
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a report, or approve or return it (coordinators)."""
    report = _visible_report(request, pk)
    action = get_object_or_404(action_detail_queryset(), pk=report.action_id)
    form = ReportTransitionForm(request.POST)
    if not form.is_valid():
        if set(form.errors) == {"note"}:  # the reason as typed, its error under its box
            return render_detail(
                request,
                action,
                status=400,
                review_errors={report.pk: form.errors["note"]},
                review_notes={report.pk: request.POST.get("note", "")},
            )
        messages.error(request, _("That request was incomplete: nothing was saved."))
        return render_detail(request, action, status=400)
    version = form.cleaned_data["version"]
    try:
        progress_report_transition(
            report=report,
            to=form.cleaned_data["to"],
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=version,
        )
    except (StaleVersion, TransitionRefused) as refused:
        current = _visible_report(request, pk)
        if isinstance(refused, StaleVersion) or version != current.version:
            message = _report_change_message(current, request.user)
        else:
            message = str(refused)
        messages.error(request, message, extra_tags=report_panel(report.pk))
        # A reason for returning is kept, should the return form still be offered.
        notes = {report.pk: form.cleaned_data["note"]}
        return render_detail(request, action, status=409, review_notes=notes)
    except ValidationError as invalid:
        return render_detail(
            request,
            action,
            status=400,
            review_errors={report.pk: invalid.messages},
            review_notes={report.pk: form.cleaned_data["note"]},
        )
    messages.success(
        request,
        str(REPORT_TRANSITION_MESSAGES[ReportState(report.state)]),
        extra_tags=report_panel(report.pk),
    )
    return redirect(detail_url(action.pk, report.pk))
