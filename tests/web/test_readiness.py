"""Readiness for a Council session: per Bureau and resolution, approved reports and gaps."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.choices import ReportingRecipient, ReportState
from actions.models import ReportingObligation, ResolutionReportingDuty
from actions.selectors import (
    council_readiness,
    readiness_counts,
    readiness_gaps,
    reporting_period,
)
from actions.services.actions import actions_supersede
from actions.views.readiness import GAPS_PER_PAGE, ROWS_PER_PAGE
from tests import builders
from tests.api.support import client_for

D = datetime.date
# Council 2026 opens 16 June; its documents are due 19 May, and the 2025 session's
# were due 20 May 2025: the period runs from 21 May 2025 to 19 May 2026.
IN_PERIOD = {"period_start": D(2025, 6, 1), "period_end": D(2026, 5, 1)}
BEFORE_PERIOD = {"period_start": D(2024, 6, 1), "period_end": D(2025, 5, 1)}


@pytest.fixture(autouse=True)
def in_march_2026(time_machine):
    """While reports are being written for Council 2026."""
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC))


@pytest.fixture
def council(db):
    builders.meeting(D(2025, 6, 17), name="Council 2025")
    return builders.meeting(D(2026, 6, 16), name="Council 2026")


@pytest.fixture
def res(db, tsb_staff, tsb_coordinator, bdt_staff):
    """Resolution 73: five TSB actions reporting to Council, at every readiness."""
    res73 = builders.resolution(73)
    ResolutionReportingDuty.objects.create(
        resolution=res73, recipient=ReportingRecipient.COUNCIL_ANNUAL
    )
    approved, submitted, draft, stale, missing = (
        builders.action(res73, owner="TSB", collaborators=("BDT",)) for _ in range(5)
    )
    builders.report(approved, author=bdt_staff, state=ReportState.APPROVED, **IN_PERIOD)
    builders.report(approved, author=tsb_staff, state=ReportState.DRAFT, **IN_PERIOD)
    builders.report(submitted, author=tsb_staff, state=ReportState.SUBMITTED, **IN_PERIOD)
    builders.report(draft, author=tsb_staff, state=ReportState.RETURNED, **IN_PERIOD)
    builders.report(stale, author=tsb_staff, state=ReportState.APPROVED, **BEFORE_PERIOD)
    return {
        "res": res73,
        "approved": approved,
        "submitted": submitted,
        "draft": draft,
        "stale": stale,
        "missing": missing,
    }


def test_each_action_counts_once_at_its_most_advanced_report_for_the_period(
    council, res, tsb_staff
):
    rows = council_readiness(reporting_period(council), tsb_staff)

    assert [(r.bureau_code, r.resolution_number) for r in rows] == [("TSB", 73)]
    assert rows[0].counts == {"approved": 1, "submitted": 1, "draft": 1, "missing": 2}
    assert (rows[0].total, rows[0].gaps) == (5, 4)


def test_actions_superseded_before_the_period_are_not_counted(council, res, tsb_staff):
    before = datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC)
    during = datetime.datetime(2025, 12, 1, 9, 0, tzinfo=datetime.UTC)
    actions_supersede(closing=[(res["missing"], "Revised at WTSA-24.")], now=before)
    actions_supersede(closing=[(res["draft"], "Revised at WTSA-24.")], now=during)
    period = reporting_period(council)

    rows = council_readiness(period, tsb_staff)

    assert rows[0].counts == {"approved": 1, "submitted": 1, "draft": 1, "missing": 1}
    assert readiness_counts(period, tsb_staff)["missing"] == 1
    assert res["missing"] not in readiness_gaps(period, tsb_staff)
    assert res["draft"] in readiness_gaps(period, tsb_staff)


def test_actions_that_do_not_report_to_council_are_not_counted(council, res, tsb_staff):
    other = builders.resolution(80)
    builders.action(other, owner="TSB")
    next_wtsa = builders.action(other, owner="TSB")
    ReportingObligation.objects.create(action=next_wtsa, recipient=ReportingRecipient.NEXT_WTSA)

    rows = council_readiness(reporting_period(council), tsb_staff)

    assert {r.resolution_number for r in rows} == {73}


def test_a_bureau_sees_its_own_rows_first(council, res, bdt_staff):
    res89 = builders.resolution(89)
    action = builders.action(res89, owner="BDT")
    ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.COUNCIL)

    bdt_rows = council_readiness(reporting_period(council), bdt_staff)

    assert [(r.bureau_code, r.own) for r in bdt_rows] == [("BDT", True), ("TSB", False)]


def test_the_page_lists_the_users_own_gaps_with_links_to_the_actions(
    login, council, res, bdt_staff
):
    response = login(bdt_staff).get(reverse("council_readiness"))

    page = response.content.decode()
    gaps = [action.pk for action in response.context["gaps"]]
    assert gaps == [res[name].pk for name in ("submitted", "draft", "stale", "missing")]
    for name in ("submitted", "draft", "stale", "missing"):
        assert reverse("action_detail", args=[res[name].pk]) in page
    assert reverse("action_detail", args=[res["approved"].pk]) not in page
    assert "Still missing for BDT" in page
    assert "21 May 2025 to 19 May 2026" in page


def test_the_gaps_and_the_rows_come_a_page_at_a_time_each_with_its_own_links(
    login, council, res, tsb_staff
):
    # 4 gaps of Resolution 73, and one more on each of 60 other resolutions.
    for number in range(100, 160):
        other = builders.resolution(number)
        ResolutionReportingDuty.objects.create(
            resolution=other, recipient=ReportingRecipient.COUNCIL
        )
        builders.action(other, owner="TSB")
    client = login(tsb_staff)
    url = reverse("council_readiness")

    first = client.get(url, {"meeting": council.pk})
    page = first.content.decode()

    assert len(first.context["gaps"]) == GAPS_PER_PAGE
    assert first.context["gaps"].paginator.count == 64
    assert "64 actions." in page
    assert len(first.context["rows"]) == ROWS_PER_PAGE
    assert first.context["total"] == 65  # every row, not the page's
    assert f"?meeting={council.pk}&amp;gaps_page=2" in page
    assert f"?meeting={council.pk}&amp;page=2" in page
    last_gaps = client.get(url, {"meeting": council.pk, "page": 2, "gaps_page": 3})
    assert len(last_gaps.context["gaps"]) == 64 - 2 * GAPS_PER_PAGE
    assert len(last_gaps.context["rows"]) == 61 - ROWS_PER_PAGE
    assert f"?meeting={council.pk}&amp;page=2&amp;gaps_page=2" in last_gaps.content.decode()
    seen = [
        action.pk
        for number in (1, 2, 3)
        for action in client.get(url, {"gaps_page": number}).context["gaps"]
    ]
    assert len(set(seen)) == 64


def test_the_rows_link_to_the_actions_of_the_bureau_and_resolution(login, council, res, reader):
    response = login(reader).get(reverse("council_readiness"))

    (row,) = response.context["rows"]
    assert [cell["count"] for cell in row.cells] == [1, 1, 1, 2]
    assert "bureau=TSB" in row.url
    assert "resolution=73" in row.url
    assert "reports_to=council_annual" in row.url


def test_an_earlier_session_can_be_chosen(login, council, res, tsb_staff):
    earlier = council.__class__.objects.get(name="Council 2025")

    response = login(tsb_staff).get(reverse("council_readiness"), {"meeting": earlier.pk})

    assert response.context["session"] == earlier
    # The approved report of 2024-25 counts for the 2025 session, no other does.
    assert response.context["rows"][0].counts["approved"] == 1
    assert response.context["rows"][0].counts["missing"] == 4


@pytest.mark.parametrize("asked", ["99999", "abc", "Council 2026", "9" * 5000, "tsag"])
def test_a_session_that_is_not_one_is_refused_with_a_400_that_says_so(
    login, council, res, tsb_staff, asked
):
    if asked == "tsag":  # a meeting, but not of Council
        asked = str(builders.meeting(D(2026, 1, 20), kind="tsag", name="TSAG 2026").pk)
    response = login(tsb_staff).get(reverse("council_readiness"), {"meeting": asked})

    assert response.status_code == 400
    assert escape(f"There is no Council session “{asked[:20]}”") in response.content.decode()
    # Over the next session's counts, with the menu to choose another.
    assert response.context["session"] == council


def test_the_next_session_is_shown_first_and_the_menu_lists_the_latest_first(
    login, council, res, tsb_staff
):
    builders.meeting(D(2027, 6, 15), name="Council 2027")

    response = login(tsb_staff).get(reverse("council_readiness"))

    assert response.context["session"] == council  # 2026: the next one in March 2026
    assert [s.name for s in response.context["sessions"]] == [
        "Council 2027",
        "Council 2026",
        "Council 2025",
    ]


def test_without_a_next_session_the_page_says_an_administrator_records_one(login, res, tsb_staff):
    response = login(tsb_staff).get(reverse("council_readiness"))

    assert response.status_code == 200
    assert "No upcoming Council session is recorded" in response.content.decode()


def test_the_dashboard_card_counts_the_users_scope_and_links_to_the_page(
    login, council, res, bdt_staff
):
    response = login(bdt_staff).get(reverse("dashboard"))

    card = response.context["readiness"]
    assert card["total"] == 5
    assert [item["count"] for item in card["items"]] == [1, 1, 1, 2]
    page = response.content.decode()
    assert "1 of 5" in page
    assert reverse("council_readiness") in page


def test_readiness_counts_follow_the_users_bureau(council, res, br_staff, tsb_staff):
    period = reporting_period(council)

    assert readiness_counts(period, tsb_staff)["missing"] == 2
    assert sum(readiness_counts(period, br_staff).values()) == 0


def test_the_gaps_are_the_actions_list_filtered_by_readiness(login, council, res, bdt_staff):
    client = login(bdt_staff)
    page = client.get(reverse("council_readiness"))
    gaps = {action.pk for action in page.context["gaps"]}

    listed = client.get(page.context["gaps_url"])

    assert f'href="{escape(page.context["gaps_url"])}"' in page.content.decode()
    assert {action.pk for action in listed.context["page"]} == gaps
    approved = client.get(reverse("action_list"), {"council": council.pk, "readiness": "approved"})
    assert [action.pk for action in approved.context["page"]] == [res["approved"].pk]


def test_readiness_comes_with_a_council_session_and_the_api_says_so(council, res, bdt_staff):
    api = client_for(bdt_staff)

    missing = api.get("/api/actions/", {"council": council.pk, "readiness": "missing"})
    no_session = api.get("/api/actions/", {"readiness": "missing"})
    no_readiness = api.get("/api/actions/", {"council": council.pk})
    not_council = api.get(
        "/api/actions/", {"council": builders.meeting(D(2026, 9, 1), kind="pp").pk}
    )

    assert missing.status_code == 200
    assert {row["id"] for row in missing.json()["results"]} == {
        res["stale"].pk,
        res["missing"].pk,
    }
    assert no_session.status_code == 400
    assert "Choose the Council session" in no_session.json()["errors"]["council"][0]
    assert no_readiness.status_code == 400
    assert "Choose the readiness to list" in no_readiness.json()["errors"]["readiness"][0]
    assert not_council.status_code == 400


def test_the_api_gives_a_sessions_readiness_with_links_to_each_rows_gaps(council, res, tsb_staff):
    sg17 = builders.action(builders.resolution(89), owner="T-SG17")
    ReportingObligation.objects.create(action=sg17, recipient=ReportingRecipient.COUNCIL)
    api = client_for(tsb_staff)

    answer = api.get(f"/api/meetings/{council.pk}/readiness/").json()

    assert (answer["session"], answer["period_start"], answer["period_end"]) == (
        council.pk,
        "2025-05-21",
        "2026-05-19",
    )
    assert answer["totals"] == {"approved": 1, "submitted": 1, "draft": 1, "missing": 3}
    assert (answer["total"], answer["count"], answer["next"]) == (6, 2, None)
    rows = answer["results"]
    # A study group's actions count for the Bureau that supports it.
    assert [(r["bureau"], r["resolution"], r["total"], r["gaps"]) for r in rows] == [
        ("TSB", 73, 5, 4),
        ("TSB", 89, 1, 1),
    ]
    assert rows[0]["counts"] == {"approved": 1, "submitted": 1, "draft": 1, "missing": 2}
    gaps = api.get(rows[1]["gaps_url"])
    assert gaps.status_code == 200
    assert [row["id"] for row in gaps.json()["results"]] == [sg17.pk]
    gaps = api.get(rows[0]["gaps_url"]).json()["results"]
    assert {row["id"] for row in gaps} == {
        res[n].pk for n in ("submitted", "draft", "stale", "missing")
    }


def test_the_api_pages_the_readiness_rows(council, res, tsb_staff):
    for number in range(100, 103):
        other = builders.resolution(number)
        ResolutionReportingDuty.objects.create(
            resolution=other, recipient=ReportingRecipient.COUNCIL
        )
        builders.action(other, owner="BDT")
    api = client_for(tsb_staff)
    url = f"/api/meetings/{council.pk}/readiness/"

    first = api.get(url, {"page_size": 3}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 4
    assert [(r["bureau"], r["resolution"]) for r in first["results"]] == [
        ("TSB", 73),
        ("BDT", 100),
        ("BDT", 101),
    ]
    assert [(r["bureau"], r["resolution"]) for r in second["results"]] == [("BDT", 102)]
    assert second["totals"] == first["totals"]
    assert api.get(url, {"page": 9}).status_code == 404


def test_the_api_counts_readiness_for_council_sessions_only(council, tsb_staff):
    api = client_for(tsb_staff)
    tsag = builders.meeting(D(2026, 9, 1), kind="tsag")

    answer = api.get(f"/api/meetings/{tsag.pk}/readiness/")

    assert answer.status_code == 404
    assert answer.json()["detail"] == "Readiness is counted for Council sessions only."
    assert api.get("/api/meetings/999999/readiness/").status_code == 404
    assert client_for().get(f"/api/meetings/{council.pk}/readiness/").status_code == 401


def test_actions_with_no_owner_are_counted_in_a_row_without_a_gaps_link(council, res, tsb_staff):
    unowned = builders.action(builders.resolution(89), owner="TSB")
    unowned.owner = None
    unowned.save(update_fields=["owner"])
    ReportingObligation.objects.create(action=unowned, recipient=ReportingRecipient.COUNCIL)

    answer = client_for(tsb_staff).get(f"/api/meetings/{council.pk}/readiness/")

    assert answer.status_code == 200
    last = answer.json()["results"][-1]
    assert (last["bureau"], last["resolution"], last["gaps"], last["gaps_url"]) == (
        None,
        89,
        1,
        None,
    )


def test_every_signed_in_person_reads_every_bureaus_readiness_their_own_first(
    council, res, br_staff, tsb_staff
):
    # Readiness is the secretariat's shared view before Council, as on the web page.
    br_action = builders.action(builders.resolution(100), owner="BR")
    ReportingObligation.objects.create(action=br_action, recipient=ReportingRecipient.COUNCIL)
    url = f"/api/meetings/{council.pk}/readiness/"

    rows = {
        person.username: [
            (r["bureau"], r["resolution"]) for r in client_for(person).get(url).json()["results"]
        ]
        for person in (tsb_staff, br_staff)
    }

    assert rows[tsb_staff.username] == [("TSB", 73), ("BR", 100)]
    assert rows[br_staff.username] == [("BR", 100), ("TSB", 73)]


@pytest.mark.parametrize("resolutions", [1, 20])
def test_the_api_readiness_costs_a_fixed_number_of_queries(
    council, tsb_staff, django_assert_num_queries, resolutions
):
    for number in range(100, 100 + resolutions):
        action = builders.action(builders.resolution(number), owner="BDT")
        ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.COUNCIL)
    api = client_for(tsb_staff)

    # the token and its user, the session, its period (the session before),
    # the user's Bureau, the counts
    with django_assert_num_queries(5):
        answer = api.get(f"/api/meetings/{council.pk}/readiness/")

    assert answer.json()["count"] == resolutions
