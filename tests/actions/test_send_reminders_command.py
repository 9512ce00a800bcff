import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from actions.choices import Role
from actions.models import Reminder, ReportingObligation
from tests import builders


@pytest.fixture
def due(db):
    builders.meeting(datetime.date(2027, 4, 28))  # documents due 31 March 2027
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council")
    builders.user("tsb_a", bureau="TSB", role=Role.BUREAU_STAFF, email="a@itu.int")


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_prints_what_would_be_sent_and_writes_nothing(due):
    output = run("--dry-run", "--now", "2027-03-21T06:00")

    assert "would send  council-" in output
    assert "-14d-user-" in output
    assert "to a@itu.int (Council 2027, Reminder)" in output
    assert "1 would be sent (dry run: nothing written or sent)." in output
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_the_command_sends_the_due_reminders_once(due):
    first = run("--now", "2027-03-21T06:00")
    second = run("--now", "2027-03-21T07:00")

    assert "sent    council-" in first
    assert "1 sent, 0 failed." in first
    assert "0 sent, 0 failed." in second
    assert [m.to for m in mail.outbox] == [["a@itu.int"]]


def test_a_date_without_a_time_is_read_as_that_morning_in_geneva(due):
    assert "would send" not in run("--dry-run", "--now", "2027-02-28")
    assert "would send" in run("--dry-run", "--now", "2027-03-01")


def test_an_unreadable_date_is_refused_with_an_example(due):
    with pytest.raises(CommandError, match="not an ISO date or date-time, e.g. 2027-03-01T06:00"):
        run("--now", "next tuesday")
    assert not Reminder.objects.exists()
