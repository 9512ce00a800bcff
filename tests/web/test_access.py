"""Every staff page needs a login; the header says who is logged in and where to go."""

import pytest
from django.urls import reverse

from tests import builders

PERSONAS = [
    "tsb_staff",
    "tsb_coordinator",
    "bdt_staff",
    "bdt_coordinator",
    "br_staff",
    "reader",
    "outsider",
    "administrator",
]


@pytest.fixture
def page_urls(tsb_action, tsb_staff):
    report = builders.report(tsb_action, author=tsb_staff)
    return {
        "dashboard": reverse("dashboard"),
        "my actions": reverse("my_actions"),
        "action list": reverse("action_list"),
        "csv export": reverse("action_export"),
        "action detail": reverse("action_detail", args=[tsb_action.pk]),
        "resolution list": reverse("resolution_list"),
        "resolution detail": reverse(
            "resolution_detail",
            args=[tsb_action.resolution.assembly.code, tsb_action.resolution.number],
        ),
        "report edit": reverse("report_edit", args=[report.pk]),
        "progress reports": reverse("report_list"),
        "readiness for Council": reverse("council_readiness"),
    }


def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client, page_urls):
    for name, url in page_urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"] == f"{reverse('login')}?next={url}", name


@pytest.mark.parametrize(
    "url_name", ["action_status", "action_plan", "report_create", "report_transition"]
)
def test_an_anonymous_post_is_sent_to_the_login_page_and_writes_nothing(
    client, tsb_action, url_name
):
    response = client.post(reverse(url_name, args=[tsb_action.pk]), {"to": "in_progress"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    tsb_action.refresh_from_db()
    assert tsb_action.version == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_can_read_every_page(request, login, page_urls, persona):
    client = login(request.getfixturevalue(persona))
    for name, url in page_urls.items():
        if name == "report edit":
            continue  # a draft: only its Bureau may edit it, tested with the reports
        assert client.get(url).status_code == 200, f"{persona}: {name}"


def test_the_login_page_has_labelled_fields_and_logs_a_user_in_to_the_dashboard(client, bdt_staff):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page

    response = client.post(
        reverse("login"), {"username": "bdt_staff", "password": "secret-pass-123"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_shows_an_error_on_the_login_page(client, bdt_staff):
    response = client.post(reverse("login"), {"username": "bdt_staff", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_out_is_a_post_form_that_returns_to_the_login_page(login, bdt_staff):
    client = login(bdt_staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in page

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_header_names_the_user_and_their_bureau_and_marks_the_current_page(db, login):
    user = builders.user("amina", bureau="BDT", first_name="Amina", last_name="Diallo")
    page = login(user).get(reverse("my_actions")).content.decode()

    assert "Amina Diallo" in page
    assert "· BDT" in page
    assert f'<a href="{reverse("my_actions")}" aria-current="page">My actions</a>' in page
    for url_name in ("dashboard", "action_list", "resolution_list"):
        assert f'href="{reverse(url_name)}"' in page


def test_the_admin_link_is_shown_to_staff_users_only(login, administrator, bdt_staff):
    admin_link = f'href="{reverse("admin:index")}"'

    assert admin_link in login(administrator).get(reverse("dashboard")).content.decode()
    assert admin_link not in login(bdt_staff).get(reverse("dashboard")).content.decode()


def test_every_page_has_a_skip_link_landmarks_and_a_language(login, bdt_staff, page_urls):
    client = login(bdt_staff)
    for name, url in page_urls.items():
        if name in {"csv export", "report edit"}:
            continue
        page = client.get(url).content.decode()
        assert '<html lang="en">' in page, name
        assert '<a class="skip-link" href="#main">' in page, name
        assert '<main id="main"' in page, name
        for landmark in ("<header", "<nav", "<footer"):
            assert landmark in page, name
        assert page.count("<h1") == 1, name


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_form_sent_from_a_page_too_old_to_check_says_so_and_saves_nothing(
    tsb_staff, tsb_action, signed_in
):
    from django.test import Client

    from actions.models import ProgressReport

    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(tsb_staff)
        url = reverse("report_create", args=[tsb_action.pk])
    else:
        url = reverse("login")

    response = client.post(url, {"text": "Held a workshop.", "username": "x", "password": "y"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "The form was too old: nothing was saved" in page
    assert "CSRF" not in page
    # The site's own page, its menu included for whoever is signed in.
    assert (f'href="{reverse("my_actions")}"' in page) is signed_in
    assert not ProgressReport.objects.exists()
