"""Actions through the API: what a row says, filters, status changes and planning."""

import datetime

import pytest
import time_machine

from actions.choices import ActionStatus, ReportingRecipient, Role
from actions.models import Action, ReportingObligation, StatusChange
from tests import builders
from tests.api.support import client_for, etag_of


@pytest.fixture
def res73_action(db):
    res = builders.resolution(73, title="ICTs, environment, climate change")
    action = builders.action(
        res, owner="BDT", collaborators=("TSB", "BR"), target_date=datetime.date(2025, 1, 1)
    )
    ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.COUNCIL_ANNUAL)
    return action


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_an_action_row_says_who_owns_it_where_it_stands_and_what_it_reports(
    res73_action, bdt_staff
):
    row = client_for(bdt_staff).get("/api/actions/").json()["results"][0]

    assert row["owner"] == "BDT"
    assert row["collaborators"] == ["BR", "TSB"]
    assert (row["status"], row["status_label"]) == ("not_started", "Not started")
    assert row["allowed_next_statuses"] == ["in_progress", "ongoing"]
    assert row["reporting_obligations"] == [
        {"recipient": "council_annual", "label": "ITU Council, annually"}
    ]
    assert row["resolution"] == {
        "id": res73_action.resolution_id,
        "number": 73,
        "assembly": "WTSA-20",
        "title": "ICTs, environment, climate change",
    }
    assert row["clause"]["text"] == res73_action.clause.text
    assert row["is_overdue"] is True
    assert (row["version"], row["etag"]) == (1, f'W/"action-{res73_action.pk}-v1"')


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("bdt_staff", ["in_progress", "ongoing"]),
        ("bdt_coordinator", ["in_progress", "ongoing"]),
        ("administrator", ["in_progress", "ongoing"]),
        ("tsb_staff", []),  # collaborates, does not own
        ("reader", []),
        ("outsider", []),
    ],
)
def test_allowed_next_statuses_depend_on_who_asks(request, res73_action, persona, allowed):
    client = client_for(request.getfixturevalue(persona))

    assert client.get("/api/actions/").json()["results"][0]["allowed_next_statuses"] == allowed


def test_a_completed_action_may_only_be_reopened(bdt_staff):
    action = builders.action(owner="BDT", status=ActionStatus.COMPLETED)

    row = client_for(bdt_staff).get(f"/api/actions/{action.pk}/").json()

    assert row["allowed_next_statuses"] == ["in_progress"]


def test_an_action_row_gives_its_latest_approved_report(res73_action, bdt_staff):
    D = datetime.date
    builders.report(
        res73_action,
        author=bdt_staff,
        state="approved",
        text="Workshop in Nairobi.",
        period_start=D(2024, 5, 8),
        period_end=D(2025, 5, 20),
        report_date=D(2025, 5, 2),
    )
    builders.report(res73_action, author=bdt_staff, state="submitted", period_end=D(2026, 3, 1))
    other = builders.action(res73_action.resolution, owner="BDT")

    rows = client_for(bdt_staff).get("/api/actions/", {"ordering": "resolution"}).json()["results"]

    assert [row["id"] for row in rows] == [res73_action.pk, other.pk]
    assert rows[0]["latest_approved_report"] == {
        "report_date": "2025-05-02",
        "period_start": "2024-05-08",
        "period_end": "2025-05-20",
        "text": "Workshop in Nairobi.",
    }
    assert rows[1]["latest_approved_report"] is None


def test_list_filters_combine_status_bureau_and_reporting(res73_action, bdt_staff):
    builders.action(res73_action.resolution, owner="BDT", status=ActionStatus.IN_PROGRESS)
    builders.action(res73_action.resolution, owner="TSB")

    response = client_for(bdt_staff).get(
        "/api/actions/",
        {"status": ["not_started", "in_progress"], "bureau": "BDT", "reports_to": "council_annual"},
    )

    assert [row["id"] for row in response.json()["results"]] == [res73_action.pk]


def test_free_text_searches_clause_and_resolution_title(res73_action, bdt_staff):
    builders.action(owner="TSB")

    response = client_for(bdt_staff).get("/api/actions/", {"q": "climate"})

    assert [row["id"] for row in response.json()["results"]] == [res73_action.pk]


def test_a_transition_is_recorded_with_who_and_why(res73_action, bdt_staff):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.post(
        f"{url}transition/",
        {"status": "in_progress", "note": "  Kick-off held.  "},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"]) == ("in_progress", 2)
    assert body["allowed_next_statuses"] == ["not_started", "ongoing", "completed"]
    assert body["status_history"][0]["note"] == "Kick-off held."
    change = StatusChange.objects.get()
    assert (change.changed_by, change.to_status) == (bdt_staff, ActionStatus.IN_PROGRESS)


def test_a_transition_to_the_current_status_writes_nothing(res73_action, bdt_staff):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.post(
        f"{url}transition/", {"status": "not_started"}, HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not StatusChange.objects.exists()


def test_planning_fields_are_set_and_cleared(res73_action, bdt_staff):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    set_ = client.patch(
        url,
        {"focal_point": "bdt_staff", "target_date": "2026-05-01"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    cleared = client.patch(url, {"focal_point": None}, format="json", HTTP_IF_MATCH=set_["ETag"])

    assert (set_.json()["focal_point"], set_.json()["target_date"]) == ("bdt_staff", "2026-05-01")
    assert (cleared.json()["focal_point"], cleared.json()["target_date"]) == (None, "2026-05-01")
    stored = Action.objects.get(pk=res73_action.pk)
    assert (stored.focal_point, stored.version) == (None, 3)


def test_a_reader_is_refused_as_focal_point_and_nothing_changes(res73_action, bdt_staff):
    builders.user("bdt_reader", bureau="BDT", role=Role.READER)
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.patch(
        url, {"focal_point": "bdt_reader"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 400
    assert "not a reader" in response.json()["errors"]["focal_point"][0]
    stored = Action.objects.get(pk=res73_action.pk)
    assert (stored.focal_point, stored.version) == (None, 1)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_target_date_no_plan_could_have_is_refused(res73_action, bdt_staff, day):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.patch(
        url, {"target_date": day}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "target_date": ["Choose a date between 1 January 1900 and 31 December 2199."]
    }
    assert Action.objects.get(pk=res73_action.pk).target_date == datetime.date(2025, 1, 1)


def test_a_meeting_at_the_end_of_the_calendar_is_refused(administrator):
    response = client_for(administrator).post(
        "/api/meetings/",
        {"kind": "council", "name": "C-far", "start_date": "9999-12-20", "end_date": "9999-12-31"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"start_date", "end_date"}


def test_the_status_cannot_be_changed_by_editing_the_action(res73_action, bdt_staff):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.patch(
        url,
        {"status": "completed", "owner": "TSB", "target_date": "2026-05-01"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    # Refused as a whole, saying where a status changes: a 200 had changed nothing.
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["owner", "status"]
    assert "POST /api/actions/<id>/transition/" in errors["status"][0]
    stored = Action.objects.get(pk=res73_action.pk)
    assert (stored.status, stored.target_date, stored.version) == (
        ActionStatus.NOT_STARTED,
        res73_action.target_date,
        1,
    )


def test_the_browsable_api_renders_for_a_signed_in_user(res73_action, bdt_staff, client):
    client.force_login(bdt_staff)

    for url in ["/api/", "/api/actions/", f"/api/actions/{res73_action.pk}/"]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert b"<html" in response.content


@pytest.mark.parametrize(
    ("path", "params", "field", "says"),
    [
        ("/api/actions/", {"q": "a " * 2000}, "q", "at most 10 words; this search has 2000"),
        ("/api/actions/", {"q": "a" * 201}, "q", "at most 200 characters"),
        ("/api/resolutions/", {"q": "gap " * 11}, "q", "at most 10 words; this search has 11"),
        ("/api/actions/", {"focal_point": "a" * 60_000}, "focal_point", "No account"),
        ("/api/progress-reports/", {"author": "a" * 60_000}, "author", "No account"),
    ],
)
def test_a_search_too_long_or_of_too_many_words_is_a_400_that_says_so(
    res73_action, bdt_staff, path, params, field, says
):
    # 2,000 words took seconds of work per request, then failed with a 500.
    response = client_for(bdt_staff).get(path, params)

    assert response.status_code == 400
    assert says in str(response.json())
    assert field in str(response.json())


def test_a_search_of_ten_words_is_answered(res73_action, bdt_staff):
    words = "ICTs environment climate change ICTs environment climate change ICTs climate"

    response = client_for(bdt_staff).get("/api/actions/", {"q": words})

    assert [row["id"] for row in response.json()["results"]] == [res73_action.pk]


def test_a_transition_with_a_key_it_does_not_take_is_refused_and_changes_nothing(
    res73_action, bdt_staff
):
    client = client_for(bdt_staff)
    url = f"/api/actions/{res73_action.pk}/"

    response = client.post(
        f"{url}transition/",
        {"status": "in_progress", "target_date": "2026-05-01"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"target_date": ["This field cannot be set here."]}
    assert Action.objects.get(pk=res73_action.pk).status == ActionStatus.NOT_STARTED
