"""One action's page and the forms posted from it: status, plan, new report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import permissions
from ..choices import (
    ALLOWED_TRANSITIONS,
    COUNCIL_RECIPIENTS,
    ActionStatus,
    ReportState,
)
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
from ..templatetags.tracker import action_name, moment, person
from .dashboard import next_council


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
    current = ActionStatus(action.status)
    next_steps = [s for s in ActionStatus if s in ALLOWED_TRANSITIONS[current]]
    duties = list(action.obligations.all())
    council = None
    if any(duty.recipient in COUNCIL_RECIPIENTS for duty in duties):
        council = next_council(today)
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
        "council": council,
        "today": today,
        "overdue": action.is_overdue(today),
        "timeline": timeline,
        "can_change_status": can_change,
        "can_edit_action": can_edit,
        "can_write_report": can_write,
        "next_steps": next_steps,
        "status_form": status_form,
        "planning_form": planning_form,
        "report_form": report_form,
        "evidence_forms": evidence_forms,
        "report_states": ReportState,
    }
    return render(request, "actions/action_detail.html", context, status=status)


@login_required
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_object_or_404(detail_queryset(), pk=pk))


def _stale_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what the action is now, say who changed it, and that nothing was saved."""
    current = get_object_or_404(detail_queryset(), pk=pk)
    last = current.status_changes.select_related("changed_by").first()
    values = {"status": current.get_status_display()}
    if last is not None and last.changed_at == current.updated_at:
        values.update(who=person(last.changed_by), when=moment(last.changed_at))
        message = _(
            "Someone changed this action while you were editing: it is now “%(status)s” "
            "(by %(who)s on %(when)s). Your change was not saved: the current values are "
            "shown below."
        )
    else:
        values["when"] = moment(current.updated_at)
        message = _(
            "Someone changed this action while you were editing: it is now “%(status)s” "
            "(last changed on %(when)s). Your change was not saved: the current values are "
            "shown below."
        )
    messages.error(request, message % values)
    return render_detail(request, current, status=409)


def detail_url(action_pk: int, report_pk: int | None = None) -> str:
    url = reverse("action_detail", args=[action_pk])
    return f"{url}#report-{report_pk}" if report_pk else url


@login_required
@require_POST
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
        return _stale_action(request, pk)
    except TransitionRefused as refused:
        # Refused because somebody moved the status meanwhile: that is the news.
        if version != action.version:
            return _stale_action(request, pk)
        messages.error(request, str(refused))
        return render_detail(request, action, status=409)
    values = {"action": action_name(action), "status": action.get_status_display()}
    if action.version == version:
        messages.info(request, _("%(action)s is already “%(status)s”: nothing changed.") % values)
    else:
        messages.success(request, _("%(action)s is now “%(status)s”.") % values)
    return redirect(detail_url(pk))


@login_required
@require_POST
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
            action=action, by=request.user, expected_version=version, changes=form.changes()
        )
    except StaleVersion:
        return _stale_action(request, pk)
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
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a progress report, as a draft or submitted for approval at once."""
    action = get_object_or_404(detail_queryset(), pk=pk)
    if not permissions.can_write_report(request.user, action):
        raise PermissionDenied(
            _("Only staff of a Bureau that owns or collaborates on this action may report on it.")
        )
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
