"""Every role against every endpoint, reading and writing.

The standard action is owned by TSB with BDT collaborating. Each write sends
the current ETag, as a well-behaved client would, so that the answer is
about who asks and nothing else; a refusal must leave every row as it was.
"""

import datetime
import re

import pytest

from actions.choices import ReportState
from tests import builders
from tests.api.support import client_for, etag_of, snapshot

PERSONAS = [
    "tsb_staff",
    "tsb_coordinator",
    "bdt_staff",
    "bdt_coordinator",
    "br_staff",
    "reader",
    "outsider",
    "administrator",
    "superuser",
]
ADMINS = {"administrator", "superuser"}
TSB_STAFF = {"tsb_staff", "tsb_coordinator"}
BDT_STAFF = {"bdt_staff", "bdt_coordinator"}


def answers(default: int, **codes: int) -> dict[str, int]:
    return {persona: codes.get(persona, default) for persona in PERSONAS}


def only(personas: set[str], code: int, otherwise: int = 403, **codes: int) -> dict[str, int]:
    return answers(otherwise, **dict.fromkeys(personas, code), **codes)


REPORT = {
    "action": "{action}",
    "text": "Held a workshop in Nairobi.",
    "period_start": "2024-06-01",
    "period_end": "2025-05-31",
}
MEETING = {
    "kind": "council",
    "name": "Council 2027",
    "place": "Geneva",
    "start_date": "2027-06-15",
    "end_date": "2027-06-25",
}

# name: (method, URL, body, expected status per persona)
ENDPOINTS = {
    "list assemblies": ("get", "/api/assemblies/", None, answers(200)),
    "read an assembly": ("get", "/api/assemblies/{assembly}/", None, answers(200)),
    "list resolutions": ("get", "/api/resolutions/", None, answers(200)),
    "read a resolution": ("get", "/api/resolutions/{resolution}/", None, answers(200)),
    "list clauses": ("get", "/api/clauses/", None, answers(200)),
    "read a clause": ("get", "/api/clauses/{clause}/", None, answers(200)),
    "list bodies": ("get", "/api/bodies/", None, answers(200)),
    "read a body": ("get", "/api/bodies/{body}/", None, answers(200)),
    "list meetings": ("get", "/api/meetings/", None, answers(200)),
    "read a meeting": ("get", "/api/meetings/{meeting}/", None, answers(200)),
    "list actions": ("get", "/api/actions/", None, answers(200)),
    "read an action": ("get", "/api/actions/{action}/", None, answers(200)),
    "list reports": ("get", "/api/progress-reports/", None, answers(200)),
    "read a submitted report": ("get", "/api/progress-reports/{submitted}/", None, answers(200)),
    # Drafts stay with the writing Bureau's staff: the reader persona belongs
    # to TSB and still sees only submitted and approved reports.
    "read a draft report": (
        "get",
        "/api/progress-reports/{draft}/",
        None,
        only(TSB_STAFF | ADMINS, 200, otherwise=404),
    ),
    "add an assembly": ("post", "/api/assemblies/", {"code": "WTSA-28"}, answers(405)),
    "add a resolution": ("post", "/api/resolutions/", {"number": 1}, answers(405)),
    "change a resolution": ("put", "/api/resolutions/{resolution}/", {}, answers(405)),
    "add a clause": ("post", "/api/clauses/", {"text": "x"}, answers(405)),
    "add a body": ("post", "/api/bodies/", {"code": "X"}, answers(405)),
    "delete an action": ("delete", "/api/actions/{action}/", None, answers(405)),
    "delete a report": ("delete", "/api/progress-reports/{submitted}/", None, answers(405)),
    # Only administrators write meetings at all; to them, deleting is not offered.
    "delete a meeting": ("delete", "/api/meetings/{meeting}/", None, only(ADMINS, 405)),
    "add a meeting": ("post", "/api/meetings/", MEETING, only(ADMINS, 201)),
    "correct a meeting": (
        "patch",
        "/api/meetings/{meeting}/",
        {"place": "Bern"},
        only(ADMINS, 200),
    ),
    "set an action's target date": (
        "patch",
        "/api/actions/{action}/",
        {"target_date": "2026-05-01"},
        only(TSB_STAFF | ADMINS, 200),
    ),
    "change an action's status": (
        "post",
        "/api/actions/{action}/transition/",
        {"status": "in_progress", "note": "Kick-off held."},
        only(TSB_STAFF | ADMINS, 200),
    ),
    # Owners report; a collaborating Bureau contributes reports of its own.
    "write a report": (
        "post",
        "/api/progress-reports/",
        REPORT,
        # Administrators without a Bureau have none to file it under.
        only(TSB_STAFF | BDT_STAFF, 201),
    ),
    "edit a draft report": (
        "patch",
        "/api/progress-reports/{draft}/",
        {"text": "Held two workshops."},
        only(TSB_STAFF | ADMINS, 200, otherwise=404),
    ),
    "rewrite a draft report": (
        "put",
        "/api/progress-reports/{draft}/",
        {**REPORT, "text": "Held two workshops."},
        only(TSB_STAFF | ADMINS, 200, otherwise=404),
    ),
    "submit a draft report": (
        "post",
        "/api/progress-reports/{draft}/submit/",
        {},
        only(TSB_STAFF | ADMINS, 200, otherwise=404),
    ),
    "edit a submitted report": (
        "patch",
        "/api/progress-reports/{submitted}/",
        {"text": "Rewritten after submission."},
        answers(403),
    ),
    "approve a submitted report": (
        "post",
        "/api/progress-reports/{submitted}/approve/",
        {},
        only({"tsb_coordinator"} | ADMINS, 200),
    ),
    "return a submitted report": (
        "post",
        "/api/progress-reports/{submitted}/return/",
        {"note": "Add the dates of the workshop."},
        only({"tsb_coordinator"} | ADMINS, 200),
    ),
}


@pytest.fixture
def world(tsb_action, tsb_staff, superuser):
    submitted = builders.report(tsb_action, author=tsb_staff, state=ReportState.SUBMITTED)
    draft = builders.report(tsb_action, author=tsb_staff)
    session = builders.meeting(datetime.date(2026, 6, 16))
    return {
        "action": tsb_action.pk,
        "resolution": tsb_action.resolution_id,
        "clause": tsb_action.clause_id,
        "assembly": tsb_action.resolution.assembly_id,
        "body": tsb_action.owner_id,
        "submitted": submitted.pk,
        "draft": draft.pk,
        "meeting": session.pk,
    }


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def _request(client, method, url, body, if_match=None):
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
    if method in {"get", "delete"}:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, format="json", **headers)


CASES = [
    pytest.param(name, persona, codes[persona], id=f"{persona}: {name}")
    for name, (_, _, _, codes) in ENDPOINTS.items()
    for persona in PERSONAS
]


@pytest.mark.parametrize(("endpoint", "persona", "expected"), CASES)
def test_each_role_gets_the_expected_answer_from_each_endpoint(
    request, world, superuser, endpoint, persona, expected
):
    method, url, body, _ = ENDPOINTS[endpoint]
    url, body = _fill(url, world), _fill(body, world)
    versioned = re.match(r"^/api/(actions|progress-reports|meetings)/\d+/", url)
    writes = method in {"post", "put", "patch"}
    if_match = etag_of(client_for(superuser), versioned[0]) if versioned and writes else None
    before = snapshot()

    response = _request(client_for(request.getfixturevalue(persona)), method, url, body, if_match)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert snapshot() == before
        assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_anonymous_requests_are_refused_with_401_and_a_token_challenge(world, endpoint):
    method, url, body, _ = ENDPOINTS[endpoint]
    before = snapshot()

    response = _request(client_for(None), method, _fill(url, world), _fill(body, world))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert snapshot() == before


def test_staff_of_the_supporting_bureau_change_a_study_group_action(tsb_staff):
    action = builders.action(owner="T-SG17")
    client = client_for(tsb_staff)
    url = f"/api/actions/{action.pk}/"

    response = client.post(
        f"{url}transition/",
        {"status": "ongoing"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ongoing"


def test_a_coordinator_reviews_only_the_reports_of_their_own_bureau(
    tsb_action, bdt_staff, bdt_coordinator, tsb_coordinator
):
    contribution = builders.report(tsb_action, author=bdt_staff, state=ReportState.SUBMITTED)
    url = f"/api/progress-reports/{contribution.pk}/"
    tag = etag_of(client_for(bdt_coordinator), url)

    refused = client_for(tsb_coordinator).post(f"{url}approve/", {}, HTTP_IF_MATCH=tag)
    approved = client_for(bdt_coordinator).post(f"{url}approve/", {}, HTTP_IF_MATCH=tag)

    assert refused.status_code == 403
    assert approved.status_code == 200
    assert approved.json()["reviewed_by"] == "bdt_coordinator"
