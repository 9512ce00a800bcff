"""What every API view of the tracker shares: authentication, errors, filters, pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import APIRootView
from rest_framework.viewsets import GenericViewSet

from .exceptions import api_exception_handler
from .pagination import PageOrCursorPagination


class TrackerAPI:
    """Authentication and errors, for every API view.

    Token authentication comes first so that a request without credentials
    gets 401 with ``WWW-Authenticate: Token`` (DRF answers 401 only when its
    first authentication class names a scheme); a signed-in browser still
    gets in through the session, with CSRF checked on writes.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self) -> Callable[..., Any]:
        return api_exception_handler


class ApiRootView(TrackerAPI, APIRootView):
    """The browsable index of /api/."""


class TrackerViewSet(TrackerAPI, GenericViewSet):
    """Base of every API view set.

    Filtering is the django-filter filterset alone: DRF's own OrderingFilter
    would read the same ``ordering`` parameter with other rules.
    """

    filter_backends = [DjangoFilterBackend]
    pagination_class = PageOrCursorPagination

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if queryset.query.order_by:
            # A client-chosen ordering (status, target date…) has ties; break
            # them by id so that page numbers cut the list the same way each time.
            queryset = queryset.order_by(*queryset.query.order_by, "pk")
        return queryset
