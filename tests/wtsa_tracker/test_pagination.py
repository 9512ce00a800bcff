from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from tests import builders
from wtsa_tracker.pagination import DeferredJoinPaginator


def _page_and_its_query(actions, number: int):
    with CaptureQueriesContext(connection) as queries:
        page = list(DeferredJoinPaginator(actions, 2).page(number))
    # The page's own query: the one that skips (a prefetch reads by the page's ids).
    (query,) = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
    return page, query


def test_a_page_of_rows_sorts_and_skips_ids_then_reads_its_own_rows(db):
    res = builders.resolution(73)
    for _ in range(5):
        builders.action(res)
    in_order = list(Action.objects.for_list())

    page, query = _page_and_its_query(Action.objects.for_list(), 2)

    assert page == in_order[2:4]
    # The offset is taken inside the subquery of ids; the rows are read for those alone.
    outer, inner = query.split(" IN (SELECT ", 1)
    assert "OFFSET" in inner.upper()
    assert "OFFSET" not in outer.upper()


def test_a_page_of_ids_alone_is_read_as_it_is(db):
    res = builders.resolution(73)
    for _ in range(5):
        builders.action(res)
    in_order = list(Action.objects.values_list("pk", flat=True))

    page, query = _page_and_its_query(Action.objects.values("pk"), 3)

    assert [row["pk"] for row in page] == in_order[4:]
    assert " IN (SELECT " not in query
    assert query.startswith('SELECT "actions_action"."id" AS "pk" FROM "actions_action"')
