"""Accounts as an organisation runs them: invitations, one role, own passwords, full names."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.choices import Role
from actions.models import User
from tests import builders
from tests.api.support import client_for

LINK = re.compile(r"http://testserver(/accounts/[\w/-]+/)")
NEW_PASSWORD = "Tropical-Lagoon-48"
pytestmark = pytest.mark.django_db


def invite(client, **overrides):
    data = {
        "email": "fatou.ndiaye@itu.int",
        "first_name": "Fatou",
        "last_name": "Ndiaye",
        "bureau": builders.body("BDT").pk,
        "role": Role.BUREAU_STAFF,
        "username": "",
    }
    data.update(overrides)
    return client.post(reverse("admin:actions_user_add"), data)


@pytest.fixture
def admin_client_(client, superuser, settings):
    settings.SITE_URL = "http://testserver"
    client.force_login(superuser)
    return client


def link_in(body: str) -> str:
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def test_the_invite_form_asks_for_name_bureau_and_one_role_and_no_password(admin_client_):
    page = admin_client_.get(reverse("admin:actions_user_add")).content.decode()

    assert 'name="first_name"' in page
    assert 'name="last_name"' in page
    assert 'name="bureau"' in page
    assert page.count('type="radio" name="role"') == len(Role)
    assert 'name="password1"' not in page
    assert 'name="groups"' not in page


def test_an_invited_colleague_chooses_their_password_through_the_emailed_link(
    admin_client_, smtp_server, client
):
    response = invite(admin_client_)

    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="fatou.ndiaye@itu.int")
    assert (user.username, str(user), user.bureau.code) == (
        "fatou.ndiaye@itu.int",
        "Fatou Ndiaye",
        "BDT",
    )
    assert list(user.groups.values_list("name", flat=True)) == [Role.BUREAU_STAFF]
    assert not user.has_usable_password()

    # The e-mail went through a real SMTP server.
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "fatou.ndiaye@itu.int"
    assert message["Subject"] == "Your account on the WTSA Implementation Tracker"
    body = smtp_server.body()
    assert "Hello Fatou Ndiaye," in body
    assert "Your username: fatou.ndiaye@itu.int" in body
    assert "Your Bureau: BDT" in body
    link = link_in(body)

    admin_client_.logout()
    form_page = client.get(link, follow=True)
    assert "Welcome: choose your password" in form_page.content.decode()
    chosen = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert chosen.redirect_chain[-1][0] == reverse("dashboard")
    assert "Your password is saved." in chosen.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This link has been used already or has expired." in again


def test_staff_without_a_bureau_cannot_be_invited_and_nothing_is_sent(admin_client_, smtp_server):
    response = invite(admin_client_, bureau="")

    assert response.status_code == 200
    assert "Bureau staff and coordinators work for a Bureau" in response.content.decode()
    assert not User.objects.filter(email="fatou.ndiaye@itu.int").exists()
    assert smtp_server.messages == []


def test_an_address_that_already_has_an_account_is_refused(admin_client_, smtp_server):
    builders.user("fatou", email="Fatou.Ndiaye@itu.int")

    response = invite(admin_client_)

    assert "Someone already has an account with this address." in response.content.decode()
    assert User.objects.filter(email__iexact="fatou.ndiaye@itu.int").count() == 1
    assert smtp_server.messages == []


def test_changing_the_role_in_the_admin_leaves_exactly_one_role(admin_client_, tsb_staff):
    url = reverse("admin:actions_user_change", args=[tsb_staff.pk])
    page = admin_client_.get(url).content.decode()
    assert 'name="groups"' not in page

    data = {
        "username": tsb_staff.username,
        "first_name": "Tomás",
        "last_name": "Silva",
        "email": "",
        "bureau": tsb_staff.bureau_id,
        "role": Role.COORDINATOR,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-05",
        "initial-date_joined_1": "09:00:00",
    }
    response = admin_client_.post(url, data)

    assert response.status_code == 302, response.content.decode()
    assert list(tsb_staff.groups.values_list("name", flat=True)) == [Role.COORDINATOR]
    assert str(User.objects.get(pk=tsb_staff.pk)) == "Tomás Silva"


def test_the_user_list_shows_names_and_roles(admin_client_, tsb_staff):
    tsb_staff.first_name, tsb_staff.last_name = "Tomás", "Silva"
    tsb_staff.save()

    page = admin_client_.get(reverse("admin:actions_user_changelist")).content.decode()

    assert "Tomás Silva" in page
    assert "Bureau staff" in page


def test_an_administrator_sends_a_fresh_link_from_the_user_list(admin_client_, smtp_server):
    user = builders.user("amina", bureau="BDT", email="amina@itu.int", first_name="Amina")

    admin_client_.post(
        reverse("admin:actions_user_changelist"),
        {"action": "send_password_link", "_selected_action": [user.pk]},
    )

    assert [m["To"] for m in smtp_server.messages] == ["amina@itu.int"]
    assert "/accounts/welcome/" in smtp_server.body()


def test_the_login_page_leads_to_a_password_reset_that_arrives_by_smtp(
    client, smtp_server, settings
):
    settings.SITE_URL = "http://testserver"
    user = builders.user("amina", bureau="BDT", email="amina@itu.int", first_name="Amina")
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgot your password?</a>' in login_page

    done = client.post(reverse("password_reset"), {"email": "AMINA@itu.int"}, follow=True)

    assert "Check your e-mail" in done.content.decode()
    assert [m["To"] for m in smtp_server.messages] == ["amina@itu.int"]
    assert "Hello Amina," in smtp_server.body()
    form_page = client.get(link_in(smtp_server.body()), follow=True)
    complete = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password saved" in complete.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_invited_colleague_who_lost_the_invitation_can_ask_for_a_link(client, smtp_server):
    user = builders.user("amina", bureau="BDT", email="amina@itu.int")
    user.set_unusable_password()
    user.save()

    client.post(reverse("password_reset"), {"email": "amina@itu.int"})

    assert [m["To"] for m in smtp_server.messages] == ["amina@itu.int"]


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, smtp_server):
    done = client.post(reverse("password_reset"), {"email": "nobody@itu.int"}, follow=True)

    assert "Check your e-mail" in done.content.decode()
    assert smtp_server.messages == []


def test_set_password_gives_the_first_administrator_a_new_password_shown_once(superuser):
    builders.user("later_admin", role=Role.ADMINISTRATOR, is_superuser=True)
    out = io.StringIO()

    call_command("set_password", stdout=out)

    printed = out.getvalue()
    assert printed.startswith("New password of root (shown once, note it): ")
    password = printed.rsplit(": ", 1)[1].strip()
    assert User.objects.get(pk=superuser.pk).check_password(password)


def test_set_password_reads_a_chosen_password_for_any_user(tsb_staff, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    out = io.StringIO()

    call_command("set_password", "tsb_staff", "--stdin", stdout=out)

    assert out.getvalue() == "Password of tsb_staff changed.\n"
    assert User.objects.get(pk=tsb_staff.pk).check_password(NEW_PASSWORD)


def test_set_password_refuses_a_weak_password_and_keeps_the_old_one(tsb_staff, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345678\n"))

    with pytest.raises(CommandError, match="Password not changed: .*too common"):
        call_command("set_password", "tsb_staff", "--stdin")

    assert User.objects.get(pk=tsb_staff.pk).check_password("secret-pass-123")


def test_set_password_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user is called 'ghost'"):
        call_command("set_password", "ghost")


def test_set_password_can_email_a_link_instead(smtp_server, tsb_staff):
    tsb_staff.email = "tsb@itu.int"
    tsb_staff.save()

    call_command("set_password", "tsb_staff", "--send-link", stdout=io.StringIO())

    assert [m["To"] for m in smtp_server.messages] == ["tsb@itu.int"]
    assert User.objects.get(pk=tsb_staff.pk).check_password("secret-pass-123")


def test_people_are_named_by_full_name_in_the_api(tsb_staff, tsb_action):
    tsb_staff.first_name, tsb_staff.last_name = "Tomás", "Silva"
    tsb_staff.save()
    builders.report(tsb_action, author=tsb_staff)
    tsb_action.focal_point = tsb_staff
    tsb_action.save()
    client = client_for(tsb_staff)

    report = client.get("/api/progress-reports/").json()["results"][0]
    action = client.get(f"/api/actions/{tsb_action.pk}/").json()

    assert (report["author"], report["author_name"]) == ("tsb_staff", "Tomás Silva")
    assert (action["focal_point"], action["focal_point_name"]) == ("tsb_staff", "Tomás Silva")


def test_a_user_without_a_name_is_shown_by_username(db):
    assert str(builders.user("jdoe")) == "jdoe"


def test_the_role_groups_are_exclusive_after_an_invitation(admin_client_, smtp_server):
    invite(admin_client_, role=Role.COORDINATOR)

    user = User.objects.get(email="fatou.ndiaye@itu.int")
    assert set(user.groups.values_list("name", flat=True)) == {Role.COORDINATOR}
    assert Group.objects.filter(name=Role.COORDINATOR).exists()
