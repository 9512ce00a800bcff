"""Repeated wrong passwords lock the account, and many lock the address (django-axes).

Regression for the probe: 50 wrong passwords in 26 s on /accounts/login/ and
/admin/login/, then the right one logged in at once.
"""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command

from actions.choices import Role
from tests import builders

PASSWORD = "secret-pass-123"
LOCKED = "Too many failed logins for this account."
ADDRESS_LOCKED = "Too many failed logins from this network address, whatever the account."

pytestmark = pytest.mark.django_db


def log_in(client, url, username, password, address="192.0.2.10"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, url, times, username="tsb_staff", address="192.0.2.10"):
    """Wrong passwords; the answers: the form again (200), then locked out (429)."""
    return [
        log_in(client, url, username, "wrong-password", address).status_code for _ in range(times)
    ]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_right_password_after_five_wrong_ones_is_refused_with_a_clear_message(
    client, tsb_staff, administrator, url
):
    user = administrator if url.startswith("/admin/") else tsb_staff
    assert fail(client, url, 5, username=user.username) == [200, 200, 200, 200, 429]

    response = log_in(client, url, user.username, PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "ask an administrator to unlock the account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in(client, tsb_staff):
    assert fail(client, "/accounts/login/", 4) == [200, 200, 200, 200]

    response = log_in(client, "/accounts/login/", "tsb_staff", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(tsb_staff.pk)


def test_a_locked_account_stays_locked_from_another_address(client, tsb_staff):
    fail(client, "/accounts/login/", 5)

    response = log_in(client, "/accounts/login/", "tsb_staff", PASSWORD, address="198.51.100.7")

    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked_out_for_every_account(
    client, tsb_staff, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(12):
        fail(client, "/accounts/login/", 1, username=f"guess{n}")

    response = log_in(client, "/accounts/login/", "tsb_staff", PASSWORD)

    assert response.status_code == 429
    assert ADDRESS_LOCKED in response.content.decode()
    assert "ask an administrator to unlock the address" in response.content.decode()
    # The account itself is not locked: its owner still logs in from elsewhere.
    other = log_in(client, "/accounts/login/", "tsb_staff", PASSWORD, address="198.51.100.7")
    assert other.status_code == 302


def test_colleagues_typos_behind_one_address_do_not_lock_the_others_out(
    client, tsb_staff, settings
):
    # An office signs in through one address: five people mistyping once each,
    # and someone locking an unknown name out, lock nobody else out.
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(5):
        fail(client, "/accounts/login/", 1, username=f"colleague{n}")
    fail(client, "/accounts/login/", 5, username="ghost@itu.int")

    response = log_in(client, "/accounts/login/", "tsb_staff", PASSWORD)

    assert response.status_code == 302


def test_an_administrator_unlocks_an_account_with_the_reset_command(client, tsb_staff):
    fail(client, "/accounts/login/", 5)
    assert log_in(client, "/accounts/login/", "tsb_staff", PASSWORD).status_code == 429

    call_command("axes_reset")

    assert not AccessAttempt.objects.exists()
    assert log_in(client, "/accounts/login/", "tsb_staff", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin(client, tsb_staff, superuser):
    fail(client, "/accounts/login/", 5)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin = builders.user("unlocker", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert log_in(client, "/accounts/login/", "tsb_staff", PASSWORD).status_code == 302


def test_password_reset_mails_are_limited_per_address(client, settings, tsb_staff):
    settings.PASSWORD_RESET_RATE = "3/h"
    tsb_staff.email = "staff@example.org"
    tsb_staff.save()

    answers = [
        client.post("/accounts/password_reset/", {"email": "staff@example.org"}).status_code
        for _ in range(5)
    ]

    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_for_one_mailbox_is_limited_from_any_address(client, settings, tsb_staff):
    settings.PASSWORD_RESET_RATE = "2/h"
    tsb_staff.email = "staff@example.org"
    tsb_staff.save()

    answers = [
        client.post(
            "/accounts/password_reset/",
            {"email": "Staff@Example.org"},
            REMOTE_ADDR=f"192.0.2.{n}",
        )
        for n in range(1, 4)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert "Too many password reset requests" in answers[-1].content.decode()
    assert len(mail.outbox) == 2


def test_a_forged_forwarded_address_does_not_escape_the_address_lockout(
    client, tsb_staff, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = client.post(
        "/accounts/login/",
        {"username": "tsb_staff", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert response.status_code == 429
