"""Actions written to a file: the CSV export of the action list."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resolutions.choices import ClauseVerb

from ..choices import ActionStatus, ReportingRecipient, Strength, choice_label
from ..display import ACTION_NAME, person
from ..models import Action


class _Labels:
    """The words a row repeats, translated once per export rather than once per cell."""

    def __init__(self) -> None:
        self.name = _(ACTION_NAME)
        self.yes, self.no = _("yes"), _("no")


class _Echo:
    """A file-like object whose write returns the line, for a streamed CSV."""

    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    gettext_lazy("Assembly"),
    gettext_lazy("Resolution"),
    gettext_lazy("Action"),
    gettext_lazy("Name"),
    gettext_lazy("Strength"),
    gettext_lazy("Owner"),
    gettext_lazy("Collaborators"),
    gettext_lazy("Status"),
    gettext_lazy("Focal point"),
    gettext_lazy("Target date"),
    gettext_lazy("Overdue"),
    gettext_lazy("Reports to"),
    gettext_lazy("Needs review"),
    gettext_lazy("Item"),
    gettext_lazy("Text"),
    gettext_lazy("Updated"),
    gettext_lazy("Latest approved report"),
    gettext_lazy("Report period from"),
    gettext_lazy("Report period to"),
    gettext_lazy("Report text"),
]


def _csv_row(action: Action, today: datetime.date, labels: _Labels) -> list[str]:
    clause = action.clause
    verb = choice_label(ClauseVerb, clause.verb)
    return [
        action.resolution.assembly.code,
        str(action.resolution.number),
        str(action.number),
        labels.name
        % {
            "resolution": action.resolution.number,
            "number": action.number,
            "clause": f"{verb} {clause.label}" if clause.label else verb,
        },
        choice_label(Strength, action.strength),
        action.owner.code if action.owner_id else "",
        " ".join(body.code for body in action.collaborators.all()),
        choice_label(ActionStatus, action.status),
        person(action.focal_point),
        action.target_date.isoformat() if action.target_date else "",
        labels.yes if action.is_overdue(today) else labels.no,
        # The item's own duties and those written for its whole resolution.
        "; ".join(choice_label(ReportingRecipient, value) for value in action.reporting_duties()),
        labels.yes if action.needs_review else labels.no,
        action.clause.label,
        action.clause.text,
        timezone.localtime(action.updated_at).isoformat(timespec="seconds"),
        _iso(action.latest_report_date),
        _iso(action.latest_report_period_start),
        _iso(action.latest_report_period_end),
        action.latest_report_text or "",
    ]


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def action_csv_lines(actions: QuerySet[Action], *, today: datetime.date) -> Iterator[str]:
    """The actions as CSV lines, header first, read from the database in chunks.

    ``actions`` should come from ``Action.objects.for_export()``. The byte
    order mark tells Excel the file is UTF-8: without it, "·" and "’" come
    out garbled on Windows.
    """
    writer = csv.writer(_Echo())
    labels = _Labels()
    yield "\ufeff" + writer.writerow([str(title) for title in CSV_HEADER])
    for action in actions.iterator(chunk_size=500):
        yield writer.writerow(_csv_row(action, today, labels))
