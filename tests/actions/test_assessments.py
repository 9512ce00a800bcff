"""Resolution 83 assessments: proposed by an involved Bureau, confirmed by TSB, kept per period."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.choices import (
    ActionStatus,
    AssessmentRating,
    AssessmentState,
    NotificationKind,
    ReportState,
    Role,
)
from actions.models import Assessment, Notification
from actions.selectors import assessment_suggestion, assessment_timeline
from actions.services.assessments import assessment_confirm, assessment_propose
from tests import builders
from wtsa_tracker.errors import StaleVersion, TransitionRefused

IN_PERIOD = {"period_start": datetime.date(2026, 6, 1), "period_end": datetime.date(2027, 3, 31)}


@pytest.fixture
def council(db):
    return builders.meeting(
        datetime.date(2027, 5, 18), reporting_period_start_override=datetime.date(2026, 5, 1)
    )


@pytest.fixture
def res73(db):
    """TSB owns one action, BDT collaborates on it; BR is not involved."""
    res = builders.resolution(73)
    builders.action(res, owner="TSB", collaborators=("BDT",))
    return res


def propose(res, council, by, **extra):
    return assessment_propose(
        resolution=res,
        meeting=council,
        rating=extra.pop("rating", AssessmentRating.PARTLY_MET),
        rationale=extra.pop("rationale", "Workshops held."),
        by=by,
        **extra,
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_coordinator", True),
        ("bdt_coordinator", True),
        ("administrator", True),
        ("tsb_staff", False),
        ("bdt_staff", False),
        ("reader", False),
        ("outsider", False),
    ],
)
def test_who_may_propose_an_assessment(request, council, res73, persona, allowed):
    user = request.getfixturevalue(persona)
    if allowed:
        assert propose(res73, council, user).state == AssessmentState.PROPOSED
    else:
        with pytest.raises(PermissionDenied):
            propose(res73, council, user)
        assert not Assessment.objects.exists()


def test_a_coordinator_of_an_uninvolved_bureau_may_not_propose(council, res73):
    br_coordinator = builders.user("br_coord", bureau="BR", role="Bureau coordinator")

    with pytest.raises(PermissionDenied):
        propose(res73, council, br_coordinator)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tsb_coordinator", True),
        ("administrator", True),
        ("bdt_coordinator", False),
        ("tsb_staff", False),
        ("reader", False),
    ],
)
def test_only_a_tsb_coordinator_confirms(
    request, council, res73, bdt_coordinator, persona, allowed
):
    assessment = propose(res73, council, bdt_coordinator)
    user = request.getfixturevalue(persona)
    if allowed:
        assessment_confirm(assessment=assessment, by=user, expected_version=1)
        assessment.refresh_from_db()
        assert (assessment.state, assessment.confirmed_by) == (AssessmentState.CONFIRMED, user)
    else:
        with pytest.raises(PermissionDenied):
            assessment_confirm(assessment=assessment, by=user, expected_version=1)
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.PROPOSED


@pytest.mark.parametrize("persona", ["tsb_coordinator", "administrator"])
@pytest.mark.parametrize("revised", [False, True], ids=["proposed", "revised"])
def test_no_one_confirms_a_rating_they_proposed_or_revised(
    request, council, res73, bdt_coordinator, persona, revised
):
    user = request.getfixturevalue(persona)
    if revised:
        propose(res73, council, bdt_coordinator)
        assessment = propose(res73, council, user, rationale="Mine now.", expected_version=1)
    else:
        assessment = propose(res73, council, user)

    with pytest.raises(PermissionDenied, match="You proposed this rating: another TSB"):
        assessment_confirm(assessment=assessment, by=user, expected_version=assessment.version)

    assert Assessment.objects.get().state == AssessmentState.PROPOSED
    other = builders.user("tsb_coordinator_2", bureau="TSB", role="Bureau coordinator")
    assessment_confirm(assessment=assessment, by=other, expected_version=assessment.version)
    assert Assessment.objects.get().confirmed_by == other


def test_a_confirmation_is_checked_against_the_version_it_confirms(
    council, res73, bdt_coordinator, tsb_coordinator
):
    checked = propose(res73, council, bdt_coordinator)
    propose(res73, council, tsb_coordinator, rationale="TSB's view.", expected_version=1)

    # BDT's version 1 is the one checked; the row is now TSB's own version 2.
    with pytest.raises(StaleVersion):
        assessment_confirm(assessment=checked, by=tsb_coordinator, expected_version=2)
    assert Assessment.objects.get().state == AssessmentState.PROPOSED


def test_a_proposal_is_revised_with_the_version_read(council, res73, bdt_coordinator):
    first = propose(res73, council, bdt_coordinator)

    revised = propose(
        res73, council, bdt_coordinator, rating="largely_met", rationale="More.", expected_version=1
    )

    assert revised.pk == first.pk
    assert (revised.rating, revised.rationale, revised.version) == ("largely_met", "More.", 2)


def test_a_stale_revision_or_confirmation_changes_nothing(
    council, res73, bdt_coordinator, tsb_coordinator
):
    propose(res73, council, bdt_coordinator)
    propose(res73, council, bdt_coordinator, rationale="Second.", expected_version=1)

    with pytest.raises(StaleVersion):
        propose(res73, council, bdt_coordinator, rationale="Stale.", expected_version=1)
    with pytest.raises(StaleVersion):
        propose(res73, council, tsb_coordinator, rationale="Blind.")
    with pytest.raises(StaleVersion):
        assessment_confirm(
            assessment=Assessment.objects.get(), by=tsb_coordinator, expected_version=1
        )
    stored = Assessment.objects.get()
    assert (stored.rationale, stored.state, stored.version) == (
        "Second.",
        AssessmentState.PROPOSED,
        2,
    )


def test_a_confirmed_assessment_is_final(council, res73, bdt_coordinator, tsb_coordinator):
    assessment = propose(res73, council, bdt_coordinator)
    assessment_confirm(assessment=assessment, by=tsb_coordinator, expected_version=1)

    with pytest.raises(TransitionRefused):
        propose(res73, council, bdt_coordinator, rationale="Later.", expected_version=2)
    with pytest.raises(TransitionRefused):
        assessment_confirm(assessment=assessment, by=tsb_coordinator, expected_version=2)
    assert Assessment.objects.get().rationale == "Workshops held."


def _inbox(user):
    return [
        (n.kind, n.subject, n.read_at is None)
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def test_tsbs_coordinators_are_asked_to_confirm_and_told_no_more_once_it_is_done(
    council, res73, bdt_coordinator, tsb_coordinator, tsb_staff
):
    second = builders.user("tsb_coordinator_2", bureau="TSB", role=Role.COORDINATOR)
    asked = "Res. 73: an assessment for Council 2027 awaits your confirmation"

    proposal = propose(res73, council, bdt_coordinator)

    [notice] = Notification.objects.filter(recipient=tsb_coordinator)
    assert notice.url == f"/resolutions/WTSA-20/73/assessments/?meeting={council.pk}"
    assert notice.body == "bdt_coordinator proposed “Partly met”: Workshops held."
    assert _inbox(second) == [(NotificationKind.ASSESSMENT_PROPOSED, asked, True)]
    # Neither the proposer, nor TSB's staff, nor another Bureau's coordinator confirms.
    assert _inbox(bdt_coordinator) == _inbox(tsb_staff) == []

    # A revision asks again, about the rating now proposed; the first question is done with.
    revised = propose(
        res73, council, bdt_coordinator, rating="largely_met", rationale="More.", expected_version=1
    )
    assert _inbox(second) == [
        (NotificationKind.ASSESSMENT_PROPOSED, asked, False),
        (NotificationKind.ASSESSMENT_PROPOSED, asked, True),
    ]

    assessment_confirm(assessment=revised, by=tsb_coordinator, expected_version=2)

    # Confirmed: nobody is still asked, and whoever proposed it is told.
    assert [unread for _k, _s, unread in _inbox(second)] == [False, False]
    assert not Notification.objects.filter(recipient=tsb_coordinator).unread().exists()
    assert _inbox(bdt_coordinator) == [
        (
            NotificationKind.ASSESSMENT_CONFIRMED,
            "Res. 73: your assessment for Council 2027 was confirmed",
            True,
        )
    ]
    assert proposal.pk == revised.pk


def test_a_refused_proposal_notifies_no_one(council, res73, bdt_coordinator, tsb_coordinator):
    with pytest.raises(ValidationError):
        propose(res73, council, bdt_coordinator, rationale=" ")

    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("rating", "rationale", "field"),
    [
        ("excellent", "Fine.", "rating"),
        (AssessmentRating.NOT_MET, "  ", "rationale"),
        (AssessmentRating.NOT_MET, "x" * 5001, "rationale"),
        (AssessmentRating.NOT_MET, "a\x00b", "rationale"),
    ],
)
def test_a_bad_assessment_is_refused_with_the_field_named(
    council, res73, tsb_coordinator, rating, rationale, field
):
    with pytest.raises(ValidationError) as refused:
        propose(res73, council, tsb_coordinator, rating=rating, rationale=rationale)
    assert field in refused.value.message_dict
    assert not Assessment.objects.exists()


def test_an_assessment_is_for_a_council_period(res73, tsb_coordinator):
    tsag = builders.meeting(datetime.date(2027, 1, 20), kind="tsag")

    with pytest.raises(ValidationError) as refused:
        propose(res73, tsag, tsb_coordinator)
    assert "meeting" in refused.value.message_dict


def test_an_assessment_of_a_period_that_ended_before_the_text_was_adopted_is_refused(
    res73, tsb_coordinator
):
    # WTSA-20 opened on 1 March 2022; Council 2022's documents were due on 20 February.
    council_2022 = builders.meeting(datetime.date(2022, 3, 21))
    council_2023 = builders.meeting(datetime.date(2023, 7, 11))
    assert council_2022.document_deadline < res73.assembly.start_date

    with pytest.raises(ValidationError) as refused:
        propose(res73, council_2022, tsb_coordinator)

    assert refused.value.message_dict == {
        "meeting": [
            "The reporting period of Council 2022 ended on 21 February 2022, before WTSA-20 "
            "adopted this text: choose a later session."
        ]
    }
    assert not Assessment.objects.exists()
    assert propose(res73, council_2023, tsb_coordinator).meeting == council_2023


def test_the_history_across_periods_is_a_timeline_latest_first(res73, tsb_coordinator, council):
    earlier = builders.meeting(datetime.date(2026, 6, 10))
    propose(res73, earlier, tsb_coordinator, rating="not_met")
    propose(res73, council, tsb_coordinator, rating="partly_met")

    timeline = assessment_timeline(res73)

    assert [(a.meeting, a.rating) for a in timeline] == [
        (council, "partly_met"),
        (earlier, "not_met"),
    ]


def _actions(res, statuses):
    return [builders.action(res, status=status) for status in statuses]


def test_all_actions_completed_suggests_fully_met(council):
    res = builders.resolution(1)
    _actions(res, [ActionStatus.COMPLETED] * 3)

    suggestion = assessment_suggestion(res, council)

    assert suggestion.rating == AssessmentRating.FULLY_MET
    assert "All 3 actions are completed." in suggestion.reason


def test_approved_reports_in_the_period_count_toward_the_suggestion(council, tsb_staff):
    res = builders.resolution(2)
    actions = _actions(res, [ActionStatus.IN_PROGRESS] * 3 + [ActionStatus.COMPLETED])
    builders.report(actions[0], author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)
    builders.report(actions[1], author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)
    # A draft, and an approved report of an earlier period, do not count.
    builders.report(actions[2], author=tsb_staff, state=ReportState.DRAFT, **IN_PERIOD)
    builders.report(
        actions[2],
        author=tsb_staff,
        state=ReportState.APPROVED,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )

    suggestion = assessment_suggestion(res, council)

    assert suggestion.rating == AssessmentRating.LARGELY_MET
    assert suggestion.reason.startswith("3 of 4 actions are completed or have an approved report")


def test_a_resolution_of_one_action_is_suggested_in_the_singular(council, tsb_staff):
    started = builders.resolution(6)
    action = builders.action(started, status=ActionStatus.IN_PROGRESS)
    builders.report(action, author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)
    idle = builders.resolution(7)
    builders.action(idle, status=ActionStatus.NOT_STARTED)
    done = builders.resolution(8)
    builders.action(done, status=ActionStatus.COMPLETED)

    assert assessment_suggestion(started, council).reason == (
        "1 of 1 action is completed or has an approved report for the period "
        "(by status: 0 completed, 0 still marked “Not started”)."
    )
    assert assessment_suggestion(idle, council).reason == (
        "Its one action has not started and has no approved report."
    )
    assert assessment_suggestion(done, council).reason == "Its one action is completed."


def test_reports_approved_on_actions_still_marked_not_started_are_named_as_such(council, tsb_staff):
    res = builders.resolution(9)
    for _ in range(2):
        action = builders.action(res, status=ActionStatus.NOT_STARTED)
        builders.report(action, author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)

    assert assessment_suggestion(res, council).reason == (
        "2 of 2 actions are completed or have an approved report for the period "
        "(by status: 0 completed, 2 still marked “Not started”)."
    )


def test_few_actions_carried_out_suggests_partly_or_not_met(council, tsb_staff):
    res = builders.resolution(3)
    actions = _actions(res, [ActionStatus.IN_PROGRESS] * 4)
    builders.report(actions[0], author=tsb_staff, state=ReportState.APPROVED, **IN_PERIOD)
    assert assessment_suggestion(res, council).rating == AssessmentRating.PARTLY_MET

    res = builders.resolution(4)
    _actions(res, [ActionStatus.IN_PROGRESS] * 4)
    assert assessment_suggestion(res, council).rating == AssessmentRating.NOT_MET


def test_nothing_started_soon_after_the_assembly_is_too_early(db):
    builders.assembly("WTSA-24", start=datetime.date(2026, 10, 15))
    res = builders.resolution(5, assembly_code="WTSA-24")
    _actions(res, [ActionStatus.NOT_STARTED] * 2)
    soon = builders.meeting(datetime.date(2027, 5, 18))

    assert assessment_suggestion(res, soon).rating == AssessmentRating.TOO_EARLY
