"""Optimistic concurrency: ETags out, If-Match in, and nothing lost when two people edit."""

import datetime

import pytest
from django.db.models import F

from actions.api import views
from actions.choices import ActionStatus, ReportState, Role
from actions.models import Action, GoverningBodyMeeting, ProgressReport, StatusChange
from tests import builders
from tests.api.support import client_for, etag_of, snapshot


def test_two_clients_editing_one_action_one_wins_and_the_other_gets_412(
    tsb_action, tsb_staff, tsb_coordinator
):
    url = f"/api/actions/{tsb_action.pk}/"
    first, second = client_for(tsb_staff), client_for(tsb_coordinator)
    first_tag, second_tag = etag_of(first, url), etag_of(second, url)

    won = first.patch(url, {"target_date": "2026-05-01"}, format="json", HTTP_IF_MATCH=first_tag)
    lost = second.patch(url, {"target_date": "2027-01-01"}, format="json", HTTP_IF_MATCH=second_tag)

    assert won.status_code == 200
    assert lost.status_code == 412
    assert lost.json()["code"] == "stale_version"
    assert lost.json()["current_version"] == 2
    assert lost["ETag"] == won["ETag"] == f'W/"action-{tsb_action.pk}-v2"'
    stored = Action.objects.get(pk=tsb_action.pk)
    assert (stored.target_date, stored.version) == (datetime.date(2026, 5, 1), 2)


def test_two_clients_moving_one_action_record_only_the_winners_change(
    tsb_action, tsb_staff, tsb_coordinator
):
    url = f"/api/actions/{tsb_action.pk}/"
    first, second = client_for(tsb_staff), client_for(tsb_coordinator)
    tag = etag_of(first, url)

    won = first.post(f"{url}transition/", {"status": "in_progress"}, HTTP_IF_MATCH=tag)
    lost = second.post(f"{url}transition/", {"status": "ongoing"}, HTTP_IF_MATCH=tag)

    assert (won.status_code, lost.status_code) == (200, 412)
    assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.IN_PROGRESS
    assert list(StatusChange.objects.values_list("to_status", flat=True)) == ["in_progress"]


def test_a_write_landing_between_the_if_match_check_and_the_save_is_refused_with_412(
    monkeypatch, tsb_action, tsb_staff
):
    """The services' compare-and-set catches what the header check cannot see."""
    url = f"/api/actions/{tsb_action.pk}/"
    client = client_for(tsb_staff)
    tag = etag_of(client, url)
    check = views.check_if_match

    def check_then_someone_else_writes(request, obj):
        expected = check(request, obj)
        Action.objects.filter(pk=obj.pk).update(version=F("version") + 1)
        return expected

    monkeypatch.setattr(views, "check_if_match", check_then_someone_else_writes)

    response = client.post(f"{url}transition/", {"status": "in_progress"}, HTTP_IF_MATCH=tag)

    assert response.status_code == 412
    assert response["ETag"] == f'W/"action-{tsb_action.pk}-v2"'
    assert Action.objects.get(pk=tsb_action.pk).status == ActionStatus.NOT_STARTED
    assert not StatusChange.objects.exists()


@pytest.fixture
def writes(tsb_action, tsb_staff, tsb_coordinator, administrator):
    """Every write that needs If-Match: (who, method, URL, body)."""
    draft = builders.report(tsb_action, author=tsb_staff)
    submitted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    session = builders.meeting(datetime.date(2026, 6, 16))
    action_url = f"/api/actions/{tsb_action.pk}/"
    draft_url = f"/api/progress-reports/{draft.pk}/"
    submitted_url = f"/api/progress-reports/{submitted.pk}/"
    meeting_url = f"/api/meetings/{session.pk}/"
    content = {"text": "New text.", "period_start": "2024-06-01", "period_end": "2025-05-31"}
    return {
        "plan an action": (tsb_staff, "patch", action_url, {"target_date": "2026-05-01"}),
        "move an action": (tsb_staff, "post", f"{action_url}transition/", {"status": "ongoing"}),
        "rewrite a report": (tsb_staff, "put", draft_url, content),
        "edit a report": (tsb_staff, "patch", draft_url, {"text": "New text."}),
        "submit a report": (tsb_staff, "post", f"{draft_url}submit/", {}),
        "approve a report": (tsb_coordinator, "post", f"{submitted_url}approve/", {}),
        "return a report": (tsb_coordinator, "post", f"{submitted_url}return/", {"note": "Why"}),
        "correct a meeting": (administrator, "patch", meeting_url, {"place": "Bern"}),
        "replace a meeting": (
            administrator,
            "put",
            meeting_url,
            {
                "kind": "council",
                "name": "Council 2026",
                "start_date": "2026-06-16",
                "end_date": "2026-06-26",
            },
        ),
    }


WRITES = [
    "plan an action",
    "move an action",
    "rewrite a report",
    "edit a report",
    "submit a report",
    "approve a report",
    "return a report",
    "correct a meeting",
    "replace a meeting",
]


def _object_url(url: str) -> str:
    return "/".join(url.split("/")[:4]) + "/"


@pytest.mark.parametrize("write", WRITES)
def test_a_write_without_if_match_gets_428_and_changes_nothing(writes, write):
    user, method, url, body = writes[write]
    before = snapshot()

    response = getattr(client_for(user), method)(url, body, format="json")

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert snapshot() == before


@pytest.mark.parametrize("write", WRITES)
def test_a_write_with_a_stale_etag_gets_412_and_changes_nothing(writes, write):
    user, method, url, body = writes[write]
    client = client_for(user)
    stale = etag_of(client, _object_url(url))
    other_admin = client_for(builders.user(role=Role.ADMINISTRATOR))
    # Someone else changes the object meanwhile.
    if "/meetings/" in url:
        GoverningBodyMeeting.objects.update(name="Council 2026 (renamed)")
    else:
        model = Action if "/actions/" in url else ProgressReport
        model.objects.update(version=F("version") + 1)
    assert etag_of(other_admin, _object_url(url)) != stale
    before = snapshot()

    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response["ETag"] != stale
    assert snapshot() == before


@pytest.mark.parametrize("write", WRITES)
def test_a_write_with_the_current_etag_succeeds_and_answers_with_the_new_etag(writes, write):
    user, method, url, body = writes[write]
    client = client_for(user)
    tag = etag_of(client, _object_url(url))

    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=tag)

    assert response.status_code == 200, response.content
    assert response["ETag"] == response.json()["etag"] != tag
    assert etag_of(client, _object_url(url)) == response["ETag"]


def test_if_match_star_does_not_count_as_a_precondition(tsb_action, tsb_staff):
    response = client_for(tsb_staff).patch(
        f"/api/actions/{tsb_action.pk}/", {"target_date": None}, format="json", HTTP_IF_MATCH="*"
    )

    assert response.status_code == 428
    assert response.json()["detail"].startswith("If-Match: * accepts any version")


def test_the_etag_of_another_object_does_not_match(tsb_action, tsb_staff):
    other = builders.action(owner="TSB")
    client = client_for(tsb_staff)
    other_tag = etag_of(client, f"/api/actions/{other.pk}/")

    response = client.patch(
        f"/api/actions/{tsb_action.pk}/",
        {"target_date": None},
        format="json",
        HTTP_IF_MATCH=other_tag,
    )

    assert response.status_code == 412


def test_if_match_accepts_the_tag_strong_or_weak_and_among_others(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    url = f"/api/actions/{tsb_action.pk}/"
    strong = etag_of(client, url).removeprefix("W/")

    first = client.patch(url, {"target_date": "2026-01-01"}, format="json", HTTP_IF_MATCH=strong)
    several = f'"nonsense", {first["ETag"]}'
    second = client.patch(url, {"target_date": "2026-02-01"}, format="json", HTTP_IF_MATCH=several)

    assert (first.status_code, second.status_code) == (200, 200)
    assert Action.objects.get(pk=tsb_action.pk).version == 3


@pytest.mark.parametrize(
    "url",
    ["/api/actions/{action}/", "/api/progress-reports/{report}/", "/api/meetings/{meeting}/"],
)
def test_detail_reads_carry_the_etag_also_given_in_the_body(tsb_action, tsb_staff, url):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    session = builders.meeting(datetime.date(2026, 6, 16))
    url = url.format(action=tsb_action.pk, report=report.pk, meeting=session.pk)

    response = client_for(tsb_staff).get(url)

    assert response["ETag"].startswith('W/"')
    assert response["ETag"] == response.json()["etag"]


def test_creating_a_report_needs_no_if_match_and_answers_with_its_etag(tsb_action, tsb_staff):
    response = client_for(tsb_staff).post(
        "/api/progress-reports/",
        {
            "action": tsb_action.pk,
            "text": "Held a workshop.",
            "period_start": "2024-06-01",
            "period_end": "2025-05-31",
        },
        format="json",
    )

    assert response.status_code == 201
    report_id = response.json()["id"]
    assert response["ETag"] == f'W/"progressreport-{report_id}-v1"'
    assert response["Location"].endswith(f"/api/progress-reports/{report_id}/")


def test_an_unchanged_meeting_keeps_its_etag_and_a_changed_one_gets_a_new_one(administrator):
    session = builders.meeting(datetime.date(2026, 6, 16))
    client = client_for(administrator)
    url = f"/api/meetings/{session.pk}/"
    tag = etag_of(client, url)

    assert etag_of(client, url) == tag
    response = client.patch(url, {"place": "Bern"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag
    assert GoverningBodyMeeting.objects.get(pk=session.pk).place == "Bern"
