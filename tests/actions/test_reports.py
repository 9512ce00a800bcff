import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.choices import ReportState
from actions.models import EvidenceLink, ProgressReport
from actions.permissions import reports_awaiting_review_by, reports_visible_to
from actions.services.reports import (
    Evidence,
    progress_report_create,
    progress_report_transition,
    progress_report_update,
)
from tests import builders
from wtsa_tracker.errors import StaleVersion, TransitionRefused

START, END = datetime.date(2024, 6, 1), datetime.date(2025, 5, 31)


def create(action, by, **extra):
    return progress_report_create(
        action=action,
        by=by,
        text=extra.pop("text", "Organized a workshop in Nairobi."),
        period_start=extra.pop("period_start", START),
        period_end=extra.pop("period_end", END),
        **extra,
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_staff", True),  # owner
        ("tsb_coordinator", True),
        ("bdt_staff", True),  # collaborator: a contribution
        ("bdt_coordinator", True),
        ("gs_administrator", True),
        ("administrator", False),  # no Bureau to file the report under
        ("br_staff", False),
        ("reader", False),
        ("outsider", False),
    ],
)
def test_owners_and_collaborators_write_reports_others_are_refused(
    request, tsb_action, persona, allowed
):
    person = request.getfixturevalue(persona)
    if allowed:
        report = create(tsb_action, person)
        assert report.state == ReportState.DRAFT
        assert report.author == person
    else:
        with pytest.raises(PermissionDenied):
            create(tsb_action, person)
        assert not ProgressReport.objects.exists()


def test_a_collaborators_report_belongs_to_the_collaborating_bureau(tsb_action, bdt_staff):
    report = create(tsb_action, bdt_staff)

    assert report.bureau.code == "BDT"


def test_report_is_stored_with_its_evidence_links(tsb_action, tsb_staff):
    report = create(
        tsb_action,
        tsb_staff,
        evidence=[Evidence("https://www.itu.int/en/ITU-T/Workshops", "Workshop page")],
        submit=True,
    )

    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at is not None
    assert list(report.evidence_links.values_list("url", "title")) == [
        ("https://www.itu.int/en/ITU-T/Workshops", "Workshop page")
    ]


def test_report_whose_period_ends_before_it_starts_is_refused(tsb_action, tsb_staff):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        create(tsb_action, tsb_staff, period_start=END, period_end=START)
    assert not ProgressReport.objects.exists()


def test_empty_report_is_refused(tsb_action, tsb_staff):
    with pytest.raises(ValidationError, match="needs some text"):
        create(tsb_action, tsb_staff, text="   ")


def test_submitted_report_is_approved_by_a_coordinator_of_the_writing_bureau(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = create(tsb_action, tsb_staff, submit=True)

    progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)

    stored = ProgressReport.objects.get(pk=report.pk)
    assert stored.state == ReportState.APPROVED
    assert stored.reviewed_by == tsb_coordinator
    assert stored.version == 2


@pytest.mark.parametrize("persona", ["tsb_staff", "bdt_coordinator", "reader", "outsider"])
def test_others_cannot_approve_a_report(request, tsb_action, tsb_staff, persona):
    report = create(tsb_action, tsb_staff, submit=True)

    with pytest.raises(PermissionDenied):
        progress_report_transition(
            report=report, to=ReportState.APPROVED, by=request.getfixturevalue(persona)
        )
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_returning_a_report_needs_a_reason(tsb_action, tsb_staff, tsb_coordinator):
    report = create(tsb_action, tsb_staff, submit=True)

    with pytest.raises(ValidationError, match="why"):
        progress_report_transition(report=report, to=ReportState.RETURNED, by=tsb_coordinator)

    progress_report_transition(
        report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Add the dates."
    )
    assert ProgressReport.objects.get(pk=report.pk).review_note == "Add the dates."


def test_returned_report_can_be_edited_and_submitted_again(tsb_action, tsb_staff, tsb_coordinator):
    report = create(tsb_action, tsb_staff, submit=True)
    progress_report_transition(
        report=report, to=ReportState.RETURNED, by=tsb_coordinator, note="Add the dates."
    )

    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=report.version,
        text="Workshop held 3-4 May 2025.",
        period_start=START,
        period_end=END,
        evidence=[Evidence("https://example.org/report.pdf")],
    )
    progress_report_transition(report=report, to=ReportState.SUBMITTED, by=tsb_staff)

    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.state, stored.text) == (ReportState.SUBMITTED, "Workshop held 3-4 May 2025.")
    assert EvidenceLink.objects.filter(report=report).count() == 1


def test_approved_report_cannot_be_edited(tsb_action, tsb_staff, tsb_coordinator):
    report = create(tsb_action, tsb_staff, submit=True)
    progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)

    with pytest.raises(PermissionDenied):
        progress_report_update(
            report=report,
            by=tsb_staff,
            expected_version=report.version,
            text="rewritten",
            period_start=START,
            period_end=END,
        )
    assert ProgressReport.objects.get(pk=report.pk).text == "Organized a workshop in Nairobi."


def test_draft_cannot_be_approved_before_it_is_submitted(tsb_action, tsb_staff, tsb_coordinator):
    report = create(tsb_action, tsb_staff)

    with pytest.raises(TransitionRefused):
        progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)


def test_stale_report_edit_is_refused_and_nothing_changes(tsb_action, tsb_staff):
    report = create(tsb_action, tsb_staff)
    progress_report_update(
        report=report,
        by=tsb_staff,
        expected_version=1,
        text="first",
        period_start=START,
        period_end=END,
    )

    with pytest.raises(StaleVersion):
        progress_report_update(
            report=ProgressReport.objects.get(pk=report.pk),
            by=tsb_staff,
            expected_version=1,
            text="second",
            period_start=START,
            period_end=END,
        )
    assert ProgressReport.objects.get(pk=report.pk).text == "first"


def test_drafts_are_visible_only_to_the_writing_bureau(tsb_action, tsb_staff, bdt_staff, reader):
    draft = create(tsb_action, bdt_staff)
    submitted = create(tsb_action, tsb_staff, submit=True)

    assert set(reports_visible_to(bdt_staff)) == {draft, submitted}
    assert set(reports_visible_to(tsb_staff)) == {submitted}
    reader_outside_tsb = builders.user(bureau="BR")
    assert set(reports_visible_to(reader_outside_tsb)) == {submitted}


def test_a_coordinator_is_told_why_they_cannot_approve_their_own_report(
    tsb_action, tsb_coordinator
):
    report = create(tsb_action, tsb_coordinator, submit=True)

    with pytest.raises(PermissionDenied, match="You wrote or edited this report"):
        progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_staff_who_try_to_approve_their_own_report_are_told_only_a_coordinator_may(
    tsb_action, tsb_staff
):
    report = create(tsb_action, tsb_staff, submit=True)

    with pytest.raises(PermissionDenied, match="Only a coordinator of the writing Bureau"):
        progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_staff)
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_coordinator_who_edited_a_staff_draft_may_not_approve_it_but_another_may(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = create(tsb_action, tsb_staff)
    progress_report_update(
        report=report,
        by=tsb_coordinator,
        expected_version=report.version,
        text="Rewritten by the coordinator.",
        period_start=START,
        period_end=END,
        submit=True,
    )

    assert set(report.editors.all()) == {tsb_staff, tsb_coordinator}
    assert report.author == tsb_staff  # the author stays; the edit is recorded beside it
    with pytest.raises(PermissionDenied, match="You wrote or edited this report"):
        progress_report_transition(report=report, to=ReportState.APPROVED, by=tsb_coordinator)
    assert not reports_awaiting_review_by(tsb_coordinator).filter(pk=report.pk).exists()
    second = builders.user("second-coordinator", bureau="TSB", role="Bureau coordinator")
    assert reports_awaiting_review_by(second).filter(pk=report.pk).exists()
    progress_report_transition(report=report, to=ReportState.APPROVED, by=second)
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.APPROVED


def test_an_administrator_may_not_approve_a_report_they_wrote(tsb_action, gs_administrator):
    administrator = gs_administrator
    report = create(tsb_action, administrator, submit=True)

    with pytest.raises(PermissionDenied, match="You wrote or edited this report"):
        progress_report_transition(
            report=report, to=ReportState.RETURNED, by=administrator, note="No."
        )
    assert not reports_awaiting_review_by(administrator).filter(pk=report.pk).exists()
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_an_administrator_who_edited_a_report_may_not_review_it(
    tsb_action, tsb_staff, administrator
):
    report = create(tsb_action, tsb_staff)
    progress_report_update(
        report=report,
        by=administrator,
        expected_version=report.version,
        text="Corrected by an administrator.",
        period_start=START,
        period_end=END,
        submit=True,
    )

    with pytest.raises(PermissionDenied):
        progress_report_transition(report=report, to=ReportState.APPROVED, by=administrator)
