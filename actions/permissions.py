"""Who may do what. The one place these rules are written.

Every entry point (web page, API, admin, command) reaches the services, and
the services ask these predicates; templates and serializers may ask them too,
to hide a button, but never instead of the service. Each rule is written here
in both its forms: a predicate for one object (``can_review_report``) and a
queryset for many (``reports_awaiting_review_by``), side by side. Each refusal
has its one sentence here too, which the services raise and every page, API
answer and admin message shows.

- Everybody signed in reads everything published.
- Bureau staff change the status of actions their Bureau owns, and write
  progress reports on actions their Bureau owns or collaborates on.
- Coordinators do what staff do, and approve or return the reports their
  Bureau wrote.
- Administrators (superusers or the Administrator group) may do everything.
- Readers only read.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import (
    ALLOWED_REPORT_TRANSITIONS,
    ALLOWED_TRANSITIONS,
    EDITABLE_REPORT_STATES,
    REVIEW_STATES,
    ActionStatus,
    ReportState,
    Role,
)
from .models import Action, CouncilReportRun, Export, ProgressReport, User

# The sentence each refusal shows, wherever it is refused.
CHANGE_STATUS_REFUSED = _("Only staff of the owning Bureau may change this status.")
EDIT_ACTION_REFUSED = _("Only staff of the owning Bureau may edit this action.")
WRITE_REPORT_REFUSED = _(
    "Only staff of a Bureau that owns or collaborates on this action may report on it."
)
NO_BUREAU_NO_REPORT = _(
    "Your account has no Bureau, and a progress report is filed as its writer's "
    "Bureau's. Ask an administrator to set your Bureau, then write the report."
)
REPORTS_BY_STAFF_ONLY = _("Only Bureau staff write progress reports.")
EDIT_REPORT_REFUSED = _(
    "Only the writing Bureau may edit a report, and only while it is a draft or returned."
)
SUBMIT_REPORT_REFUSED = _("Only the writing Bureau may submit this report.")
REVIEW_REPORT_REFUSED = _("Only a coordinator of the writing Bureau may review this report.")
REVIEW_OWN_REPORT_REFUSED = _(
    "You wrote or edited this report: another coordinator must review it."
)
ADMINISTRATORS_ONLY = _("Only administrators may change this.")


def role_names(user: User) -> frozenset[str]:
    """The user's role groups, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_administrator(user: User) -> bool:
    return bool(user.is_active and user.is_superuser) or Role.ADMINISTRATOR in role_names(user)


def is_coordinator(user: User) -> bool:
    return Role.COORDINATOR in role_names(user) and user.bureau_id is not None


def is_bureau_staff(user: User) -> bool:
    """Staff and coordinators alike: both work on their Bureau's actions."""
    roles = role_names(user)
    return bool(roles & {Role.BUREAU_STAFF, Role.COORDINATOR}) and user.bureau_id is not None


def can_change_status(user: User, action: Action) -> bool:
    return can_change_status_owned_by(user, action.owning_bureau_id)


def can_change_status_owned_by(user: User, owning_bureau_id: int | None) -> bool:
    """The same rule, from the owning Bureau's id alone (lists read values, not actions)."""
    if is_administrator(user):
        return True
    return is_bureau_staff(user) and user.bureau_id == owning_bureau_id


def allowed_next_statuses(user: User, action: Action) -> list[ActionStatus]:
    """The statuses this user may move the action to now, in the order of the choices.

    Empty when the user may not change the status at all. Reads no row: the
    rules, the owner and the user's cached roles are in memory.
    """
    if not can_change_status(user, action):
        return []
    allowed = ALLOWED_TRANSITIONS[ActionStatus(action.status)]
    return [status for status in ActionStatus if status in allowed]


def can_edit_action(user: User, action: Action) -> bool:
    """Focal point and target date follow the same rule as the status."""
    return can_change_status(user, action)


def can_write_report(user: User, action: Action) -> bool:
    """Owners report; collaborators contribute reports of their own.

    A report is filed as its writer's Bureau's, so a writer needs one, an
    administrator too: none writes on another Bureau's behalf.
    """
    if user.bureau_id is None:
        return False
    if is_administrator(user):
        return True
    if not is_bureau_staff(user):
        return False
    return user.bureau_id in action.involved_bureau_ids()


def why_no_report(user: User) -> str:
    """What stops this user writing a report on an action they may not report on."""
    if user.bureau_id is None and (is_administrator(user) or is_bureau_staff_role(user)):
        return str(NO_BUREAU_NO_REPORT)
    return str(WRITE_REPORT_REFUSED)


def is_bureau_staff_role(user: User) -> bool:
    """Holds a staff or coordinator role, with or without a Bureau."""
    return bool(role_names(user) & {Role.BUREAU_STAFF, Role.COORDINATOR})


def writes_report(user: User, report: ProgressReport) -> bool:
    """Staff of the Bureau that writes the report (or an administrator): they edit it while
    it may be edited, and they alone see the history of its drafts."""
    if is_administrator(user):
        return True
    return is_bureau_staff(user) and user.bureau_id == report.bureau_id


def can_edit_report(user: User, report: ProgressReport) -> bool:
    """Only the writing Bureau edits or submits, and only before approval."""
    return report.state in EDITABLE_REPORT_STATES and writes_report(user, report)


def reports_visible_to(user: User, reports: QuerySet[ProgressReport] | None = None) -> QuerySet:
    """Drafts and returned reports stay with the staff of the Bureau that writes them.

    Everyone else, readers of that Bureau included, sees submitted and
    approved reports only.
    """
    reports = ProgressReport.objects.all() if reports is None else reports
    if is_administrator(user):
        return reports
    published = ~Q(state__in=EDITABLE_REPORT_STATES)
    if not is_bureau_staff(user):
        return reports.filter(published)
    return reports.filter(published | Q(bureau_id=user.bureau_id))


def wrote_report(user: User, report: ProgressReport) -> bool:
    """Whether the user wrote or edited any version of the report's text.

    Reads ``report.editors`` (prefetch it for lists); the author is one of them.
    """
    return user.pk == report.author_id or any(e.pk == user.pk for e in report.editors.all())


def can_review_report(user: User, report: ProgressReport) -> bool:
    """A Bureau's coordinator vouches for the reports that Bureau wrote.

    Never for a report whose text they wrote or edited, administrators
    included: approval is a second pair of eyes before Council.
    """
    if report.state != ReportState.SUBMITTED or wrote_report(user, report):
        return False
    if is_administrator(user):
        return True
    return is_coordinator(user) and user.bureau_id == report.bureau_id


def reports_awaiting_review_by(user: User) -> QuerySet[ProgressReport]:
    """Submitted reports this user may approve or return: ``can_review_report`` for many."""
    submitted = (
        ProgressReport.objects.filter(state=ReportState.SUBMITTED)
        .exclude(author=user)
        .exclude(editors=user)
    )
    if is_administrator(user):
        return submitted
    if is_coordinator(user):
        return submitted.filter(bureau_id=user.bureau_id)
    return submitted.none()


def can_move_report(user: User, report: ProgressReport, to: ReportState) -> bool:
    """Approving and returning are the reviewer's; submitting is the writer's."""
    if to in REVIEW_STATES:
        return can_review_report(user, report)
    return can_edit_report(user, report)


def allowed_next_report_states(user: User, report: ProgressReport) -> list[ReportState]:
    """The states this user may move the report to now, in the order of the choices."""
    allowed = ALLOWED_REPORT_TRANSITIONS[ReportState(report.state)]
    return [s for s in ReportState if s in allowed and can_move_report(user, report, s)]


def report_move_refusal(user: User, report: ProgressReport, to: ReportState) -> str | None:
    """Why this user may not move the report to ``to`` now, or None if they may."""
    if can_move_report(user, report, to):
        return None
    if to not in REVIEW_STATES:
        return str(SUBMIT_REPORT_REFUSED)
    # "Another coordinator must review it" is for one who could review, were it not theirs.
    may_review = is_administrator(user) or (
        is_coordinator(user) and user.bureau_id == report.bureau_id
    )
    if report.state == ReportState.SUBMITTED and may_review and wrote_report(user, report):
        return str(REVIEW_OWN_REPORT_REFUSED)
    return str(REVIEW_REPORT_REFUSED)


# --- Resolution 83 assessments and the Council report (issue 9b) ----------------
#
# - Coordinators of a Bureau that owns or contributes to a resolution's actions
#   propose its assessment; a TSB coordinator confirms it (Resolution 83 asks
#   TSB to assess, with the other Bureaux). Administrators do both.
# - Coordinators generate and freeze the Council report for their Bureau's
#   scope; TSB's coordinators, whose Director submits it, for any scope.
#   Administrators too. Everybody signed in reads frozen reports.
# - Nobody edits or deletes a frozen report.

ASSESSING_BUREAU = "TSB"
PROPOSE_ASSESSMENT_REFUSED = _(
    "Only a coordinator of a Bureau that owns or contributes to this resolution's actions "
    "may propose its assessment."
)
CONFIRM_ASSESSMENT_REFUSED = _("Only a TSB coordinator may confirm an assessment.")
CONFIRM_OWN_ASSESSMENT_REFUSED = _(
    "You proposed this rating: another TSB coordinator, or an administrator, confirms it."
)
GENERATE_REPORT_REFUSED = _(
    "Only coordinators may generate the Council report, for their own Bureau "
    "(TSB's coordinators for any scope)."
)
FREEZE_REPORT_REFUSED = _("Only a coordinator who may generate this report may freeze it.")
SNAPSHOT_FROZEN = _("A frozen Council report is never changed or deleted, by anyone.")


def _is_tsb_coordinator(user: User) -> bool:
    return is_coordinator(user) and user.bureau.code == ASSESSING_BUREAU


def can_propose_assessment(user: User, resolution) -> bool:
    if is_administrator(user):
        return True
    if not is_coordinator(user):
        return False
    return resolution.actions.involving_bureau(user.bureau_id).exists()


def may_confirm_assessments(user: User) -> bool:
    """TSB's coordinators and administrators confirm assessments (``can_confirm_assessment``)."""
    return is_administrator(user) or _is_tsb_coordinator(user)


def can_confirm_assessment(user: User, assessment) -> bool:
    """Never one the user proposed or last revised, administrators included:
    confirming is a second pair of eyes, as approving a progress report is."""
    return may_confirm_assessments(user) and assessment.proposed_by_id != user.pk


def confirm_assessment_refusal(user: User) -> str:
    """Why ``can_confirm_assessment`` said no."""
    return (
        CONFIRM_OWN_ASSESSMENT_REFUSED
        if may_confirm_assessments(user)
        else CONFIRM_ASSESSMENT_REFUSED
    )


def can_generate_council_report(user: User, bureau_id: int | None) -> bool:
    """``bureau_id`` narrows the report to one Bureau's actions; None is the whole report."""
    if is_administrator(user) or _is_tsb_coordinator(user):
        return True
    return is_coordinator(user) and bureau_id is not None and bureau_id == user.bureau_id


def may_generate_any_council_report(user: User) -> bool:
    return is_administrator(user) or is_coordinator(user)


COUNCIL_REPORT_RUN_NOT_SHOWN = _(
    "A generated Council report is shown to the coordinators of its Bureau, to TSB's "
    "coordinators and to administrators. Once TSB freezes it, it is on the Council report "
    "page for everyone."
)


def council_report_runs_visible_to(user: User, runs: QuerySet | None = None) -> QuerySet:
    """Generated, unfrozen reports: seen by those who may generate them (the rule for many)."""
    runs = CouncilReportRun.objects.all() if runs is None else runs
    if is_administrator(user) or _is_tsb_coordinator(user):
        return runs
    if is_coordinator(user):
        return runs.filter(bureau_id=user.bureau_id)
    return runs.none()


# --- Exports (issue 13) ---------------------------------------------------------
# An export holds what its requester's filters selected: only they download it.


def can_see_export(user: User, export: Export) -> bool:
    return user.is_authenticated and export.requested_by_id == user.pk


def exports_of(user: User) -> QuerySet[Export]:
    return Export.objects.filter(requested_by=user.pk)
