"""The pages shown when a request cannot be read or the server fails."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver

from wtsa_tracker.api.exceptions import api_server_error


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/auth/login/"])
def test_form_data_declared_in_another_charset_is_a_400_not_a_server_error(db, path):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")

    response = client.post(
        path,
        data="username=a&password=b",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/json"  # DRF reads it, and refuses
    else:
        page = response.content.decode()
        assert "The request could not be read" in page
        assert "Nothing was saved" in page


def test_too_many_fields_get_the_sites_page_saying_nothing_was_saved(client, tsb_staff):
    client.force_login(tsb_staff)

    response = client.get("/actions/", {"status": ["open"] * 2000})

    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


def test_a_server_error_is_a_page_of_its_own_and_json_under_the_api():
    assert get_resolver().resolve_error_handler(500) is api_server_error
    factory = RequestFactory()

    page = api_server_error(factory.post("/actions/1/reports/", {"text": "x"}))
    api = api_server_error(factory.get("/api/actions/"))

    assert page.status_code == api.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()
    assert json.loads(api.content) == {"detail": "A server error occurred.", "code": "server_error"}
