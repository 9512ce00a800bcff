"""Clients and snapshots shared by the API tests."""

from __future__ import annotations

from knox.models import AuthToken
from rest_framework.test import APIClient

from actions.models import Action, EvidenceLink, GoverningBodyMeeting, ProgressReport, StatusChange


def client_for(user=None) -> APIClient:
    """A client as a script would hold it: a token in the Authorization header."""
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def etag_of(client: APIClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def snapshot() -> tuple:
    """Everything an API write could change, to show that a refused one changed nothing."""
    return (
        list(
            Action.objects.order_by("pk").values_list(
                "pk", "status", "version", "target_date", "focal_point"
            )
        ),
        list(StatusChange.objects.order_by("pk").values_list("pk", "to_status")),
        list(
            ProgressReport.objects.order_by("pk").values_list(
                "pk", "state", "version", "text", "period_start", "review_note"
            )
        ),
        list(EvidenceLink.objects.order_by("pk").values_list("pk", "url")),
        list(GoverningBodyMeeting.objects.order_by("pk").values()),
    )
