"""Accounts to try the pages as each role: on a development machine only."""

import io

import pytest
from django.core.management import CommandError, call_command

from actions import permissions
from actions.models import User
from tests import builders


@pytest.fixture
def bureaux(db):
    return [builders.body(code) for code in ("TSB", "BDT")]


def run() -> str:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


def test_no_demo_account_is_made_unless_debug_is_on(settings, bureaux):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="for a development machine"):
        run()

    assert not User.objects.exists()


def test_an_account_per_seat_signs_in_with_the_password_given(
    settings, bureaux, monkeypatch, client
):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "try-the-tracker-2026")

    output = run()

    assert "Their password is DEMO_PASSWORD." in output
    seats = {
        user.username: (user.bureau.code if user.bureau else None, permissions.role_names(user))
        for user in User.objects.select_related("bureau")
    }
    assert seats == {
        "tsb.staff": ("TSB", {"Bureau staff"}),
        "tsb.coordinator": ("TSB", {"Bureau coordinator"}),
        "tsb.coordinator2": ("TSB", {"Bureau coordinator"}),
        "bdt.staff": ("BDT", {"Bureau staff"}),
        "bdt.coordinator": ("BDT", {"Bureau coordinator"}),
        "reader": (None, {"Reader"}),
    }
    # Two TSB coordinators: one proposes a Resolution 83 rating, the other confirms it.
    assert permissions.may_confirm_assessments(User.objects.get(username="tsb.coordinator2"))
    signed_in = client.post(
        "/accounts/login/", {"username": "bdt.staff", "password": "try-the-tracker-2026"}
    )
    assert signed_in.status_code == 302


def test_a_second_run_leaves_the_accounts_and_their_passwords_as_they_are(
    settings, bureaux, monkeypatch
):
    settings.DEBUG = True
    first = run()
    password = first.rsplit(": ", 1)[1].strip()
    monkeypatch.setenv("DEMO_PASSWORD", "another-password-2026")

    second = run()

    assert "tsb.staff: already exists, left as it is." in second
    assert "Demo accounts created" not in second
    assert User.objects.get(username="tsb.staff").check_password(password)


def test_without_the_bureaux_loaded_it_says_what_to_run_first(settings, db):
    settings.DEBUG = True

    with pytest.raises(CommandError, match=r"No Bureau BDT, TSB: run `make run`"):
        run()

    assert not User.objects.exists()


def test_a_weak_demo_password_is_refused(settings, bureaux, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "1234")

    with pytest.raises(CommandError, match="DEMO_PASSWORD refused"):
        run()

    assert not User.objects.exists()
