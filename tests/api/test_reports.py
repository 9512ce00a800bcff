"""Progress reports through the API: writing, rewriting, review and who sees drafts."""

import pytest

from actions.choices import ReportState
from actions.models import EvidenceLink, ProgressReport
from tests import builders
from tests.api.support import client_for, etag_of

BODY = {"text": "Held a workshop.", "period_start": "2024-06-01", "period_end": "2025-05-31"}


def _write(client, action, **extra):
    response = client.post(
        "/api/progress-reports/", {"action": action.pk, **BODY, **extra}, format="json"
    )
    assert response.status_code == 201, response.content
    return response


def test_a_report_is_written_as_a_draft_with_its_evidence(tsb_action, tsb_staff):
    response = _write(
        client_for(tsb_staff),
        tsb_action,
        report_date="2025-06-02",
        evidence_links=[{"url": "https://www.itu.int/go/ws", "title": "Workshop page"}],
    )

    body = response.json()
    assert (body["state"], body["author"], body["bureau"]) == ("draft", "tsb_staff", "TSB")
    assert body["report_date"] == "2025-06-02"
    assert body["evidence_links"] == [
        {"url": "https://www.itu.int/go/ws", "title": "Workshop page"}
    ]
    assert body["allowed_next_states"] == ["submitted"]


def test_a_collaborators_report_is_a_contribution_of_its_own_bureau(tsb_action, bdt_staff):
    body = _write(client_for(bdt_staff), tsb_action, submit=True).json()

    assert (body["bureau"], body["state"]) == ("BDT", "submitted")


def test_put_replaces_the_evidence_and_patch_keeps_it(tsb_action, tsb_staff):
    client = client_for(tsb_staff)
    created = _write(client, tsb_action, evidence_links=[{"url": "https://example.org/a"}])
    url = f"/api/progress-reports/{created.json()['id']}/"

    patched = client.patch(
        url, {"text": "Held two workshops."}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    put = client.put(
        url,
        {**BODY, "evidence_links": [{"url": "https://example.org/b", "title": "B"}]},
        format="json",
        HTTP_IF_MATCH=patched["ETag"],
    )

    assert patched.json()["evidence_links"] == [{"url": "https://example.org/a", "title": ""}]
    assert patched.json()["text"] == "Held two workshops."
    assert put.json()["evidence_links"] == [{"url": "https://example.org/b", "title": "B"}]
    assert put.json()["text"] == "Held a workshop."
    assert list(EvidenceLink.objects.values_list("url", flat=True)) == ["https://example.org/b"]


def test_a_patch_that_changes_nothing_writes_nothing(tsb_action, tsb_staff, tsb_coordinator):
    created = _write(client_for(tsb_staff), tsb_action, evidence_links=[{"url": "https://a.org"}])
    url = f"/api/progress-reports/{created.json()['id']}/"
    coordinator = client_for(tsb_coordinator)
    history = ProgressReport.history.count()

    empty = coordinator.patch(url, {}, format="json", HTTP_IF_MATCH=created["ETag"])
    same = coordinator.put(
        url,
        {**BODY, "evidence_links": [{"url": "https://a.org"}]},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )

    assert [empty.status_code, same.status_code] == [200, 200]
    assert empty["ETag"] == same["ETag"] == created["ETag"]
    report = ProgressReport.objects.get()
    assert (report.version, ProgressReport.history.count()) == (1, history)
    # Not one of its writers: the coordinator may still review it once submitted.
    assert list(report.editors.all()) == [tsb_staff]


def test_a_report_goes_from_draft_to_returned_to_approved(tsb_action, tsb_staff, tsb_coordinator):
    staff, coordinator = client_for(tsb_staff), client_for(tsb_coordinator)
    created = _write(staff, tsb_action)
    url = f"/api/progress-reports/{created.json()['id']}/"

    submitted = staff.post(f"{url}submit/", {}, HTTP_IF_MATCH=created["ETag"])
    assert coordinator.get(url).json()["allowed_next_states"] == ["approved", "returned"]
    returned = coordinator.post(
        f"{url}return/", {"note": "Add the dates."}, HTTP_IF_MATCH=submitted["ETag"]
    )
    resubmitted = staff.post(f"{url}submit/", {}, HTTP_IF_MATCH=returned["ETag"])
    approved = coordinator.post(
        f"{url}approve/", {"note": "Fine."}, HTTP_IF_MATCH=resubmitted["ETag"]
    )

    assert [r.status_code for r in (submitted, returned, resubmitted, approved)] == [200] * 4
    assert returned.json()["review_note"] == "Add the dates."
    body = approved.json()
    assert (body["state"], body["reviewed_by"], body["version"]) == (
        "approved",
        "tsb_coordinator",
        5,
    )
    assert body["allowed_next_states"] == []


def test_an_approved_report_is_frozen(tsb_action, tsb_staff):
    report = builders.report(tsb_action, author=tsb_staff, state=ReportState.APPROVED)
    client = client_for(tsb_staff)
    url = f"/api/progress-reports/{report.pk}/"

    response = client.patch(
        url, {"text": "Rewritten."}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).text == "Held two workshops."


@pytest.mark.parametrize(
    ("persona", "sees_the_draft"),
    [
        ("bdt_staff", True),
        ("bdt_coordinator", True),
        ("administrator", True),
        ("tsb_staff", False),
        ("br_staff", False),
        ("outsider", False),
    ],
)
def test_drafts_are_listed_only_for_the_bureau_writing_them(
    request, tsb_action, bdt_staff, tsb_staff, persona, sees_the_draft
):
    draft = builders.report(tsb_action, author=bdt_staff)
    submitted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    client = client_for(request.getfixturevalue(persona))

    listed = {row["id"] for row in client.get("/api/progress-reports/").json()["results"]}

    assert listed == ({draft.pk, submitted.pk} if sees_the_draft else {submitted.pk})


def test_reports_are_filtered_by_state_and_action(tsb_action, tsb_staff):
    other = builders.action(owner="TSB")
    wanted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    builders.report(tsb_action, author=tsb_staff, state=ReportState.APPROVED)
    builders.report(other, author=tsb_staff, state=ReportState.SUBMITTED)

    response = client_for(tsb_staff).get(
        "/api/progress-reports/", {"state": "submitted", "action": tsb_action.pk}
    )

    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_staff_without_a_bureau_are_told_to_ask_for_one_and_file_nothing(tsb_action):
    no_bureau = builders.user("nobureau", bureau=None, role="Bureau staff")

    response = client_for(no_bureau).post(
        "/api/progress-reports/", {"action": tsb_action.pk, **BODY}, format="json"
    )

    assert response.status_code == 403
    assert "Your account has no Bureau" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_an_administrator_without_a_bureau_is_told_to_set_one_and_files_nothing(
    administrator, tsb_action
):
    response = client_for(administrator).post(
        "/api/progress-reports/", {"action": tsb_action.pk, **BODY}, format="json"
    )

    assert response.status_code == 403
    assert "Your account has no Bureau" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_an_administrator_with_a_bureau_files_the_report_as_that_bureaus(
    gs_administrator, tsb_action
):
    response = client_for(gs_administrator).post(
        "/api/progress-reports/", {"action": tsb_action.pk, **BODY}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert ProgressReport.objects.get().bureau.code == "GS"


def test_a_report_written_without_a_period_covers_the_open_reporting_period(tsb_action, tsb_staff):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    last = builders.meeting(today - datetime.timedelta(days=200), name="Last Council")
    upcoming = builders.meeting(today + datetime.timedelta(days=90), name="Next Council")

    response = client_for(tsb_staff).post(
        "/api/progress-reports/", {"action": tsb_action.pk, "text": "Held a workshop."}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period_start"], body["period_end"]) == (
        (last.document_deadline + datetime.timedelta(days=1)).isoformat(),
        upcoming.document_deadline.isoformat(),
    )


def test_an_action_lists_the_duties_written_for_its_whole_resolution(tsb_action, tsb_staff):
    from actions.models import ResolutionReportingDuty

    ResolutionReportingDuty.objects.create(
        resolution=tsb_action.resolution, recipient="council_annual"
    )

    body = client_for(tsb_staff).get(f"/api/actions/{tsb_action.pk}/").json()

    assert body["reporting_obligations"] == []
    assert body["resolution_reporting_duties"] == [
        {"recipient": "council_annual", "label": "ITU Council, annually"}
    ]
