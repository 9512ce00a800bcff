"""Security headers, private caching and the session lifetime.

Regressions for the probe: no Content-Security-Policy, no Permissions-Policy,
no Cache-Control on private pages and API answers, sessions of 14 days.
"""

import pytest
from django.conf import settings

from tests.api.support import client_for

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_carries_a_policy_without_inline_scripts(client):
    response = client.get("/accounts/login/")

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(policy["script-src"] + policy["default-src"])


def test_pages_have_no_inline_script_for_the_policy_to_refuse(client, tsb_staff, tsb_action):
    client.force_login(tsb_staff)
    for url in ["/", "/actions/", f"/actions/{tsb_action.pk}/", "/actions/mine/", "/resolutions/"]:
        html = client.get(url).content.decode()
        # Every script element loads a file; none carries code of its own.
        for chunk in html.split("<script")[1:]:
            opening, _, rest = chunk.partition(">")
            assert "src=" in opening, url
            assert rest.startswith("</script>"), url


def test_permissions_and_referrer_policies_are_sent(client):
    response = client.get("/accounts/login/")

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_signed_in_page_is_kept_out_of_shared_caches(client, tsb_staff):
    client.force_login(tsb_staff)

    response = client.get("/actions/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_api_answer_to_a_token_is_kept_out_of_shared_caches(tsb_staff):
    response = client_for(tsb_staff).get("/api/actions/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_anonymous_answer_is_left_alone(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_a_session_lasts_a_working_day(client, tsb_staff):
    response = client.post(
        "/accounts/login/", {"username": "tsb_staff", "password": "secret-pass-123"}
    )

    assert response.status_code == 302
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert response.cookies["sessionid"]["max-age"] == 9 * 60 * 60


def test_the_api_docs_allow_inline_styles_but_never_inline_scripts(client):
    response = client.get("/api/docs/")

    policy = directives(response)
    assert response.status_code == 200
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    for chunk in response.content.decode().split("<script")[1:]:
        assert "src=" in chunk.partition(">")[0]
