"""Personas shared by the whole suite.

The standard action is owned by TSB with BDT collaborating, so every
permission rule can be tried by: a member of the owning Bureau, a member of a
collaborating Bureau, a member of an uninvolved Bureau, coordinators, a
reader, an outsider (signed in, no role) and an administrator.
"""

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
def superuser(db):
    from actions.models import User

    return User.objects.create_superuser("root", "root@example.org", "secret-pass-123")


@pytest.fixture
def tsb_action(db):
    """An action owned by TSB, with BDT collaborating."""
    return builders.action(owner="TSB", collaborators=("BDT",))
