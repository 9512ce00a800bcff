"""Every refusal is a sentence about the user's data, the same on pages, API and admin."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.choices import ActionStatus
from actions.models import Action, EvidenceLink, GoverningBodyMeeting, ProgressReport
from actions.services.actions import action_transition, action_update
from actions.services.reports import progress_report_create
from actions.validators import NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH
from tests import builders
from tests.api.support import client_for, etag_of
from tests.web.test_reports import create_report

LINK_RULE = "starts with http:// or https://"


@pytest.fixture
def login(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def all_constraints() -> list:
    return [
        pytest.param(constraint, id=constraint.name)
        for app in ("actions", "resolutions")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ]


@pytest.mark.parametrize("constraint", all_constraints())
def test_every_constraint_explains_itself_without_its_name(constraint):
    message = str(constraint.get_violation_error_message())

    assert constraint.name not in message
    assert "constraint" not in message.lower()
    assert message[0].isupper(), message
    assert message.endswith("."), message


def test_a_meeting_that_closes_before_it_opens_is_refused_in_the_admin_with_a_sentence(
    client, superuser
):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_governingbodymeeting_add"),
        {
            "kind": "council",
            "name": "Council 2027",
            "place": "Geneva",
            "start_date": "2027-06-15",
            "end_date": "2027-06-05",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A session cannot close before it opens." in page
    assert "meeting_ends_after_it_starts" not in page
    assert not GoverningBodyMeeting.objects.exists()


def test_a_second_council_on_the_same_day_is_refused_with_a_sentence(client, superuser):
    builders.meeting(datetime.date(2027, 6, 15))
    client.force_login(superuser)

    response = client.post(
        reverse("admin:actions_governingbodymeeting_add"),
        {
            "kind": "council",
            "name": "Council 2027 again",
            "place": "Geneva",
            "start_date": "2027-06-15",
            "end_date": "2027-06-25",
        },
    )

    assert "A session of this body already opens on that day." in response.content.decode()
    assert GoverningBodyMeeting.objects.count() == 1


@pytest.mark.parametrize("url", ["ftp://ftp.itu.int/report.pdf", "javascript:alert(1)"])
def test_an_evidence_link_that_is_not_a_web_page_is_refused_by_the_model(
    url, tsb_action, tsb_staff
):
    report = builders.report(tsb_action, author=tsb_staff)

    with pytest.raises(ValidationError) as refused:
        EvidenceLink(report=report, url=url).full_clean()

    assert LINK_RULE in str(refused.value.message_dict["url"])


@pytest.mark.parametrize("url", ["ftp://ftp.itu.int/report.pdf", "javascript:alert(1)"])
def test_the_api_refuses_an_evidence_link_that_is_not_http_or_https(url, tsb_staff, tsb_action):
    response = client_for(tsb_staff).post(
        "/api/progress-reports/",
        {
            "action": tsb_action.pk,
            "text": "Held a workshop.",
            "period_start": "2024-06-01",
            "period_end": "2025-05-31",
            "evidence_links": [{"url": url}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["evidence_links"]["0"]["url"] == [
        "Enter a web address that starts with http:// or https://, for example https://www.itu.int/."
    ]
    assert not ProgressReport.objects.exists()


def test_the_api_accepts_an_http_evidence_link(tsb_staff, tsb_action):
    response = client_for(tsb_staff).post(
        "/api/progress-reports/",
        {
            "action": tsb_action.pk,
            "text": "Held a workshop.",
            "period_start": "2024-06-01",
            "period_end": "2025-05-31",
            "evidence_links": [{"url": "http://www.itu.int/ws"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert EvidenceLink.objects.get().url == "http://www.itu.int/ws"


def test_a_report_one_character_too_long_is_refused_on_the_page_with_the_count(
    login, tsb_staff, tsb_action
):
    response = create_report(login(tsb_staff), tsb_action, text="x" * (REPORT_TEXT_MAX_LENGTH + 1))

    assert response.status_code == 400
    assert (
        f"Keep this to {REPORT_TEXT_MAX_LENGTH} characters or fewer "
        f"(it has {REPORT_TEXT_MAX_LENGTH + 1})" in response.content.decode()
    )
    assert not ProgressReport.objects.exists()


def test_a_report_at_the_limit_is_accepted_on_the_page(login, tsb_staff, tsb_action):
    create_report(login(tsb_staff), tsb_action, text="x" * REPORT_TEXT_MAX_LENGTH)

    assert len(ProgressReport.objects.get().text) == REPORT_TEXT_MAX_LENGTH


def test_the_report_box_carries_its_limit_for_the_counter(login, tsb_staff, tsb_action):
    page = login(tsb_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert f'maxlength="{REPORT_TEXT_MAX_LENGTH}"' in page
    assert f'maxlength="{NOTE_MAX_LENGTH}"' in page  # the status note


def test_the_api_refuses_a_report_over_the_limit_with_the_pages_message(tsb_staff, tsb_action):
    response = client_for(tsb_staff).post(
        "/api/progress-reports/",
        {
            "action": tsb_action.pk,
            "text": "x" * 100_000,
            "period_start": "2024-06-01",
            "period_end": "2025-05-31",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["text"] == [
        f"Keep this to {REPORT_TEXT_MAX_LENGTH} characters or fewer (it has 100000): "
        "put longer material in a linked document."
    ]
    assert not ProgressReport.objects.exists()


def test_the_service_refuses_a_report_over_the_limit(tsb_staff, tsb_action):
    with pytest.raises(ValidationError) as refused:
        progress_report_create(
            action=tsb_action,
            by=tsb_staff,
            text="x" * (REPORT_TEXT_MAX_LENGTH + 1),
            period_start=datetime.date(2024, 6, 1),
            period_end=datetime.date(2025, 5, 31),
        )

    assert "characters or fewer" in str(refused.value.message_dict["text"])
    assert not ProgressReport.objects.exists()


def test_the_api_refuses_a_status_note_over_the_limit_and_changes_nothing(tsb_staff, tsb_action):
    client = client_for(tsb_staff)
    url = f"/api/actions/{tsb_action.pk}/"

    response = client.post(
        f"{url}transition/",
        {"status": "in_progress", "note": "n" * (NOTE_MAX_LENGTH + 1)},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.status_code == 400
    assert (
        f"Keep this to {NOTE_MAX_LENGTH} characters or fewer"
        in response.json()["errors"]["note"][0]
    )
    assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.NOT_STARTED


def test_an_action_nobody_touched_says_so_instead_of_a_load_time(login, tsb_staff, tsb_action):
    page = login(tsb_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert Action.objects.get(pk=tsb_action.pk).changed_at is None
    assert "Not changed by anyone yet" in page


def test_a_status_change_and_a_new_plan_count_as_changes_a_save_does_not(tsb_staff, tsb_action):
    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, now=moment)
    assert Action.objects.get(pk=tsb_action.pk).changed_at == moment

    action_update(
        action=tsb_action,
        by=tsb_staff,
        expected_version=tsb_action.version,
        changes={"target_date": datetime.date(2027, 1, 1)},
    )
    planned = Action.objects.get(pk=tsb_action.pk).changed_at
    assert planned > moment

    # What an import or a data load does is not a person's change.
    stored = Action.objects.get(pk=tsb_action.pk)
    stored.needs_review = True
    stored.save()
    assert Action.objects.get(pk=tsb_action.pk).changed_at == planned


def test_the_action_page_shows_when_a_person_last_changed_it(login, tsb_staff, tsb_action):
    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    action_transition(action=tsb_action, to=ActionStatus.IN_PROGRESS, by=tsb_staff, now=moment)

    page = login(tsb_staff).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "2 March 2026, 10:30" in page  # Geneva time
    assert "Not changed by anyone yet" not in page


def test_an_administrator_without_a_bureau_is_told_why_there_is_no_report_form(
    login, administrator, tsb_action
):
    client = login(administrator)
    page = client.get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "Your account has no Bureau" in page
    assert reverse("report_create", args=[tsb_action.pk]) not in page

    refused = create_report(client, tsb_action)

    assert refused.status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_reader_is_not_told_about_a_bureau(login, reader, tsb_action):
    page = login(reader).get(reverse("action_detail", args=[tsb_action.pk])).content.decode()

    assert "Your account has no Bureau" not in page
