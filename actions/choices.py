"""Enumerations and state groups for actions, reports and bodies."""

import functools

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ActionStatus(models.TextChoices):
    """Where the work on an action stands. Kept small on purpose."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    # Standing mandates ("to continue to …") never complete; they are ongoing.
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    # Set only by importing the next assembly's text: the work goes on in the
    # action that continues this one, or the assembly dropped the item.
    SUPERSEDED = "superseded", _("Superseded")


OPEN_STATUSES = frozenset(
    {ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.ONGOING}
)

ALLOWED_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.NOT_STARTED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.ONGOING}),
    # Back to "not started" undoes a status set by mistake before work began.
    ActionStatus.IN_PROGRESS: frozenset(
        {ActionStatus.NOT_STARTED, ActionStatus.ONGOING, ActionStatus.COMPLETED}
    ),
    ActionStatus.ONGOING: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED}),
    # A completed action can be reopened, but work that was done is never "not started".
    ActionStatus.COMPLETED: frozenset({ActionStatus.IN_PROGRESS}),
    # Terminal: its successor (if any) carries the work on.
    ActionStatus.SUPERSEDED: frozenset(),
}
# Statuses nobody sets by hand: only an import of a later assembly's text does.
IMPORT_ONLY_STATUSES = frozenset({ActionStatus.SUPERSEDED})
# Statuses of actions in force, which the dashboard counts and charts; a
# superseded action is history, and its successor is counted instead.
IN_FORCE_STATUSES = tuple(s for s in ActionStatus if s not in IMPORT_ONLY_STATUSES)


class Strength(models.TextChoices):
    """How firmly the resolution asks for the action: the verb of its part."""

    INSTRUCTS = "instructs", _("Instructs")
    REQUESTS = "requests", _("Requests")
    CALLS_UPON = "calls_upon", _("Calls upon")
    INVITES = "invites", _("Invites")
    ENCOURAGES = "encourages", _("Encourages")


class ReportingRecipient(models.TextChoices):
    """To whom an action's progress must be reported, as the resolution says."""

    COUNCIL_ANNUAL = "council_annual", _("ITU Council, annually")
    COUNCIL = "council", _("ITU Council")
    NEXT_WTSA = "next_wtsa", _("Next WTSA")
    TSAG = "tsag", _("TSAG")
    PP = "pp", _("Plenipotentiary Conference")


# Reporting duties that Council deadlines (and their reminders) apply to.
COUNCIL_RECIPIENTS = frozenset({ReportingRecipient.COUNCIL, ReportingRecipient.COUNCIL_ANNUAL})


class ReportState(models.TextChoices):
    """Life of a progress report: drafted by a bureau, approved before it goes to Council."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


EDITABLE_REPORT_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
ALLOWED_REPORT_TRANSITIONS: dict[ReportState, frozenset[ReportState]] = {
    ReportState.DRAFT: frozenset({ReportState.SUBMITTED}),
    ReportState.SUBMITTED: frozenset({ReportState.APPROVED, ReportState.RETURNED}),
    ReportState.RETURNED: frozenset({ReportState.SUBMITTED}),
    ReportState.APPROVED: frozenset(),
}
REVIEW_STATES = frozenset({ReportState.APPROVED, ReportState.RETURNED})


class BodyKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    GENERAL_SECRETARIAT = "general_secretariat", _("General Secretariat")
    ADVISORY_GROUP = "advisory_group", _("Advisory group")
    STUDY_GROUP = "study_group", _("Study group")
    REGIONAL_OFFICE = "regional_office", _("Regional office")
    MEMBERSHIP = "membership", _("Membership")
    INTERSECTOR = "intersector", _("Intersector group")


# Staff belong to one of these; they own actions directly.
STAFF_BODY_KINDS = frozenset({BodyKind.BUREAU, BodyKind.GENERAL_SECRETARIAT})


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("ITU Council")
    TSAG = "tsag", _("TSAG")
    TDAG = "tdag", _("TDAG")
    RAG = "rag", _("RAG")
    WTSA = "wtsa", _("WTSA")
    WTDC = "wtdc", _("WTDC")
    PP = "pp", _("Plenipotentiary Conference")


class Role(models.TextChoices):
    """Role groups, created by a data migration. The value is the Group name."""

    BUREAU_STAFF = "Bureau staff", _("Bureau staff")
    COORDINATOR = "Bureau coordinator", _("Bureau coordinator")
    READER = "Reader", _("Reader")
    ADMINISTRATOR = "Administrator", _("Administrator")


@functools.cache
def _labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    return {member.value: str(member.label) for member in choices}


def choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every stored choice's translated label, in the active language, for reading many rows."""
    return _labels(choices, translation.get_language())


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a stored choice, e.g. "In progress" for ``in_progress``.

    Looked up once per choice set and language. Django's ``get_FOO_display()``
    rebuilds a dict of every lazy label on each call, translating each one
    again: thousands of gettext calls for a CSV export.
    """
    return choice_labels(choices).get(value, value)


# --- Readiness for a Council session (issue 9) ----------------------------------


class Readiness(models.TextChoices):
    """How far an action that reports to Council is from having its report for a period.

    Not stored: worked out from the action's progress reports whose period
    overlaps the reporting period, the most advanced one deciding.
    """

    APPROVED = "approved", _("Approved")
    SUBMITTED = "submitted", _("Awaiting approval")
    DRAFT = "draft", _("Draft or returned")
    MISSING = "missing", _("No report")


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------


class AssessmentRating(models.TextChoices):
    """How far a resolution has been implemented in a period (Resolution 83). Not a status."""

    FULLY_MET = "fully_met", _("Fully met")
    LARGELY_MET = "largely_met", _("Largely met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    TOO_EARLY = "too_early", _("Too early to assess")


class AssessmentState(models.TextChoices):
    """A Bureau proposes an assessment; TSB confirms it, and only then it goes to Council."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")


class ReportRunState(models.TextChoices):
    """Where the generation of a Council report stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportFormat(models.TextChoices):
    """The files a Council report is written to."""

    DOCX = "docx", _("Word (.docx)")
    XLSX = "xlsx", _("Spreadsheet (.xlsx)")


REPORT_CONTENT_TYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- Calendar, notifications and reminders (issue 10) ---------------------------


class EmailDelivery(models.TextChoices):
    """How a user wants in-app notifications to reach their mailbox."""

    IMMEDIATE = "immediate", _("Each one as it happens")
    DAILY = "daily", _("A daily digest")
    NONE = "none", _("No e-mail")


class NotificationKind(models.TextChoices):
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    REPORT_APPROVED = "report_approved", _("Report approved")
    REPORT_RETURNED = "report_returned", _("Report returned")
    STATUS_CHANGED = "status_changed", _("Status changed")
    DEADLINE_REMINDER = "deadline_reminder", _("Deadline reminder")
    ESCALATION = "escalation", _("Escalation")
    ASSESSMENT_PROPOSED = "assessment_proposed", _("Assessment proposed")
    ASSESSMENT_CONFIRMED = "assessment_confirmed", _("Assessment confirmed")


class ReminderKind(models.TextChoices):
    """A reminder before a deadline, or an escalation after it passed with reports missing."""

    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class ImportState(models.TextChoices):
    """Where an uploaded file's import stands: previewed first, applied on request."""

    PREVIEWING = "previewing", _("Preparing the preview")
    PREVIEWED = "previewed", _("Preview ready")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Refused")


# States in which a background task is at work and the page keeps polling.
IMPORT_RUNNING_STATES = frozenset({ImportState.PREVIEWING, ImportState.APPLYING})


# --- Exports run in the background (issue 13) ---------------------------------


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")


# States after which an export changes no more: its page stops asking.
FINISHED_EXPORT_STATES = frozenset({ExportState.READY, ExportState.FAILED})
