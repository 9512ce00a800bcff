"""CSV exports too large to stream: asked for, followed while written, downloaded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import permissions
from ..choices import ExportState
from ..filtersets import ActionFilterSet
from ..models import Action
from ..services.exports import TooManyExports, export_start


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    """Queue an export of the actions the list's filters (in the query string) select."""
    filterset = ActionFilterSet(request.GET, queryset=Action.objects.all())
    if not filterset.is_valid():
        lines = [_("Nothing was exported: these filters could not be read.")]
        lines += [f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()]
        return HttpResponseBadRequest(
            "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
        )
    query = request.GET.copy()
    query.pop("page", None)
    total = filterset.qs.count()
    try:
        export = export_start(user=request.user, query=query.urlencode(), rows_total=total)
    except TooManyExports as refused:
        messages.error(request, str(refused))
        context = {"section": "actions", "total": total, "query": query.urlencode()}
        return render(request, "actions/export_confirm.html", context, status=429)
    return redirect("export_detail", pk=export.pk)


@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the export got; htmx asks again every two seconds until it is finished."""
    export = get_object_or_404(permissions.exports_of(request.user), pk=pk)
    partial = request.htmx and request.htmx.target == "export-status"
    template = "actions/_export_status.html" if partial else "actions/export_detail.html"
    return render(request, template, {"export": export, "section": "actions"})


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
