"""How the staff pages name actions and people, write dates and show statuses."""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actions.choices import ActionStatus, ReportState
from actions.validators import NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH

register = template.Library()

# One date style on every page, as ITU documents write it: "12 June 2025".
DAY_FORMAT = "j F Y"
MOMENT_FORMAT = "j F Y, H:i"


def clause_reference(clause) -> str:
    """Where the item stands in the text: "instructs 3", or "instructs" for a lone item."""
    verb = clause.get_verb_display()
    return f"{verb} {clause.label}" if clause.label else verb


def action_name(action) -> str:
    """The name staff use for an action: "Res. 73 · action 4 (instructs 3)".

    The action number is the sequence within the resolution, as in TSB's action
    plan; the item number restarts with each verb of the text, so both are shown.
    Needs ``resolution`` and ``clause`` loaded with the action.
    """
    return _("Res. %(resolution)s · action %(number)s (%(clause)s)") % {
        "resolution": action.resolution.number,
        "number": action.number,
        "clause": clause_reference(action.clause),
    }


def person(user) -> str:
    """A user's full name, or the username when the account has none."""
    if user is None:
        return ""
    return str(user)


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
register.filter("clause_reference", clause_reference)
register.filter("person", person)
register.filter("day", day)
register.filter("moment", moment)


@register.simple_tag
def clipped(text: str, length: int) -> SafeString:
    """``text`` cut to about ``length`` characters at a word boundary, never mid-word.

    A cut text carries the whole of it in a ``title``, for a pointer; the whole
    text is also on the page the row links to.
    """
    text = " ".join(str(text).split())
    if len(text) <= length:
        return format_html("{}", text)
    # The last space within reach (the character after the limit counts, so a
    # word that ends exactly at the limit is kept); one long word is cut anyway.
    head, space, _tail = text[: length + 1].rpartition(" ")
    short = head if space else text[:length]
    short = short.rstrip(" ,;:.–-")
    return format_html('<span title="{}">{}…</span>', text, short)


@register.inclusion_tag("actions/_status_badge.html")
def status_badge(status: str) -> dict:
    """A status as text with a shape beside it: never colour alone."""
    return {"kind": "status", "value": status, "label": ActionStatus(status).label}


@register.inclusion_tag("actions/_status_badge.html")
def report_state_badge(state: str) -> dict:
    return {"kind": "state", "value": state, "label": ReportState(state).label}


TEXT_LIMITS = {"note": NOTE_MAX_LENGTH, "report": REPORT_TEXT_MAX_LENGTH}


@register.simple_tag
def text_limit(kind: str) -> int:
    """The length limit of a hand-written textarea, the same as its form field's."""
    return TEXT_LIMITS[kind]


# Parameters of the list that are not filters: how it is sorted and which page.
NOT_FILTERS = frozenset({"ordering", "page", "page_size", "cursor"})


@register.simple_tag
def active_filter_count(form) -> int:
    """How many filters are set in a filter form's data, for the button that folds them."""
    data = getattr(form, "data", None) or {}

    def values(name: str) -> list:
        return data.getlist(name) if hasattr(data, "getlist") else [data[name]]

    return sum(
        1
        for name in data
        if name not in NOT_FILTERS and any(str(value).strip() for value in values(name))
    )
