import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from actions.choices import MeetingKind
from actions.models import GoverningBodyMeeting, MeetingRule
from actions.selectors import next_council_deadline
from actions.services.calendar import meeting_confirm, meetings_project
from tests import builders

TODAY = datetime.date(2026, 12, 2)


def test_the_shipped_calendar_holds_both_council_2026_meetings(db):
    call_command("loaddata", "meetings", "meeting_rules", verbosity=0)

    geneva = GoverningBodyMeeting.objects.get(start_date=datetime.date(2026, 4, 28))
    doha = GoverningBodyMeeting.objects.get(start_date=datetime.date(2026, 11, 7))

    assert (geneva.place, geneva.end_date) == ("Geneva", datetime.date(2026, 5, 8))
    assert geneva.document_deadline == datetime.date(2026, 3, 29)
    assert (doha.place, doha.ordinary) == ("Doha", False)
    assert doha.document_deadline == datetime.date(2026, 10, 8)


def test_with_no_council_session_ahead_the_next_is_projected_a_year_on_and_provisional(db):
    builders.meeting(datetime.date(2026, 4, 28), end_date=datetime.date(2026, 5, 8))
    builders.meeting(
        datetime.date(2026, 11, 7), end_date=datetime.date(2026, 11, 7), ordinary=False
    )

    council = next_council_deadline(TODAY)

    assert council.provisional is True
    assert council.session.pk is None  # shown before any sweep recorded it
    assert (council.session.name, council.session.start_date) == (
        "Council 2027",
        datetime.date(2027, 4, 28),
    )
    assert council.session.end_date == datetime.date(2027, 5, 8)
    assert council.deadline == datetime.date(2027, 3, 31)
    assert council.days_left == 119


def test_projecting_records_one_provisional_session_per_body_however_often_it_runs(db):
    builders.meeting(datetime.date(2026, 4, 28))
    builders.meeting(datetime.date(2024, 10, 15), kind=MeetingKind.WTSA, name="WTSA-24")

    made = meetings_project(today=TODAY)
    again = meetings_project(today=TODAY)

    assert sorted((m.kind, m.start_date) for m in made) == [
        (MeetingKind.COUNCIL, datetime.date(2027, 4, 28)),
        (MeetingKind.WTSA, datetime.date(2028, 10, 15)),
    ]
    assert again == []
    assert next_council_deadline(TODAY).session.pk == made[0].pk
    assert next_council_deadline(TODAY).provisional is True


def test_a_body_with_a_session_ahead_gets_no_projection(db):
    builders.meeting(datetime.date(2027, 6, 1))

    assert meetings_project(today=TODAY) == []
    assert next_council_deadline(TODAY).provisional is False


def test_a_body_without_a_rhythm_is_never_projected(db):
    builders.meeting(datetime.date(2026, 1, 20), kind=MeetingKind.TSAG, name="TSAG")

    assert meetings_project(today=TODAY) == []


def test_an_administrator_confirms_a_projected_session(db, administrator, tsb_staff):
    builders.meeting(datetime.date(2026, 4, 28))
    [projected] = meetings_project(today=TODAY)

    with pytest.raises(PermissionDenied):
        meeting_confirm(meeting=projected, by=tsb_staff)
    meeting_confirm(meeting=projected, by=administrator)

    assert GoverningBodyMeeting.objects.get(pk=projected.pk).provisional is False


def test_council_deadlines_follow_the_rule_four_weeks_and_fourteen_days(db):
    council = builders.meeting(datetime.date(2027, 6, 1))

    assert council.document_deadline == datetime.date(2027, 5, 4)
    assert council.contribution_deadline == datetime.date(2027, 5, 18)


def test_a_rule_in_the_data_sets_the_deadlines_of_its_kind(db):
    MeetingRule.objects.create(kind=MeetingKind.TSAG, secretariat_days=30, contribution_days=12)
    tsag = builders.meeting(datetime.date(2027, 1, 31), kind=MeetingKind.TSAG, name="TSAG")

    assert tsag.document_deadline == datetime.date(2027, 1, 1)
    assert tsag.contribution_deadline == datetime.date(2027, 1, 19)


def test_a_session_overrides_its_rule(db):
    council = builders.meeting(
        datetime.date(2027, 6, 1),
        document_deadline_override=datetime.date(2027, 4, 30),
        contribution_deadline_override=datetime.date(2027, 5, 20),
    )

    assert council.document_deadline == datetime.date(2027, 4, 30)
    assert council.contribution_deadline == datetime.date(2027, 5, 20)


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        (
            {"end_date": datetime.date(2027, 5, 30)},
            "A session cannot close before it opens.",
        ),
        (
            {"document_deadline_override": datetime.date(2027, 6, 2)},
            "Documents cannot be due after the session opens",
        ),
        (
            {"contribution_deadline_override": datetime.date(2027, 6, 2)},
            "Contributions cannot be due after the session opens",
        ),
    ],
)
def test_a_meeting_that_breaks_a_rule_gets_a_sentence_not_a_constraint_name(db, fields, sentence):
    meeting = GoverningBodyMeeting(
        kind=MeetingKind.COUNCIL,
        name="Council 2027",
        start_date=datetime.date(2027, 6, 1),
        end_date=fields.pop("end_date", datetime.date(2027, 6, 10)),
        **fields,
    )

    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()

    messages = " ".join(refused.value.messages)
    assert sentence in messages
    assert "meeting_" not in messages


def test_the_admin_meeting_form_says_in_a_sentence_that_a_session_closes_before_it_opens(
    client, superuser
):
    client.force_login(superuser)

    response = client.post(
        "/admin/actions/governingbodymeeting/add/",
        {
            "kind": "council",
            "name": "Council 2027",
            "start_date": "2027-06-10",
            "end_date": "2027-06-01",
            "ordinary": "on",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "A session cannot close before it opens." in page
    assert "meeting_ends_after_it_starts" not in page
    assert not GoverningBodyMeeting.objects.exists()


def test_correcting_a_projected_sessions_dates_in_the_admin_confirms_it(client, superuser):
    builders.meeting(datetime.date(2026, 4, 28))
    [projected] = meetings_project(today=TODAY)
    client.force_login(superuser)

    client.post(
        f"/admin/actions/governingbodymeeting/{projected.pk}/change/",
        {
            "kind": "council",
            "name": "Council 2027",
            "place": "Geneva",
            "start_date": "2027-05-18",
            "end_date": "2027-05-28",
            "ordinary": "on",
            "provisional": "on",
        },
    )

    projected.refresh_from_db()
    assert (projected.start_date, projected.provisional) == (datetime.date(2027, 5, 18), False)


def test_a_projected_session_meets_where_its_body_settled_and_an_assembly_nowhere_yet(db):
    for year in (2025, 2026):
        builders.meeting(datetime.date(year, 4, 28), place="Geneva")
    builders.meeting(
        datetime.date(2020, 3, 1), kind=MeetingKind.WTSA, name="WTSA-20", place="Geneva"
    )
    builders.meeting(
        datetime.date(2024, 10, 15), kind=MeetingKind.WTSA, name="WTSA-24", place="New Delhi"
    )

    made = {meeting.kind: meeting for meeting in meetings_project(today=TODAY)}

    assert made[MeetingKind.COUNCIL].place == "Geneva"
    assert made[MeetingKind.WTSA].place == ""  # its host is not known yet
