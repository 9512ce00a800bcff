"""A real worker, on the configured broker, killed with SIGKILL in the middle of a sweep.

The worker runs as a subprocess so it can be killed: it reads the test
database, the broker's folders (or Redis, or RabbitMQ, from
CELERY_BROKER_URL) and sends through a real SMTP server on 127.0.0.1, where
the messages are counted.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from actions.choices import Role
from actions.models import Reminder, ReportingObligation
from actions.tasks import send_deadline_reminders
from tests import builders

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 6
LEASE_SECONDS = 2


def database_environment() -> dict[str, str]:
    """Point a subprocess at the database this test is using."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(settings["NAME"]), "DATABASE_URL": ""}
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"]
    return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings['NAME']}"}


def start_worker(smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **database_environment(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "60",
        "REMINDER_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
    }
    if env["DATABASE_URL"] == "":
        del env["DATABASE_URL"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "wtsa_tracker", "worker", "--pool", "solo"]
        + ["--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_no_reminder_and_sends_none_twice(smtp_server):
    today = timezone.localdate()
    builders.meeting(today + datetime.timedelta(days=28 + 10))  # documents due in 10 days
    action = builders.action(owner="BDT")
    ReportingObligation.objects.create(action=action, recipient="council")
    for n in range(PEOPLE):
        builders.user(f"bdt_{n}", bureau="BDT", role=Role.BUREAU_STAFF, email=f"p{n}@itu.int")
    # The third message hangs at the mail server: the worker is killed while sending it.
    smtp_server.hold_nth = 3

    worker = start_worker(smtp_server.port)
    try:
        send_deadline_reminders.delay()
        assert smtp_server.holding.wait(90), "the worker never reached the third reminder"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    smtp_server.released.set()
    delivered_before = len(smtp_server.envelopes)
    assert delivered_before == 2
    assert Reminder.objects.filter(sent_at__isnull=True).count() == PEOPLE - 2
    # The claim the dead worker held runs out; then the next sweep takes it over.
    time.sleep(LEASE_SECONDS + 0.5)

    worker = start_worker(smtp_server.port)
    try:
        send_deadline_reminders.delay()
        wait_for(
            lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(),
            90,
            "every reminder to be sent after the restart",
        )
        time.sleep(1)  # any duplicate still queued would arrive now
    finally:
        worker.terminate()
        worker.wait(20)

    recipients = Counter(rcpt for e in smtp_server.envelopes for rcpt in e.rcpt_tos)
    assert recipients == Counter({f"p{n}@itu.int": 1 for n in range(PEOPLE)})
