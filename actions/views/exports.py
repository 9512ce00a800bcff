"""CSV exports too large to stream: asked for, followed while written, downloaded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import permissions
from ..choices import ExportState
from ..filtersets import ActionFilterSet
from ..models import Action
from ..services.exports import EXPORT_LOST_AFTER, TooManyExports, export_start
from .shared import filters_refused

# Seconds a refused export is told to wait: an export of thousands of rows takes seconds.
RETRY_EXPORT_AFTER = 30


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_create(request: HttpRequest) -> HttpResponse:
    """Queue an export of the actions the list's filters (in the query string) select.

    Opened rather than posted (reloaded, bookmarked, followed after signing
    in): the export of the same filters, which streams or offers this button.
    """
    if request.method != "POST":
        return redirect(f"{reverse('action_export')}?{request.GET.urlencode()}")
    filterset = ActionFilterSet(request.GET, queryset=Action.objects.all())
    if not filterset.is_valid():
        return filters_refused(filterset.form)
    query = request.GET.copy()
    query.pop("page", None)
    try:
        export = export_start(user=request.user, query=query.urlencode(), actions=filterset.qs)
    except TooManyExports as refused:
        # Refused before the actions are counted: the page lists the exports to wait for.
        messages.error(request, str(refused))
        context = {"section": "actions", "query": query.urlencode(), "waiting": refused.unfinished}
        response = render(request, "actions/export_confirm.html", context, status=429)
        response["Retry-After"] = str(RETRY_EXPORT_AFTER)
        return response
    return redirect("export_detail", pk=export.pk)


@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the export got; htmx asks again every two seconds until it is finished."""
    export = get_object_or_404(permissions.exports_of(request.user), pk=pk)
    partial = request.htmx and request.htmx.target == "export-status"
    template = "actions/_export_status.html" if partial else "actions/export_detail.html"
    # Unfinished long after it was asked for: its worker may have stopped.
    stalled = not export.finished and export.created_at < timezone.now() - EXPORT_LOST_AFTER
    context = {"export": export, "stalled": stalled, "section": "actions"}
    return render(request, template, context)


@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, to its requester only."""
    export = get_object_or_404(permissions.exports_of(request.user), pk=pk)
    if export.state != ExportState.READY or not export.file:
        raise Http404(_("This export is not ready."))
    filename = f"wtsa-actions-{timezone.localdate(export.created_at):%Y-%m-%d}.csv"
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=filename, content_type="text/csv"
    )
