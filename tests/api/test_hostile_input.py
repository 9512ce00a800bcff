"""The reproductions of a probe of the running API: each is a 4xx in the API's shape, never a 500.

Every answer is JSON with ``detail`` and ``code``, and nothing is written.
"""

import datetime
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from actions.display import day
from tests.api.support import client_for, snapshot

REPORT = {"text": "Workshop held.", "period_start": "2025-06-01", "period_end": "2026-03-01"}


@pytest.fixture
def staff(tsb_staff):
    return client_for(tsb_staff)


def assert_refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    assert body["code"]
    return body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/progress-reports/?action=9223372036854775808", "action"),
        ("/api/progress-reports/?action=-1", "action"),
        ("/api/actions/?resolution=99999999999", "resolution"),
        ("/api/actions/?resolution=73.5", "resolution"),
        ("/api/clauses/?resolution=2147483648", "resolution"),
        ("/api/resolutions/?number=1e400", "number"),
        ("/api/assessments/?meeting=99999999999999999999999", "meeting"),
        ("/api/assessments/?meeting=1.5", "meeting"),
        ("/api/assessments/?resolution=-1", "resolution"),
        ("/api/assessments/?resolution=1.5", "resolution"),
    ],
)
def test_a_number_filter_out_of_the_columns_range_is_a_field_error(staff, url, field):
    body = assert_refused(staff.get(url))

    assert list(body["errors"]) == [field]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/actions/?bureau=TSB&bureau=BDT", "bureau"),
        ("/api/actions/?ordering=resolution&ordering=-status", "ordering"),
        ("/api/progress-reports/?ordering=date&ordering=-updated", "ordering"),
        ("/api/resolutions/?number=2&number=73", "number"),
    ],
)
def test_a_one_value_filter_given_twice_is_refused_not_read_as_its_last(
    staff, tsb_action, url, field
):
    body = assert_refused(staff.get(url))

    assert list(body["errors"]) == [field]
    assert "Give this filter once" in body["errors"][field][0]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/actions/?target_date_after=2027-01-01&target_date_before=2020-01-01", "target_date"),
        ("/api/progress-reports/?period_after=2026-06-01&period_before=2025-06-01", "period"),
    ],
)
def test_a_date_range_that_ends_before_it_starts_is_refused_not_read_as_empty(
    staff, tsb_action, url, field
):
    body = assert_refused(staff.get(url))

    assert list(body["errors"]) == [field]
    assert "is after the last" in body["errors"][field][0]


def test_a_cursor_on_rows_that_page_by_number_only_is_refused(staff):
    from tests import builders

    session = builders.meeting(datetime.date(2027, 5, 18))

    body = assert_refused(staff.get(f"/api/meetings/{session.pk}/readiness/?cursor="))

    assert list(body["errors"]) == ["cursor"]
    assert staff.get(f"/api/meetings/{session.pk}/readiness/?page=1").status_code == 200


def test_a_filter_of_several_values_may_be_given_several_times(staff, tsb_action):
    response = staff.get("/api/actions/?status=not_started&status=in_progress")

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [tsb_action.pk]


def test_a_report_dated_in_year_one_is_refused_with_a_sentence(staff, tsb_action):
    before = snapshot()

    response = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "report_date": "0001-01-01"},
        format="json",
    )

    body = assert_refused(response)
    assert body["errors"] == {
        "report_date": [
            "A report on an action of WTSA-20 cannot be dated before the assembly opened on "
            "1 March 2022."
        ]
    }
    assert snapshot() == before


def test_a_report_dated_before_its_actions_assembly_is_refused(staff, tsb_action):
    before = snapshot()

    refused = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "report_date": "2022-02-28"},
        format="json",
    )
    accepted = staff.post(
        "/api/progress-reports/",
        {
            "text": "Work began.",
            "action": tsb_action.pk,
            "report_date": "2022-03-01",
            "period_start": "2022-03-01",
            "period_end": "2022-03-01",
        },
        format="json",
    )

    assert list(assert_refused(refused)["errors"]) == ["report_date"]
    assert accepted.status_code == 201, accepted.content
    assert snapshot() != before


@pytest.mark.parametrize("period_end", [None, "2199-12-31"])
def test_a_period_starting_after_the_reports_date_is_refused_under_its_start(
    staff, tsb_action, period_end
):
    body = {"text": "Soon.", "action": tsb_action.pk, "period_start": "2199-01-01"}
    if period_end:
        body["period_end"] = period_end
    before = snapshot()

    response = staff.post("/api/progress-reports/", body, format="json")

    today = day(timezone.localdate())
    assert assert_refused(response)["errors"] == {
        "period_start": [
            f"The reporting period cannot start after the report's date, {today}: "
            "a report tells what was done."
        ]
    }
    assert snapshot() == before


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_evidence_links_sent_in_a_form_are_refused_not_dropped(staff, tsb_action, encoding):
    from urllib.parse import urlencode

    body = {**REPORT, "action": tsb_action.pk, "evidence_links": "https://www.itu.int/ws"}
    before = snapshot()

    if encoding == "multipart":
        response = staff.post("/api/progress-reports/", body, format="multipart")
    else:
        response = staff.post(
            "/api/progress-reports/",
            urlencode(body),
            content_type="application/x-www-form-urlencoded",
        )

    errors = assert_refused(response)["errors"]
    assert list(errors) == ["evidence_links"]
    assert "send the request as JSON" in errors["evidence_links"][0]
    assert snapshot() == before


def test_a_report_in_a_form_without_evidence_links_is_still_taken(staff, tsb_action):
    response = staff.post(
        "/api/progress-reports/", {**REPORT, "action": tsb_action.pk}, format="multipart"
    )

    assert response.status_code == 201, response.content


def test_a_report_key_the_api_does_not_take_is_refused_not_ignored(staff, tsb_action):
    created = staff.post(
        "/api/progress-reports/", {**REPORT, "action": tsb_action.pk}, format="json"
    )
    report = created.json()
    before = snapshot()

    posted = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "state": "approved"},
        format="json",
    )
    patched = staff.patch(
        f"/api/progress-reports/{report['id']}/",
        {"text": "New words.", "report_date": "2024-01-01"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )

    hint = (
        "This field cannot be set here. A report's text, period and evidence links are "
        "written here; its state changes through POST /api/progress-reports/<id>/submit/, "
        "approve/ or return/."
    )
    assert assert_refused(posted)["errors"] == {"state": [hint]}
    assert assert_refused(patched)["errors"] == {"report_date": [hint]}
    assert snapshot() == before


def test_a_body_nested_a_hundred_thousand_levels_deep_is_refused(staff, tsb_action):
    response = staff.generic(
        "POST", "/api/progress-reports/", "[" * 100_000, content_type="application/json"
    )

    body = assert_refused(response)
    assert "nest deeper than 32 levels" in body["detail"]


def test_a_body_nested_just_too_deep_to_recurse_dangerously_is_refused_too(staff, tsb_action):
    nested = {**REPORT, "action": tsb_action.pk, "evidence_links": []}
    for _ in range(40):
        nested = {"x": nested}

    response = staff.post(
        "/api/progress-reports/", json.dumps(nested), content_type="application/json"
    )

    assert_refused(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_body_over_the_upload_limit_is_a_413_in_json(staff, tsb_action):
    before = snapshot()

    response = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "text": "x" * 5_000},
        format="json",
    )

    body = assert_refused(response, status=413)
    assert body["code"] == "too_large"
    assert snapshot() == before


@pytest.mark.parametrize("value", [25.5, "25.5", True, "", None, [1], 2**64, "²", "٣"])
def test_an_action_id_that_is_not_a_whole_number_is_refused(staff, tsb_action, value):
    before = snapshot()

    response = staff.post("/api/progress-reports/", {**REPORT, "action": value}, format="json")

    body = assert_refused(response)
    assert list(body["errors"]) == ["action"]
    assert snapshot() == before


def test_the_error_for_an_id_of_another_type_names_the_type(staff, tsb_action):
    response = staff.post("/api/progress-reports/", {**REPORT, "action": 3.5}, format="json")

    body = assert_refused(response)
    assert body["errors"]["action"] == [
        "Incorrect type. Expected an id (a whole number), got float."
    ]


def test_an_action_id_as_a_string_of_digits_is_read(staff, tsb_action):
    response = staff.post(
        "/api/progress-reports/", {**REPORT, "action": str(tsb_action.pk)}, format="json"
    )

    assert response.status_code == 201, response.content


def test_more_evidence_links_than_the_page_offers_are_refused(staff, tsb_action):
    links = [{"url": f"https://example.org/{i}"} for i in range(11)]
    before = snapshot()

    response = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "evidence_links": links},
        format="json",
    )

    body = assert_refused(response)
    assert list(body["errors"]) == ["evidence_links"]
    assert snapshot() == before


def test_a_report_is_rewritten_with_its_own_action_sent_but_never_moved_to_another(
    staff, tsb_action
):
    from tests import builders

    other = builders.action(owner="TSB")
    created = staff.post(
        "/api/progress-reports/", {**REPORT, "action": tsb_action.pk}, format="json"
    )
    url = f"/api/progress-reports/{created.json()['id']}/"

    moved = staff.put(
        url, {**REPORT, "action": other.pk}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    kept = staff.put(
        url,
        {**REPORT, "action": tsb_action.pk, "text": "Rewritten."},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )

    assert assert_refused(moved)["errors"] == {
        "action": ["A report stays on its action: write a new report on the other action."]
    }
    assert kept.status_code == 200, kept.content
    assert (kept.json()["action"], kept.json()["text"]) == (tsb_action.pk, "Rewritten.")


@pytest.mark.parametrize("field", ["reporting_period_start_override", "document_deadline_override"])
def test_a_sessions_date_in_year_one_is_refused_and_the_dashboard_stays_up(
    administrator, reader, field
):
    from actions.models import GoverningBodyMeeting
    from tests import builders
    from tests.api.support import etag_of

    session = builders.meeting(datetime.date(2027, 5, 18))
    admin = client_for(administrator)
    url = f"/api/meetings/{session.pk}/"

    response = admin.patch(
        url, {field: "0001-01-01"}, format="json", HTTP_IF_MATCH=etag_of(admin, url)
    )

    assert list(assert_refused(response)["errors"]) == [field]
    assert getattr(GoverningBodyMeeting.objects.get(pk=session.pk), field) is None
    assert client_for(reader).get(f"/api/meetings/{session.pk}/readiness/").status_code == 200


def test_every_date_of_a_session_the_admin_sets_is_kept_within_the_years_allowed(db):
    from django.core.exceptions import ValidationError

    from tests import builders

    session = builders.meeting(datetime.date(2027, 5, 18))
    session.contribution_deadline_override = datetime.date(1, 1, 1)
    session.reporting_period_start_override = datetime.date(1, 1, 1)
    session.document_deadline_override = datetime.date(1, 1, 1)

    with pytest.raises(ValidationError) as refused:
        session.full_clean()

    assert set(refused.value.message_dict) == {
        "contribution_deadline_override",
        "reporting_period_start_override",
        "document_deadline_override",
    }


def test_a_reporting_period_starting_after_the_document_deadline_is_refused(administrator):
    from actions.models import GoverningBodyMeeting
    from tests import builders
    from tests.api.support import etag_of

    # Opens 18 May 2027: documents are due four weeks before, on 20 April.
    session = builders.meeting(datetime.date(2027, 5, 18))
    admin = client_for(administrator)
    url = f"/api/meetings/{session.pk}/"

    response = admin.patch(
        url,
        {"reporting_period_start_override": "2027-05-01"},
        format="json",
        HTTP_IF_MATCH=etag_of(admin, url),
    )

    errors = assert_refused(response)["errors"]
    assert "on or before the document deadline (20 April 2027)" in str(
        errors["reporting_period_start_override"]
    )
    assert GoverningBodyMeeting.objects.get(pk=session.pk).reporting_period_start_override is None


def test_a_session_with_assessments_keeps_its_kind(administrator, tsb_coordinator, tsb_action):
    from actions.choices import MeetingKind
    from actions.models import GoverningBodyMeeting
    from tests import builders
    from tests.api.support import etag_of

    session = builders.meeting(datetime.date(2027, 5, 18))
    other = builders.meeting(datetime.date(2027, 9, 1))
    builders.assessment(tsb_action.resolution, session, by=tsb_coordinator)
    admin = client_for(administrator)

    refused = admin.patch(
        f"/api/meetings/{session.pk}/",
        {"kind": MeetingKind.TSAG},
        format="json",
        HTTP_IF_MATCH=etag_of(admin, f"/api/meetings/{session.pk}/"),
    )
    allowed = admin.patch(
        f"/api/meetings/{other.pk}/",
        {"kind": MeetingKind.TSAG},
        format="json",
        HTTP_IF_MATCH=etag_of(admin, f"/api/meetings/{other.pk}/"),
    )

    assert "stays a session of ITU Council" in str(assert_refused(refused)["errors"]["kind"])
    assert allowed.status_code == 200, allowed.content
    kinds = dict(GoverningBodyMeeting.objects.values_list("pk", "kind"))
    assert (kinds[session.pk], kinds[other.pk]) == (MeetingKind.COUNCIL, MeetingKind.TSAG)


def test_assessment_keys_the_api_does_not_take_are_refused_not_ignored(
    bdt_coordinator, tsb_coordinator, tsb_action
):
    from actions.models import Assessment
    from tests import builders
    from tests.api.support import etag_of

    council = builders.meeting(datetime.date(2027, 5, 18))
    other = builders.resolution(44)
    proposer, confirmer = client_for(bdt_coordinator), client_for(tsb_coordinator)
    proposal = {
        "resolution": tsb_action.resolution_id,
        "meeting": council.pk,
        "rating": "partly_met",
        "rationale": "Half done.",
    }

    forged = proposer.post("/api/assessments/", {**proposal, "state": "confirmed"}, format="json")
    created = proposer.post("/api/assessments/", proposal, format="json")
    url = f"/api/assessments/{created.json()['id']}/"
    moved = proposer.put(
        url,
        {**proposal, "resolution": other.pk},
        format="json",
        HTTP_IF_MATCH=etag_of(proposer, url),
    )
    revised = proposer.put(
        url,
        {**proposal, "rating": "largely_met"},
        format="json",
        HTTP_IF_MATCH=etag_of(proposer, url),
    )
    confirm_with_a_key = confirmer.post(
        f"{url}confirm/",
        {"rating": "fully_met"},
        format="json",
        HTTP_IF_MATCH=etag_of(confirmer, url),
    )

    assert list(assert_refused(forged)["errors"]) == ["state"]
    assert assert_refused(moved)["errors"] == {
        "resolution": [
            "An assessment stays on its resolution: propose one for the other resolution."
        ]
    }
    assert revised.status_code == 200, revised.content
    assert list(assert_refused(confirm_with_a_key)["errors"]) == ["rating"]
    stored = Assessment.objects.get()
    assert (stored.rating, stored.state) == ("largely_met", "proposed")


def test_a_report_submitted_with_a_key_submitting_does_not_take_stays_a_draft(staff, tsb_action):
    from actions.models import ProgressReport

    created = staff.post(
        "/api/progress-reports/", {**REPORT, "action": tsb_action.pk}, format="json"
    )
    url = f"/api/progress-reports/{created.json()['id']}/"

    refused = staff.post(
        f"{url}submit/", {"state": "approved"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    evidence = staff.post(
        "/api/progress-reports/",
        {**REPORT, "action": tsb_action.pk, "evidence_links": [{"url": "https://a.org", "x": 1}]},
        format="json",
    )

    assert list(assert_refused(refused)["errors"]) == ["state"]
    assert ProgressReport.objects.get().state == "draft"
    assert "evidence_links" in assert_refused(evidence)["errors"]
    assert ProgressReport.objects.count() == 1
