"""`manage.py backup` under load, `manage.py restore` into a fresh database.

Runs on the database the suite runs on: SQLite (online backup API) or, with
DATABASE_URL pointing at PostgreSQL, pg_dump/pg_restore. The restore runs as
its own process against a database created for the test, as an operator
would run it.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import EvidenceLink, ProgressReport, StatusChange
from tests import builders

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"

pytestmark = pytest.mark.django_db(transaction=True)


def _pg_connect(dbname: str):
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the suite's kind, and the environment that points at it."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_ENV"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="wtsa_tracker.settings",
        DEBUG="false",
        SECRET_KEY="backup-test-only",
        EMAIL_URL="consolemail://",
        CELERY_BROKER_URL="memory://",
    )
    if not POSTGRES:
        path = tmp_path / "fresh.sqlite3"
        environment["SQLITE_PATH"] = str(path)
        yield {"name": str(path), "env": environment}
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _pg_connect("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    environment["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    )
    yield {"name": name, "env": environment}
    with _pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def every_row(database: str) -> dict[str, list[tuple]]:
    """Every row of every table, exactly as the database stores it."""
    if not POSTGRES:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    with _pg_connect(database) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}


class Writer(threading.Thread):
    """Writes one progress report with its evidence and a status change per
    transaction, as fast as it can, until told to stop."""

    def __init__(self, action, author):
        super().__init__(daemon=True)
        self.action, self.author = action, author
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            while not self.stop.is_set():
                with transaction.atomic():
                    report = builders.report(
                        self.action, author=self.author, text=f"n{self.written}"
                    )
                    EvidenceLink.objects.create(report=report, url="https://example.org/e")
                    StatusChange.objects.create(
                        action=self.action,
                        from_status=ActionStatus.NOT_STARTED,
                        to_status=ActionStatus.IN_PROGRESS,
                        changed_by=self.author,
                        changed_at=timezone.now(),
                    )
                self.written += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        deadline = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=60)
        while self.written < count and self.error is None:
            assert datetime.datetime.now(tz=datetime.UTC) < deadline, "the writer stalled"
            self.stop.wait(0.01)


def test_a_backup_taken_during_writes_restores_every_row_and_timestamp(
    tmp_path, fresh_database, tsb_staff
):
    action = builders.action(owner="TSB")
    builders.report(action, author=tsb_staff)
    writer = Writer(action, tsb_staff)
    writer.start()
    try:
        writer.wait_for(20)
        call_command("backup", str(tmp_path / "site.backup"))
        at_backup = writer.written
        writer.wait_for(at_backup + 20)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error

    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "site.backup"), "--noinput"],
        cwd=ROOT,
        env=fresh_database["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restored.returncode == 0, restored.stderr

    source = every_row(connection.settings_dict["NAME"])
    copy = every_row(fresh_database["name"])
    assert set(copy) == set(source)
    written = {"actions_progressreport", "actions_evidencelink", "actions_statuschange"}
    # Their audit trail and the report's writers are written with them.
    written |= {f"actions_historical{table.removeprefix('actions_')}" for table in written}
    written.add("actions_progressreport_editors")
    for table, rows in source.items():
        if table in written:
            # One consistent moment: the first reports, complete, and none after.
            assert copy[table] == rows[: len(copy[table])], table
        else:
            assert copy[table] == rows, table
    reports = len(copy["actions_progressreport"])
    assert 1 + 20 <= reports <= 1 + at_backup + 1 < len(source["actions_progressreport"])
    assert len(copy["actions_evidencelink"]) == reports - 1
    assert len(copy["actions_statuschange"]) == reports - 1
    # Sub-millisecond precision was there to lose, and the copy kept it.
    assert any(
        stamp.microsecond % 1000
        for stamp in ProgressReport.objects.values_list("created_at", flat=True)
    )


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, tsb_action):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    before = every_row(connection.settings_dict["NAME"])

    with pytest.raises(CommandError, match="is not a backup made by `manage.py backup`"):
        call_command("restore", str(bogus), interactive=False)

    assert every_row(connection.settings_dict["NAME"]) == before


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path, tsb_action):
    other = tmp_path / "other.backup"
    other.write_bytes(b"SQLite format 3\x00" if POSTGRES else b"PGDMP\x01\x0e")
    before = every_row(connection.settings_dict["NAME"])

    with pytest.raises(CommandError, match="is a backup of a .* database; this site uses"):
        call_command("restore", str(other), interactive=False)

    assert every_row(connection.settings_dict["NAME"]) == before


def test_backup_into_a_missing_folder_is_refused(tmp_path, tsb_action):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "site.backup"))


def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, tsb_action, monkeypatch):
    call_command("backup", str(tmp_path / "site.backup"))
    builders.action(owner="BDT")
    before = every_row(connection.settings_dict["NAME"])
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Restore cancelled; nothing changed."):
        call_command("restore", str(tmp_path / "site.backup"))

    assert every_row(connection.settings_dict["NAME"]) == before


def test_restore_puts_the_backed_up_content_back_over_later_changes(tmp_path, tsb_action):
    call_command("backup", str(tmp_path / "site.backup"))
    before = every_row(connection.settings_dict["NAME"])
    builders.action(owner="BDT")
    tsb_action.resolution.clauses.update(text="changed after the backup")

    call_command("restore", str(tmp_path / "site.backup"), interactive=False)

    assert every_row(connection.settings_dict["NAME"]) == before
