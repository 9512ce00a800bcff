"""A resolution's Resolution 83 assessments: timeline, proposal beside a suggestion, confirming."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from resolutions.models import Resolution
from wtsa_tracker.errors import StaleVersion, TransitionRefused
from wtsa_tracker.filters import parse_id

from .. import permissions, selectors
from ..choices import AssessmentState
from ..forms import AssessmentConfirmForm, AssessmentForm
from ..models import Assessment, GoverningBodyMeeting
from ..services.assessments import assessment_confirm, assessment_propose
from .shared import assembly_code_in_any_case, post_only, say_no_such_session


def _resolution(assembly: str, number: int) -> Resolution:
    return get_object_or_404(Resolution.objects.for_list(), assembly__code=assembly, number=number)


def _chosen_meeting(request: HttpRequest) -> tuple[GoverningBodyMeeting | None, bool]:
    """The period asked for (``?meeting=``), else the one reports are written for now.

    The second value is true when a session was asked for that is not one.
    """
    sessions = selectors.council_meetings()
    chosen = request.POST.get("meeting") or request.GET.get("meeting")
    pk = parse_id(chosen or "")
    if pk is not None:
        found = sessions.filter(pk=pk).first()
        if found is not None:
            return found, False
    current = selectors.open_reporting_period(timezone.localdate())
    return (current.meeting if current else sessions.first()), bool(chosen)


def _render(
    request: HttpRequest,
    resolution: Resolution,
    form: AssessmentForm | None,
    status: int = 200,
    unsaved: str = "",
) -> HttpResponse:
    user = request.user
    meeting, unknown = _chosen_meeting(request)
    if unknown and request.method != "POST":
        say_no_such_session(request, request.GET["meeting"])
        status = 400
    current = (
        Assessment.objects.for_list().filter(resolution=resolution, meeting=meeting).first()
        if meeting
        else None
    )
    may_propose = permissions.can_propose_assessment(user, resolution)
    editable = current is None or current.state == AssessmentState.PROPOSED
    if may_propose and editable and form is None and meeting is not None:
        initial = {"meeting": meeting.pk}
        if current is not None:
            initial.update(
                rating=current.rating, rationale=current.rationale, version=current.version
            )
        form = AssessmentForm(initial=initial)
    may_confirm = current is not None and permissions.can_confirm_assessment(user, current)
    context = {
        "section": "resolutions",
        "resolution": resolution,
        "meeting": meeting,
        "period": selectors.reporting_period(meeting) if meeting else None,
        "meetings": selectors.council_meetings(),
        "suggestion": selectors.assessment_suggestion(resolution, meeting) if meeting else None,
        "current": current,
        "form": form if may_propose and editable else None,
        "may_confirm": may_confirm,
        # A TSB coordinator's own proposal: someone else confirms it.
        "confirms_elsewhere": current is not None
        and permissions.may_confirm_assessments(user)
        and not may_confirm,
        "timeline": selectors.assessment_timeline(resolution),
        "unsaved": unsaved,
    }
    return render(request, "actions/assessments/resolution.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@assembly_code_in_any_case
def resolution_assessments(request: HttpRequest, assembly: str, number: int) -> HttpResponse:
    """The assessments of one resolution, and the form to propose one (coordinators)."""
    resolution = _resolution(assembly, number)
    if request.method != "POST":
        return _render(request, resolution, None)
    if not permissions.can_propose_assessment(request.user, resolution):
        raise PermissionDenied(permissions.PROPOSE_ASSESSMENT_REFUSED)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _render(request, resolution, form, status=400)
    data = form.cleaned_data
    try:
        assessment_propose(
            resolution=resolution,
            meeting=data["meeting"],
            rating=data["rating"],
            rationale=data["rationale"],
            by=request.user,
            expected_version=data["version"],
        )
    except StaleVersion:
        messages.error(
            request,
            _(
                "Someone else proposed or changed this assessment while you were writing: "
                "yours was not saved. Their version is shown; your text is below."
            ),
        )
        return _render(request, resolution, None, status=409, unsaved=data["rationale"])
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return _render(request, resolution, None, status=409, unsaved=data["rationale"])
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _render(request, resolution, form, status=400)
    messages.success(request, _("The assessment is proposed; a TSB coordinator confirms it."))
    url = request.path + f"?meeting={data['meeting'].pk}"
    return redirect(url)


def _assessment_page(request: HttpRequest, pk: int) -> str:
    return get_object_or_404(Assessment.objects.for_list(), pk=pk).get_absolute_url()


@login_required
@post_only(page=_assessment_page)
def assessment_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a proposed assessment (TSB coordinators)."""
    assessment = get_object_or_404(Assessment.objects.for_list(), pk=pk)
    url = assessment.get_absolute_url()
    form = AssessmentConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That request was incomplete: nothing was saved."))
        return redirect(url)
    try:
        assessment_confirm(
            assessment=assessment, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except StaleVersion:
        messages.error(
            request,
            _("The assessment changed since you read it: read it again before confirming."),
        )
        return redirect(url)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return redirect(url)
    messages.success(request, _("The assessment is confirmed: it goes into the Council report."))
    return redirect(url)
