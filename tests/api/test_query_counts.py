"""Lists cost the same number of queries for 3 rows as for 30.

Each count is: the token and its user (one query: the user's other tokens
are left to the nightly purge, see ``wtsa_tracker.authentication``), the page
count, the rows, one query per prefetched relation, and (where rules are
asked per row) the user's role groups, read once.
"""

import datetime

import pytest

from actions.choices import ReportingRecipient, ReportState
from actions.models import EvidenceLink, ReportingObligation
from tests import builders
from tests.api.support import client_for


def _assemblies(n, user):
    for i in range(n):
        builders.assembly(f"WTSA-{i}")


def _resolutions(n, user):
    for _ in range(n):
        builders.resolution()


def _clauses(n, user):
    for _ in range(n):
        builders.action()
    builders.clause()  # a clause no action tracks


def _bodies(n, user):
    for i in range(n):
        builders.body(f"SG{i}")


def _meetings(n, user):
    for i in range(n):
        builders.meeting(datetime.date(2030 + i, 6, 1))


def _actions(n, user):
    res = builders.resolution(73)
    for i in range(n):
        action = builders.action(
            res,
            owner="BDT" if i % 2 else "T-SG17",
            collaborators=("TSB", "BR"),
            focal_point=user,
            target_date=datetime.date(2026, 1, 1),
        )
        ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.COUNCIL)
        ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.TSAG)


def _reports(n, user):
    action = builders.action(owner="TSB", collaborators=("BDT",))
    for i in range(n):
        state = ReportState.DRAFT if i % 3 == 0 else ReportState.SUBMITTED
        report = builders.report(action, author=user, state=state, reviewed_by=user)
        EvidenceLink.objects.create(report=report, url=f"https://example.org/{i}")


def _clauses_of_one_resolution(n, user):
    res = builders.resolution(44)
    for _ in range(n):
        builders.action(res)
    res.references.create(conference="PP", number=123, place="Dubai", year=2018, text="x")
    return f"/api/resolutions/{res.pk}/"


# URL, how to build n rows, queries expected
LISTS = {
    "assemblies": ("/api/assemblies/", _assemblies, 3),
    "resolutions": ("/api/resolutions/", _resolutions, 3),
    "clauses": ("/api/clauses/", _clauses, 3),
    "bodies": ("/api/bodies/", _bodies, 3),
    "meetings": ("/api/meetings/", _meetings, 3),
    # + the page's ids, then its rows; collaborators, obligations, the
    # resolutions' own duties, role groups
    "actions": ("/api/actions/", _actions, 8),
    # + evidence links, role groups (visibility)
    "progress reports": ("/api/progress-reports/", _reports, 6),
    # the resolution, its references, its clauses (with their actions)
    "a resolution with its clauses": (None, _clauses_of_one_resolution, 4),
}


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("endpoint", list(LISTS))
def test_listing_costs_a_fixed_number_of_queries(
    tsb_staff, django_assert_num_queries, endpoint, rows
):
    url, build, queries = LISTS[endpoint]
    url = build(rows, tsb_staff) or url
    client = client_for(tsb_staff)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    body = response.json()
    listed = body["clauses"] if "clauses" in body else body["results"]
    assert len(listed) >= rows


def test_filtering_actions_adds_no_query_per_row(tsb_staff, django_assert_num_queries):
    _actions(30, tsb_staff)
    client = client_for(tsb_staff)

    # + the Bureau looked up by code for `bureau`
    with django_assert_num_queries(9):
        response = client.get(
            "/api/actions/",
            {"bureau": "BDT", "reports_to": ["council", "council_annual"], "status": "not_started"},
        )

    assert response.json()["count"] == 15
