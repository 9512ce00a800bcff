"""Production settings: a forgotten development .env cannot turn a process into a
debug server, and `check --deploy` finds nothing to warn about."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What the README's production section exports (with made-up values).
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587/?tls=True",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}

SETTINGS_VARIABLES = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "EMAIL_URL",
    "DJANGO_ENV",
    "API_THROTTLE_USER",
    "API_THROTTLE_ANON",
    # Set by the browser tests (Playwright) for the live server, never in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update(env, DJANGO_SETTINGS_MODULE="wtsa_tracker.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_with_dotenv(tmp_path):
    """A copy of the settings package beside a development .env (DEBUG=true),
    so the developer's own .env is never touched."""
    shutil.copytree(
        ROOT / "wtsa_tracker",
        tmp_path / "wtsa_tracker",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / ".env").write_text("# Development settings\nDEBUG=true\n")
    return tmp_path


SHOW_DEBUG = "from django.conf import settings; print('DEBUG', settings.DEBUG)"


def test_a_process_not_in_development_refuses_debug_from_a_dotenv(project_with_dotenv):
    result = run(["-c", SHOW_DEBUG], project_with_dotenv)

    assert result.returncode != 0
    assert "DEBUG is set in .env but this process is not in development" in result.stderr
    assert "DEBUG True" not in result.stdout


def test_a_development_process_reads_the_dotenv(project_with_dotenv):
    result = run(["-c", SHOW_DEBUG], project_with_dotenv, DJANGO_ENV="development")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG True"


def test_debug_from_the_environment_wins_and_the_dotenv_is_ignored(project_with_dotenv):
    result = run(["-c", SHOW_DEBUG], project_with_dotenv, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


def test_check_deploy_with_production_settings_warns_of_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], ROOT, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_without_hsts_names_the_missing_setting():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        ROOT,
        **{**PRODUCTION, "SECURE_HSTS_SECONDS": "0"},
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_https_and_session_settings_come_from_the_environment():
    show = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE)"
    )
    result = run(
        ["-c", "import django; django.setup(); " + show],
        ROOT,
        **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "true", "SESSION_COOKIE_AGE": "3600"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') 3600"


def test_no_proxy_header_is_trusted_unless_the_environment_says_so():
    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    result = run(
        ["-c", "import django; django.setup(); " + show],
        ROOT,
        **{**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "false"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "None"
