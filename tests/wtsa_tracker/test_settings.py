"""Start-up refuses a missing or malformed setting with a message naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


STARTED = ("-c", "import django; django.setup(); print('started')")


def start(*command: str, **env: str) -> subprocess.CompletedProcess:
    """``command`` (by default, Django's start-up alone) run by Python in a new
    process, in production unless ``env`` says otherwise."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DEBUG",
            "EMAIL_URL",
            "DJANGO_ENV",
        }
    }
    # Production, whatever a developer's .env says, unless a test says otherwise.
    environment.update(DEBUG="false", EMAIL_URL="smtp://mail.example.org:25")
    environment.update(env, DJANGO_SETTINGS_MODULE="wtsa_tracker.settings")
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, *(command or STARTED)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_without_secret_key_names_the_variable():
    result = start(DEBUG="false")

    assert result.returncode != 0
    assert 'Environment variable "SECRET_KEY" not set' in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "not-a-url", "Not a valid database URL"),
        ("CELERY_BROKER_URL", "kafka://localhost", "must start with filesystem://"),
        ("DEBUG", "perhaps", "Not a valid boolean"),
        ("DB_CONN_MAX_AGE", "soon", "Not a valid integer"),
        ("REMINDER_DAYS_BEFORE", "30,two", "Not a valid integer"),
        ("AXES_ADDRESS_FAILURE_LIMIT", "3", "must be at least AXES_FAILURE_LIMIT"),
    ],
)
def test_malformed_setting_stops_start_up_with_its_name(variable, value, message):
    result = start(SECRET_KEY="x", **{variable: value})

    assert result.returncode != 0
    assert f'Environment variable "{variable}" invalid' in result.stderr
    assert message in result.stderr


def test_production_start_without_email_url_names_the_variable():
    result = start(SECRET_KEY="x", EMAIL_URL=None)

    assert result.returncode != 0
    assert 'Environment variable "EMAIL_URL" not set' in result.stderr


def test_development_start_needs_no_variable_at_all():
    result = start(DEBUG="true", EMAIL_URL=None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def _printed_by_django(code: str, *, drop: str, **env: str) -> str:
    """What ``code`` prints in a new process started with the project's settings.

    The process sees this one's environment without ``drop``, plus ``env``.
    """
    environment = {key: value for key, value in os.environ.items() if key != drop}
    environment.update(env, DEBUG="true", DJANGO_SETTINGS_MODULE="wtsa_tracker.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _jit_on_a_postgresql_connection(**env: str) -> str:
    """What a real PostgreSQL connection opened with the project's settings says of ``jit``."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW jit'); print(cursor.fetchone()[0])"
    )
    return _printed_by_django(
        code,
        drop="DATABASE_JIT",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        **env,
    )


def test_postgresql_connections_ask_for_no_jit_unless_told():
    # JIT compiled the dashboard's counts for a second, to run them in 0.1 s.
    assert _jit_on_a_postgresql_connection() == "off"
    assert _jit_on_a_postgresql_connection(DATABASE_JIT="true") == "on"


def test_sqlite_connections_take_as_many_parameters_as_sqlite_allows(tmp_path):
    # Django 5.2 assumes 999: a sweep's 1,618 reminder rows went in 23 inserts.
    code = (
        "import sqlite3; from django.db import connection\n"
        "connection.ensure_connection()\n"
        "limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)\n"
        "print(connection.vendor, connection.features.max_query_params, limit,"
        " connection.ops.bulk_batch_size(['field'] * 12, [None] * 5000))"
    )
    printed = _printed_by_django(
        code, drop="DATABASE_URL", SQLITE_PATH=str(tmp_path / "db.sqlite3")
    )
    vendor, max_params, limit, batch = printed.split()
    assert vendor == "sqlite"
    assert int(max_params) == int(limit) > 999
    assert int(batch) == int(limit) // 12


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, 'manage.py: Environment variable "SECRET_KEY" not set'),
        (
            {"SECRET_KEY": "x", "DB_CONN_MAX_AGE": "soon"},
            'manage.py: Environment variable "DB_CONN_MAX_AGE" invalid',
        ),
    ],
)
def test_a_command_refused_for_a_missing_setting_says_so_in_one_line(env, said):
    result = start("manage.py", "check", **env)

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(said), result.stderr
