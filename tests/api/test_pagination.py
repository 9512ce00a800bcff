"""Page numbers with any ordering, or a cursor in a fixed order."""

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
    actions = [builders.action(owner="TSB") for _ in range(7)]
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
