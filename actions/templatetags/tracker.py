"""Template tags of the staff pages: the display helpers of ``actions.display``, and badges."""

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString

from actions.choices import ActionStatus, ReportState
from actions.council_report import ACTION_REQUIRED, REFERENCES, summary_text
from actions.display import (
    action_name,
    clause_reference,
    day,
    moment,
    person,
    report_panel,
    session_name,
)
from actions.validators import NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH

register = template.Library()

register.filter("action_name", action_name)
register.filter("clause_reference", clause_reference)
register.filter("session_name", session_name)
register.filter("person", person)
register.filter("day", day)
register.filter("moment", moment)


@register.inclusion_tag("actions/council/_front_matter.html")
def council_front_matter(data: dict) -> dict:
    """The Council report's summary, the action Council is asked for, and its
    references: what the Word file says under the title, in the same words."""
    return {
        "summary": summary_text(data),
        "action_required": ACTION_REQUIRED,
        "references": REFERENCES,
    }


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The page's query string with ``param`` set to ``number``: another list's page stays."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def edited_by(report) -> str:
    """Who besides the author changed the report's text (uses prefetched ``editors``)."""
    return ", ".join(person(user) for user in report.editors.all() if user.pk != report.author_id)


@register.filter
def overdue_on(action, today) -> bool:
    """``{% if action|overdue_on:today %}``: the model's rule, not a copy of it."""
    return action.is_overdue(today)


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


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """A status as text with a shape beside it: never colour alone."""
    return _badge("status", status, ActionStatus(status).label)


@register.simple_tag
def report_state_badge(state: str) -> SafeString:
    return _badge("state", state, ReportState(state).label)


def _badge(kind: str, value: str, label: str) -> SafeString:
    # Written here, not by an inclusion tag's template: a list draws one per
    # row, and rendering a template per row showed in its time (issue 13).
    return format_html(
        '<span class="badge badge--{} badge--{}">'
        '<span class="badge__shape" aria-hidden="true"></span>{}</span>',
        kind,
        value,
        label,
    )


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

    fields = getattr(form, "fields", {})

    def is_filter(name: str) -> bool:
        # A range's two boxes are "target_date_after" and "target_date_before";
        # a parameter no field reads (a tracking tag in a shared link) is none.
        return name not in NOT_FILTERS and any(
            name == field or name.startswith(f"{field}_") for field in fields
        )

    return sum(1 for name in data if is_filter(name) and any(str(v).strip() for v in values(name)))


# --- The Council report (issue 9b) ------------------------------------------------


@register.filter
def iso_day(value: str | None) -> str:
    """A date the Council report's data keeps as ISO text, written as every other date."""
    if not value:
        return ""
    parsed = parse_datetime(value) if "T" in value else parse_date(value)
    return day(parsed)


@register.filter
def status_counts(bureau: dict, by_status: list[dict]) -> list[int]:
    """A Bureau's actions per status, in the order of the report's status table."""
    return [bureau["by_status"].get(entry["status"], 0) for entry in by_status]


register.filter("report_panel", report_panel)
