"""Point Django at a benchmark database before it starts.

A benchmark never touches the configured database by accident: without
``--database-url`` (or ``DATABASE_URL``) it uses an SQLite file per scale under
``var/bench/``; with a PostgreSQL URL it creates that database if it is missing.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


@dataclass(frozen=True)
class Target:
    """Which database a benchmark run uses, and how to name it in its output."""

    vendor: str  # "sqlite" or "postgresql"
    url: str | None  # None for SQLite
    sqlite_path: Path | None
    scale: str

    @property
    def key(self) -> str:
        if self.vendor == "sqlite":
            return f"sqlite-{self.scale}"
        return f"postgresql-{urlsplit(self.url).path.lstrip('/')}-{self.scale}"


def target_for(scale: str, database_url: str | None) -> Target:
    if database_url and not database_url.startswith("sqlite"):
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"Unsupported database URL (SQLite or PostgreSQL): {database_url}")
        return Target("postgresql", database_url, None, scale)
    path = BENCH_DIR / f"{scale}.sqlite3"
    if database_url:
        # As dj-database-url reads it: sqlite:///relative.db, sqlite:////absolute.db
        path = Path(urlsplit(database_url).path[1:])
    return Target("sqlite", None, path, scale)


def ensure_postgres_database(url: str, *, recreate: bool = False) -> None:
    """Create the benchmark's PostgreSQL database (dropping it first with ``recreate``)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            if "bench" not in name and _has_tables(url):
                raise SystemExit(
                    f"Refusing to empty the database {name!r}: it holds tables and its name "
                    "does not say it is a benchmark's. Name one with 'bench' in it."
                )
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _has_tables(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as connection:
        return bool(
            connection.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' LIMIT 1"
            ).fetchone()
        )


def may_replace_sqlite(path: Path) -> bool:
    """A file under var/bench/, or one named for a benchmark: never someone's data."""
    return BENCH_DIR in path.resolve().parents or "bench" in path.name or not path.exists()


def configure(target: Target) -> None:
    """Set the environment the project's settings read, then start Django."""
    sys.path.insert(0, str(ROOT))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if target.vendor == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(target.sqlite_path)
    else:
        os.environ["DATABASE_URL"] = target.url
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_QUEUE_DIR"] = str(BENCH_DIR / "celery")
    os.environ["CELERY_BEAT_SCHEDULE"] = str(BENCH_DIR / "celerybeat-schedule")
    os.environ["STATIC_ROOT"] = str(BENCH_DIR / "static")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    # Reminders are rendered and handed to Django's in-memory outbox (see run.py).
    os.environ["EMAIL_URL"] = "memory://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wtsa_tracker.settings")

    import django

    django.setup()
