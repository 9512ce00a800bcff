"""Every page runs the same number of queries for 3 rows as for 30.

The counts include the session, the user and the user's role groups. A change
that makes one of them grow with the data (a query per row) fails here.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, ReportingRecipient, ReportState
from actions.models import EvidenceLink, ReportingObligation, StatusChange
from tests import builders

ROWS = [3, 30]


@pytest.fixture(params=ROWS, ids=lambda n: f"{n}_rows")
def data(request, bdt_coordinator, bdt_staff):
    """``n`` resolutions, and ``n`` rich actions, reports and status changes."""
    n = request.param
    res73 = builders.resolution(73)
    builders.meeting(timezone.localdate() + datetime.timedelta(days=90))
    actions = []
    for i in range(n):
        action = builders.action(
            res73,
            owner="BDT",
            collaborators=("TSB", "BR"),
            status=ActionStatus.IN_PROGRESS,
            focal_point=bdt_staff,
            target_date=datetime.date(2024, 1, 1),
        )
        builders.clause(res73, label=f"{i})", parent=action.clause, text="a sub-item;")
        action.clause.footnotes = [{"number": str(i), "text": "A note."}]
        action.clause.save()
        ReportingObligation.objects.create(
            action=action, recipient=ReportingRecipient.COUNCIL_ANNUAL
        )
        actions.append(action)
        other = builders.resolution()
        builders.action(other, owner="TSB", collaborators=("BDT",))
    target = actions[0]
    for i in range(n):
        report = builders.report(
            target,
            author=bdt_staff,
            state=ReportState.SUBMITTED if i % 2 else ReportState.DRAFT,
            reviewed_by=bdt_coordinator if i % 3 == 0 else None,
        )
        EvidenceLink.objects.create(report=report, url=f"https://example.org/{i}", title="Doc")
        EvidenceLink.objects.create(report=report, url=f"https://example.org/{i}/b")
        StatusChange.objects.create(
            action=target,
            from_status=ActionStatus.NOT_STARTED,
            to_status=ActionStatus.IN_PROGRESS,
            changed_by=bdt_staff if i % 2 else bdt_coordinator,
            changed_at=timezone.now() - datetime.timedelta(hours=i),
        )
    for i in range(n):
        # The coordinator's own unfinished reports, listed on the dashboard and "My actions".
        builders.report(
            actions[i],
            author=bdt_coordinator,
            state=ReportState.RETURNED if i % 2 else ReportState.DRAFT,
            reviewed_by=bdt_staff if i % 2 else None,
            review_note="Add the figures." if i % 2 else "",
        )
    draft = builders.report(target, author=bdt_staff)
    for i in range(n):
        EvidenceLink.objects.create(report=draft, url=f"https://example.org/draft/{i}")
    return {"res73": res73, "action": target, "draft": draft}


# Page → queries with a logged-in BDT coordinator. A table of actions is one
# query for its page's rows: it shows no collaborators or duties, so none are
# prefetched (an action's page and the API read those); the dashboard reads the
# next session's reporting period (the previous session, the assembly), its
# readiness and the user's reports by state; an action's page the same period
# for the new report's default, and the resolution's duties with their items.
EXPECTED = {
    # A full page counts its user's unread notifications for the header: one query.
    "dashboard": 20,
    # and the user's roles, to say what they may do with their Bureau's actions
    "my_actions": 9,
    "action_list": 11,
    "action_list_filtered": 12,
    "action_list_involving": 12,
    "action_list_htmx": 5,
    # the session and its user, the Bureau chosen, the count, the three lists, the rows
    "action_export": 8,
    "action_detail": 20,
    "report_edit": 10,
    # the count, the page's ids then rows, their actions counted
    "resolution_list": 8,
    "resolution_detail": 7,
    # the sessions, the period (previous session, assembly), the counts, the gaps
    # counted, then a page of them
    "council_readiness": 10,
    # + the count, the page's ids, then its rows, evidence links
    "report_list": 12,
    # + the Bureau and the author looked up by their codes
    "report_list_filtered": 14,
}


def urls(data):
    res73 = data["res73"]
    return {
        "dashboard": (reverse("dashboard"), {}, {}),
        "my_actions": (reverse("my_actions"), {}, {}),
        "action_list": (reverse("action_list"), {}, {}),
        "action_list_filtered": (
            reverse("action_list"),
            {"bureau": "BDT", "status": ["in_progress"], "reports_to": "council_annual"},
            {},
        ),
        "action_list_involving": (
            reverse("action_list"),
            {"involves": "TSB", "status": ["not_started", "in_progress"]},
            {},
        ),
        "action_list_htmx": (
            reverse("action_list"),
            {"collaborator": "TSB", "ordering": "-updated"},
            {"HX-Request": "true", "HX-Target": "results"},
        ),
        "action_export": (reverse("action_export"), {"bureau": "BDT"}, {}),
        "action_detail": (reverse("action_detail", args=[data["action"].pk]), {}, {}),
        "report_edit": (reverse("report_edit", args=[data["draft"].pk]), {}, {}),
        "resolution_list": (reverse("resolution_list"), {}, {}),
        "resolution_detail": (
            reverse("resolution_detail", args=[res73.assembly.code, res73.number]),
            {},
            {},
        ),
        "council_readiness": (reverse("council_readiness"), {}, {}),
        "report_list": (reverse("report_list"), {}, {}),
        "report_list_filtered": (
            reverse("report_list"),
            {"state": ["submitted", "draft"], "bureau": "BDT", "author": "bdt_staff"},
            {},
        ),
    }


@pytest.mark.parametrize("page_name", EXPECTED)
def test_a_page_runs_the_same_queries_whatever_the_number_of_rows(
    login, bdt_coordinator, data, django_assert_num_queries, page_name
):
    client = login(bdt_coordinator)
    url, params, headers = urls(data)[page_name]

    with django_assert_num_queries(EXPECTED[page_name]):
        response = client.get(url, params, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)

    assert response.status_code == 200
