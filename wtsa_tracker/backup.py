"""Consistent copies of the database while the site runs, and putting one back.

SQLite: the online backup API copies every page under a read lock, WAL
included, so the copy is one consistent moment even while the web process
and the worker write (a copy of the file alone misses what is still in the
WAL). PostgreSQL: ``pg_dump`` in its custom format reads one snapshot;
``pg_restore`` puts it back in a single transaction, so a failed restore
leaves the database as it was. Both keep every value exactly, timestamps to
the microsecond (``dumpdata`` cuts them to milliseconds).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor in NAMES:
        return vendor
    raise BackupError(f"Backups of {vendor} databases are not supported.")


def _pg_command(program: str, using: str) -> tuple[list[str], dict[str, str]]:
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} not found: install the PostgreSQL client tools.")
    db = connections[using].settings_dict
    args = [found, "--no-owner", "--no-privileges"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return args, environment


def _kind_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`.")


def database_backup(*, path: Path, using: str = "default") -> Path:
    """Write a consistent copy of the database to ``path``, while the site runs.

    The copy is written beside ``path`` and renamed into place, so ``path``
    is either the complete backup or untouched.
    """
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    engine = _engine(using)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        if engine == "sqlite":
            connection = connections[using]
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
                # The copy inherits WAL mode; a backup is one self-contained file.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        else:
            args, environment = _pg_command("pg_dump", using)
            args += ["--format=custom", "--file", partial]
            args += [connections[using].settings_dict["NAME"]]
            result = subprocess.run(args, env=environment, capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path


def database_restore(*, path: Path, using: str = "default") -> None:
    """Replace the database's content with the backup at ``path``.

    Stop the web processes, workers and beat first: what they write during
    the restore is lost. A file that is not a backup of this kind of
    database is refused before anything is changed.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    engine = _engine(using)
    kind = _kind_of(path)
    if kind != engine:
        raise BackupError(
            f"{path} is a backup of a {NAMES[kind]} database; this site uses {NAMES[engine]}."
        )
    if engine == "sqlite":
        _sqlite_restore(path, using)
    else:
        args, environment = _pg_command("pg_restore", using)
        args += ["--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
        args += ["--dbname", connections[using].settings_dict["NAME"], str(path)]
        connections[using].close()
        result = subprocess.run(args, env=environment, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed, nothing restored: {result.stderr.strip()}")


def _sqlite_restore(path: Path, using: str) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is an SQLite file but not a backup of this site.")
        connections[using].close()
        target = sqlite3.connect(connections[using].settings_dict["NAME"], timeout=20)
        try:
            # The backup API writes the pages under the database's own lock,
            # in WAL mode too: readers see the old content or the new, never a mix.
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
