"""`make run` starts quietly, ends its output with the address and login, and Ctrl-C is no error.

Driven as a person drives it: ``make`` in a terminal (a pseudo-terminal
here), and Ctrl-C typed into it. The tracker runs on a throwaway SQLite file
and filesystem broker, whatever database the rest of the suite uses.
"""

import os
import pty
import select
import shutil
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.management.commands import run

ROOT = Path(__file__).resolve().parents[2]
FAILURE_WORDS = ("error", "signal", "sigkill", "traceback", "exited")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Terminal:
    """A command running in a pseudo-terminal, and everything it printed."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path):
        self.output = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the command
            os.chdir(cwd)
            os.execvpe(command[0], command, env)

    def read_until(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output and time.monotonic() < deadline:
            if not self._read(0.2):
                break
        return self.output.decode(errors="replace")

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # the command ended and the terminal closed
            return False
        self.output += data
        return bool(data)

    def press_ctrl_c_and_wait(self, timeout: float) -> int:
        os.write(self.fd, b"\x03")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self._read(0.5)
                return os.waitstatus_to_exitcode(status)
            self._read(0.2)
        os.kill(self.pid, 9)
        pytest.fail(f"still running {timeout}s after Ctrl-C:\n{self.output.decode()}")


@pytest.fixture
def make_run(tmp_path):
    """``make run`` as the Makefile has it, without touching the checkout's .venv or .env."""
    port = free_port()
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t@{sys.executable} {ROOT / 'manage.py'} run --port {port}\n")
    env = {
        key: value
        for key, value in os.environ.items()
        # Not a sub-make of `make test`: a person types `make run` in a fresh shell,
        # and a sub-make would announce the directory it enters.
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
            "MAKELEVEL",
            "MAKEFLAGS",
            "MFLAGS",
        }
    }
    env.update(
        DEBUG="true",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        CELERY_QUEUE_DIR=str(tmp_path / "celery" / "queue"),
        CELERY_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
        ADMIN_USERNAME="admin",
        ADMIN_PASSWORD="chosen-admin-password",
    )
    return Terminal(["make", "-f", str(makefile), "run"], env, ROOT), port


def test_make_run_prints_little_ends_with_the_address_and_stops_cleanly_on_ctrl_c(make_run):
    terminal, port = make_run

    started = terminal.read_until("log in as", timeout=120)

    lines = [line for line in started.splitlines() if line.strip()]
    assert lines == [
        "Database ready.",
        "Web server, Celery worker and beat running. Stop with Ctrl-C.",
        f"Open http://127.0.0.1:{port}/ and log in as admin (forgot the password? "
        "DJANGO_ENV=development .venv/bin/python manage.py set_password admin)",
    ], started
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as page:
        assert page.status == 200

    status = terminal.press_ctrl_c_and_wait(timeout=30)

    stopping = terminal.output.decode(errors="replace")[len(started) :]
    assert status == 0, stopping
    assert "Stopped." in stopping
    assert not [word for word in FAILURE_WORDS if word in stopping.lower()], stopping
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=2),
    ):
        pass


def test_a_port_another_program_listens_on_is_refused_before_anything_starts(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = []
        monkeypatch.setattr(run._Runner, "start", lambda self: started.append(self))

        with pytest.raises(CommandError, match=f"Port {port} is in use by another program"):
            call_command("run", "--port", str(port))

    assert started == []


def test_links_in_e_mails_lead_to_the_port_the_server_runs_on(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert run.child_environment(8080)["SITE_URL"] == "http://127.0.0.1:8080"

    monkeypatch.setenv("SITE_URL", "https://tracker.example.org")
    assert run.child_environment(8080)["SITE_URL"] == "https://tracker.example.org"


@pytest.mark.parametrize("port", ["70000", "0", "http"])
def test_a_port_no_server_can_listen_on_is_refused_in_a_sentence(port):
    with pytest.raises(CommandError, match="is no port: give a number from 1 to 65535"):
        call_command("run", "--port", port)
