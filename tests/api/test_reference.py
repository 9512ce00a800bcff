"""Assemblies, resolutions, clauses, bodies and meetings through the API."""

import datetime

import pytest

from actions.models import GoverningBodyMeeting
from actions.services.calendar import meetings_project
from resolutions.choices import ClauseVerb, PartKind
from tests import builders
from tests.api.support import client_for, etag_of


def test_a_resolution_nests_its_clauses_in_order_with_their_actions(reader):
    action = builders.action(builders.resolution(44))
    res = action.resolution
    preamble = builders.clause(res, verb=ClauseVerb.CONSIDERING, part=PartKind.PREAMBLE, label="a)")

    body = client_for(reader).get(f"/api/resolutions/{res.pk}/").json()

    assert body["number"] == 44
    assert [(c["id"], c["action"]) for c in body["clauses"]] == [
        (action.clause_id, action.pk),
        (preamble.pk, None),
    ]
    assert body["clauses"][1]["is_directive"] is False


def test_resolutions_are_listed_without_their_clauses_and_filtered(reader):
    builders.resolution(44, title="Bridging the standardization gap")
    builders.resolution(73, title="ICTs, environment, climate change")

    response = client_for(reader).get("/api/resolutions/", {"q": "climate", "assembly": "WTSA-20"})

    assert [(r["number"], "clauses" in r) for r in response.json()["results"]] == [(73, False)]


def test_clauses_are_filtered_by_resolution_and_directive(reader):
    action = builders.action(builders.resolution(73))
    builders.clause(action.resolution, verb=ClauseVerb.NOTING, part=PartKind.PREAMBLE)
    builders.action(builders.resolution(44))

    response = client_for(reader).get("/api/clauses/", {"resolution": 73, "directive": "true"})

    assert [c["id"] for c in response.json()["results"]] == [action.clause_id]


def test_bodies_name_their_supporting_bureau(reader):
    builders.body("T-SG17")

    response = client_for(reader).get("/api/bodies/", {"kind": "study_group"})

    assert [(b["code"], b["supporting_bureau"]) for b in response.json()["results"]] == [
        ("T-SG17", "TSB")
    ]


def test_an_administrator_adds_a_council_session_and_its_deadline_is_computed(administrator):
    response = client_for(administrator).post(
        "/api/meetings/",
        {
            "kind": "council",
            "name": "Council 2026",
            "start_date": "2026-06-16",
            "end_date": "2026-06-26",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["document_deadline"] == "2026-05-19"
    assert response["ETag"] == response.json()["etag"]
    assert GoverningBodyMeeting.objects.get().name == "Council 2026"


def test_an_administrator_sets_a_sessions_own_deadline(superuser):
    session = builders.meeting(datetime.date(2026, 6, 16))
    client = client_for(superuser)
    url = f"/api/meetings/{session.pk}/"

    response = client.patch(
        url,
        {"document_deadline_override": "2026-05-01"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.json()["document_deadline"] == "2026-05-01"


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_its_interactive_page_are_served(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["reader", "administrator"])
def test_every_endpoint_answers_options(request, tsb_action, tsb_staff, persona):
    report = builders.report(tsb_action, author=tsb_staff)
    session = builders.meeting(datetime.date(2026, 6, 16))
    client = client_for(request.getfixturevalue(persona))
    urls = [
        "/api/",
        "/api/actions/",
        f"/api/actions/{tsb_action.pk}/",
        f"/api/actions/{tsb_action.pk}/transition/",
        "/api/progress-reports/",
        f"/api/progress-reports/{report.pk}/",
        f"/api/progress-reports/{report.pk}/return/",
        "/api/meetings/",
        f"/api/meetings/{session.pk}/",
        "/api/resolutions/",
        f"/api/resolutions/{tsb_action.resolution_id}/",
        "/api/clauses/",
        "/api/bodies/",
        "/api/assemblies/",
    ]

    for url in urls:
        assert client.options(url).status_code == 200, url


def test_a_projected_session_is_listed_as_provisional_with_its_deadlines(reader):
    builders.meeting(datetime.date(2026, 4, 28))
    [projected] = meetings_project(today=datetime.date(2026, 12, 2))

    body = client_for(reader).get(f"/api/meetings/{projected.pk}/").json()

    assert body["provisional"] is True
    assert (body["document_deadline"], body["contribution_deadline"]) == (
        "2027-03-31",
        "2027-04-14",
    )


def test_the_browsable_api_fits_a_phone_and_sends_no_inline_style_element(client, reader):
    client.force_login(reader)

    response = client.get("/api/actions/", HTTP_ACCEPT="text/html")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<style" not in page  # the Content-Security-Policy refuses style elements
    assert "<title>Action List – WTSA Implementation Tracker API</title>" in page
