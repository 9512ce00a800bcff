"""The OpenAPI schema: generated without warnings, valid, and true enough to fuzz.

The fuzzing test drives the real WSGI application with requests that
schemathesis derives from the schema (valid ones and deliberately invalid
ones), as an administrator of TSB so that every write path is open, and
requires that none is answered with a 5xx. CI runs the same against a live
server with the schemathesis command line.
"""

import datetime
import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error

from actions.choices import ReportingRecipient, ReportState, Role
from actions.models import ReportingObligation
from resolutions.choices import ClauseVerb, PartKind
from tests import builders
from wtsa_tracker.api.concurrency import etag

EXAMPLES_PER_OPERATION = 8


def test_the_schema_generates_without_warnings_and_is_valid_openapi(tmp_path):
    GENERATOR_STATS.reset()

    call_command(
        "spectacular",
        *("--validate", "--fail-on-warn", "--format", "openapi-json"),
        *("--file", str(tmp_path / "schema.json")),
    )

    schema = json.loads((tmp_path / "schema.json").read_text())
    assert schema["openapi"].startswith("3")
    # Lists say what the API refuses: a page size below 1 is a 400, on every
    # list, the readiness rows' included.
    page_sizes = {
        path: parameter["schema"]
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "page_size"
    }
    assert "/api/actions/" in page_sizes
    assert "/api/meetings/{id}/readiness/" in page_sizes
    assert {path: {"type": "integer", "minimum": 1} for path in page_sizes} == page_sizes


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, kept inside the test's transaction.

    A request normally closes the database connection when it ends; Django's
    test client disconnects that for its requests, and so does this fixture.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known(tsb_staff):
    """One real object behind each detail path, so fuzzing reaches past the 404."""
    res = builders.resolution(73)
    action = builders.action(res, owner="TSB", collaborators=("BDT",))
    ReportingObligation.objects.create(action=action, recipient=ReportingRecipient.COUNCIL)
    builders.clause(res, verb=ClauseVerb.CONSIDERING, part=PartKind.PREAMBLE)
    council = builders.meeting(datetime.date(2026, 6, 16))
    return {
        "/api/actions/": action,
        "/api/progress-reports/": builders.report(action, author=tsb_staff),
        "/api/progress-reports/ under review": builders.report(
            action, author=tsb_staff, state=ReportState.SUBMITTED
        ),
        "/api/meetings/": council,
        "/api/assessments/": builders.assessment(res, council, by=tsb_staff),
        "/api/resolutions/": res,
        "/api/clauses/": action.clause,
        "/api/assemblies/": res.assembly,
        "/api/bodies/": action.owner,
    }


def _target(operation, known):
    """The real object a detail path is tried on: a draft to edit, a submitted one to review."""
    prefix = operation.path.split("{id}")[0]
    if operation.path.endswith(("/approve/", "/return/")):
        prefix += " under review"
    return known[prefix]


def _strategies(operation, known):
    yield operation.as_strategy()
    yield operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    if "{id}" in operation.path:
        yield operation.as_strategy(path_parameters={"id": _target(operation, known).pk})
    if (operation.method.upper(), operation.path) == ("POST", "/api/progress-reports/"):
        yield operation.as_strategy().map(lambda case: _on_action(case, known["/api/actions/"]))


def _on_action(case, action):
    if isinstance(case.body, dict):
        case.body = {**case.body, "action": action.pk}
    return case


def test_generated_requests_never_get_a_server_error(wsgi_app, known):
    fuzzer = builders.user("fuzzer", bureau="TSB", role=Role.ADMINISTRATOR)
    auth = {"Authorization": f"Token {AuthToken.objects.create(user=fuzzer)[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)

    for result in schema.get_all_operations():
        operation = result.ok()
        for strategy in _strategies(operation, known):

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case):
                if "{id}" in case.path and case.method.upper() in {"PUT", "PATCH", "POST"}:
                    target = _target(case.operation, known)
                    if (case.path_parameters or {}).get("id") == target.pk:
                        # Past the precondition too: the body is what is being tried.
                        current = type(target).objects.get(pk=target.pk)
                        case.headers = {**(case.headers or {}), "If-Match": etag(current)}
                response = case.call(headers=auth)
                case.validate_response(response, checks=[not_a_server_error])

            call()
