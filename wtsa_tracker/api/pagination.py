"""How lists are cut into pages.

Two modes, chosen by the client:

- **Page numbers** (the default): ``?page=2&page_size=100``. The response has
  a ``count``, and honours every ``ordering`` the filterset offers (ties are
  broken by id, so a row never shows on two pages). Right for screens and
  for lists of a few thousand rows, which is what the tracker holds.
- **Cursor**: send ``?cursor=`` (empty for the first page) and follow
  ``next``. Rows come in a fixed order, by id, so a client that walks a
  large list while others edit it never sees a row twice or misses one, and
  deep pages cost no more than the first. DRF's CursorPagination needs an
  ordering on a unique, unchanging, non-null column; the filterset's
  orderings (status, target date…) are none of these, so ``cursor`` together
  with ``ordering`` is refused with 400 rather than one of them being
  silently ignored.

A malformed page, page size or cursor is a 4xx, never a 500; a page size
that is not a whole number from 1 is a 400, never quietly the default.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from wtsa_tracker.pagination import DeferredJoinPaginator

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class _PageSize:
    """``page_size``: a whole number from 1, at most ``MAX_PAGE_SIZE`` (a larger one is
    cut to it, as documented; an empty one is the default). DRF's own reading
    falls back to the default for "abc", 0 or -5; here such a value is a 400
    that says so."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        asked = request.query_params.get(self.page_size_query_param, "")
        if not asked:
            return self.page_size  # not asked, or left empty in a form
        digits = asked.lstrip("0")
        if not asked.isascii() or not asked.isdigit() or not digits:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number of rows from 1 (at most %(max)d are sent).")
                        % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        # More digits than the most has: the most (Python reads no 4,300 digits).
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)


class _Pages(_PageSize, pagination.PageNumberPagination):
    django_paginator_class = DeferredJoinPaginator


class _Cursor(_PageSize, pagination.CursorPagination):
    ordering = ("id",)
    cursor_query_description = _(
        "Walk the list by cursor: empty for the first page, then the cursor in `next`. "
        "Rows come in a fixed order (by id); cannot be combined with `ordering`."
    )

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        cursor = super().decode_cursor(request)
        # DRF filters on the decoded position as given; a position that is
        # not an id would reach the database and fail there.
        if cursor is not None and cursor.position is not None:
            try:
                int(cursor.position)
            except ValueError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


class RowPagination(_Pages):
    """Page numbers over rows worked out in memory, such as counts: they have no id to walk."""

    def paginate_queryset(self, queryset, request: Request, view: Any = None) -> list | None:
        if "cursor" in request.query_params:
            # Read as the first page, a client's next cursor would loop on it for ever.
            raise ValidationError(
                {"cursor": [_("These rows page by number only: leave out `cursor`, use `page`.")]}
            )
        return super().paginate_queryset(queryset, request, view)


class PageOrCursorPagination(pagination.BasePagination):
    """Page numbers by default, a cursor when the client asks for one (see the module)."""

    cursor_query_param = "cursor"

    def __init__(self) -> None:
        self.pages = _Pages()
        self.cursor = _Cursor()
        self.active: pagination.BasePagination = self.pages

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list | None:
        if self.cursor_query_param in request.query_params:
            if request.query_params.get("ordering"):
                raise ValidationError(
                    {"ordering": [_("A cursor walks the list by id; leave out `ordering`.")]}
                )
            self.active = self.cursor
        return self.active.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: list) -> Response:
        return self.active.get_paginated_response(data)

    @property
    def display_page_controls(self) -> bool:
        return getattr(self.active, "display_page_controls", False)

    def to_html(self) -> str:
        return self.active.to_html()

    def get_results(self, data: dict) -> list:
        return data["results"]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = self.pages.get_paginated_response_schema(schema)
        response["required"] = ["results"]
        response["properties"]["count"]["description"] = "Present with page numbers only."
        return response

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = self.pages.get_schema_operation_parameters(view)
        names = {p["name"] for p in parameters}
        parameters += [
            p for p in self.cursor.get_schema_operation_parameters(view) if p["name"] not in names
        ]
        for parameter in parameters:
            if parameter["name"] == self.pages.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters
