"""Object checks for API writes, asking the predicates of ``actions.permissions``.

The services ask the same predicates and stay the authority; the API asks
them first so that a forbidden write is answered 403 before any
precondition is looked at (a forbidden write with a stale tag is still a
403, not a 412). Reading is never refused here: what a user may not see is
left out of the view's queryset and answered 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from actions import permissions
from actions.choices import ALLOWED_REPORT_TRANSITIONS
from actions.models import Action, Assessment, ProgressReport


class ActionWrite(BasePermission):
    """Status, focal point and target date: staff of the owning Bureau, and administrators."""

    def has_object_permission(self, request: Request, view: Any, obj: Action) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if view.action == "transition":
            self.message = permissions.CHANGE_STATUS_REFUSED
            return permissions.can_change_status(request.user, obj)
        self.message = permissions.EDIT_ACTION_REFUSED
        return permissions.can_edit_action(request.user, obj)


class ReportWrite(BasePermission):
    """Writing, editing, submitting and reviewing progress reports."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action != "create":
            return True
        # Which action is reported on is in the body; the service checks that
        # one. Users who may report on none are refused before the body is read.
        user = request.user
        if permissions.is_bureau_staff(user) or permissions.is_administrator(user):
            return True
        # Staff whose account lacks its Bureau are told what to ask for.
        self.message = (
            permissions.NO_BUREAU_NO_REPORT
            if permissions.is_bureau_staff_role(user)
            else permissions.REPORTS_BY_STAFF_ONLY
        )
        return False

    def has_object_permission(self, request: Request, view: Any, obj: ProgressReport) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        target = getattr(view, "report_target", None)
        if target is None:
            self.message = permissions.EDIT_REPORT_REFUSED
            return permissions.can_edit_report(user, obj)
        if target not in ALLOWED_REPORT_TRANSITIONS[obj.state]:
            # Not a question of who asks: the service refuses it with 400 and says why.
            return True
        refusal = permissions.report_move_refusal(user, obj, target)
        self.message = refusal or ""
        return refusal is None


class AdministratorWrite(BasePermission):
    """Reference data the API lets only administrators change (Council sessions)."""

    message = permissions.ADMINISTRATORS_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or permissions.is_administrator(request.user)


class AssessmentWrite(BasePermission):
    """Proposing and revising (involved coordinators), confirming (TSB coordinators)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action != "create":
            return True
        # Which resolution is in the body; the service checks that one.
        self.message = permissions.PROPOSE_ASSESSMENT_REFUSED
        user = request.user
        return permissions.is_coordinator(user) or permissions.is_administrator(user)

    def has_object_permission(self, request: Request, view: Any, obj: Assessment) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if view.action == "confirm":
            self.message = permissions.confirm_assessment_refusal(request.user)
            return permissions.can_confirm_assessment(request.user, obj)
        self.message = permissions.PROPOSE_ASSESSMENT_REFUSED
        return permissions.can_propose_assessment(request.user, obj.resolution)
