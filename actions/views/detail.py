"""One action's page and the forms posted from it: status, plan, new report."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import permissions
from ..choices import COUNCIL_RECIPIENTS
from ..forms import (
    ActionPlanningForm,
    ProgressReportForm,
    StatusChangeForm,
    evidence_formset,
    report_form_initial,
)
from ..models import Action, ProgressReport
from ..services import (
    StaleVersion,
    TransitionRefused,
    action_transition,
    action_update,
    progress_report_create,
)
from ..templatetags.tracker import action_name, day, moment, person
from .dashboard import council_deadline, may_add_meetings


def detail_queryset():
    return Action.objects.for_list().select_related(
        "clause__parent", "owner__supporting_bureau", "resolution__assembly"
    )


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
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(action=action)
        .select_related("author", "bureau", "reviewed_by")
        .prefetch_related("evidence_links")
    )
    for report in reports:
        report.can_edit = permissions.can_edit_report(user, report)
        report.can_review = permissions.can_review_report(user, report)
        report.review_errors = (review_errors or {}).get(report.pk, [])
        report.review_draft = (review_notes or {}).get(report.pk, "")
    changes = list(action.status_changes.select_related("changed_by"))
    timeline = sorted(
        [{"kind": "status", "at": c.changed_at, "item": c} for c in changes]
        + [{"kind": "report", "at": r.created_at, "item": r} for r in reports],
        key=lambda entry: entry["at"],
        reverse=True,
    )
    can_change = permissions.can_change_status(user, action)
    can_edit = permissions.can_edit_action(user, action)
    can_write = permissions.can_write_report(user, action)
    duties = list(action.obligations.all())
    reports_to_council = any(duty.recipient in COUNCIL_RECIPIENTS for duty in duties)
    council = council_deadline(today) if reports_to_council else None
    if can_write and report_form is None:
        last_end = max((r.period_end for r in reports), default=None)
        report_form = ProgressReportForm(initial=report_form_initial(action, today, last_end))
        evidence_forms = evidence_formset()
    if can_edit and planning_form is None:
        planning_form = ActionPlanningForm(action=action)
    context = {
        "section": "actions",
        "action": action,
        "clause": action.clause,
        "sub_items": list(action.clause.children.all()),
        "duties": duties,
        "reports_to_council": reports_to_council,
        "council": council,
        "may_add_meetings": reports_to_council and may_add_meetings(user),
        "owning_bureau": action.owning_bureau,
        "today": today,
        "overdue": action.is_overdue(today),
        "timeline": timeline,
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
    return render(request, "actions/action_detail.html", context, status=status)


@login_required
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_object_or_404(detail_queryset(), pk=pk))


def _last_change(action: Action) -> dict[str, str]:
    """Who changed the action last and when, as far as the history tells.

    Only status changes record who made them: after a change of plan the
    date is known, not the person.
    """
    last = action.status_changes.select_related("changed_by").first()
    if last is not None and last.changed_at == action.changed_at:
        return {"who": person(last.changed_by), "when": moment(last.changed_at)}
    return {"when": moment(action.changed_at or action.updated_at)}


def _stale_status(request: HttpRequest, pk: int, note: str) -> HttpResponse:
    """Show the status as it is now, say who changed it, and keep the user's note."""
    current = get_object_or_404(detail_queryset(), pk=pk)
    values = {"status": current.get_status_display(), **_last_change(current)}
    if "who" in values:
        message = _(
            "Someone changed this action while you were editing: it is now “%(status)s” "
            "(by %(who)s on %(when)s). Your change was not saved: the current values are "
            "shown below."
        )
    else:
        message = _(
            "Someone changed this action while you were editing: it is now “%(status)s” "
            "(last changed on %(when)s). Your change was not saved: the current values are "
            "shown below."
        )
    if note:
        message += " " + _("Your note is kept in the form: choose the new status again.")
    messages.error(request, message % values)
    form = StatusChangeForm(initial={"note": note, "version": current.version})
    return render_detail(request, current, status=409, status_form=form)


def _stale_plan(request: HttpRequest, pk: int, typed: ActionPlanningForm) -> HttpResponse:
    """Say what the plan is now and who changed it; keep what the user chose, to save again."""
    current = get_object_or_404(detail_queryset(), pk=pk)
    values = {
        "focal_point": person(current.focal_point) or _("nobody"),
        "target_date": day(current.target_date) or _("not set"),
        **_last_change(current),
    }
    if "who" in values:
        message = _(
            "Someone changed this action while you were editing (%(who)s on %(when)s). "
            "Now the focal point is %(focal_point)s and the target date is %(target_date)s."
        )
    else:
        message = _(
            "Someone changed this action while you were editing (last changed on %(when)s). "
            "Now the focal point is %(focal_point)s and the target date is %(target_date)s."
        )
    message += " " + _(
        "Your change was not saved. What you chose is kept in the form: "
        "save the plan again to replace the current values."
    )
    messages.error(request, message % values)
    form = ActionPlanningForm(
        action=current,
        initial={
            "focal_point": typed.cleaned_data["focal_point"],
            "target_date": typed.cleaned_data["target_date"],
            "version": current.version,
        },
    )
    return render_detail(request, current, status=409, planning_form=form)


def detail_url(action_pk: int, report_pk: int | None = None) -> str:
    url = reverse("action_detail", args=[action_pk])
    return f"{url}#report-{report_pk}" if report_pk else url


def post_only(action_pk: Callable[[HttpRequest, int], int] = lambda request, pk: pk):
    """A view that acts on POST; a GET of its URL is sent to the action's page (303).

    The browser opens these URLs by GET after a reload or from its history; an
    empty 405 would look like a broken page. ``action_pk`` finds the action
    from the URL's ``pk`` (the action itself, by default).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
            if request.method in {"GET", "HEAD"}:
                url = detail_url(action_pk(request, pk))
                return HttpResponseRedirect(url, status=HTTPStatus.SEE_OTHER)
            return view(request, pk)

        return require_http_methods(["GET", "HEAD", "POST"])(wrapped)

    return decorator


@login_required
@post_only()
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the action to another status: one of the buttons of the status panel."""
    action = get_object_or_404(detail_queryset(), pk=pk)
    if not permissions.can_change_status(request.user, action):
        raise PermissionDenied(_("Only staff of the owning Bureau may change this status."))
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        return render_detail(request, action, status=400, status_form=form)
    version = form.cleaned_data["version"]
    try:
        action_transition(
            action=action,
            to=form.cleaned_data["to"],
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=version,
        )
    except StaleVersion:
        return _stale_status(request, pk, form.cleaned_data["note"])
    except TransitionRefused as refused:
        # Refused because somebody moved the status meanwhile: that is the news.
        if version != action.version:
            return _stale_status(request, pk, form.cleaned_data["note"])
        messages.error(request, str(refused))
        return render_detail(request, action, status=409, status_form=form)
    values = {"action": action_name(action), "status": action.get_status_display()}
    if action.version == version:
        messages.info(request, _("%(action)s is already “%(status)s”: nothing changed.") % values)
    else:
        messages.success(request, _("%(action)s is now “%(status)s”.") % values)
    return redirect(detail_url(pk))


@login_required
@post_only()
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the focal point and the target date."""
    action = get_object_or_404(detail_queryset(), pk=pk)
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied(_("Only staff of the owning Bureau may edit this action."))
    form = ActionPlanningForm(request.POST, action=action)
    if not form.is_valid():
        return render_detail(request, action, status=400, planning_form=form)
    version = form.cleaned_data["version"]
    try:
        action_update(
            action=action,
            by=request.user,
            expected_version=version,
            changes=form.changes(action),
        )
    except StaleVersion:
        return _stale_plan(request, pk, form)
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return render_detail(request, action, status=400, planning_form=form)
    values = {"action": action_name(action)}
    if action.version == version:
        messages.info(request, _("Nothing changed on %(action)s.") % values)
    else:
        messages.success(
            request, _("Saved the focal point and target date of %(action)s.") % values
        )
    return redirect(detail_url(pk))


@login_required
@post_only()
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a progress report, as a draft or submitted for approval at once."""
    action = get_object_or_404(detail_queryset(), pk=pk)
    if not permissions.can_write_report(request.user, action):
        raise PermissionDenied(permissions.why_no_report(request.user))
    form = ProgressReportForm(request.POST)
    links = evidence_formset(request.POST)
    if form.is_valid() and links.is_valid():
        submit = "submit" in request.POST
        try:
            report = progress_report_create(
                action=action,
                by=request.user,
                text=form.cleaned_data["text"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                evidence=links.evidence(),
                submit=submit,
            )
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            if submit:
                messages.success(request, _("Your report was submitted for approval."))
            else:
                messages.success(
                    request,
                    _("Your report was saved as a draft. Submit it when it is ready for approval."),
                )
            return redirect(detail_url(pk, report.pk))
    messages.error(request, _("The report was not saved: correct the fields marked below."))
    return render_detail(request, action, status=400, report_form=form, evidence_forms=links)
