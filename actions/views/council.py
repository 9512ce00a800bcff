"""The report to Council: ask for it, watch it being generated, preview, download, freeze.

Generation runs in a Celery worker; the run's page polls its status (htmx)
and offers the files when they are ready. Frozen reports are read by
everybody signed in and download byte for byte as they were frozen.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import permissions
from ..choices import REPORT_CONTENT_TYPES, ReportFormat, ReportRunState
from ..council_report import council_report_changes, report_file_name
from ..forms import CouncilReportForm, SnapshotCompareForm
from ..models import CouncilReportRun, CouncilReportSnapshot
from ..services.council_report import council_report_freeze, council_report_request
from .shared import post_only


def _download(content: bytes, data: dict, fmt: str) -> HttpResponse:
    try:
        fmt = ReportFormat(fmt)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(content, content_type=REPORT_CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(data, fmt)}"'
    return response


def _visible_run(request: HttpRequest, pk: int) -> CouncilReportRun:
    runs = permissions.council_report_runs_visible_to(request.user, CouncilReportRun.objects)
    run = runs.for_list().filter(pk=pk).first()
    if run is None:
        # A link a coordinator shared: say who sees it, not "nothing at this address".
        if CouncilReportRun.objects.filter(pk=pk).exists():
            raise PermissionDenied(permissions.COUNCIL_REPORT_RUN_NOT_SHOWN)
        raise Http404
    return run


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def council_report(request: HttpRequest) -> HttpResponse:
    """The starting page: generate a report (coordinators), and the frozen ones (everybody)."""
    user = request.user
    may_generate = permissions.may_generate_any_council_report(user)
    form = None
    status = 200
    if may_generate:
        # Those who may only report on their own Bureau are offered that one alone.
        whole = permissions.can_generate_council_report(user, None)
        form = CouncilReportForm(request.POST or None, own_bureau=None if whole else user.bureau)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(permissions.GENERATE_REPORT_REFUSED)
        if form.is_valid():
            try:
                run = council_report_request(by=user, **form.cleaned_data)
            except PermissionDenied as refused:
                form.add_error("bureau", str(refused))
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                # What was done, not how it stands: the message stays on screen
                # beside the status panel, which speaks for the run as it changes.
                messages.success(
                    request, _("Report %(number)s requested.") % {"number": run.document_number}
                )
                return redirect("council_report_run", run.pk)
        status = 400
    runs = permissions.council_report_runs_visible_to(user).for_list().filter(snapshot=None)[:10]
    snapshots = CouncilReportSnapshot.objects.for_list()
    context = {
        "section": "council",
        "form": form,
        "runs": runs,
        "snapshots": snapshots,
        "compare_form": SnapshotCompareForm(snapshots=snapshots) if len(snapshots) > 1 else None,
    }
    return render(request, "actions/council/report.html", context, status=status)


def _run_context(request: HttpRequest, run: CouncilReportRun) -> dict:
    return {
        "section": "council",
        "run": run,
        "ready": run.state == ReportRunState.DONE,
        "working": run.state in {ReportRunState.QUEUED, ReportRunState.RUNNING},
        "frozen": getattr(run, "snapshot", None),
        "may_freeze": permissions.can_generate_council_report(request.user, run.bureau_id),
    }


@login_required
@require_safe
def council_report_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    return render(request, "actions/council/run.html", _run_context(request, run))


@login_required
@require_safe
def council_report_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status panel alone, polled by htmx while the report is being generated."""
    run = _visible_run(request, pk)
    return render(request, "actions/council/_run_status.html", _run_context(request, run))


@login_required
@require_safe
def council_report_run_preview(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    if run.state != ReportRunState.DONE:
        raise Http404
    context = {"section": "council", "data": run.data, "run": run}
    return render(request, "actions/council/preview.html", context)


@login_required
@require_safe
def council_report_run_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _visible_run(request, pk)
    if run.state != ReportRunState.DONE:
        raise Http404
    if fmt not in ReportFormat.values:
        raise Http404
    with run.file_for(fmt).open("rb") as stored:
        return _download(stored.read(), run.data, fmt)


@login_required
@post_only(
    page=lambda request, pk: reverse("council_report_run", args=[_visible_run(request, pk).pk])
)
def council_report_run_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible_run(request, pk)
    if request.POST.get("confirm") != "1":
        # Nothing undoes a freeze: the page's box is ticked first (a forged post too).
        messages.error(
            request,
            _(
                "Tick the box to confirm: a frozen report cannot be changed or deleted. "
                "Nothing was frozen."
            ),
        )
        return redirect("council_report_run", run.pk)
    try:
        snapshot = council_report_freeze(run=run, by=request.user)
    except ValidationError as invalid:
        frozen = CouncilReportSnapshot.objects.filter(run=run).only("pk").first()
        if frozen is not None:  # a double click: the first one froze it
            messages.info(request, " ".join(invalid.messages))
            return redirect("council_report_snapshot", frozen.pk)
        messages.error(request, " ".join(invalid.messages))
        return redirect("council_report_run", run.pk)
    messages.success(request, _("The report is frozen as submitted."))
    return redirect("council_report_snapshot", snapshot.pk)


@login_required
@require_safe
def council_report_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(CouncilReportSnapshot.objects.for_list().defer(None), pk=pk)
    context = {"section": "council", "snapshot": snapshot, "data": json.loads(snapshot.data)}
    return render(request, "actions/council/snapshot.html", context)


@login_required
@require_safe
def council_report_snapshot_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ReportFormat.values:
        raise Http404
    snapshot = get_object_or_404(CouncilReportSnapshot.objects.all(), pk=pk)
    return _download(bytes(getattr(snapshot, fmt)), json.loads(snapshot.data), fmt)


@login_required
@require_safe
def council_report_compare(request: HttpRequest) -> HttpResponse:
    snapshots = CouncilReportSnapshot.objects.for_list()
    form = SnapshotCompareForm(request.GET or None, snapshots=snapshots)
    changes = None
    if form.is_valid():
        earlier = CouncilReportSnapshot.objects.only("data").get(pk=form.cleaned_data["a"].pk)
        later = CouncilReportSnapshot.objects.only("data").get(pk=form.cleaned_data["b"].pk)
        changes = council_report_changes(json.loads(earlier.data), json.loads(later.data))
    context = {"section": "council", "form": form, "changes": changes}
    return render(
        request,
        "actions/council/compare.html",
        context,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
