"""The report form on the action page carries a one-time token: a double submit or a
browser retry makes one report, and the second submit lands on it with a message."""

import threading
import time
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import ProgressReport
from actions.views import detail
from tests.web.test_reports import report_data


def send(client, action, token):
    return client.post(reverse("report_create", args=[action.pk]), report_data(once=str(token)))


def test_each_rendered_form_carries_a_fresh_token(client, tsb_action, tsb_staff):
    client.force_login(tsb_staff)
    url = reverse("action_detail", args=[tsb_action.pk])

    tokens = [client.get(url).context["report_form"]["once"].value() for _ in range(2)]

    assert all(uuid.UUID(str(token)) for token in tokens)
    assert tokens[0] != tokens[1]


def test_the_token_is_in_the_page_as_a_hidden_field(client, tsb_action, tsb_staff):
    client.force_login(tsb_staff)
    page = client.get(reverse("action_detail", args=[tsb_action.pk])).content.decode()
    assert 'type="hidden" name="once"' in page


def test_a_form_sent_twice_makes_one_report_and_the_second_lands_on_it(
    client, tsb_action, tsb_staff
):
    client.force_login(tsb_staff)
    token = uuid.uuid4()

    first = send(client, tsb_action, token)
    second = send(client, tsb_action, token)

    report = ProgressReport.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert f"#report-{report.pk}" in second["Location"]
    assert "This report was already saved: here it is." in [
        str(m) for m in get_messages(second.wsgi_request)
    ]
    assert report.evidence_links.count() == 1


def test_two_forms_make_two_reports(client, tsb_action, tsb_staff):
    client.force_login(tsb_staff)
    send(client, tsb_action, uuid.uuid4())
    send(client, tsb_action, uuid.uuid4())
    assert ProgressReport.objects.count() == 2


def test_a_form_refused_for_its_content_may_be_corrected_and_sent_with_its_token(
    client, tsb_action, tsb_staff
):
    client.force_login(tsb_staff)
    token = uuid.uuid4()
    url = reverse("report_create", args=[tsb_action.pk])

    refused = client.post(url, report_data(once=str(token), text=""))
    saved = client.post(url, report_data(once=str(token)))

    assert (refused.status_code, saved.status_code) == (400, 302)
    # The page shown again keeps the same token, so a retry of it is still one report.
    assert refused.context["report_form"]["once"].value() == str(token)
    assert ProgressReport.objects.count() == 1


def test_another_persons_token_is_refused_and_makes_nothing(
    client, tsb_action, tsb_staff, tsb_coordinator
):
    token = uuid.uuid4()
    client.force_login(tsb_staff)
    send(client, tsb_action, token)
    client.force_login(tsb_coordinator)

    response = send(client, tsb_action, token)

    assert response.status_code == 400
    assert "This form was already used by someone else" in response.content.decode()
    assert ProgressReport.objects.count() == 1


def test_a_form_without_a_token_still_saves(client, tsb_action, tsb_staff):
    client.force_login(tsb_staff)
    response = client.post(reverse("report_create", args=[tsb_action.pk]), report_data())
    assert response.status_code == 302
    assert ProgressReport.objects.get().submission_token is None


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sending_the_form_twice_at_once_makes_one_report(
    monkeypatch, tsb_action, tsb_staff
):
    create = detail.progress_report_create

    def slow_create(**kwargs):
        report = create(**kwargs)
        # The first submit is still being saved when the second arrives.
        time.sleep(0.5)
        return report

    monkeypatch.setattr(detail, "progress_report_create", slow_create)
    token = uuid.uuid4()
    start = threading.Barrier(2)
    landed = []

    def click():
        try:
            client = Client()
            client.force_login(tsb_staff)
            start.wait()
            response = send(client, tsb_action, token)
            landed.append((response.status_code, response["Location"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    report = ProgressReport.objects.get()
    assert len(landed) == 2
    assert {status for status, _ in landed} == {302}
    assert {location for _, location in landed} == {
        reverse("action_detail", args=[tsb_action.pk]) + f"#report-{report.pk}"
    }
