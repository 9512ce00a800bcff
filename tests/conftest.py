"""Personas shared by the whole suite.

The standard action is owned by TSB with BDT collaborating, so every
permission rule can be tried by: a member of the owning Bureau, a member of a
collaborating Bureau, a member of an uninvolved Bureau, coordinators, a
reader, an outsider (signed in, no role) and an administrator.
"""

import email
import socket
from email import policy
from email.message import EmailMessage

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


class Inbox:
    """What a real SMTP server on 127.0.0.1 received, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def body(self, index: int = -1) -> str:
        return self.messages[index].get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free port, with Django's mail pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()
