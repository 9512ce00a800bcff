"""How the staff pages name actions and people, write dates and show statuses."""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from actions.choices import ActionStatus, ReportState

register = template.Library()

# One date style on every page, as ITU documents write it: "12 June 2025".
DAY_FORMAT = "j F Y"
MOMENT_FORMAT = "j F Y, H:i"


def action_name(action) -> str:
    """The name staff use for an action: "Res. 73 · action 4"."""
    return _("Res. %(resolution)s · action %(number)s") % {
        "resolution": action.resolution.number,
        "number": action.number,
    }


def person(user) -> str:
    """A user's full name, or the username when the account has none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def day(value: datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return date_format(value, DAY_FORMAT)


def moment(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, MOMENT_FORMAT)


register.filter("action_name", action_name)
register.filter("person", person)
register.filter("day", day)
register.filter("moment", moment)


@register.inclusion_tag("actions/_status_badge.html")
def status_badge(status: str) -> dict:
    """A status as text with a shape beside it: never colour alone."""
    return {"kind": "status", "value": status, "label": ActionStatus(status).label}


@register.inclusion_tag("actions/_status_badge.html")
def report_state_badge(state: str) -> dict:
    return {"kind": "state", "value": state, "label": ReportState(state).label}
