"""Pages of long lists, for the web pages and the API alike."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator):
    """Pages read as "the page's ids, then their rows", in one query.

    With ``ORDER BY … LIMIT … OFFSET``, the database builds every row it sorts
    or skips, its joined columns and subqueries (an action's latest approved
    report) included, before keeping a page of them: the first page cost as
    much as sorting the whole list, and a deep page more. Sorting ids alone is
    cheap; the page's rows are then read for those ids only, in the list's
    order.

    ``ids_first``: read the page's ids in a query of their own, then the rows
    for those ids. One query more, for a list joining more tables than
    PostgreSQL reorders (``join_collapse_limit``, 8): with the ids as a
    subquery it joined every row of the list before keeping the page's
    (0.5 s for the progress reports at scale M).
    """

    def __init__(self, *args, ids_first: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ids_first = ids_first

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if not isinstance(rows, QuerySet) or _ids_only(rows):
            return self._get_page(rows[bottom:top], number, self)
        ids = rows.values("pk")[bottom:top]
        if self.ids_first:
            ids = [row["pk"] for row in ids]
        return self._get_page(list(rows.filter(pk__in=ids)), number, self)


def _ids_only(rows: QuerySet) -> bool:
    """A list of ids alone (``values("pk")``) has no rows to defer: its page is read as it is."""
    query = rows.query
    pk = rows.model._meta.pk.attname
    return query.values_select in {("pk",), (pk,)} and not query.annotation_select
