"""Acceptance of the API: a script with a token lists the BDT-owned actions of
Resolution 73 that report to Council, posts a progress report to one of them
and moves its status; the same calls by a user of another Bureau are refused."""

import pytest

from actions.choices import ActionStatus, ReportingRecipient, ReportState
from actions.models import Action, ProgressReport, ReportingObligation, StatusChange
from tests import builders
from tests.api.support import client_for, snapshot

COUNCIL = [ReportingRecipient.COUNCIL, ReportingRecipient.COUNCIL_ANNUAL]


def _action(res, owner, *reports_to, **extra):
    action = builders.action(res, owner=owner, **extra)
    for recipient in reports_to:
        ReportingObligation.objects.create(action=action, recipient=recipient)
    return action


@pytest.fixture
def res73(db):
    """Resolution 73 with BDT-owned actions, some reporting to Council, and distractors."""
    res73 = builders.resolution(73, title="ICTs, environment, climate change and circular economy")
    res44 = builders.resolution(44, title="Bridging the standardization gap")
    return {
        "annual": _action(
            res73, "BDT", ReportingRecipient.COUNCIL_ANNUAL, ReportingRecipient.NEXT_WTSA
        ),
        "council": _action(res73, "BDT", ReportingRecipient.COUNCIL, collaborators=("TSB",)),
        "wtsa only": _action(res73, "BDT", ReportingRecipient.NEXT_WTSA),
        "no report": _action(res73, "BDT"),
        "tsb": _action(res73, "TSB", ReportingRecipient.COUNCIL_ANNUAL),
        "res 44": _action(res44, "BDT", ReportingRecipient.COUNCIL),
    }


def list_bdt_council_actions(client):
    return client.get(
        "/api/actions/",
        {"resolution": 73, "bureau": "BDT", "reports_to": COUNCIL, "ordering": "resolution"},
    )


def post_report(client, action_id):
    return client.post(
        "/api/progress-reports/",
        {
            "action": action_id,
            "text": "Two regional workshops on e-waste statistics held with BDT offices.",
            "period_start": "2024-07-01",
            "period_end": "2025-06-30",
            "evidence_links": [
                {"url": "https://www.itu.int/en/ITU-D/Environment/", "title": "Workshop page"}
            ],
            "submit": True,
        },
        format="json",
    )


def move_status(client, action_id, status):
    url = f"/api/actions/{action_id}/"
    tag = client.get(url)["ETag"]
    return client.post(
        f"{url}transition/",
        {"status": status, "note": "Work started with the regional offices."},
        format="json",
        HTTP_IF_MATCH=tag,
    )


def test_a_bdt_script_lists_reports_on_and_moves_its_council_actions_of_resolution_73(
    res73, bdt_staff
):
    client = client_for(bdt_staff)

    listed = list_bdt_council_actions(client)
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [row["id"] for row in rows] == [res73["annual"].pk, res73["council"].pk]
    assert {row["owner"] for row in rows} == {"BDT"}
    assert {row["resolution"]["number"] for row in rows} == {73}
    assert all(row["allowed_next_statuses"] == ["in_progress", "ongoing"] for row in rows)
    target = rows[0]["id"]

    posted = post_report(client, target)
    assert posted.status_code == 201, posted.content
    assert posted.json()["state"] == ReportState.SUBMITTED
    assert posted.json()["bureau"] == "BDT"
    assert posted.json()["evidence_links"][0]["title"] == "Workshop page"

    moved = move_status(client, target, ActionStatus.IN_PROGRESS)
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == ActionStatus.IN_PROGRESS
    assert moved.json()["status_history"][0]["changed_by"] == "bdt_staff"

    assert Action.objects.get(pk=target).status == ActionStatus.IN_PROGRESS
    assert ProgressReport.objects.get(action_id=target).author == bdt_staff


def test_the_same_calls_by_a_user_of_another_bureau_are_refused(res73, br_staff):
    client = client_for(br_staff)
    before = snapshot()

    listed = list_bdt_council_actions(client)  # reading is everybody's right
    target = listed.json()["results"][0]["id"]
    assert listed.status_code == 200
    assert listed.json()["results"][0]["allowed_next_statuses"] == []

    assert post_report(client, target).status_code == 403
    assert move_status(client, target, ActionStatus.IN_PROGRESS).status_code == 403
    assert snapshot() == before


def test_a_collaborating_bureau_may_report_but_not_move_the_status(res73, tsb_staff):
    client = client_for(tsb_staff)
    target = res73["council"].pk  # BDT owns it, TSB collaborates

    assert post_report(client, target).status_code == 201
    assert move_status(client, target, ActionStatus.IN_PROGRESS).status_code == 403
    assert not StatusChange.objects.exists()


def test_the_same_calls_without_a_token_are_refused_with_401(res73):
    client = client_for(None)
    target = res73["annual"].pk

    assert list_bdt_council_actions(client).status_code == 401
    assert post_report(client, target).status_code == 401
    assert (
        client.post(f"/api/actions/{target}/transition/", {"status": "ongoing"}).status_code == 401
    )
    assert not ProgressReport.objects.exists()
