"""The life of a progress report: written, edited, submitted, approved or returned."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from wtsa_tracker.errors import AlreadySubmitted, StaleVersion, TransitionRefused

from .. import permissions, selectors
from ..choices import ALLOWED_REPORT_TRANSITIONS, REVIEW_STATES, ReportState
from ..display import day
from ..models import Action, EvidenceLink, ProgressReport, User
from ..validators import (
    NOTE_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    check_characters,
    text_too_long,
)
from .common import compare_and_set
from .notifications import report_moved_notify


@dataclass(frozen=True)
class Evidence:
    """An evidence link as given by a caller, before it is stored."""

    url: str
    title: str = ""


# A report looks back over at most one assembly cycle (four years, with some
# slack) and forward no further than the next Council session can be.
REPORT_LOOKBACK = datetime.timedelta(days=5 * 366)
REPORT_LOOKAHEAD = datetime.timedelta(days=366)


# A report points to its key evidence, not to an archive: as many links as
# the page's form offers.
MAX_EVIDENCE_LINKS = 10

# No report of the tracker's work can be dated before the first WTSA (1993).
EARLIEST_REPORT_DATE = datetime.date(1990, 1, 1)


def check_report_period(
    period_start: datetime.date, period_end: datetime.date, report_date: datetime.date
) -> None:
    """Refuse a period a report of ``report_date`` cannot cover (``ValidationError`` by field).

    The forms check it too, so that a page shows these errors with the others at once.
    """
    for field, value in (("report_date", report_date), ("period_start", period_start)):
        if value < EARLIEST_REPORT_DATE:
            raise ValidationError({field: _("A report cannot be dated before 1 January 1990.")})
    if period_start > report_date:
        raise ValidationError(
            {
                "period_start": _(
                    "The reporting period cannot start after the report's date, %(date)s: "
                    "a report tells what was done."
                )
                % {"date": day(report_date)}
            }
        )
    if period_end < period_start:
        raise ValidationError(
            {"period_end": _("The reporting period cannot end before it starts.")}
        )
    if period_start < report_date - REPORT_LOOKBACK:
        raise ValidationError(
            {"period_start": _("The reporting period cannot start more than five years back.")}
        )
    if period_end > report_date + REPORT_LOOKAHEAD:
        raise ValidationError(
            {"period_end": _("The reporting period cannot end more than a year ahead.")}
        )


def _clean_text(text: str) -> None:
    if not text.strip():
        raise ValidationError({"text": _("A progress report needs some text.")})
    if len(text.strip()) > REPORT_TEXT_MAX_LENGTH:
        raise ValidationError({"text": text_too_long(REPORT_TEXT_MAX_LENGTH, len(text.strip()))})
    check_characters(text=text)


def progress_report_create(
    *,
    action: Action,
    by: User,
    text: str,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    report_date: datetime.date | None = None,
    evidence: Iterable[Evidence] = (),
    submit: bool = False,
    now: datetime.datetime | None = None,
    submission_token: uuid.UUID | None = None,
) -> ProgressReport:
    """Write a progress report on an action, as a draft or submitted for approval.

    The report is filed as the writer's Bureau's: a writer without a Bureau is
    refused, never taken for the owner's staff. A ``submission_token`` (the
    form's one-time token) makes one report however often it is sent: the
    second time raises ``AlreadySubmitted`` with the report the first made.
    A period not given is the open reporting period (``report_period_default``).
    """
    if not permissions.can_write_report(by, action):
        raise PermissionDenied(permissions.why_no_report(by))
    _clean_text(text)
    now = now or timezone.now()
    report_date = report_date or timezone.localdate(now)
    if report_date > timezone.localdate(now):
        raise ValidationError({"report_date": _("A report cannot be dated in the future.")})
    assembly = action.resolution.assembly
    if report_date < assembly.start_date:
        raise ValidationError(
            {
                "report_date": _(
                    "A report on an action of %(assembly)s cannot be dated before the "
                    "assembly opened on %(date)s."
                )
                % {"assembly": assembly.code, "date": day(assembly.start_date)}
            }
        )
    if period_start is None or period_end is None:
        default_start, default_end = selectors.report_period_default(report_date, assembly)
        period_start = period_start or default_start
        period_end = period_end or max(default_end, period_start)
    check_report_period(period_start, period_end, report_date)
    evidence = list(evidence)
    _check_evidence(evidence)
    if submission_token is not None:
        _refuse_second_submission(submission_token, by)
    try:
        return _progress_report_insert(
            action=action,
            by=by,
            text=text,
            period_start=period_start,
            period_end=period_end,
            report_date=report_date,
            evidence=evidence,
            submit=submit,
            now=now,
            submission_token=submission_token,
        )
    except IntegrityError:
        if submission_token is None:
            raise
        # The same form, sent again while the first was being saved: the
        # unique token let only one in.
        _refuse_second_submission(submission_token, by)
        raise


def _refuse_second_submission(token: uuid.UUID, by: User) -> None:
    first = ProgressReport.objects.filter(submission_token=token).first()
    if first is None:
        return
    if first.author_id != by.pk:
        raise ValidationError(_("This form was already used by someone else: reload the page."))
    raise AlreadySubmitted(first)


def _progress_report_insert(
    *,
    action: Action,
    by: User,
    text: str,
    period_start: datetime.date,
    period_end: datetime.date,
    report_date: datetime.date,
    evidence: list[Evidence],
    submit: bool,
    now: datetime.datetime,
    submission_token: uuid.UUID | None,
) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport(
            submission_token=submission_token,
            action=action,
            author=by,
            bureau_id=by.bureau_id,
            report_date=report_date,
            period_start=period_start,
            period_end=period_end,
            text=text.strip(),
            state=ReportState.SUBMITTED if submit else ReportState.DRAFT,
            submitted_at=now if submit else None,
        )
        report._history_user = by
        report.save()
        _replace_evidence(report, evidence, by=by)
        report.editors.add(by)
        if submit:
            report_moved_notify(report=report, by=by)
    return report


def _check_evidence(evidence: list[Evidence]) -> None:
    if len(evidence) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            {
                "evidence_links": _("A report takes at most %(max)d evidence links.")
                % {"max": MAX_EVIDENCE_LINKS}
            }
        )
    for link in evidence:
        check_characters(evidence_links=link.title + link.url)


def _replace_evidence(report: ProgressReport, evidence: Iterable[Evidence], *, by: User) -> None:
    for link in report.evidence_links.all():
        link._history_user = by
        link.delete()
    # bulk_create sends no signal: the history rows are written beside it.
    bulk_create_with_history(
        [EvidenceLink(report=report, url=item.url, title=item.title) for item in evidence],
        EvidenceLink,
        default_user=by,
    )


def progress_report_update(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    text: str,
    period_start: datetime.date,
    period_end: datetime.date,
    evidence: Iterable[Evidence] | None = None,
    submit: bool = False,
) -> ProgressReport:
    """Edit a draft or returned report, and submit it with the edit if asked.

    Submitted and approved reports are frozen.
    """
    if not permissions.can_edit_report(by, report):
        raise PermissionDenied(permissions.EDIT_REPORT_REFUSED)
    _clean_text(text)
    check_report_period(period_start, period_end, report.report_date)
    if evidence is not None:
        evidence = list(evidence)
        _check_evidence(evidence)
        stored = [Evidence(link.url, link.title) for link in report.evidence_links.all()]
        if evidence == stored:
            evidence = None
    unchanged = (text.strip(), period_start, period_end) == (
        report.text,
        report.period_start,
        report.period_end,
    )
    if unchanged and evidence is None and not submit and expected_version == report.version:
        # Nothing to write: no new version for colleagues to trip over, and
        # the caller does not become one of its writers.
        return report
    with transaction.atomic():
        compare_and_set(
            ProgressReport,
            report,
            expected_version,
            by=by,
            text=text.strip(),
            period_start=period_start,
            period_end=period_end,
            updated_at=timezone.now(),
        )
        if evidence is not None:
            _replace_evidence(report, evidence, by=by)
        # Whoever changes the text is one of its writers from now on: the
        # four-eyes rule keeps them from reviewing it, administrators included.
        report.editors.add(by)
        if submit:
            progress_report_transition(report=report, to=ReportState.SUBMITTED, by=by)
    return report


def progress_report_transition(
    *,
    report: ProgressReport,
    to: ReportState | str,
    by: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> ProgressReport:
    """Submit a report for approval, or approve or return it (returning needs a reason)."""
    try:
        to = ReportState(to)
    except ValueError:
        raise TransitionRefused(_("“%(state)s” is not a report state.") % {"state": to}) from None
    current = ReportState(report.state)
    if to not in ALLOWED_REPORT_TRANSITIONS[current]:
        raise TransitionRefused(
            _("A report that is “%(from)s” cannot become “%(to)s”.")
            % {"from": current.label, "to": to.label}
        )
    refusal = permissions.report_move_refusal(by, report, to)
    if refusal:
        raise PermissionDenied(refusal)
    if to == ReportState.RETURNED and not note.strip():
        raise ValidationError({"note": _("Say why the report is returned.")})
    if len(note.strip()) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": text_too_long(NOTE_MAX_LENGTH, len(note.strip()))})
    check_characters(note=note)
    now = now or timezone.now()
    expected_version = report.version if expected_version is None else expected_version
    values: dict[str, Any] = {"state": to, "updated_at": now}
    if to == ReportState.SUBMITTED:
        values["submitted_at"] = now
    else:
        values.update(reviewed_by=by, reviewed_at=now, review_note=note.strip())
    with transaction.atomic():
        compare_and_set(
            ProgressReport, report, expected_version, by=by, reason=note.strip(), **values
        )
        report_moved_notify(report=report, by=by)
    return report


@dataclass(frozen=True)
class ReviewOutcome:
    """What a bulk review did to one report: moved, or refused and why."""

    report: ProgressReport
    done: bool
    reason: str = ""


def progress_reports_review(
    *,
    reports: Iterable[tuple[ProgressReport, int]],
    to: ReportState | str,
    by: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> list[ReviewOutcome]:
    """Approve or return many reports, each through ``progress_report_transition``.

    ``reports`` pairs each report with the version the reviewer saw. Each one
    is moved in its own transaction or refused with its reason: one refusal
    neither stops nor undoes the others, and every outcome is returned so the
    caller can show all of them.
    """
    to = ReportState(to)
    if to not in REVIEW_STATES:
        raise TransitionRefused(_("Only approving and returning can be done in bulk."))
    outcomes = []
    for report, version in reports:
        try:
            progress_report_transition(
                report=report, to=to, by=by, note=note, expected_version=version, now=now
            )
        except StaleVersion:
            outcomes.append(
                ReviewOutcome(report, False, _("Someone changed it meanwhile: open it to see."))
            )
        except (PermissionDenied, TransitionRefused) as refused:
            outcomes.append(ReviewOutcome(report, False, _refusal_text(refused)))
        except ValidationError as invalid:
            outcomes.append(ReviewOutcome(report, False, " ".join(invalid.messages)))
        else:
            outcomes.append(ReviewOutcome(report, True))
    return outcomes


def _refusal_text(refused: Exception) -> str:
    return str(refused.args[0]) if refused.args else str(refused)
