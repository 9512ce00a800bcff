"""Actions written to a file: the CSV export of the action list, streamed or in the background.

The rows are plain tuples, ``Action.objects.for_export()`` read as values,
never model instances: one query for the actions with their latest approved
report, and three more for every action's collaborators and reporting
duties (``selectors.action_lists``): joining those lists into each row in
SQL took longer than reading the rows. Python turns stored values into
words, through dicts built once per export in the active language, and
writes the CSV. The streamed download and the Celery job read that one
source and write it in the same CSV dialect, so they give the same bytes.
The lists are read just before the rows, in statements of their own: an
edit saved in between can show in one and not the other, as in any list
read while people work.

On PostgreSQL, ``COPY (…) TO STDOUT`` could write the job's file without
Python, but not these bytes: it translates no label, quotes differently and
ends lines with a line feed alone where Python's csv writer ends them with a
carriage return and a line feed, so the job's file would no longer be the
stream's. Plain tuples already keep the job within issue 13's 3× ``psql
\\copy`` of the same rows at scale L (``make bench``), so both paths keep the
one writer.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import tempfile
from collections.abc import Iterator

from celery import signature
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from resolutions.choices import ClauseVerb

from .. import selectors
from ..choices import ActionStatus, ExportState, ReportingRecipient, Strength, choice_labels
from ..display import ACTION_NAME, person_from_columns
from ..models import Action, Export, User, action_is_overdue

logger = logging.getLogger(__name__)


class _Labels:
    """The words rows repeat, looked up in dicts built once per export in the active language.

    Translating a label costs a gettext call; each row names a status, a
    strength, a verb and its duties, and an export has tens of thousands of rows.
    """

    def __init__(self) -> None:
        self.name = _(ACTION_NAME)
        self.yes, self.no = _("yes"), _("no")
        self.status = choice_labels(ActionStatus)
        self.strength = choice_labels(Strength)
        self.verb = choice_labels(ClauseVerb)
        self.recipients = choice_labels(ReportingRecipient)
        self.zone = timezone.get_current_timezone()
        self._duties: dict[tuple[str, ...], str] = {}

    def duties(self, own: list[str], whole: list[str]) -> str:
        """The action's own duties and its resolution's, as ``Action.reporting_duties()`` does.

        Each recipient is named once, in the order of the stored values
        whatever the database's collation. A few combinations recur across
        every row, so each is worked out once.
        """
        key = (*own, "|", *whole)
        if key not in self._duties:
            self._duties[key] = "; ".join(
                self.recipients.get(value, value) for value in sorted({*own, *whole})
            )
        return self._duties[key]


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
    # As the action's page says it: the last change a person made, empty if none.
    gettext_lazy("Last updated"),
    gettext_lazy("Latest approved report"),
    gettext_lazy("Report period from"),
    gettext_lazy("Report period to"),
    gettext_lazy("Report text"),
]


# The columns ``Action.objects.for_export()`` gives a row, in the order ``_csv_row`` reads them.
_COLUMNS = (
    "id",
    "resolution_id",
    "resolution__assembly__code",
    "resolution__number",
    "number",
    "clause__verb",
    "clause__label",
    "strength",
    "owner__code",
    "status",
    "focal_point__first_name",
    "focal_point__last_name",
    "focal_point__username",
    "target_date",
    "needs_review",
    "clause__text",
    "changed_at",
    "latest_report_date",
    "latest_report_period_start",
    "latest_report_period_end",
    "latest_report_text",
)

# Tells Excel the file is UTF-8: without it, "·" and "’" come out garbled on Windows.
BYTE_ORDER_MARK = "\ufeff"


def _csv_row(
    row: tuple, lists: selectors.ActionLists, today: datetime.date, labels: _Labels
) -> list[str]:
    """One action's cells, from the plain values of ``_COLUMNS`` and the actions' lists."""
    (
        pk,
        resolution_id,
        assembly,
        resolution,
        number,
        verb,
        item,
        strength,
        owner,
        status,
        first_name,
        last_name,
        username,
        target_date,
        needs_review,
        text,
        changed_at,
        report_date,
        period_start,
        period_end,
        report_text,
    ) = row
    verb = labels.verb.get(verb, verb)
    return [
        assembly,
        str(resolution),
        str(number),
        labels.name
        % {
            "resolution": resolution,
            "number": number,
            "clause": f"{verb} {item}" if item else verb,
        },
        labels.strength.get(strength, strength),
        _as_text(owner or ""),
        _as_text(", ".join(lists.collaborators[pk])),
        labels.status.get(status, status),
        _as_text(person_from_columns(first_name, last_name, username)),
        _iso(target_date),
        labels.yes if action_is_overdue(status, target_date, today) else labels.no,
        labels.duties(lists.obligations[pk], lists.resolution_duties[resolution_id]),
        labels.yes if needs_review else labels.no,
        _as_text(item),
        _as_text(text),
        changed_at.astimezone(labels.zone).isoformat(timespec="seconds") if changed_at else "",
        _iso(report_date),
        _iso(period_start),
        _iso(period_end),
        _as_text(report_text or ""),
    ]


# A cell that begins with one of these is a formula to a spreadsheet, which
# runs it on opening ("=HYPERLINK(…)" in a report sends the reader away).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: str) -> str:
    """Text a spreadsheet shows as written: one that begins like a formula gets an apostrophe.

    The apostrophe is what spreadsheets themselves use to mark a typed cell
    as text (OWASP's advice on CSV injection); the file keeps the rest as written.
    """
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def action_csv_rows(actions: QuerySet[Action], *, today: datetime.date) -> Iterator[list[str]]:
    """The actions' cells, a list per action, header first.

    ``actions`` should come from ``Action.objects.for_export()``: their lists
    are read first, in three queries, then the actions themselves as plain
    tuples in one more, a chunk at a time.
    """
    labels = _Labels()
    yield [str(title) for title in CSV_HEADER]
    lists = selectors.action_lists(actions)
    for row in actions.values_list(*_COLUMNS).iterator(chunk_size=2000):
        yield _csv_row(row, lists, today, labels)


def action_csv_lines(actions: QuerySet[Action], *, today: datetime.date) -> Iterator[str]:
    """The actions as CSV lines for a streamed download: byte order mark and header first."""
    writer = csv.writer(_Echo())
    rows = action_csv_rows(actions, today=today)
    yield BYTE_ORDER_MARK + writer.writerow(next(rows))
    for cells in rows:
        yield writer.writerow(cells)


# --- Exports too large to stream: written by a Celery task (issue 13) -----------

# How often the job tells its page how far it got: often enough for a moving
# bar, rarely enough that the updates cost nothing beside the rows.
PROGRESS_EVERY_ROWS = 1000


# How many exports one person may have waiting or being written at once: a
# few, so that a script or an impatient hand cannot fill the workers' queue
# and the disk for everyone. One asked for this long ago and still unfinished
# no longer counts (its worker may have stopped; its page says so).
EXPORTS_AT_ONCE = 3
EXPORT_LOST_AFTER = datetime.timedelta(hours=1)


class TooManyExports(Exception):
    """The person has ``EXPORTS_AT_ONCE`` exports unfinished; nothing was queued."""

    def __init__(self, unfinished: list[Export]) -> None:
        self.unfinished = unfinished
        n = len(unfinished)
        super().__init__(
            ngettext(
                "You have %(n)d export waiting or being written: a new one can be asked "
                "for when it is finished.",
                "You have %(n)d exports waiting or being written: a new one can be asked "
                "for when one of them is finished.",
                n,
            )
            % {"n": n}
        )


def unfinished_exports(user: User) -> QuerySet[Export]:
    """The user's exports waiting or being written, asked for within ``EXPORT_LOST_AFTER``."""
    return Export.objects.filter(
        requested_by=user,
        state__in=[ExportState.QUEUED, ExportState.RUNNING],
        created_at__gte=timezone.now() - EXPORT_LOST_AFTER,
    ).order_by("created_at", "pk")


def export_start(*, user: User, query: str, actions: QuerySet[Action]) -> Export:
    """Record an export of the ``actions`` that ``query`` selects and queue the task that
    writes it.

    Refused with ``TooManyExports`` while the user has ``EXPORTS_AT_ONCE``
    unfinished, before the actions are counted; the user's row is locked for
    the check, so two requests at once cannot both slip under it. The task is
    named, not imported: services sit below the tasks that call them. It is
    queued once the row is committed, so the worker finds it.
    """
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        unfinished = list(unfinished_exports(user)[:EXPORTS_AT_ONCE])
        if len(unfinished) >= EXPORTS_AT_ONCE:
            raise TooManyExports(unfinished)
        export = Export.objects.create(requested_by=user, query=query, rows_total=actions.count())
    transaction.on_commit(
        lambda: signature("actions.tasks.write_export", args=(export.pk,)).delay()
    )
    return export


def export_write(*, export: Export, actions: QuerySet[Action], today: datetime.date) -> Export:
    """Write the export's CSV file into storage, counting rows as it goes.

    The bytes are those the streamed download gives for the same filters. The
    file is built on disk, not in memory, and saved to storage only once
    complete, so a half-written file is never offered. Any error marks the
    export failed with its reason, for the page to show.
    """
    Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, rows_done=0, error="")
    rows = -1  # the header is not a row
    try:
        with tempfile.TemporaryFile() as spool:
            # The lines action_csv_lines gives, written straight to the file.
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            writer = csv.writer(text)
            text.write(BYTE_ORDER_MARK)
            for cells in action_csv_rows(actions, today=today):
                writer.writerow(cells)
                rows += 1
                if rows and rows % PROGRESS_EVERY_ROWS == 0:
                    Export.objects.filter(pk=export.pk).update(rows_done=rows)
            text.flush()
            text.detach()  # the spool stays open for storage to read
            spool.seek(0)
            export.file.save(f"wtsa-actions-{today.isoformat()}.csv", File(spool), save=False)
    except Exception as error:  # whatever broke, the user is told, and nothing is offered
        logger.exception("Export %s failed", export.pk)
        return export_fail(export=export, reason=str(error) or type(error).__name__)
    export.state = ExportState.READY
    export.rows_done = export.rows_total = rows
    export.error = ""
    export.finished_at = timezone.now()
    export.save(update_fields=["state", "rows_done", "rows_total", "file", "error", "finished_at"])
    return export


def export_fail(*, export: Export, reason: str) -> Export:
    """Mark the export failed, keeping why, so its page says so instead of waiting forever."""
    export.state = ExportState.FAILED
    export.error = reason
    export.finished_at = timezone.now()
    export.file = ""
    export.save(update_fields=["state", "error", "finished_at", "file"])
    return export
