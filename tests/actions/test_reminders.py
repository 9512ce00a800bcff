import datetime

import pytest
from django.core import mail
from django.test import override_settings

from actions.choices import ActionStatus, Role
from actions.models import Reminder, ReportingObligation
from actions.services.reminders import reminder_send, reminders_claim_due
from tests import builders

# Council opens 16 June 2026; secretariat documents are due 28 days earlier, 19 May.
OPENING = datetime.date(2026, 6, 16)
DEADLINE = datetime.date(2026, 5, 19)


@pytest.fixture
def council(db):
    return builders.meeting(OPENING)


@pytest.fixture
def reporting_action(db):
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council_annual")
    return action


@pytest.fixture
def tsb_people(db):
    return [
        builders.user("tsb_a", bureau="TSB", role=Role.BUREAU_STAFF, email="a@itu.int"),
        builders.user("tsb_b", bureau="TSB", role=Role.COORDINATOR, email="b@itu.int"),
    ]


def days_before_deadline(days: int) -> datetime.date:
    return DEADLINE - datetime.timedelta(days=days)


def test_no_reminder_is_due_more_than_thirty_days_before_the_deadline(
    council, reporting_action, tsb_people
):
    assert reminders_claim_due(today=days_before_deadline(31)) == []
    assert not Reminder.objects.exists()


def test_thirty_days_before_the_deadline_each_owning_bureau_member_is_reminded_once(
    council, reporting_action, tsb_people
):
    reminders_claim_due(today=days_before_deadline(30))
    reminders_claim_due(today=days_before_deadline(30))  # a double tick

    assert sorted(Reminder.objects.values_list("recipient__username", "days_before")) == [
        ("tsb_a", 30),
        ("tsb_b", 30),
    ]


def test_a_missed_sweep_sends_the_stage_now_due_not_every_stage_passed(
    council, reporting_action, tsb_people
):
    reminders_claim_due(today=days_before_deadline(5))

    assert set(Reminder.objects.values_list("days_before", flat=True)) == {7}


def test_staff_of_bureaux_without_open_council_actions_get_no_reminder(
    council, reporting_action, tsb_people
):
    builders.user("br_a", bureau="BR", role=Role.BUREAU_STAFF, email="c@itu.int")
    builders.user("tsb_reader", bureau="TSB", role=Role.READER, email="d@itu.int")
    completed = builders.action(owner="BR", status=ActionStatus.COMPLETED)
    ReportingObligation.objects.create(action=completed, recipient="council")

    reminders_claim_due(today=days_before_deadline(7))

    assert set(Reminder.objects.values_list("recipient__username", flat=True)) == {
        "tsb_a",
        "tsb_b",
    }


def test_staff_of_a_contributing_bureau_are_reminded_of_the_actions_they_contribute_to(
    council, reporting_action, tsb_people
):
    reporting_action.collaborators.set([builders.body("BDT")])
    builders.user("bdt_a", bureau="BDT", role=Role.BUREAU_STAFF, email="c@itu.int")

    [reminder_id] = [
        pk
        for pk in reminders_claim_due(today=days_before_deadline(7))
        if Reminder.objects.get(pk=pk).recipient.username == "bdt_a"
    ]
    reminder_send(reminder_id=reminder_id)

    assert f"Res. {reporting_action.resolution.number} · action 1" in mail.outbox[0].body


def test_no_reminder_after_the_deadline_has_passed(council, reporting_action, tsb_people):
    assert reminders_claim_due(today=DEADLINE + datetime.timedelta(days=1)) == []


def test_sent_reminder_lists_the_open_council_actions_and_is_sent_only_once(
    council, reporting_action, tsb_people
):
    reminder_id = reminders_claim_due(today=days_before_deadline(14))[0]

    assert reminder_send(reminder_id=reminder_id) is True
    assert reminder_send(reminder_id=reminder_id) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "documents due 19 May 2026" in message.subject
    assert f"Res. {reporting_action.resolution.number} · action 1 (owner TSB" in message.body
    assert f"http://127.0.0.1:8000/actions/{reporting_action.pk}/" in message.body
    assert "19 May 2026" in message.body
    assert Reminder.objects.get(pk=reminder_id).sent_at is not None


@override_settings(EMAIL_BACKEND="tests.actions.test_reminders.FailingBackend")
def test_failed_send_is_recorded_and_offered_again_by_the_next_sweep(
    council, reporting_action, tsb_people
):
    today = days_before_deadline(14)
    reminder_id = reminders_claim_due(today=today)[0]

    assert reminder_send(reminder_id=reminder_id) is False

    reminder = Reminder.objects.get(pk=reminder_id)
    assert (reminder.sent_at, reminder.error) == (None, "SMTP server unreachable")
    assert reminder_id in reminders_claim_due(today=today + datetime.timedelta(days=1))


def test_a_reminder_offered_twice_by_two_sweeps_is_sent_once(council, reporting_action, tsb_people):
    today = days_before_deadline(14)
    first = reminders_claim_due(today=today)
    second = reminders_claim_due(today=today)  # a double tick before any worker ran

    sent = [reminder_send(reminder_id=pk) for pk in first + second]

    assert sent.count(True) == len(first) == 2
    assert len(mail.outbox) == 2


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP server unreachable")


def test_staff_are_reminded_of_an_action_whose_resolution_reports_to_council(council, tsb_people):
    from actions.models import ResolutionReportingDuty

    action = builders.action(owner="TSB")
    ResolutionReportingDuty.objects.create(resolution=action.resolution, recipient="council_annual")
    reminder_id = reminders_claim_due(today=days_before_deadline(14))[0]

    assert reminder_send(reminder_id=reminder_id) is True
    assert f"http://127.0.0.1:8000/actions/{action.pk}/" in mail.outbox[0].body
