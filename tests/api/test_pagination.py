"""Page numbers with any ordering, or a cursor in a fixed order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.choices import ActionStatus
from actions.models import Action
from tests import builders
from tests.api.support import client_for


def _walk(client, url, params):
    seen, response = [], client.get(url, params)
    while True:
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            return seen, body
        response = client.get(body["next"])


def test_pages_cut_an_ordering_with_ties_without_repeating_a_row(reader):
    res = builders.resolution(73)
    for i in range(7):
        builders.action(res, status=[ActionStatus.ONGOING, ActionStatus.IN_PROGRESS][i % 2])

    seen, last = _walk(client_for(reader), "/api/actions/", {"ordering": "status", "page_size": 2})

    assert sorted(seen) == sorted(Action.objects.values_list("pk", flat=True))
    assert last["count"] == 7


def test_ordering_by_resolution_sorts_by_number_then_item(reader):
    later, earlier = builders.resolution(73), builders.resolution(44)
    expected = [builders.action(res).pk for res in (later, earlier, later, earlier)]
    expected = [expected[1], expected[3], expected[0], expected[2]]

    response = client_for(reader).get("/api/actions/", {"ordering": "resolution"})
    descending = client_for(reader).get("/api/actions/", {"ordering": "-resolution"})

    assert [row["id"] for row in response.json()["results"]] == expected
    assert [row["id"] for row in descending.json()["results"]] == expected[::-1]


def test_a_cursor_walks_every_row_once_in_id_order_even_while_rows_change(tsb_staff):
    # Ids out of the lists' order (73 is made before 44): the cursor goes by id.
    later, earlier = builders.resolution(73), builders.resolution(44)
    actions = [builders.action((later, earlier)[i % 2], owner="TSB") for i in range(7)]
    client = client_for(tsb_staff)

    first = client.get("/api/actions/", {"cursor": "", "page_size": 3}).json()
    # Someone edits a row already seen: it must not come round again.
    Action.objects.filter(pk=actions[0].pk).update(status=ActionStatus.ONGOING)
    rest, last = _walk(client, first["next"], {})

    assert "count" not in first
    assert [row["id"] for row in first["results"]] + rest == [a.pk for a in actions]
    assert last["previous"]


def test_a_page_size_above_the_limit_is_capped(reader):
    res = builders.resolution(73)
    for _ in range(3):
        builders.action(res)

    response = client_for(reader).get("/api/actions/", {"page_size": 100000})

    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize("mode", [{}, {"cursor": ""}])
@pytest.mark.parametrize("size", ["abc", "0", "000", "-5", "2.5", "٣", " 5"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_refused(reader, size, mode):
    builders.action(builders.resolution(73))

    response = client_for(reader).get("/api/actions/", {"page_size": size, **mode})

    assert response.status_code == 400
    assert response.json()["errors"]["page_size"] == [
        "A whole number of rows from 1 (at most 200 are sent)."
    ]


@pytest.mark.parametrize(
    ("size", "rows"), [("", 3), ("002", 2), ("9" * 5000, 3), ("0" * 5000 + "1", 1)]
)
def test_a_page_size_left_empty_is_the_default_and_any_long_number_is_read(reader, size, rows):
    for _ in range(3):
        builders.action(builders.resolution())

    response = client_for(reader).get("/api/actions/", {"page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_a_deep_page_reads_ids_then_rows_and_keeps_the_lists_order(reader):
    later, earlier = builders.resolution(73), builders.resolution(44)
    for res in (later, earlier, later, earlier, later, earlier, later):
        builders.action(res, owner="BDT", collaborators=("TSB",))
    expected = list(
        Action.objects.order_by("resolution__number", "number").values_list("pk", flat=True)
    )
    client = client_for(reader)
    params = {"ordering": "resolution", "page_size": 3}

    seen, last = _walk(client, "/api/actions/", params)
    with CaptureQueriesContext(connection) as second:
        page_two = client.get("/api/actions/", {**params, "page": 2}).json()["results"]
    with CaptureQueriesContext(connection) as third:
        page_three = client.get("/api/actions/", {**params, "page": 3}).json()["results"]

    assert seen == expected
    assert [row["collaborators"] for row in page_two] == [["TSB"]] * 3
    assert [row["id"] for row in page_three] == expected[6:]
    # Deep pages: the same queries whatever the page.
    assert len(second) == len(third)
    offsets = [q["sql"] for q in second.captured_queries if "OFFSET" in q["sql"].upper()]
    assert len(offsets) == 1
    # The offset skips ids only: no joined column or subquery for the skipped rows,
    # and the page's columns are read for its own ids. A page of ids is read as
    # it is, not through a subquery of itself.
    assert offsets[0].startswith('SELECT "actions_action"."id" AS "id" FROM')
    assert " IN (SELECT " not in offsets[0]
    assert "progressreport" not in offsets[0]
