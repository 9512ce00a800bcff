"""The progress-reports page: every report one may see, filtered, and reviewed in bulk."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actions.choices import ReportState
from actions.models import ProgressReport
from tests import builders

D = datetime.date


@pytest.fixture
def reports(db, tsb_action, tsb_staff, bdt_staff):
    """Two TSB reports awaiting approval, one BDT report awaiting approval, and drafts."""
    other = builders.action(builders.resolution(80), owner="TSB")
    return {
        "tsb_1": builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED),
        "tsb_2": builders.report(
            other,
            author=tsb_staff,
            state=ReportState.SUBMITTED,
            period_start=D(2025, 6, 1),
            period_end=D(2026, 5, 1),
        ),
        "bdt": builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED),
        "tsb_draft": builders.report(tsb_action, author=tsb_staff),
        "bdt_draft": builders.report(tsb_action, author=bdt_staff, text="BDT's private draft."),
    }


def listed(client, **params) -> set[int]:
    response = client.get(reverse("report_list"), params)
    assert response.status_code == 200
    return {report.pk for report in response.context["page"]}


def ids(reports, *names) -> set[int]:
    return {reports[name].pk for name in names}


def review(client, reports, names, to="approved", note="", versions=None):
    ticked = [f"{reports[n].pk}:{(versions or {}).get(n, reports[n].version)}" for n in names]
    return client.post(
        reverse("report_review_bulk"),
        {"report": ticked, "to": to, "note": note, "next": "/reports/?state=submitted"},
    )


def states(reports) -> dict[str, str]:
    return {
        name: ProgressReport.objects.get(pk=report.pk).state for name, report in reports.items()
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_lists_published_reports_and_the_users_bureaus_drafts_only(
    login, reports, tsb_staff
):
    assert listed(login(tsb_staff)) == ids(reports, "tsb_1", "tsb_2", "bdt", "tsb_draft")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "submitted"}, ("tsb_1", "tsb_2", "bdt")),
        ({"state": ["draft", "submitted"], "bureau": "BDT"}, ("bdt",)),
        ({"author": "tsb_staff", "state": "submitted"}, ("tsb_1", "tsb_2")),
        ({"resolution": "80"}, ("tsb_2",)),
        ({"period_after": "2025-05-15"}, ("tsb_2",)),
        ({"period_before": "2025-01-01", "state": "submitted"}, ("tsb_1", "bdt")),
    ],
)
def test_the_shared_filters_narrow_the_list(login, reports, tsb_staff, params, expected):
    assert listed(login(tsb_staff), **params) == ids(reports, *expected)


def test_a_council_session_selects_reports_that_overlap_its_reporting_period(
    login, reports, tsb_staff
):
    builders.meeting(D(2025, 6, 17))
    council = builders.meeting(D(2026, 6, 16))

    assert listed(login(tsb_staff), council=council.pk) == ids(reports, "tsb_2")


def test_an_unreadable_filter_is_shown_as_an_error_and_lists_nothing(login, reports, tsb_staff):
    response = login(tsb_staff).get(reverse("report_list"), {"period_after": "someday"})

    assert response.status_code == 400
    assert list(response.context["page"]) == []
    assert "Some filters could not be read" in response.content.decode()


def test_a_coordinator_is_offered_a_checkbox_only_for_reports_they_may_review(
    login, reports, tsb_coordinator
):
    page = login(tsb_coordinator).get(reverse("report_list")).content.decode()

    for name in ("tsb_1", "tsb_2"):
        assert f'value="{reports[name].pk}:{reports[name].version}"' in page
    assert f'value="{reports["bdt"].pk}:' not in page
    assert "Approve selected" in page


def test_staff_are_offered_no_review(login, reports, tsb_staff):
    page = login(tsb_staff).get(reverse("report_list")).content.decode()

    assert "Approve selected" not in page
    assert 'name="report"' not in page


def test_a_coordinator_approves_in_bulk_and_sees_each_refusal_with_its_reason(
    login, reports, tsb_coordinator
):
    response = review(login(tsb_coordinator), reports, ["tsb_1", "tsb_2", "bdt"])

    assert response.status_code == 303
    assert response["Location"] == "/reports/?state=submitted"
    assert states(reports) == {
        "tsb_1": "approved",
        "tsb_2": "approved",
        "bdt": "submitted",
        "tsb_draft": "draft",
        "bdt_draft": "draft",
    }
    shown = messages_of(response)
    assert "2 reports approved." in shown
    assert any(
        m.startswith("Not done: Res.") and "Only a coordinator of the writing Bureau" in m
        for m in shown
    )


def test_returning_in_bulk_without_a_reason_returns_none(login, reports, tsb_coordinator):
    response = review(login(tsb_coordinator), reports, ["tsb_1", "tsb_2"], to="returned")

    assert states(reports)["tsb_1"] == states(reports)["tsb_2"] == "submitted"
    assert sum("Say why the report is returned." in m for m in messages_of(response)) == 2


def test_returning_in_bulk_with_a_reason_returns_each(login, reports, tsb_coordinator):
    review(login(tsb_coordinator), reports, ["tsb_1", "tsb_2"], to="returned", note="Figures?")

    returned = ProgressReport.objects.filter(pk__in=ids(reports, "tsb_1", "tsb_2"))
    assert set(returned.values_list("state", "review_note")) == {("returned", "Figures?")}


def test_a_report_changed_meanwhile_is_refused_and_the_others_are_done(
    login, reports, tsb_coordinator
):
    response = review(login(tsb_coordinator), reports, ["tsb_1", "tsb_2"], versions={"tsb_1": 99})

    assert states(reports)["tsb_1"] == "submitted"
    assert states(reports)["tsb_2"] == "approved"
    assert any("changed it meanwhile" in m for m in messages_of(response))


def test_a_coordinator_never_approves_their_own_report_in_bulk(login, tsb_action, tsb_coordinator):
    own = builders.report(tsb_action, author=tsb_coordinator, state=ReportState.SUBMITTED)

    response = review(login(tsb_coordinator), {"own": own}, ["own"])

    assert ProgressReport.objects.get(pk=own.pk).state == "submitted"
    assert any("You wrote or edited this report" in m for m in messages_of(response))


def test_an_administrator_approves_any_bureaus_reports(login, reports, administrator):
    review(login(administrator), reports, ["tsb_1", "bdt"])

    assert states(reports)["tsb_1"] == states(reports)["bdt"] == "approved"


@pytest.mark.parametrize("persona", ["tsb_staff", "bdt_staff", "reader", "outsider"])
def test_only_coordinators_and_administrators_may_review_in_bulk(request, login, reports, persona):
    response = review(login(request.getfixturevalue(persona)), reports, ["tsb_1"])

    assert response.status_code == 403
    assert states(reports)["tsb_1"] == "submitted"


def test_a_hidden_draft_is_neither_reviewed_nor_revealed(login, reports, tsb_coordinator):
    response = review(login(tsb_coordinator), reports, ["bdt_draft"])

    assert states(reports)["bdt_draft"] == "draft"
    assert "Not done: 1 report was not found or is not yours to see." in messages_of(response)
    assert "private draft" not in " ".join(messages_of(response))


@pytest.mark.parametrize(
    "data",
    [
        {"report": ["x:1"], "to": "approved"},
        {"report": [], "to": "approved"},
        {"report": ["1:1"], "to": "submitted"},
    ],
)
def test_a_request_that_cannot_be_read_changes_nothing(login, reports, tsb_coordinator, data):
    before = states(reports)

    response = login(tsb_coordinator).post(reverse("report_review_bulk"), data)

    assert response.status_code == 303
    assert states(reports) == before
    assert any("nothing was changed" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "forged", ["{pk}:{version}\n", "{pk}:{version}\x00", "\u0663:{version}", " {pk}:{version}"]
)
def test_a_ticked_report_is_read_only_as_the_page_writes_it(
    login, reports, tsb_coordinator, forged
):
    report = reports["tsb_1"]
    value = forged.format(pk=report.pk, version=report.version)
    before = states(reports)

    response = login(tsb_coordinator).post(
        reverse("report_review_bulk"), {"report": [value], "to": "approved"}
    )

    assert states(reports) == before
    assert "That request could not be read: nothing was changed." in messages_of(response)


@pytest.mark.parametrize(
    ("back", "location"),
    [
        ("https://evil.example.org/reports/", "/reports/"),
        ("/reports/../admin/", "/reports/"),
        ("//evil.example.org/reports/", "/reports/"),
        ("/reports/?state=submitted&page=2", "/reports/?state=submitted&page=2"),
    ],
)
def test_the_way_back_never_leaves_the_reports_page(
    login, reports, tsb_coordinator, back, location
):
    response = login(tsb_coordinator).post(
        reverse("report_review_bulk"), {"report": [], "to": "approved", "next": back}
    )

    assert response["Location"] == location


def test_a_contributors_dashboard_shows_its_reports_by_state(login, reports, bdt_staff):
    response = login(bdt_staff).get(reverse("dashboard"))

    mine = {item["label"]: item["count"] for item in response.context["my_reports"]}
    assert mine == {"Draft": 1, "Submitted": 1, "Approved": 0, "Returned": 0}
    assert "/reports/?author=bdt_staff&amp;state=draft" in response.content.decode()


def test_the_api_list_takes_the_same_filters(reports, tsb_staff):
    from tests.api.support import client_for

    response = client_for(tsb_staff).get(
        "/api/progress-reports/", {"author": "tsb_staff", "period_after": "2025-05-15"}
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [reports["tsb_2"].pk]


@pytest.mark.parametrize(
    ("page", "name"), [("report_list", "author"), ("action_list", "focal_point")]
)
def test_a_person_filter_suggests_people_by_name_as_one_types(client, reader, page, name):
    builders.user("akeita", bureau="BDT", first_name="Amina", last_name="Keïta")
    builders.user("mdiallo", bureau="TSB", first_name="Moussa", last_name="Diallo")
    client.force_login(reader)

    form = client.get(reverse(page)).content.decode()
    suggested = client.get(reverse("person_suggestions", args=[name]), {name: "amina k"})

    # The box asks for suggestions into the list it names, which the page holds.
    assert f'list="{name}_people"' in form
    assert f'hx-get="/people/{name}/"' in form
    assert f'<datalist id="{name}_people"></datalist>' in form
    assert suggested.status_code == 200
    assert suggested.content.decode().strip() == (
        f'<datalist id="{name}_people"><option value="akeita">Amina Keïta · BDT</option></datalist>'
    )
    # Chosen, the username is what the filter reads.
    assert client.get(reverse(page), {name: "akeita"}).status_code == 200


def test_person_suggestions_are_for_the_lists_filters_and_signed_in_people_only(client, reader):
    assert client.get(reverse("person_suggestions", args=["author"])).status_code == 302
    client.force_login(reader)
    assert client.get(reverse("person_suggestions", args=["email"])).status_code == 404
    assert client.post(reverse("person_suggestions", args=["author"])).status_code == 405


def test_the_page_reads_its_ids_then_their_rows_and_a_state_filter_needs_no_distinct(
    login, tsb_coordinator, reports
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = login(tsb_coordinator).get(
            reverse("report_list"), {"state": ["submitted", "approved"]}
        )

    reads = 'SELECT "actions_progressreport"."id"'
    rows = [q["sql"] for q in queries if q["sql"].startswith(reads)]
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"]]
    # The page's ids alone, then its rows for those ids given as values, not as a subquery.
    ids, page = rows[0], rows[1]
    assert '"actions_progressreport"."text"' not in ids
    assert "IN (SELECT" not in page
    assert {r.pk for r in response.context["page"]} == {
        reports["tsb_1"].pk,
        reports["tsb_2"].pk,
        reports["bdt"].pk,
    }
