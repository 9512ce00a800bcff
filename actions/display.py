"""How the tracker names actions and people and writes dates, on pages, in files and e-mails.

The template tags (``actions.templatetags.tracker``) register these; views,
exports and reports call them directly.
"""

import datetime
import difflib
import re

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from resolutions.choices import ClauseVerb
from wtsa_tracker.formats.en.formats import DATE_FORMAT, DATETIME_FORMAT

from .choices import choice_label

# One date style on every page, as ITU documents write it: "12 June 2025", the
# admin's too (wtsa_tracker.formats); here whatever language a task runs in.
DAY_FORMAT = DATE_FORMAT
MOMENT_FORMAT = DATETIME_FORMAT


# The Bureaux as staff name them: "the Director of TSB" reads the same as the
# Director of the Telecommunication Standardization Bureau, in a narrow cell.
_BUREAU_NAMES = (
    (re.compile(r"\bthe\s+Telecommunication\s+Standardization\s+Bureau\b", re.I), "TSB"),
    (re.compile(r"\bthe\s+Telecommunication\s+Development\s+Bureau\b", re.I), "BDT"),
    (re.compile(r"\bthe\s+Radiocommunication\s+Bureau\b", re.I), "BR"),
)
# "…, in collaboration with the Directors of the other Bureaux": partners, not
# whom the part addresses.
_PARTNERS = re.compile(
    r",?\s*\b(?:in\s+(?:close\s+)?(?:collaboration|co-?operation|consultation|coordination)"
    r"|together|jointly|with\s+the\s+assistance)\b.*",
    re.IGNORECASE | re.DOTALL,
)


def addressee_name(addressee: str) -> str:
    """Whom a part addresses, short: "the Director of TSB", without its partners."""
    name = _PARTNERS.sub("", " ".join(addressee.split()))
    for long_name, code in _BUREAU_NAMES:
        name = long_name.sub(code, name)
    return name.strip(" ,;:")


def clause_reference(clause, *, addressee: bool = False) -> str:
    """Where the item stands in the text: "instructs 3", or "instructs" for a lone item.

    With ``addressee``, the part is named by whom it addresses too, for a
    resolution where two parts share a verb and both number an item 6:
    "instructs all ITU-T study groups, 6".
    """
    verb = choice_label(ClauseVerb, clause.verb)  # for every row of a table
    whom = addressee_name(clause.addressee) if addressee else ""
    if whom:
        return f"{verb} {whom}, {clause.label}" if clause.label else f"{verb} {whom}"
    return f"{verb} {clause.label}" if clause.label else verb


# "Res. 73 · action 4 (instructs 3)"; marked here, translated where it is used.
ACTION_NAME = gettext_noop("Res. %(resolution)s · action %(number)s (%(clause)s)")


# "Res. 73 · action 4", where the item is not read (notifications, calendar feeds).
SHORT_ACTION_NAME = gettext_noop("Res. %(resolution)s · action %(number)s")


def short_action_name(action) -> str:
    """``action_name`` without the item: needs only ``resolution`` loaded."""
    return _(SHORT_ACTION_NAME) % {"resolution": action.resolution.number, "number": action.number}


def action_name(action) -> str:
    """The name staff use for an action: "Res. 73 · action 4 (instructs 3)".

    The action number is the sequence within the resolution, as in TSB's action
    plan; the item number restarts with each verb of the text, so both are shown.
    Needs ``resolution`` and ``clause`` loaded with the action.
    """
    return _(ACTION_NAME) % {
        "resolution": action.resolution.number,
        "number": action.number,
        "clause": clause_reference(action.clause),
    }


def session_name(meeting) -> str:
    """A session by its name, marked when its dates are only projected: "Council 2027
    (provisional)"."""
    if meeting.provisional:
        return _("%(name)s (provisional)") % {"name": meeting.name}
    return meeting.name


def person(user) -> str:
    """A user's full name, or the username when the account has none."""
    if user is None:
        return ""
    return str(user)


def person_from_columns(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """``person`` for a user read as values (rows of a list or an export): "" for nobody."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


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


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Two versions of a clause as runs of words: ("same" | "del" | "ins", text).

    Word by word, as the assembly amends a text: a changed word shows as the
    old one struck out and the new one inserted.
    """
    old, new = before.split(), after.split()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", " ".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("ins", " ".join(new[j1:j2])))
    return runs


def report_panel(report_pk: int) -> str:
    """The tag of messages about one report, repeated in its entry on the action's page
    (after a save the page opens at the report, far below the page's messages)."""
    return f"report-{report_pk}-panel"
