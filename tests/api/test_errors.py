"""Bad input gets a 4xx with a body that says what is wrong, never a 500."""

import datetime

import pytest
from rest_framework.test import APIClient

from actions.choices import ActionStatus, ReportState
from actions.models import GoverningBodyMeeting, ProgressReport
from tests import builders
from tests.api.support import client_for, etag_of, snapshot


@pytest.fixture
def staff(tsb_staff):
    return client_for(tsb_staff)


def test_a_refused_transition_is_a_400_that_says_what_may_come_next(staff):
    action = builders.action(owner="TSB", status=ActionStatus.COMPLETED)
    url = f"/api/actions/{action.pk}/"

    response = staff.post(
        f"{url}transition/", {"status": "not_started"}, HTTP_IF_MATCH=etag_of(staff, url)
    )

    assert response.status_code == 400
    assert response.json()["code"] == "transition_refused"
    assert "Allowed next: In progress" in response.json()["detail"]


def test_an_unknown_status_is_a_field_error(staff, tsb_action):
    url = f"/api/actions/{tsb_action.pk}/"

    response = staff.post(
        f"{url}transition/", {"status": "finished"}, HTTP_IF_MATCH=etag_of(staff, url)
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_malformed_json_is_a_400(staff, tsb_action):
    url = f"/api/actions/{tsb_action.pk}/"
    before = snapshot()

    response = staff.generic(
        "PATCH",
        url,
        '{"target_date": ',
        content_type="application/json",
        HTTP_IF_MATCH=etag_of(staff, url),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "content_type", "detail"),
    [
        (
            b'{"target_date": ' + b"1" * 5000 + b"}",
            "application/json",
            "JSON parse error - a number has more digits than any field takes.",
        ),
        (
            '{"target_date": null}'.encode("utf-16-le"),
            "application/json; charset=utf-16",
            "JSON parse error - the body is not UTF-8: send it as UTF-8.",
        ),
    ],
)
def test_a_body_python_cannot_read_is_refused_in_words_not_pythons(
    staff, tsb_action, body, content_type, detail
):
    url = f"/api/actions/{tsb_action.pk}/"
    before = snapshot()

    response = staff.generic(
        "PATCH", url, body, content_type=content_type, HTTP_IF_MATCH=etag_of(staff, url)
    )

    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"target_date": "next year"},
        {"focal_point": "nobody-by-that-name"},
        ["target_date", "2026-01-01"],
    ],
    ids=["not a date", "unknown focal point", "not an object"],
)
def test_invalid_planning_fields_are_field_errors_and_change_nothing(staff, tsb_action, body):
    url = f"/api/actions/{tsb_action.pk}/"
    tag = etag_of(staff, url)
    before = snapshot()

    response = staff.patch(url, body, format="json", HTTP_IF_MATCH=tag)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_start": "2025-06-01", "period_end": "2025-01-01"}, "period_end"),
        ({"text": "   "}, "text"),
        ({"evidence_links": [{"url": "not a url"}]}, "evidence_links"),
        ({"evidence_links": [{"url": "https://ex\u202eample.com/"}]}, "evidence_links"),
        ({"action": 999999999}, "action"),
        ({"action": "seventy-three"}, "action"),
        ({"report_date": "2025-02-30"}, "report_date"),
    ],
    ids=[
        "period ends first",
        "blank text",
        "bad link",
        "link disguised by a direction mark",
        "no such action",
        "id not a number",
        "no such day",
    ],
)
def test_an_invalid_report_is_refused_with_the_field_that_is_wrong(
    staff, tsb_action, change, field
):
    body = {
        "action": tsb_action.pk,
        "text": "Held a workshop.",
        "period_start": "2024-06-01",
        "period_end": "2025-05-31",
        **change,
    }

    response = staff.post("/api/progress-reports/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_returning_a_report_without_a_reason_is_a_field_error(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    client = client_for(tsb_coordinator)
    url = f"/api/progress-reports/{report.pk}/"

    response = client.post(f"{url}return/", {"note": " "}, HTTP_IF_MATCH=etag_of(client, url))

    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["Say why the report is returned."]}
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_approving_a_draft_is_a_refused_transition_not_a_permission_error(
    tsb_action, tsb_staff, tsb_coordinator
):
    report = builders.report(tsb_action, author=tsb_staff)
    client = client_for(tsb_coordinator)
    url = f"/api/progress-reports/{report.pk}/"

    response = client.post(f"{url}approve/", {}, HTTP_IF_MATCH=etag_of(client, url))

    assert response.status_code == 400
    assert response.json()["code"] == "transition_refused"


@pytest.mark.parametrize(
    "query",
    [
        {"status": "finished"},
        {"owner": "NOBODY"},
        {"bureau": "T-SG17"},  # a study group is not a Bureau
        {"reports_to": "the_press"},
        {"ordering": "colour"},
        {"target_date_after": "soon"},
        {"resolution": "seventy-three"},
        {"focal_point": "nobody-by-that-name"},
        {"assembly": "WTSA-99"},
    ],
    ids=lambda query: next(iter(query)),
)
def test_unknown_filter_values_are_400_with_the_errors_not_an_empty_list(staff, tsb_action, query):
    builders.body("T-SG17")

    response = staff.get("/api/actions/", query)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [next(iter(query)).removesuffix("_after")]


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "not-base64!"},
        {"cursor": "cD1hYmM="},  # decodes to p=abc: not an id
        {"page": "two"},
        {"page": "999"},
    ],
    ids=["garbage cursor", "cursor position not an id", "page not a number", "page past the end"],
)
def test_a_bad_cursor_or_page_is_a_404(staff, tsb_action, query):
    response = staff.get("/api/actions/", query)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_cursor_with_an_ordering_is_refused(staff, tsb_action):
    response = staff.get("/api/actions/", {"cursor": "", "ordering": "status"})

    assert response.status_code == 400
    assert "ordering" in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/actions/abc/",
        "/api/actions/99999999999999999999999/",
        "/api/progress-reports/-1/",
        "/api/resolutions/1.5/",
        "/api/meetings/0/",
    ],
)
def test_ids_that_name_nothing_are_404(staff, url):
    response = staff.get(url)

    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/api/actions/{id}/", "/api/actions/abc/", "/api/clauses/0/"])
def test_a_404_has_the_same_error_body_as_every_other_error(staff, tsb_action, url):
    response = staff.get(url.format(id=tsb_action.pk + 1000))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "matches the given query" not in response.json()["detail"]


def test_a_draft_of_another_bureau_is_404_to_read_and_to_write(tsb_action, bdt_staff, br_staff):
    draft = builders.report(tsb_action, author=bdt_staff)
    client = client_for(br_staff)
    url = f"/api/progress-reports/{draft.pk}/"

    read = client.get(url)
    assert read.status_code == 404
    # Named in words, as for one that does not exist at all.
    assert read.json()["detail"] == f"No progress report {draft.pk}, or it is not shown to you."
    assert client.patch(url, {"text": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 404
    assert draft.pk not in [r["id"] for r in client.get("/api/progress-reports/").json()["results"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-06-01"}, "end_date"),
        ({"document_deadline_override": "2026-06-20"}, "document_deadline_override"),
        ({"start_date": "0001-01-02", "end_date": "0001-01-03"}, "start_date"),
        ({"kind": "picnic"}, "kind"),
    ],
    ids=[
        "closes before it opens",
        "deadline after opening",
        "deadline before year 1",
        "unknown kind",
    ],
)
def test_an_invalid_meeting_is_a_field_error(administrator, change, field):
    body = {
        "kind": "council",
        "name": "Council 2026",
        "start_date": "2026-06-16",
        "end_date": "2026-06-26",
    }

    response = client_for(administrator).post("/api/meetings/", {**body, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not GoverningBodyMeeting.objects.exists()


def test_a_second_meeting_of_the_same_kind_on_the_same_day_is_refused(administrator):
    builders.meeting(datetime.date(2026, 6, 16))
    body = {
        "kind": "council",
        "name": "Again",
        "start_date": "2026-06-16",
        "end_date": "2026-06-26",
    }

    response = client_for(administrator).post("/api/meetings/", body, format="json")

    assert response.status_code == 400
    assert GoverningBodyMeeting.objects.count() == 1


def test_a_wrong_token_is_a_401(tsb_action):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    response = client.get("/api/actions/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_inactive_users_token_is_refused(tsb_staff):
    client = client_for(tsb_staff)
    tsb_staff.is_active = False
    tsb_staff.save()

    assert client.get("/api/actions/").status_code == 401


def test_a_session_write_needs_the_csrf_token(tsb_action, tsb_staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(tsb_staff)
    url = f"/api/actions/{tsb_action.pk}/"
    read = client.get(url)
    body = {"target_date": "2026-05-01"}

    refused = client.patch(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    csrf = client.get("/api/actions/", HTTP_ACCEPT="text/html").cookies["csrftoken"].value
    allowed = client.patch(
        url, body, format="json", HTTP_IF_MATCH=read["ETag"], HTTP_X_CSRFTOKEN=csrf
    )

    assert read.status_code == 200
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert allowed.status_code == 200


def test_the_api_root_asks_for_a_token_like_every_endpoint(tsb_staff):
    refused = client_for(None).get("/api/")

    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
    assert "actions" in client_for(tsb_staff).get("/api/").json()


def test_an_address_under_the_api_that_no_view_answers_is_a_json_404(staff, client):
    response = staff.get("/api/nope/")
    page = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No API endpoint at this address.", "code": "not_found"}
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_parameters_is_a_json_400_that_says_so(staff, tsb_action, settings, debug):
    # In DEBUG this was a 500 (DRF could not render Django's refusal), else an HTML page.
    settings.DEBUG = debug
    client = staff
    many = "&".join(f"a{n}=1" for n in range(1100))

    listed = client.get(f"/api/actions/?{many}")
    posted = client.post(
        f"/api/actions/{tsb_action.pk}/transition/",
        many,
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH=f'W/"action-{tsb_action.pk}-v1"',
    )

    for response in (listed, posted):
        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request has too many parameters.",
            "code": "too_many_parameters",
        }
    tsb_action.refresh_from_db()
    assert tsb_action.version == 1
