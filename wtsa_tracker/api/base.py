"""The base of every API view set; authentication, errors and pages are settings.

``settings.REST_FRAMEWORK`` names the defaults every view uses: token then
session authentication (token first, so that a request without credentials
gets 401 with ``WWW-Authenticate: Token``; DRF answers 401 only when its first
authentication class names a scheme), signed-in users only, the django-filter
backend, ``PageOrCursorPagination`` and ``api_exception_handler``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.viewsets import GenericViewSet


class TrackerViewSet(GenericViewSet):
    """Base of every API view set.

    Filtering is the django-filter filterset alone: DRF's own OrderingFilter
    would read the same ``ordering`` parameter with other rules.
    """

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if queryset.query.order_by:
            # A client-chosen ordering (status, target date…) has ties; break
            # them by id so that page numbers cut the list the same way each time.
            queryset = queryset.order_by(*queryset.query.order_by, "pk")
        return queryset
