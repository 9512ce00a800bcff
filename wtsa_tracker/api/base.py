"""The base of every API view set; authentication, errors and pages are settings.

``settings.REST_FRAMEWORK`` names the defaults every view uses: token then
session authentication (token first, so that a request without credentials
gets 401 with ``WWW-Authenticate: Token``; DRF answers 401 only when its first
authentication class names a scheme), signed-in users only, the django-filter
backend, ``PageOrCursorPagination`` and ``api_exception_handler``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils import html
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


FORM_CANNOT_CARRY_OBJECTS = _(
    "A form cannot carry this field's objects: send the request as JSON "
    "(Content-Type: application/json)."
)


class StrictInputSerializer(serializers.Serializer):
    """The body of a write, refusing keys it does not take instead of ignoring them.

    A client that sends ``{"status": "completed"}`` to an action's PATCH must
    learn that nothing changed, not get a 200. ``unknown_field_hint`` may say
    where such a change is made instead.
    """

    unknown_field_hint = ""
    # Sent by the browsable API's HTML forms alongside the fields.
    ALWAYS_ACCEPTED = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.ALWAYS_ACCEPTED)
            if unknown:
                message = str(_("This field cannot be set here."))
                if self.unknown_field_hint:
                    message = f"{message} {self.unknown_field_hint}"
                raise serializers.ValidationError({name: [message] for name in unknown})
        if html.is_html_input(data):
            # A form's fields are strings: DRF would read nothing from one that should
            # hold objects (evidence links) and save the rest, silently without them.
            nested = [
                name
                for name, field in self.fields.items()
                if name in data and isinstance(field, serializers.BaseSerializer)
            ]
            if nested:
                message = str(FORM_CANNOT_CARRY_OBJECTS)
                raise serializers.ValidationError({name: [message] for name in nested})
        return super().to_internal_value(data)
