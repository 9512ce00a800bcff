"""Run the tracker for development: the web server, a Celery worker and beat, quietly.

``make run`` calls this. It prepares the database (``bootstrap``), starts the
three processes, keeps their start-up chatter to itself unless one fails, and
ends its output with the address and the administrator's login. Ctrl-C stops
all three and exits with status 0: stopping is not a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .bootstrap import Command as Bootstrap

# Seconds to wait for the web server to answer, and for children to stop.
START_TIMEOUT = 60
STOP_TIMEOUT = 10
# Start-up output arriving this long after the server answers is still chatter.
SETTLE_SECONDS = 1.0


def _port(text: str) -> int:
    """A TCP port, or argparse's refusal in a sentence."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is no port: give a number from 1 to 65535")
    return port


class Command(BaseCommand):
    help = "Prepare the database and run the web server, a Celery worker and beat (development)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=_port, default=8000, help="web server port (8000)")

    def handle(self, *args, port: int, **options):
        _check_port_free(port)
        bootstrap = Bootstrap(stdout=io.StringIO(), stderr=self.stderr)
        call_command(bootstrap)
        username, password = bootstrap.first_admin
        self.stdout.write("Database ready.")
        self.stdout.flush()

        with _foreground_group():
            runner = _Runner(self.stdout, port)
            try:
                runner.start()
                runner.wait_until_ready()
            except CommandError:
                runner.stop()
                raise
            url = f"http://127.0.0.1:{port}/"
            self.stdout.write("Web server, Celery worker and beat running. Stop with Ctrl-C.")
            if password:
                login = f"{username}, password {password} (shown once: note it)"
            else:
                login = (
                    f"{username} (forgot the password? "
                    f"DJANGO_ENV=development .venv/bin/python manage.py set_password {username})"
                )
            self.stdout.write(f"Open {url} and log in as {login}")
            self.stdout.flush()
            runner.relay_from_now_on()
            failed = runner.wait_for_interrupt_or_failure()
            runner.stop()
        if failed:
            raise CommandError(f"{failed} stopped unexpectedly; everything was stopped.")
        self.stdout.write("Stopped.")


def _check_port_free(port: int) -> None:
    """Refuse, before starting anything, a port another program listens on: the
    server would fail after the others started, and that program's answers
    would pass for the tracker's."""
    with socket.socket() as probe:
        # As the development server binds: a port left in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise CommandError(
                f"Port {port} is in use by another program. Stop it, or choose another "
                f"port: PORT={port + 80} make run"
            ) from None


def child_environment(port: int) -> dict[str, str]:
    """The children's environment: links in e-mails lead to this server's port
    unless ``SITE_URL`` says otherwise."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    return env


@contextlib.contextmanager
def _foreground_group():
    """Take Ctrl-C for this process alone while it runs, then give the terminal back.

    Ctrl-C signals the terminal's whole foreground process group: ``make``
    would take it as a failure ("Error 130") and each child would print its
    own alarm. In a group of our own, only this process hears it, stops the
    children in order and exits cleanly, so ``make`` sees success.
    """
    try:
        terminal = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        yield  # no terminal (CI, a pipe): nothing to take
        return
    previous = os.tcgetpgrp(terminal)
    old_ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        if os.getpgrp() == previous:
            os.setpgid(0, 0)
            os.tcsetpgrp(terminal, os.getpgrp())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(terminal, previous)
        signal.signal(signal.SIGTTOU, old_ttou)
        os.close(terminal)


class _Runner:
    """Three children, each in a session of its own, their output relayed line by line."""

    def __init__(self, stdout, port: int):
        self.out = stdout
        self.port = port
        python = sys.executable
        manage = [python, os.path.abspath(sys.argv[0])]
        self.commands = {
            "web": [*manage, "runserver", f"127.0.0.1:{port}"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "wtsa_tracker",
                "--quiet",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "wtsa_tracker",
                "--quiet",
                "beat",
                "--loglevel=WARNING",
            ],
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.held: list[str] = []
        self.relaying = False
        self.stopping = False
        self.lock = threading.Lock()
        self.interrupted = threading.Event()

    def start(self) -> None:
        env = child_environment(self.port)
        width = max(len(name) for name in self.commands)
        for name, command in self.commands.items():
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                text=True,
                bufsize=1,
                start_new_session=True,
            )
            self.processes[name] = process
            prefix = f"{name:<{width}} | "
            threading.Thread(target=self._relay, args=(prefix, process), daemon=True).start()
        signal.signal(signal.SIGINT, lambda *_: self.interrupted.set())
        signal.signal(signal.SIGTERM, lambda *_: self.interrupted.set())

    def _relay(self, prefix: str, process: subprocess.Popen) -> None:
        for line in process.stdout:
            with self.lock:
                if self.stopping:
                    continue  # what a process says while told to stop is no news
                if self.relaying:
                    self.out.write(prefix + line.rstrip("\n"))
                    self.out.flush()
                else:
                    self.held.append(prefix + line.rstrip("\n"))

    def _exited(self) -> str | None:
        return next((n for n, p in self.processes.items() if p.poll() is not None), None)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.interrupted.is_set():
                raise CommandError("Interrupted while starting.")
            if name := self._exited():
                time.sleep(0.2)  # let its last words arrive
                raise CommandError(self._failure(f"{name} could not start."))
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                time.sleep(SETTLE_SECONDS)
                if name := self._exited():
                    raise CommandError(self._failure(f"{name} could not start."))
                return
            time.sleep(0.2)
        raise CommandError(self._failure("The web server did not answer in time."))

    def _failure(self, reason: str) -> str:
        with self.lock:
            return "\n".join([*self.held, reason])

    def relay_from_now_on(self) -> None:
        # Start-up banners (and runserver's development-server warning) stay held back.
        with self.lock:
            self.held.clear()
            self.relaying = True

    def wait_for_interrupt_or_failure(self) -> str | None:
        while not self.interrupted.wait(0.5):
            if name := self._exited():
                return name
        return None

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
