"""One action's page and the forms posted from it: status, plan, new report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wtsa_tracker.errors import AlreadySubmitted, StaleVersion, TransitionRefused

from .. import permissions, selectors
from ..choices import ActionStatus
from ..display import action_name, day, moment, person, report_panel
from ..forms import (
    PEOPLE_LIST_ID,
    ActionPlanningForm,
    ProgressReportForm,
    StatusChangeForm,
    evidence_formset,
    focus_once,
)
from ..models import Action
from ..selectors import action_detail_queryset, people_matching
from ..services.actions import action_transition, action_update
from ..services.reports import progress_report_create
from .shared import detail_url, post_only, render_detail

# What a message is about, so that its panel repeats it: on a phone the
# page's messages are thousands of pixels above the status and the plan.
STATUS_PANEL, PLAN_PANEL = "status-panel", "plan-panel"


@login_required
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_object_or_404(action_detail_queryset(), pk=pk))


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
    current = get_object_or_404(action_detail_queryset(), pk=pk)
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
    messages.error(request, message % values, extra_tags=STATUS_PANEL)
    form = StatusChangeForm(initial={"note": note, "version": current.version})
    return render_detail(request, current, status=409, status_form=form)


def _stale_plan(request: HttpRequest, pk: int, typed: ActionPlanningForm) -> HttpResponse:
    """Say what the plan is now and who changed it; keep what the user chose, to save again."""
    current = get_object_or_404(action_detail_queryset(), pk=pk)
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
    messages.error(request, message % values, extra_tags=PLAN_PANEL)
    form = ActionPlanningForm(
        action=current,
        initial={
            "focal_point": typed.cleaned_data["focal_point"],
            "target_date": typed.cleaned_data["target_date"],
            "version": current.version,
        },
    )
    return render_detail(request, current, status=409, planning_form=form)


@login_required
@post_only()
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the action to another status: one of the buttons of the status panel."""
    action = get_object_or_404(action_detail_queryset(), pk=pk)
    if not permissions.can_change_status(request.user, action):
        raise PermissionDenied(permissions.CHANGE_STATUS_REFUSED)
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
        messages.error(request, str(refused), extra_tags=STATUS_PANEL)
        return render_detail(request, action, status=409, status_form=form)
    values = {"action": action_name(action), "status": action.get_status_display()}
    if action.version == version:
        messages.info(
            request,
            _("%(action)s is already “%(status)s”: nothing changed.") % values,
            extra_tags=STATUS_PANEL,
        )
    else:
        messages.success(
            request, _("%(action)s is now “%(status)s”.") % values, extra_tags=STATUS_PANEL
        )
        if action.status == ActionStatus.COMPLETED and not selectors.has_approved_report(action):
            messages.warning(
                request,
                _(
                    "No approved progress report says how it was completed: add one, "
                    "so that Council reads what was done."
                ),
                extra_tags=STATUS_PANEL,
            )
    return redirect(detail_url(pk))


@login_required
@post_only()
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the focal point and the target date."""
    action = get_object_or_404(action_detail_queryset(), pk=pk)
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied(permissions.EDIT_ACTION_REFUSED)
    form = ActionPlanningForm(request.POST, action=action)
    if not form.is_valid():
        return render_detail(request, action, status=400, planning_form=form)
    version = form.cleaned_data["version"]
    changes = form.changes(action)
    try:
        action_update(action=action, by=request.user, expected_version=version, changes=changes)
    except StaleVersion:
        return _stale_plan(request, pk, form)
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return render_detail(request, action, status=400, planning_form=form)
    values = {"action": action_name(action)}
    if action.version == version:
        messages.info(request, _("Nothing changed on %(action)s.") % values, extra_tags=PLAN_PANEL)
    else:
        messages.success(request, _saved_plan_message(changes) % values, extra_tags=PLAN_PANEL)
    return redirect(detail_url(pk))


def _saved_plan_message(changes: dict) -> str:
    """What a saved plan changed, named: not "focal point and target date" for a date alone."""
    if changes.keys() == {"focal_point"}:
        return _("Saved the focal point of %(action)s.")
    if changes.keys() == {"target_date"}:
        return _("Saved the target date of %(action)s.")
    return _("Saved the focal point and target date of %(action)s.")


@login_required
@require_safe
def action_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Suggestions for the plan's focal point box, as the user types.

    The people the plan may name (the form's own choices) whose name,
    username or e-mail address has every word of ``?focal_point=``; only
    for those who may change the plan.
    """
    action = get_object_or_404(
        Action.objects.select_related("owner").prefetch_related("collaborators"), pk=pk
    )
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied(permissions.EDIT_ACTION_REFUSED)
    choices = ActionPlanningForm(action=action).fields["focal_point"].queryset
    people = people_matching(choices, request.GET.get("focal_point", ""))
    return render(request, "actions/_people.html", {"people": people, "list_id": PEOPLE_LIST_ID})


@login_required
@post_only()
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a progress report, as a draft or submitted for approval at once."""
    action = get_object_or_404(action_detail_queryset(), pk=pk)
    if not permissions.can_write_report(request.user, action):
        raise PermissionDenied(permissions.why_no_report(request.user))
    form = ProgressReportForm(request.POST)
    links = evidence_formset(request.POST)
    # Both checked, so that every error shows at once.
    if all([form.is_valid(), links.is_valid()]):
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
                submission_token=form.cleaned_data["once"],
            )
        except AlreadySubmitted as done:
            # A double click or a browser retry: the first submit saved it.
            messages.info(
                request,
                _("This report was already saved: here it is."),
                extra_tags=report_panel(done.obj.pk),
            )
            return redirect(detail_url(pk, done.obj.pk))
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            if submit:
                message = _("Your report was submitted for approval.")
            else:
                message = _(
                    "Your report was saved as a draft. Submit it when it is ready for approval."
                )
            messages.success(request, message, extra_tags=report_panel(report.pk))
            return redirect(detail_url(pk, report.pk))
    messages.error(request, _("The report was not saved: correct the fields marked below."))
    focus_once(form, *links.forms)
    return render_detail(request, action, status=400, report_form=form, evidence_forms=links)
