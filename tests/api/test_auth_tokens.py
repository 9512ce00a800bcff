"""API tokens (django-rest-knox) and throttling.

Regressions for the probe: tokens never expired and were stored in clear; the
API had no throttling.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from actions.tasks import purge_expired_api_tokens
from tests.api.support import client_for
from wtsa_tracker.celery import app

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def token_login(client, username="tsb_staff", password=PASSWORD, address="192.0.2.20"):
    return client.post(
        "/api/auth/login/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_user_exchanges_their_password_for_a_token_that_opens_the_api(tsb_staff):
    response = token_login(APIClient())

    assert response.status_code == 200
    token = response.json()["token"]
    expiry = datetime.datetime.fromisoformat(response.json()["expiry"])
    assert timezone.now() + datetime.timedelta(days=29) < expiry
    assert expiry < timezone.now() + datetime.timedelta(days=31)
    assert with_token(token).get("/api/actions/").status_code == 200


def test_a_token_is_stored_only_as_a_hash(tsb_staff):
    token = token_login(APIClient()).json()["token"]

    stored = AuthToken.objects.get(user=tsb_staff)
    assert token not in {stored.digest, stored.token_key}
    assert len(stored.digest) == 128
    assert stored.token_key == token[:15]


def test_a_wrong_password_gets_400_in_the_api_error_shape(tsb_staff):
    response = token_login(APIClient(), password="wrong-password")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Wrong user name or password.",
        "code": "invalid",
        "errors": {"non_field_errors": ["Wrong user name or password."]},
    }
    assert not AuthToken.objects.exists()


def test_token_login_locks_out_after_five_wrong_passwords(tsb_staff):
    client = APIClient()
    answers = [token_login(client, password="wrong").status_code for _ in range(5)]

    response = token_login(client)

    assert answers == [400, 400, 400, 400, 429]
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not AuthToken.objects.exists()


def test_the_owner_revokes_the_token_they_use(tsb_staff):
    first = token_login(APIClient()).json()["token"]
    second = token_login(APIClient()).json()["token"]

    assert with_token(first).post("/api/auth/logout/").status_code == 204

    assert with_token(first).get("/api/actions/").status_code == 401
    assert with_token(second).get("/api/actions/").status_code == 200


def test_the_owner_revokes_every_token_at_once(tsb_staff, bdt_staff):
    mine = [token_login(APIClient()).json()["token"] for _ in range(2)]
    theirs = token_login(APIClient(), username="bdt_staff").json()["token"]

    assert with_token(mine[0]).post("/api/auth/logoutall/").status_code == 204

    assert [with_token(t).get("/api/actions/").status_code for t in mine] == [401, 401]
    assert with_token(theirs).get("/api/actions/").status_code == 200


def test_an_expired_token_is_refused_and_deleted(tsb_staff):
    token = token_login(APIClient()).json()["token"]
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = with_token(token).get("/api/actions/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.exists()


def test_a_request_reads_the_token_it_presents_and_no_other(tsb_staff):
    token = token_login(APIClient()).json()["token"]
    for _ in range(3):
        AuthToken.objects.create(user=tsb_staff, expiry=-datetime.timedelta(days=1))

    with CaptureQueriesContext(connection) as queries:
        assert with_token(token).get("/api/bodies/").status_code == 200

    # knox itself reads all of the user's tokens on each request, to delete the
    # expired ones: that is left to the nightly purge.
    assert [q["sql"] for q in queries if "knox_authtoken" in q["sql"]] == [queries[0]["sql"]]
    assert "token_key" in queries[0]["sql"]
    assert AuthToken.objects.filter(user=tsb_staff).count() == 4


def test_the_nightly_purge_deletes_expired_tokens_and_keeps_the_others(tsb_staff, bdt_staff):
    valid = token_login(APIClient()).json()["token"]
    AuthToken.objects.create(user=tsb_staff, expiry=None)
    for user in (tsb_staff, bdt_staff):
        AuthToken.objects.create(user=user, expiry=-datetime.timedelta(seconds=1))

    assert purge_expired_api_tokens() == 2

    assert AuthToken.objects.count() == 2
    assert not AuthToken.objects.filter(expiry__lt=timezone.now()).exists()
    assert with_token(valid).get("/api/bodies/").status_code == 200


def test_beat_runs_the_purge_nightly():
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"].endswith("tokens"))

    assert app.tasks[entry["task"]].name == purge_expired_api_tokens.name
    # Once a day, at a quiet hour: not every minute of the hour.
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {45})


def test_a_signed_in_user_over_the_rate_gets_429_in_the_api_error_shape(tsb_staff, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "3/min"}
    client = client_for(tsb_staff)

    answers = [client.get("/api/bodies/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == "throttled"
    assert answers[-1].json()["detail"].startswith("Request was throttled.")
    assert 0 < int(answers[-1]["Retry-After"]) <= 60


def test_the_rate_is_per_user_not_shared(tsb_staff, bdt_staff, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "2/min"}
    tsb, bdt = client_for(tsb_staff), client_for(bdt_staff)
    for _ in range(2):
        tsb.get("/api/bodies/")

    assert tsb.get("/api/bodies/").status_code == 429
    assert bdt.get("/api/bodies/").status_code == 200


def test_anonymous_requests_over_the_rate_get_429(db, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "2/min"}
    client = APIClient()

    answers = [client.get("/api/schema/").status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_token_requests_are_throttled_per_address_even_with_the_right_password(tsb_staff, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "login": "3/min"}
    client = APIClient()

    answers = [token_login(client).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert AuthToken.objects.count() == 3
    assert token_login(client, address="198.51.100.9").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_login_throttle(tsb_staff, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "login": "2/min"}
    client = APIClient()

    answers = [
        client.post(
            "/api/auth/login/",
            {"username": "tsb_staff", "password": PASSWORD},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]
