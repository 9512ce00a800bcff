"""The action list writes its rows from values (issue 13): they must be the serializer's rows.

``ActionSerializer`` describes a listed action (the OpenAPI schema, the
detail view); ``actions.api.listing`` writes the same dict from plain values
for speed. Here every field of every row must agree, for data that takes each
branch: owners of each kind or none, collaborators, the action's own and its
resolution's reporting duties, an approved report (and a later draft that must
not count), a focal point with and without a name, an overdue date, an action
carried on by another, and readers who may and may not change the status.
"""

from __future__ import annotations

import datetime

import orjson
import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from actions.api.listing import action_list_rows, action_list_values
from actions.api.serializers import ActionSerializer
from actions.choices import ActionStatus, ReportState, Role
from actions.models import Action, ReportingObligation, ResolutionReportingDuty
from tests import builders as b


@pytest.fixture
def varied_actions(db):
    res = b.resolution(73)
    later = b.resolution(73, assembly_code="WTSA-24")
    ResolutionReportingDuty.objects.create(resolution=res, recipient="council_annual")
    named = b.user("amina", bureau="TSB", first_name="Amina", last_name="Diallo")
    plain = b.user("noname", bureau="BDT")
    first = b.action(
        res, collaborators=("BDT", "BR"), focal_point=named, target_date=datetime.date(2020, 1, 1)
    )
    ReportingObligation.objects.create(action=first, recipient="wtsa")
    ReportingObligation.objects.create(action=first, recipient="council_annual")
    b.report(first, author=named, state=ReportState.APPROVED, text="Approved, with a \u2028.")
    b.report(first, author=named, state=ReportState.DRAFT, period_end=datetime.date(2026, 1, 1))
    b.action(res, owner="T-SG17", status=ActionStatus.IN_PROGRESS, focal_point=plain)
    b.action(res, owner="BDT", status=ActionStatus.COMPLETED)
    nobody = b.action(res)
    Action.objects.filter(pk=nobody.pk).update(
        owner=None, changed_at=datetime.datetime.now(datetime.UTC)
    )
    b.action(later, continues=first, collaborators=("TSB",))
    return Action.objects.order_by("pk")


def _serializer_rows(user, actions) -> list:
    request = Request(RequestFactory().get("/api/actions/"))
    request.user = user
    queryset = (
        Action.objects.for_list().with_latest_approved_report().select_related("continued_by")
    )
    ordered = [queryset.get(pk=action.pk) for action in actions]
    return orjson.loads(
        orjson.dumps(ActionSerializer(ordered, many=True, context={"request": request}).data)
    )


@pytest.mark.parametrize(
    "who",
    [
        ("TSB", Role.BUREAU_STAFF),
        ("BDT", Role.COORDINATOR),
        (None, Role.READER),
        (None, Role.ADMINISTRATOR),
    ],
)
def test_rows_written_from_values_are_the_serializers_rows(varied_actions, who):
    bureau, role = who
    user = b.user(bureau=bureau, role=role)
    rows = action_list_rows(action_list_values(varied_actions), user=user)
    assert orjson.loads(orjson.dumps(rows)) == _serializer_rows(user, varied_actions)
    # The same keys in the same order, so the JSON reads the same too.
    assert all(list(row) == ActionSerializer.Meta.fields for row in rows)
    # Each branch was taken: a test that compared empty lists would prove nothing.
    assert {row["owner"] for row in rows} == {"TSB", "T-SG17", "BDT", None}
    assert any(row["latest_approved_report"] for row in rows)
    assert any(row["continued_by"] for row in rows)
    assert any(row["resolution_reporting_duties"] for row in rows)
