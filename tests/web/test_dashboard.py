import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actions.choices import ActionStatus, ReportState
from actions.selectors import DASHBOARD_RESOLUTIONS, UNFINISHED_SHOWN
from actions.services.actions import action_transition
from actions.services.calendar import meetings_project
from actions.views.dashboard import DASHBOARD_ROWS
from tests import builders

TODAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def dashboard(client):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def test_dashboard_counts_the_actions_my_bureau_owns_or_contributes_to_by_status(login, bdt_staff):
    builders.body("D-SG1", bureau="BDT")
    builders.action(owner="BDT", status=ActionStatus.IN_PROGRESS)
    builders.action(owner="TSB", collaborators=("BDT",), status=ActionStatus.IN_PROGRESS)
    builders.action(owner="TSB", collaborators=("D-SG1",), status=ActionStatus.ONGOING)
    builders.action(owner="T-SG17", status=ActionStatus.COMPLETED)
    builders.action(owner="TSB", status=ActionStatus.IN_PROGRESS)

    response = dashboard(login(bdt_staff))

    by_status = {row["value"]: row["count"] for row in response.context["by_status"]}
    assert by_status == {"not_started": 0, "in_progress": 2, "ongoing": 1, "completed": 0}
    assert (response.context["total"], response.context["owned_count"]) == (3, 1)
    page = response.content.decode()
    assert "Actions involving BDT: owned or contributed to by" in page
    assert "BDT owns 1 of them and changes its status;" in page
    assert f'href="{reverse("action_list")}?bureau=BDT">List the actions BDT owns</a>' in page


def test_a_bureau_that_owns_nothing_is_told_it_contributes(login, bdt_staff):
    builders.action(owner="TSB", collaborators=("BDT",))

    page = dashboard(login(bdt_staff)).content.decode()

    assert "All 1 action involving BDT" in page
    assert "BDT owns none of them: it contributes progress reports" in page


def test_dashboard_counts_actions_of_bodies_the_bureau_supports(login, bdt_staff):
    builders.body("D-SG1", bureau="BDT")
    builders.action(owner="D-SG1", status=ActionStatus.COMPLETED)

    by_status = {
        row["value"]: row["count"] for row in dashboard(login(bdt_staff)).context["by_status"]
    }

    assert by_status["completed"] == 1


def test_dashboard_links_to_the_open_actions_of_my_bureau(login, bdt_staff):
    page = dashboard(login(bdt_staff)).content.decode()

    assert (
        f'href="{reverse("action_list")}?involves=BDT&amp;status=not_started'
        '&amp;status=in_progress&amp;status=ongoing"'
    ) in page
    assert "Open actions involving BDT" in page
    assert f'href="{reverse("action_list")}?involves=BDT&amp;status=completed"' in page


def test_dashboard_lists_overdue_actions_involving_my_bureau_only(login, bdt_staff):
    late = builders.action(owner="BDT", target_date=datetime.date(2026, 1, 31))
    later = builders.action(
        owner="TSB", collaborators=("BDT",), target_date=datetime.date(2026, 2, 15)
    )
    builders.action(owner="BDT", target_date=datetime.date(2026, 4, 1))
    builders.action(owner="BDT", status=ActionStatus.COMPLETED, target_date=TODAY.replace(day=1))
    builders.action(owner="TSB", target_date=datetime.date(2026, 1, 31))

    response = dashboard(login(bdt_staff))

    assert response.context["overdue_rows"] == [late, later]
    assert response.context["overdue_count"] == 2
    assert f'href="{reverse("action_list")}?involves=BDT&amp;overdue=true"' in (
        response.content.decode()
    )
    assert "31 January 2026" in response.content.decode()


def test_dashboard_shows_the_next_council_deadline_with_the_days_left(login, bdt_staff):
    builders.meeting(datetime.date(2025, 6, 17))
    builders.meeting(datetime.date(2026, 4, 20), name="Council 2026")
    builders.meeting(datetime.date(2027, 6, 1), name="Council 2027")
    builders.meeting(datetime.date(2026, 3, 10), kind="tsag", name="TSAG")

    page = dashboard(login(bdt_staff)).content.decode()

    # Four weeks before the opening on 20 April 2026.
    assert "21 days left" in page
    assert "Council 2026" in page
    assert "<strong>23 March 2026</strong>" in page
    # Where to get the deadlines into one's own calendar.
    assert f'href="{reverse("notification_list")}#calendar-heading"' in page


def test_with_no_council_session_ahead_the_dashboard_shows_a_provisional_projection(
    login, bdt_staff
):
    builders.meeting(datetime.date(2025, 6, 17))  # past: Council meets yearly, so June 2026
    builders.meeting(datetime.date(2026, 6, 1), kind="tsag", name="TSAG")

    response = dashboard(login(bdt_staff))

    council = response.context["council"]
    assert (council.session.name, council.provisional) == ("Council 2026", True)
    assert (council.deadline, council.days_left) == (datetime.date(2026, 5, 20), 79)
    page = response.content.decode()
    assert "79 days left" in page
    assert "these dates are projected from Council's yearly rhythm" in page
    assert "admin:actions_governingbodymeeting" not in page
    assert "Sessions to confirm" not in page  # only administrators confirm


def test_an_administrator_is_asked_to_confirm_a_projected_session(login, administrator):
    builders.meeting(datetime.date(2025, 6, 17))
    [projected] = meetings_project(today=TODAY)

    page = dashboard(login(administrator)).content.decode()

    assert "Sessions to confirm" in page
    change = reverse("admin:actions_governingbodymeeting_change", args=[projected.pk])
    assert f'<a href="{change}">Confirm or correct the dates of Council 2026</a>' in page


def test_an_administrator_is_offered_to_record_the_next_council_session(login, administrator):
    page = dashboard(login(administrator)).content.decode()

    assert "No upcoming Council session is recorded" in page
    assert (
        f'<a href="{reverse("admin:actions_governingbodymeeting_add")}?kind=council">'
        "Add the next Council session in the admin</a>"
    ) in page


def test_a_coordinator_sees_the_submitted_reports_of_their_bureau_awaiting_approval(
    login, bdt_coordinator, bdt_staff, tsb_staff, tsb_action
):
    waiting = builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)
    builders.report(tsb_action, author=bdt_staff, state=ReportState.DRAFT)
    builders.report(tsb_action, author=bdt_staff, state=ReportState.APPROVED)
    builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)

    response = dashboard(login(bdt_coordinator))

    assert response.context["awaiting"] == [waiting]
    page = response.content.decode()
    assert f"#report-{waiting.pk}" in page
    # The coordinator's queue comes before the counts, on a phone's one column too.
    assert page.index('id="awaiting-heading"') < page.index('id="by-status-heading"')


def test_a_coordinator_does_not_review_their_own_report(login, bdt_coordinator, tsb_action):
    builders.report(tsb_action, author=bdt_coordinator, state=ReportState.SUBMITTED)

    response = dashboard(login(bdt_coordinator))

    assert response.context["awaiting"] == []
    assert "Nothing to approve" in response.content.decode()


def test_staff_find_their_drafts_and_returned_reports_with_the_reason(
    login, bdt_staff, bdt_coordinator, tsb_staff, tsb_action
):
    draft = builders.report(tsb_action, author=bdt_staff, report_date=datetime.date(2026, 2, 1))
    returned = builders.report(
        tsb_action,
        author=bdt_staff,
        state=ReportState.RETURNED,
        reviewed_by=bdt_coordinator,
        reviewed_at=NOW - datetime.timedelta(days=1),
        review_note="Say how many took part.",
    )
    builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)
    builders.report(tsb_action, author=bdt_coordinator)  # a colleague's draft
    builders.report(tsb_action, author=tsb_staff)

    response = dashboard(login(bdt_staff))

    assert response.context["unfinished"].first == [returned, draft]  # returned first
    page = response.content.decode()
    assert "Your unfinished reports" in page
    assert f'href="{reverse("report_edit", args=[returned.pk])}"' in page
    assert f'href="{reverse("report_edit", args=[draft.pk])}"' in page
    assert "Returned by bdt_coordinator on 1 March 2026:" in page
    assert "<q>Say how many took part.</q>" in page
    name = f"Res. {tsb_action.resolution.number} · action 1 (instructs 1)"
    assert f"Report of 1 February 2026 on {name}" in page


def test_the_unfinished_reports_panel_is_left_out_when_there_are_none(login, bdt_staff):
    page = dashboard(login(bdt_staff)).content.decode()

    assert "Your unfinished reports" not in page


def test_staff_who_are_not_coordinators_see_no_approval_queue(login, bdt_staff, tsb_action):
    builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)

    response = dashboard(login(bdt_staff))

    assert response.context["awaiting"] is None
    assert "awaiting your approval" not in response.content.decode()


def test_a_coordinator_with_nothing_to_approve_is_told_so(login, bdt_coordinator):
    page = dashboard(login(bdt_coordinator)).content.decode()

    assert "Nothing to approve" in page


def test_dashboard_charts_status_by_bureau_and_by_resolution_in_data_tables(login, reader):
    res73 = builders.resolution(73)
    builders.action(res73, owner="BDT", status=ActionStatus.IN_PROGRESS)
    builders.action(res73, owner="BDT", status=ActionStatus.COMPLETED)
    builders.action(owner="T-SG17", status=ActionStatus.ONGOING)

    response = dashboard(login(reader))

    by_bureau = {
        row.label: {s.value: s.count for s in row.segments}
        for row in response.context["chart_by_bureau"]
    }
    assert by_bureau["BDT"] == {
        "not_started": 0,
        "in_progress": 1,
        "ongoing": 0,
        "completed": 1,
    }
    assert by_bureau["TSB"]["ongoing"] == 1  # SG17 is supported by TSB
    by_resolution = {row.label: row.total for row in response.context["chart_by_resolution"]}
    assert by_resolution["Res. 73"] == 2
    page = response.content.decode()
    assert '<caption id="chart-bureau-caption">Actions by owning Bureau and status' in page
    assert '<th scope="col" class="num"><span class="legend legend--completed"' in page
    assert '<span class="bar" aria-hidden="true">' in page


def test_the_resolution_chart_shows_those_with_most_open_actions_and_links_to_the_rest(
    login, reader
):
    for number in range(1, DASHBOARD_RESOLUTIONS + 3):
        res = builders.resolution(number)
        # Resolution n has n open actions, and one completed for good measure.
        for _ in range(number):
            builders.action(res, owner="TSB", status=ActionStatus.IN_PROGRESS)
        builders.action(res, owner="TSB", status=ActionStatus.COMPLETED)

    response = dashboard(login(reader))

    shown = [row.label for row in response.context["chart_by_resolution"]]
    # The two with fewest open actions are left out; the rest in the order of the text.
    assert shown == [f"Res. {n}" for n in range(3, DASHBOARD_RESOLUTIONS + 3)]
    page = response.content.decode()
    total = DASHBOARD_RESOLUTIONS + 2
    assert (
        f"The chart shows the {DASHBOARD_RESOLUTIONS} resolutions with the most open actions, "
        f"of {total}." in page
    )
    assert f'<a href="{reverse("resolution_list")}">All resolutions and their actions</a>' in page


def test_dashboard_shows_recent_status_changes_of_actions_involving_my_bureau(
    login, bdt_staff, tsb_staff
):
    mine = builders.action(owner="BDT")
    shared = builders.action(owner="TSB", collaborators=("BDT",))
    theirs = builders.action(owner="TSB")
    action_transition(action=mine, to=ActionStatus.IN_PROGRESS, by=bdt_staff)
    action_transition(action=shared, to=ActionStatus.IN_PROGRESS, by=tsb_staff)
    action_transition(action=theirs, to=ActionStatus.IN_PROGRESS, by=tsb_staff)

    response = dashboard(login(bdt_staff))

    assert {change.action for change in response.context["recent"]} == {mine, shared}
    assert "Of the actions involving BDT." in response.content.decode()


def test_recent_status_changes_are_the_latest_few_chosen_before_their_rows_are_joined(
    login, bdt_staff
):
    actions = [builders.action(owner="BDT") for _ in range(DASHBOARD_ROWS + 2)]
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)) as clock:
        for action in actions:
            clock.shift(datetime.timedelta(minutes=1))
            action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=bdt_staff)

    with CaptureQueriesContext(connection) as queries:
        response = dashboard(login(bdt_staff))

    recent = response.context["recent"]
    assert [change.action for change in recent] == actions[::-1][:DASHBOARD_ROWS]
    (query,) = [q["sql"] for q in queries.captured_queries if "actions_statuschange" in q["sql"]]
    outer, chosen = query.split(" IN (SELECT ", 1)
    # The latest ids are chosen on the changes alone; only their rows are joined.
    assert "resolutions_resolution" in outer
    assert "resolutions_resolution" not in chosen


def test_a_user_without_a_bureau_sees_every_action_and_is_told_why(login, outsider):
    builders.action(owner="BDT")
    builders.action(owner="TSB")

    response = dashboard(login(outsider))

    assert response.context["total"] == 2
    assert "belongs to no Bureau" in response.content.decode()


def test_an_empty_tracker_explains_where_actions_come_from(login, bdt_staff):
    page = dashboard(login(bdt_staff)).content.decode()

    assert "They are created when an administrator imports the resolutions" in page
    assert "No status has changed yet" in page


def test_a_long_list_of_unfinished_reports_shows_the_first_and_links_to_all(
    login, bdt_staff, tsb_action
):
    for _ in range(UNFINISHED_SHOWN + 2):
        builders.report(tsb_action, author=bdt_staff)
    builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)
    client = login(bdt_staff)

    response = dashboard(client)

    unfinished = response.context["unfinished"]
    assert len(unfinished.first) == UNFINISHED_SHOWN
    assert unfinished.more
    url = response.context["unfinished_url"]
    assert f'<a href="{escape(url)}">All your unfinished reports</a>' in response.content.decode()
    assert client.get(url).context["page"].paginator.count == UNFINISHED_SHOWN + 2


def test_reports_left_in_a_bureau_the_user_has_left_are_not_theirs_to_finish(
    login, bdt_staff, tsb_action
):
    builders.report(tsb_action, author=bdt_staff)
    bdt_staff.bureau = builders.body("TSB")
    bdt_staff.save()

    response = dashboard(login(bdt_staff))

    assert response.context["unfinished"].first == []
    assert "Your unfinished reports" not in response.content.decode()


def test_a_tsb_coordinator_is_shown_the_assessments_waiting_for_confirmation(
    login, tsb_coordinator, bdt_coordinator, tsb_action
):
    council = builders.meeting(datetime.date(2026, 5, 18), name="Council 2026")
    res44 = builders.resolution(44)
    waiting = builders.assessment(tsb_action.resolution, council, by=bdt_coordinator)
    builders.assessment(res44, council, by=tsb_coordinator)  # their own: someone else confirms
    builders.assessment(
        builders.resolution(2), council, by=bdt_coordinator, confirmed_by=tsb_coordinator
    )

    response = dashboard(login(tsb_coordinator))

    assert response.context["assessments_awaiting"] == [waiting]
    page = response.content.decode()
    assert "Assessments awaiting your confirmation" in page
    assert page.index('id="assessments-awaiting-heading"') < page.index('id="by-status-heading"')
    url = reverse("resolution_assessments", args=["WTSA-20", tsb_action.resolution.number])
    assert f'href="{url}?meeting={council.pk}"' in page
    assert "More are waiting" not in page


def test_only_those_who_confirm_assessments_see_them_waiting(login, bdt_coordinator, tsb_action):
    council = builders.meeting(datetime.date(2026, 5, 18))
    builders.assessment(tsb_action.resolution, council, by=builders.user("other", bureau="BDT"))

    response = dashboard(login(bdt_coordinator))

    assert response.context["assessments_awaiting"] is None
    assert "Assessments awaiting your confirmation" not in response.content.decode()


def test_many_assessments_waiting_show_the_oldest_in_one_query(
    login, tsb_coordinator, bdt_coordinator
):
    council = builders.meeting(datetime.date(2026, 5, 18))
    builders.assessment(builders.resolution(1), council, by=bdt_coordinator)
    client = login(tsb_coordinator)
    with CaptureQueriesContext(connection) as one:
        dashboard(client)
    for number in range(2, DASHBOARD_ROWS + 3):
        builders.assessment(builders.resolution(number), council, by=bdt_coordinator)

    with CaptureQueriesContext(connection) as many:
        response = dashboard(client)

    assert len(many) == len(one)
    shown = response.context["assessments_awaiting"][:DASHBOARD_ROWS]
    assert [a.resolution.number for a in shown] == list(range(1, DASHBOARD_ROWS + 1))
    assert "More are waiting" in response.content.decode()
