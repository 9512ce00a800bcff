"""Idempotency-Key on POST: a retry, or a duplicate sent at the same moment, makes one report."""

import threading
import time

import pytest
import time_machine
from django.db import connection

from actions.api import views
from actions.models import IdempotencyKey, ProgressReport, StatusChange
from tests.api.support import client_for, etag_of

URL = "/api/progress-reports/"


def body(action, text="Workshop held in Nairobi."):
    return {
        "action": action.pk,
        "text": text,
        "period_start": "2024-06-01",
        "period_end": "2025-05-31",
        "evidence_links": [{"url": "https://example.org/ws"}],
    }


def post(client, data, key):
    return client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_and_body_returns_the_first_answer_and_makes_one_report(
    tsb_action, tsb_staff
):
    client = client_for(tsb_staff)

    first = post(client, body(tsb_action), "retry-1")
    again = post(client, body(tsb_action), "retry-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert ProgressReport.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_and_makes_nothing(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    post(client, body(tsb_action), "reused")

    response = post(client, body(tsb_action, text="Something else."), "reused")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(ProgressReport.objects.values_list("text", flat=True)) == [
        "Workshop held in Nairobi."
    ]


def test_without_a_key_two_posts_make_two_reports(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    client.post(URL, body(tsb_action), format="json")
    client.post(URL, body(tsb_action), format="json")
    assert ProgressReport.objects.count() == 2


def test_keys_belong_to_their_user(tsb_action, tsb_staff, tsb_coordinator):
    mine = post(client_for(tsb_staff), body(tsb_action), "shared-key")
    theirs = post(client_for(tsb_coordinator), body(tsb_action), "shared-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert ProgressReport.objects.count() == 2


def test_a_refused_request_keeps_no_claim_and_may_be_corrected_under_its_key(tsb_action, tsb_staff):
    client = client_for(tsb_staff)

    refused = post(client, body(tsb_action, text=""), "fix-me")
    corrected = post(client, body(tsb_action), "fix-me")

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert not IdempotencyKey.objects.filter(status_code=None).exists()
    assert ProgressReport.objects.count() == 1


def test_a_key_is_forgotten_after_a_day(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False):
        post(client, body(tsb_action), "daily")
    with time_machine.travel("2026-03-03 09:01 +0000", tick=False):
        later = post(client, body(tsb_action), "daily")

    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert ProgressReport.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize("key", ["x" * 256, "tab\there", "   "])
def test_a_malformed_key_is_a_400_in_the_apis_shape(tsb_action, tsb_staff, key):
    response = post(client_for(tsb_staff), body(tsb_action), key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_a_transition_retried_with_its_key_is_recorded_once(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    url = f"/api/actions/{tsb_action.pk}/transition/"
    tag = etag_of(client, f"/api/actions/{tsb_action.pk}/")

    first = client.post(
        url, {"status": "in_progress"}, HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="move-1"
    )
    # The retry still carries the old ETag: without the key it would be a 412.
    again = client.post(
        url, {"status": "in_progress"}, HTTP_IF_MATCH=tag, HTTP_IDEMPOTENCY_KEY="move-1"
    )

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert StatusChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_sent_at_the_same_moment_make_one_report(
    monkeypatch, tsb_action, tsb_staff
):
    create = views.progress_report_create

    def slow_create(**kwargs):
        report = create(**kwargs)
        # Hold the claim open, uncommitted, while the duplicate arrives.
        time.sleep(0.5)
        return report

    monkeypatch.setattr(views, "progress_report_create", slow_create)
    client_for(tsb_staff)  # the token, made before the threads start
    start = threading.Barrier(2)
    answers = []

    def send():
        try:
            client = client_for(tsb_staff)
            start.wait()
            response = post(client, body(tsb_action), "same-moment")
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ProgressReport.objects.count() == 1
    report = ProgressReport.objects.get()
    assert answers == [(201, report.pk), (201, report.pk)]
