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
}


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


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a stored choice, e.g. "In progress" for ``in_progress``.

    Looked up once per choice set and language. Django's ``get_FOO_display()``
    rebuilds a dict of every lazy label on each call, translating each one
    again: thousands of gettext calls for a CSV export.
    """
    return _labels(choices, translation.get_language()).get(value, value)


# --- Exports run in the background (issue 13) ---------------------------------


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")


# States after which an export changes no more: its page stops asking.
FINISHED_EXPORT_STATES = frozenset({ExportState.READY, ExportState.FAILED})
