"""Reminders through a real SMTP server on 127.0.0.1, and through one that never answers."""

import datetime
import time

import pytest

from actions.choices import Role
from actions.models import Reminder, ReportingObligation
from actions.services.common import DeliveryFailed
from actions.services.reminders import reminder_send, reminders_sweep
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(db):
    """A Council session whose documents are due in 10 days, and two TSB members to remind."""
    now = datetime.datetime(2027, 3, 21, 6, 0, tzinfo=datetime.UTC)
    builders.meeting(datetime.date(2027, 4, 28))  # documents due 31 March
    action = builders.action(owner="TSB")
    ReportingObligation.objects.create(action=action, recipient="council")
    builders.user("tsb_a", bureau="TSB", role=Role.BUREAU_STAFF, email="a@itu.int")
    builders.user("tsb_b", bureau="TSB", role=Role.COORDINATOR, email="b@itu.int")
    return now


def use(settings, values):
    for name, value in values.items():
        setattr(settings, name, value)


def test_reminders_are_delivered_to_a_real_smtp_server_and_read_back(due, smtp_server, settings):
    use(settings, smtp_server.settings())

    for reminder_id in reminders_sweep(now=due):
        assert reminder_send(reminder_id=reminder_id, now=due) is True

    messages = sorted(smtp_server.messages, key=lambda m: m["To"])
    assert [m["To"] for m in messages] == ["a@itu.int", "b@itu.int"]
    keys = sorted(Reminder.objects.values_list("key", flat=True))
    assert sorted(m["Message-ID"] for m in messages) == sorted(f"<{k}@127.0.0.1>" for k in keys)
    assert all("documents due 31 March 2027" in m["Subject"] for m in messages)
    assert all(len(m.as_bytes()) < 50_000 for m in messages)
    assert reminders_sweep(now=due) == []


def test_a_server_that_never_answers_times_out_and_the_reminder_is_sent_on_a_later_sweep(
    due, smtp_server, silent_smtp_server, settings
):
    host, port = silent_smtp_server
    use(settings, smtp_server.settings(EMAIL_PORT=port, EMAIL_TIMEOUT=1))
    [first, second] = reminders_sweep(now=due)

    started = time.monotonic()
    with pytest.raises(DeliveryFailed):
        reminder_send(reminder_id=first, now=due)
    assert time.monotonic() - started < 5  # the timeout fired; the worker was not held

    reminder = Reminder.objects.get(pk=first)
    assert reminder.sent_at is None
    assert "timed out" in reminder.error
    # Still due: the next sweep after the retry delay offers it again, to a server that answers.
    use(settings, smtp_server.settings())
    later = due + datetime.timedelta(seconds=settings.REMINDER_RETRY_SECONDS)
    assert sorted(reminders_sweep(now=later)) == sorted([first, second])
    assert reminder_send(reminder_id=first, now=later) is True
    assert [m["Message-ID"] for m in smtp_server.messages] == [reminder.message_id]
