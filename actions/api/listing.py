"""A page of the action list, read as values and written as ``ActionSerializer`` writes it.

Through the serializer, a page of fifty actions built fifty model instances
with five related objects each, then ran some 1,500 field methods: several
times the SQL it needed (issue 13). The list reads plain values instead, in
one query for the page and one for each many-valued field, and turns each
row into the dict the serializer would give. ``ActionSerializer`` stays the
description of the row (the OpenAPI schema, the detail view);
``tests/api/test_action_list_rows.py`` holds the two to the same output,
field for field.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from rest_framework import serializers

from actions import permissions, selectors
from actions.choices import (
    ALLOWED_TRANSITIONS,
    STAFF_BODY_KINDS,
    ActionStatus,
    ReportingRecipient,
    Strength,
    choice_label,
)
from actions.display import person_from_columns
from actions.models import (
    Action,
    User,
    action_is_overdue,
)

# The page's columns, each joined once: no model instance is built.
COLUMNS = (
    "id",
    "number",
    "strength",
    "status",
    "target_date",
    "needs_review",
    "review_reason",
    "continues_id",
    "version",
    "updated_at",
    "changed_at",
    "resolution_id",
    "resolution__number",
    "resolution__title",
    "resolution__assembly__code",
    "clause_id",
    "clause__key",
    "clause__label",
    "clause__verb",
    "clause__addressee",
    "clause__text",
    "owner_id",
    "owner__code",
    "owner__kind",
    "owner__supporting_bureau_id",
    "focal_point__username",
    "focal_point__first_name",
    "focal_point__last_name",
    "latest_report_date",
    "latest_report_period_start",
    "latest_report_period_end",
    "latest_report_text",
    "successor_id",
)

# DRF's own field, so that a time reads exactly as in the detail view
# (ISO 8601 in the current time zone).
_DATETIME = serializers.DateTimeField()


def action_list_values(actions: QuerySet[Action]) -> QuerySet:
    """``actions`` (filtered and ordered) as the values a list row needs."""
    successor = Action.objects.filter(continues=OuterRef("pk")).values("pk")[:1]
    return (
        actions.with_latest_approved_report()
        .annotate(successor_id=Subquery(successor))
        .values(*COLUMNS)
    )


@functools.cache
def _every_action_values() -> QuerySet:
    return action_list_values(Action.objects.all())


def action_page_values(ids: list[int]) -> QuerySet:
    """The values of the actions ``ids``, for ``action_list_rows``.

    The query (four subqueries for the latest report, one for the successor,
    33 columns over five joins) is built once per process and only filtered
    by id here: building it cost as much as running it for a page of fifty.
    """
    return _every_action_values().filter(pk__in=ids)


def action_list_rows(page: Iterable[dict], *, user: User) -> list[dict[str, Any]]:
    """The serializer's dict for each row of ``page``, in order.

    Three more queries, whatever the page size: collaborators, the actions'
    own reporting duties, and those written for their whole resolutions.
    """
    page = list(page)
    lists = selectors.page_action_lists(page)
    today = timezone.localdate()
    may_change = _memoized(
        lambda bureau_id: permissions.can_change_status_owned_by(user, bureau_id)
    )
    return [
        _row(
            row,
            may_change=may_change,
            today=today,
            collaborators=lists.collaborators[row["id"]],
            obligations=lists.obligations[row["id"]],
            duties=lists.resolution_duties[row["resolution_id"]],
        )
        for row in page
    ]


def _recipients(values: list[str]) -> list[dict[str, str]]:
    return [
        {"recipient": value, "label": choice_label(ReportingRecipient, value)} for value in values
    ]


def _owning_bureau_id(row: dict) -> int | None:
    """``Action.owning_bureau_id`` from the row's owner columns."""
    if row["owner_id"] is None:
        return None
    if row["owner__kind"] in STAFF_BODY_KINDS:
        return row["owner_id"]
    return row["owner__supporting_bureau_id"]


def _memoized(rule: Callable[[int | None], bool]) -> Callable[[int | None], bool]:
    """The permission rule, asked once per owning Bureau of the page, not once per row."""
    answers: dict[int | None, bool] = {}

    def ask(bureau_id: int | None) -> bool:
        if bureau_id not in answers:
            answers[bureau_id] = rule(bureau_id)
        return answers[bureau_id]

    return ask


def _allowed_next(may_change: Callable[[int | None], bool], row: dict) -> list[str]:
    if not may_change(_owning_bureau_id(row)):
        return []
    allowed = ALLOWED_TRANSITIONS[ActionStatus(row["status"])]
    return [status.value for status in ActionStatus if status in allowed]


def _person(row: dict) -> str | None:
    """The focal point's name as the serializer gives it: None for nobody."""
    return (
        person_from_columns(
            row["focal_point__first_name"],
            row["focal_point__last_name"],
            row["focal_point__username"],
        )
        or None
    )


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _latest_report(row: dict) -> dict | None:
    if row["latest_report_date"] is None:
        return None
    return {
        "report_date": row["latest_report_date"].isoformat(),
        "period_start": _date(row["latest_report_period_start"]),
        "period_end": _date(row["latest_report_period_end"]),
        "text": row["latest_report_text"],
    }


def _row(
    row: dict,
    *,
    may_change: Callable[[int | None], bool],
    today: datetime.date,
    collaborators: list[str],
    obligations: list[str],
    duties: list[str],
) -> dict[str, Any]:
    status, target = row["status"], row["target_date"]
    return {
        "id": row["id"],
        "resolution": {
            "id": row["resolution_id"],
            "number": row["resolution__number"],
            "assembly": row["resolution__assembly__code"],
            "title": row["resolution__title"],
        },
        "number": row["number"],
        "clause": {
            "id": row["clause_id"],
            "key": row["clause__key"],
            "label": row["clause__label"],
            "verb": row["clause__verb"],
            "addressee": row["clause__addressee"],
            "text": row["clause__text"],
        },
        "strength": row["strength"],
        "strength_label": choice_label(Strength, row["strength"]),
        "owner": row["owner__code"],
        "collaborators": collaborators,
        "status": status,
        "status_label": choice_label(ActionStatus, status),
        "allowed_next_statuses": _allowed_next(may_change, row),
        "reporting_obligations": _recipients(obligations),
        "resolution_reporting_duties": _recipients(duties),
        "focal_point": row["focal_point__username"],
        "focal_point_name": _person(row),
        "target_date": _date(target),
        "is_overdue": action_is_overdue(status, target, today),
        "latest_approved_report": _latest_report(row),
        "needs_review": row["needs_review"],
        "review_reason": row["review_reason"],
        "continues": row["continues_id"],
        "continued_by": row["successor_id"],
        "version": row["version"],
        "etag": f'W/"action-{row["id"]}-v{row["version"]}"',
        "updated_at": _DATETIME.to_representation(row["updated_at"]),
        "changed_at": _DATETIME.to_representation(row["changed_at"]),
    }
