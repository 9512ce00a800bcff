"""Lists of actions: filtered, sorted, paginated, exported as CSV; my actions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from wtsa_tracker.pagination import DeferredJoinPaginator

from .. import permissions, selectors
from ..filtersets import PERSON_FILTERS, ActionFilterSet, people_list_id
from ..forms import group_fields
from ..models import Action, Body, User
from ..services.exports import action_csv_lines
from .shared import (
    OPEN_STATUS_VALUES,
    action_list_url,
    filter_errors,
    filters_refused,
    unfinished_reports_url,
)

PAGE_SIZE = 25


ANY = gettext_lazy("Any")
SORTABLE_COLUMNS = [
    ("resolution", gettext_lazy("Action")),
    ("owner", gettext_lazy("Owner")),
    ("status", gettext_lazy("Status")),
    ("target_date", gettext_lazy("Target date")),
]


def _body_label(body: Body) -> str:
    if body.name == body.code:
        return body.code
    return format_html('{} <span class="muted small">{}</span>', body.code, body.name)


def _action_filterset(request: HttpRequest) -> ActionFilterSet:
    """The API's filters, with widgets a person can use without a manual."""
    filterset = ActionFilterSet(request.GET, queryset=Action.objects.for_table())
    fields = filterset.form.fields
    for name in ("status", "strength", "reports_to"):
        fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
    # Checkboxes rather than a multiple select: picking several needs no
    # Ctrl-click, and each body is a labelled control for a screen reader.
    for name in ("owner", "collaborator"):
        fields[name].label_from_instance = _body_label
        fields[name].widget = forms.CheckboxSelectMultiple(
            attrs={"class": "checkbox-scroll"}, choices=fields[name].choices
        )
    for name in ("overdue", "needs_review"):
        fields[name].widget = forms.Select(
            choices=[("", ANY), ("true", _("Yes")), ("false", _("No"))]
        )
    for name in ("bureau", "involves", "assembly", "focal_point"):
        fields[name].empty_label = ANY
    fields["ordering"].widget.choices = [
        ("", _("Resolution and number")),
        *fields["ordering"].choices[1:],
    ]
    fields["resolution"].widget.attrs.update(min=1, inputmode="numeric")
    group_fields(filterset.form)
    return filterset


# Filters under "More filters": the details element opens when one is set or wrong.
MORE_FILTERS = (
    "assembly",
    "owner",
    "collaborator",
    "strength",
    "reports_to",
    "focal_point",
    "needs_review",
    "target_date",
)


def _sort_columns(request: HttpRequest) -> list[dict]:
    current = request.GET.get("ordering", "")
    columns = []
    for key, label in SORTABLE_COLUMNS:
        state = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        next_order = f"-{key}" if state == "ascending" else key
        columns.append({"key": key, "label": label, "sort": state, "next": next_order})
    return columns


@login_required
@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    filterset = _action_filterset(request)
    form = filterset.form
    # A filter that cannot be read is shown as an error, never dropped: a list
    # "filtered" on everything but the wrong field would be taken for the answer.
    valid = filterset.is_valid()
    actions = filterset.qs if valid else Action.objects.none()
    page = DeferredJoinPaginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(
        value
        for key, value in request.GET.lists()
        if key not in {"page", "ordering"} and any(value)
    )
    context = {
        "section": "actions",
        "filterset": filterset,
        "form": form,
        "filter_errors": [] if valid else filter_errors(form),
        "more_filters_open": any(
            form[name].value() or name in form.errors
            for name in MORE_FILTERS
            if name != "target_date"
        )
        or any(request.GET.get(f"target_date_{end}") for end in ("after", "before"))
        or "target_date" in form.errors,
        "page": page,
        "columns": _sort_columns(request),
        "filtered": filtered,
        "today": timezone.localdate(),
        "export_stream_max": settings.EXPORT_STREAM_MAX_ROWS,
    }
    # htmx asks for the results alone when a filter changes; a full page
    # otherwise, so the same URL works without JavaScript and when bookmarked.
    partial = request.htmx and request.htmx.target == "results"
    template = "actions/_action_results.html" if partial else "actions/action_list.html"
    response = render(request, template, context, status=200 if valid else 400)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@require_safe
def action_export(request: HttpRequest) -> HttpResponse:
    """Every action the list's filters select, as CSV, in the list's order."""
    actions = Action.objects.for_export()
    filterset = ActionFilterSet(request.GET, queryset=actions)
    if not filterset.is_valid():
        return filters_refused(filterset.form)
    # Streamed only while it finishes well inside a web worker's timeout: a
    # worker killed mid-stream would leave a file that looks complete. Larger
    # exports are written by a Celery task (views/exports.py).
    total = filterset.qs.count()
    if total > settings.EXPORT_STREAM_MAX_ROWS:
        context = {"section": "actions", "total": total, "query": request.GET.urlencode()}
        return render(request, "actions/export_confirm.html", context)
    today = timezone.localdate()
    rows = action_csv_lines(filterset.qs, today=today)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    filename = f"wtsa-actions-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    user = request.user
    focal = list(Action.objects.filter(focal_point=user).for_table())
    page = None
    if user.bureau_id:
        bureau_open = Action.objects.involving_bureau(user.bureau_id).open().for_table()
        page = DeferredJoinPaginator(bureau_open, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "section": "mine",
        "focal": focal,
        "page": page,
        "unfinished": selectors.unfinished_reports(user),
        "unfinished_url": unfinished_reports_url(user),
        # A reader of a Bureau reads these; staff (and administrators) work on them.
        "works_on_actions": permissions.is_bureau_staff(user) or permissions.is_administrator(user),
        "today": timezone.localdate(),
        "open_url": action_list_url(involves=user.bureau.code, status=OPEN_STATUS_VALUES)
        if user.bureau_id
        else None,
    }
    return render(request, "actions/my_actions.html", context)


@login_required
@require_safe
def person_suggestions(request: HttpRequest, name: str) -> HttpResponse:
    """Suggestions for a list's person filter (``name``: author or focal point) as the
    user types: the people whose name or username has every word typed."""
    if name not in PERSON_FILTERS:
        raise Http404
    people = selectors.people_matching(User.objects.all(), request.GET.get(name, ""))
    return render(
        request, "actions/_people.html", {"people": people, "list_id": people_list_id(name)}
    )
