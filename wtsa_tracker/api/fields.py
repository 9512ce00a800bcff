"""Serializer fields every app's API shares: ETags, choice labels, strict ids."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .concurrency import etag


@extend_schema_field({"type": "string", "readOnly": True, "example": 'W/"action-12-v3"'})
class EtagField(serializers.Field):
    """The object's ETag, as sent in the ``ETag`` header, for clients that read lists."""

    def __init__(self, **kwargs: Any):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        kwargs.setdefault("help_text", _("Send it back in If-Match to change this object."))
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return etag(value)


def enum_schema(choices: type[TextChoices]) -> dict[str, Any]:
    """An OpenAPI enum of a choice set, each value described by its label."""
    return {
        "type": "string",
        "enum": list(choices.values),
        "description": "\n".join(f"* `{c.value}`: {c.label}" for c in choices),
    }


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The translated label of a stored choice, e.g. "In progress".

    Read from the choices enum: ``get_FOO_display()`` rebuilds a lookup of
    all choices on every call, which shows on a page of fifty rows.
    """

    def __init__(self, choices: type[TextChoices], **kwargs: Any):
        self.choices_class = choices
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> str:
        try:
            return str(self.choices_class(value).label)
        except ValueError:
            return value


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An object by its id, which must be a whole number: 25.5 or "25.5" is an error, not 25.

    DRF hands the value to the database as given, and the column's cast
    would quietly drop the fraction; ``true`` would be 1. Only the ASCII
    digits make an id: "²" or "٣" are digits to Python, not ids.
    """

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        # DRF fills these in with str.format.
        "incorrect_type": _("Incorrect type. Expected an id (a whole number), got {data_type}."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.isascii() and data.isdecimal())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if int(data) > 2**63 - 1:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(data))
