"""Progress reports across actions: filtered and paginated, approved or returned in bulk."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wtsa_tracker.pagination import DeferredJoinPaginator

from .. import permissions, selectors
from ..choices import ReportState
from ..display import action_name, day
from ..filtersets import ProgressReportFilterSet
from ..forms import group_fields
from ..services.reports import progress_reports_review

PAGE_SIZE = 25
ANY = gettext_lazy("Any")
# A ticked report as "<id>:<version>": the version the reviewer saw, so a
# report changed meanwhile is refused rather than approved unseen.
_TICKED = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")  # fullmatch: ASCII digits, no newline


def _report_filterset(request: HttpRequest) -> ProgressReportFilterSet:
    filterset = ProgressReportFilterSet(
        request.GET, queryset=selectors.progress_report_list(request.user)
    )
    fields = filterset.form.fields
    fields["state"].widget = forms.CheckboxSelectMultiple(choices=fields["state"].choices)
    for name in ("bureau", "author", "council"):
        fields[name].empty_label = ANY
    fields["resolution"].widget.attrs.update(min=1, inputmode="numeric")
    for name in ("action", "report_date", "ordering"):
        del fields[name]
    group_fields(filterset.form)
    return filterset


@login_required
@require_http_methods(["GET", "HEAD"])
def report_list(request: HttpRequest) -> HttpResponse:
    """Every report the user may see, with the shared filters; coordinators review in bulk."""
    filterset = _report_filterset(request)
    valid = filterset.is_valid()
    reports = filterset.qs if valid else filterset.queryset.none()
    page = DeferredJoinPaginator(reports, PAGE_SIZE, ids_first=True).get_page(
        request.GET.get("page")
    )
    user = request.user
    for report in page:
        report.can_review = permissions.can_review_report(user, report)
    may_review = permissions.is_administrator(user) or permissions.is_coordinator(user)
    context = {
        "section": "reports",
        "form": filterset.form,
        "filter_errors": [] if valid else filterset.form.errors,
        "page": page,
        "may_review": may_review,
        "any_reviewable": any(report.can_review for report in page),
        "next": request.get_full_path(),
    }
    return render(request, "actions/report_list.html", context, status=200 if valid else 400)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """To the list the reviewer came from, with its filters; never to another site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    path = urlsplit(target).path
    # "/reports/../admin/" starts as the list does and leads elsewhere.
    if not safe or posixpath.normpath(path) + "/" != reverse("report_list"):
        target = reverse("report_list")
    return HttpResponseRedirect(target, status=303)


@login_required
@require_POST
def report_review_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or return the ticked reports; say what was done and each refusal with its reason."""
    user = request.user
    if not (permissions.is_administrator(user) or permissions.is_coordinator(user)):
        raise PermissionDenied(permissions.REVIEW_REPORT_REFUSED)
    to = request.POST.get("to", "")
    if to not in {ReportState.APPROVED, ReportState.RETURNED}:
        messages.error(request, _("Choose to approve or to return: nothing was changed."))
        return _back(request)
    ticked: dict[int, int] = {}
    for value in request.POST.getlist("report"):
        match = _TICKED.fullmatch(value)
        if match is None:
            messages.error(request, _("That request could not be read: nothing was changed."))
            return _back(request)
        ticked[int(match[1])] = int(match[2])
    if not ticked:
        messages.error(request, _("Tick the reports to review: nothing was changed."))
        return _back(request)
    found = {
        report.pk: report for report in selectors.progress_report_list(user).filter(pk__in=ticked)
    }
    outcomes = progress_reports_review(
        reports=[(found[pk], version) for pk, version in ticked.items() if pk in found],
        to=to,
        by=user,
        note=request.POST.get("note", ""),
    )
    done = [outcome for outcome in outcomes if outcome.done]
    if done:
        text = (
            ngettext("%(count)d report approved.", "%(count)d reports approved.", len(done))
            if to == ReportState.APPROVED
            else ngettext(
                "%(count)d report returned to its Bureau.",
                "%(count)d reports returned to their Bureaux.",
                len(done),
            )
        )
        messages.success(request, text % {"count": len(done)})
    for outcome in outcomes:
        if not outcome.done:
            values = {
                "action": action_name(outcome.report.action),
                "date": day(outcome.report.report_date),
                "reason": outcome.reason,
            }
            messages.error(
                request, _("Not done: %(action)s, report of %(date)s: %(reason)s") % values
            )
    missing = len(set(ticked) - set(found))
    if missing:
        messages.error(
            request,
            ngettext(
                "Not done: %(count)d report was not found or is not yours to see.",
                "Not done: %(count)d reports were not found or are not yours to see.",
                missing,
            )
            % {"count": missing},
        )
    return _back(request)
