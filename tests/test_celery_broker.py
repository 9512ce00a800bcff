"""A real worker consumes tasks through the configured broker.

By default that is the filesystem transport; CI runs this file again with
CELERY_BROKER_URL pointing at Redis and at RabbitMQ.
"""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from actions.choices import Role
from actions.models import Reminder, ReportingObligation
from actions.tasks import send_deadline_reminders
from tests import builders
from wtsa_tracker.celery import app


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_deadline_reminders_go_through_the_broker_and_a_real_worker_sends_them():
    today = timezone.localdate()
    # Documents due in 10 days: the 14-day reminder is due.
    builders.meeting(today + datetime.timedelta(days=28 + 10))
    action = builders.action(owner="BDT")
    ReportingObligation.objects.create(action=action, recipient="council")
    builders.user("bdt_a", bureau="BDT", role=Role.BUREAU_STAFF, email="a@itu.int")

    # A busy CI machine can take longer than celery's default 10 s to stop the worker.
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60
    ):
        send_deadline_reminders.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Reminder.objects.filter(sent_at__isnull=False).exists():
                break
            time.sleep(0.2)

    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None, reminder.error
    assert reminder.days_before == 14
    assert [message.to for message in mail.outbox] == [["a@itu.int"]]
