"""Personas shared by the whole suite.

The standard action is owned by TSB with BDT collaborating, so every
permission rule can be tried by: a member of the owning Bureau, a member of a
collaborating Bureau, a member of an uninvolved Bureau, coordinators, a
reader, an outsider (signed in, no role) and an administrator.
"""

import email
import socket
from email import policy

import pytest
from django.core.cache import cache

from actions.choices import Role
from tests import builders


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling and rate limits count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tsb_staff(db):
    return builders.user("tsb_staff", bureau="TSB", role=Role.BUREAU_STAFF)


@pytest.fixture
def tsb_coordinator(db):
    return builders.user("tsb_coordinator", bureau="TSB", role=Role.COORDINATOR)


@pytest.fixture
def bdt_staff(db):
    return builders.user("bdt_staff", bureau="BDT", role=Role.BUREAU_STAFF)


@pytest.fixture
def bdt_coordinator(db):
    return builders.user("bdt_coordinator", bureau="BDT", role=Role.COORDINATOR)


@pytest.fixture
def br_staff(db):
    return builders.user("br_staff", bureau="BR", role=Role.BUREAU_STAFF)


@pytest.fixture
def reader(db):
    return builders.user("reader", bureau="TSB", role=Role.READER)


@pytest.fixture
def outsider(db):
    return builders.user("outsider")


@pytest.fixture
def administrator(db):
    return builders.user("administrator", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def gs_administrator(db):
    """An administrator who works in the General Secretariat: reports are filed as GS's."""
    return builders.user("gs_administrator", bureau="GS", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def superuser(db):
    from actions.models import User

    return User.objects.create_superuser("root", "root@example.org", "secret-pass-123")


@pytest.fixture
def tsb_action(db):
    """An action owned by TSB, with BDT collaborating."""
    return builders.action(owner="TSB", collaborators=("BDT",))


# --- Real SMTP servers on 127.0.0.1 (issue 10) --------------------------------


class SmtpInbox:
    """What an aiosmtpd server on 127.0.0.1 received, read back as e-mail messages."""

    def __init__(self) -> None:
        import threading

        self.envelopes = []
        self.host = "127.0.0.1"
        self.port = 0
        # Hold the n-th message without answering, until released (then refuse it).
        self.hold_nth: int | None = None
        self.holding = threading.Event()
        self.released = threading.Event()
        self._calls = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        import asyncio

        self._calls += 1
        if self._calls == self.hold_nth:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 Not accepted"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):

        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def body(self, index: int = -1) -> str:
        """The plain-text body of a received message (the last by default)."""
        return self.messages[index].get_body(preferencelist=("plain",)).get_content()

    def settings(self, **extra):
        """Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 5,
            **extra,
        }


def free_port() -> int:

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Django's mail pointed at it.

    Messages are read back from it (``messages``, ``body()``).
    """
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    for name, value in inbox.settings().items():
        setattr(settings, name, value)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def silent_smtp_server():
    """A server that accepts connections and never says a word: (host, port)."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
