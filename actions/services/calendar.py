"""The calendar of governing-body sessions: projecting the next one, confirming it."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .. import permissions, selectors
from ..models import GoverningBodyMeeting, User


def meetings_project(*, today: datetime.date) -> list[GoverningBodyMeeting]:
    """Record a provisional next session for every body with none ahead; return those made.

    Run by the daily sweep and by ``bootstrap``, so the dashboard, reminders
    and calendar feeds always have a session to work to. A projection is
    marked provisional until an administrator confirms or corrects it; a
    body with a session ahead is left alone, so running this twice makes one.
    """
    made = []
    latest = GoverningBodyMeeting.objects.order_by().values("kind").annotate(last=Max("start_date"))
    # One query when every body has a session ahead, as on most days.
    for kind in sorted(row["kind"] for row in latest if row["last"] < today):
        projected = selectors.projected_meeting(kind, today)
        if projected is None:
            continue
        try:
            with transaction.atomic():
                projected.save()
        except IntegrityError:
            continue  # another sweep recorded the same projection first
        made.append(projected)
    return made


def meeting_confirm(*, meeting: GoverningBodyMeeting, by: User) -> GoverningBodyMeeting:
    """An administrator confirms a projected session's dates: it is provisional no more."""
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only an administrator confirms a session's dates."))
    GoverningBodyMeeting.objects.filter(pk=meeting.pk).update(provisional=False)
    meeting.provisional = False
    return meeting
