"""Staff keep writing while an import preview runs: it holds no write lock.

The preview runs in a real thread with its own database connection and is
held in the middle of its work; meanwhile a member of staff changes the status
of an action the preview is reading, through the web page. Run on SQLite (a
file in WAL mode, as deployed) and on PostgreSQL (CI sets DATABASE_URL).
"""

import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from actions.choices import ActionStatus, Role
from actions.importing import import_apply, import_plan, resolution_import
from actions.models import Action
from resolutions.models import Clause
from resolutions.parsing import parse_text
from tests import builders

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "fixtures" / "wtsa20_itud_background.txt").read_text(encoding="utf-8")
REVISED = (Path(__file__).resolve().parent / "data" / "wtsa24_revised.txt").read_text(
    encoding="utf-8"
)
WAIT = 30  # seconds: a generous bound, never reached when all goes well


class HeldPreview(threading.Thread):
    """An import preview (or, with ``apply``, an import) in its own thread, paused
    after its first resolution."""

    def __init__(self, document, assembly, apply: bool = False):
        super().__init__(daemon=True)
        self.document, self.assembly, self.apply = document, assembly, apply
        self.paused, self.resume = threading.Event(), threading.Event()
        self.report = self.error = None
        self.in_transaction = None

    def progress(self, done: int, total: int) -> None:
        if done == 1:
            self.in_transaction = connection.in_atomic_block
            self.paused.set()
            self.resume.wait(WAIT)

    def run(self) -> None:
        try:
            if self.apply:
                plan = import_plan(document=self.document, assembly=self.assembly)
                self.report = import_apply(plan=plan, progress=self.progress)
            else:
                plan = import_plan(
                    document=self.document, assembly=self.assembly, progress=self.progress
                )
                self.report = plan.report
        except Exception as error:  # reported to the test, which fails on it
            self.error = error
        finally:
            self.paused.set()
            connection.close()


def seed_and_staff():
    call_command("loaddata", "bodies", verbosity=0)
    wtsa20 = builders.assembly("WTSA-20")
    wtsa24 = builders.assembly("WTSA-24", start=wtsa20.start_date.replace(year=2024, month=10))
    resolution_import(document=parse_text(SEED), assembly=wtsa20)
    staff = builders.user("tsb_writer", bureau="TSB", role=Role.BUREAU_STAFF)
    action = Action.objects.get(
        resolution__number=73, clause__text__startswith="to launch pilot projects"
    )
    return wtsa24, staff, action


def test_a_staff_status_change_succeeds_while_an_import_preview_runs(client):
    wtsa24, staff, action = seed_and_staff()
    clauses_before = Clause.objects.count()
    preview = HeldPreview(parse_text(REVISED), wtsa24)
    preview.start()
    assert preview.paused.wait(WAIT)
    client.force_login(staff)

    try:
        response = client.post(
            reverse("action_status", args=[action.pk]),
            {"to": ActionStatus.IN_PROGRESS, "note": "Started", "version": action.version},
        )
    finally:
        preview.resume.set()
        preview.join(WAIT)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert preview.error is None
    assert preview.in_transaction is False
    assert len(preview.report.created) == 28
    assert Clause.objects.count() == clauses_before  # the preview wrote nothing


def test_a_staff_status_change_succeeds_between_the_short_transactions_of_an_import(client):
    wtsa24, staff, action = seed_and_staff()
    importing = HeldPreview(parse_text(REVISED), wtsa24, apply=True)
    importing.start()
    assert importing.paused.wait(WAIT)
    client.force_login(staff)

    try:
        response = client.post(
            reverse("action_status", args=[action.pk]),
            {"to": ActionStatus.IN_PROGRESS, "note": "Started", "version": action.version},
        )
    finally:
        importing.resume.set()
        importing.join(WAIT)

    assert response.status_code == 302
    assert importing.error is None
    assert importing.in_transaction is False  # between two resolutions, nothing is held
    assert len(importing.report.created) == 28
    action.refresh_from_db()
    # Changed before the import reached Resolution 73: the new action carries it on.
    assert action.status == ActionStatus.SUPERSEDED
    assert action.continued_by.status == ActionStatus.IN_PROGRESS
