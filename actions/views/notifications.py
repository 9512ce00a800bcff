"""Notifications page (read, mark read, e-mail choice), and the calendar feed of deadlines."""

from __future__ import annotations

from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wtsa_tracker.filters import parse_id

from .. import selectors
from ..choices import EmailDelivery
from ..models import Notification, NotificationSettings
from ..services.notifications import (
    calendar_token_rotate,
    notification_settings_get,
    notification_settings_update,
    notifications_mark_read,
)

PAGE_ROWS = 50

# ``?scope=`` of the calendar feed: the user's own deadlines (none given), or their Bureau's too.
CALENDAR_SCOPES = ("", "bureau")


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[token]))


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    page = Paginator(own, PAGE_ROWS).get_page(request.GET.get("page"))
    preferences = notification_settings_get(user=user)
    context = {
        "section": "notifications",
        "page": page,
        "notifications": page.object_list,
        "deliveries": list(EmailDelivery),
        "preferences": preferences,
        "feed_url": _feed_url(request, preferences.calendar_token),
    }
    return render(request, "actions/notifications.html", context)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (``id``), or all of them."""
    if "id" in request.POST:
        pk = parse_id(request.POST["id"])
        if pk is None:
            messages.error(request, _("That notification does not exist."))
            return redirect("notification_list")
        ids = [pk]
    else:
        ids = None
    notifications_mark_read(user=request.user, ids=ids)
    target = reverse("notification_list")
    # One marked read: back to the page the user was reading, at that notification
    # (a page number only is read back, nothing else is echoed).
    page = parse_id(request.POST.get("page", ""))
    if ids and page:
        target += f"?page={page}#notification-{ids[0]}"
    return redirect(target)


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    try:
        notification_settings_update(
            user=request.user, email_delivery=request.POST.get("email_delivery", "")
        )
    except (ValueError, ValidationError):
        messages.error(request, _("Choose how notifications reach you: nothing was changed."))
    else:
        messages.success(request, _("Your e-mail choice is saved."))
    return redirect("notification_list")


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    calendar_token_rotate(user=request.user)
    messages.success(
        request,
        _("Your calendar has a new address; the old one no longer works. Subscribe again."),
    )
    return redirect("notification_list")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed of a user's deadlines, at a secret URL (no sign-in: calendars can't)."""
    found = (
        NotificationSettings.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404(_("No calendar at this address: it may have been replaced."))
    scope = request.GET.get("scope", "")
    if scope not in CALENDAR_SCOPES:
        # A typing slip would otherwise give a narrower calendar that looks complete.
        return HttpResponseBadRequest(
            _(
                "No calendar scope “%(scope)s”: leave it out for your own deadlines, or "
                "give scope=bureau for every action your Bureau owns too."
            )
            % {"scope": scope},
            content_type="text/plain; charset=utf-8",
        )
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    site = settings.SITE_URL.rstrip("/")
    feed = icalendar.Calendar()
    feed.add("prodid", "-//ITU//WTSA Implementation Tracker//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", _("WTSA deadlines"))
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    events = selectors.calendar_events(
        found.user, timezone.localdate(), bureau_wide=scope == "bureau"
    )
    for item in events:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        # The calendar's last day has no day after; without an end, a day is the default.
        if item.end > item.start:
            event.add("dtend", item.end)
        event.add("transp", "TRANSPARENT")
        event.add("status", "TENTATIVE" if item.provisional else "CONFIRMED")
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", site + item.url)
        feed.add_component(event)
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wtsa-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
