"""Optimistic concurrency over HTTP: ETags out, If-Match in.

Every writable object carries a tag of the form ``W/"action-12-v3"``: the
kind of object, its id and its stored ``version`` (the same counter the
services compare-and-set). The tag is weak because the body behind it varies
with the reader (``allowed_next_statuses``, translated labels) while the
stored data it names does not. Naming the kind and id means a tag copied
from another object never matches.

A write must send ``If-Match`` with the tag from the client's last read:

- no ``If-Match`` (or ``If-Match: *``, which protects nothing) → 428;
- a tag that is not the current one → 412, with the current tag in ``ETag``.

Tags are compared without their ``W/`` prefix: proxies that compress a body
(nginx does) turn a strong tag into a weak one, and the tag names a version
of the stored data, not a sequence of bytes.

Governing-body meetings have no ``version`` column; their tag carries a
digest of the stored fields instead, and their writes lock the row between
the comparison and the save.
"""

from __future__ import annotations

import hashlib

from django.db.models import Model
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _(
        "Send If-Match with the ETag of your last read of this object, "
        "so that a change made meanwhile by someone else is not overwritten."
    )


ANY_VERSION_REFUSED = _(
    "If-Match: * accepts any version, so a change made meanwhile by someone else would be "
    "overwritten: send the ETag of your last read of this object instead."
)


class PreconditionFailed(APIException):
    """The client's If-Match names a version that is no longer current."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"

    def __init__(self, current: Model, detail: str | None = None):
        self.current = current
        self.etag = etag(current)
        super().__init__(
            detail
            or _(
                "If-Match does not name the current version of %(object)s, which is now "
                "%(etag)s: someone changed it since you read it. Nothing was saved; read it "
                "again and reapply your change."
            )
            % {"object": current, "etag": self.etag}
        )


def _stamp(obj: Model) -> str:
    version = getattr(obj, "version", None)
    if version is not None:
        return f"v{version}"
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    data = "\x1f".join(f.value_to_string(obj) for f in fields)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def etag(obj: Model) -> str:
    """The weak entity tag for the stored state of ``obj``, e.g. ``W/"action-12-v3"``."""
    return f'W/"{obj._meta.model_name}-{obj.pk}-{_stamp(obj)}"'


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def check_if_match(request: Request, obj: Model) -> int | None:
    """Refuse the write unless ``If-Match`` names the current state of ``obj``.

    Returns the version the client saw, for the service's compare-and-set, so
    that a write landing between this check and the service's update is
    refused too (the service raises StaleVersion, answered with 412).
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        # "Any version" would overwrite whatever someone else saved meanwhile.
        raise PreconditionRequired(ANY_VERSION_REFUSED)
    sent = {_opaque(tag) for tag in parse_etags(header)}
    if _opaque(etag(obj)) not in sent:
        raise PreconditionFailed(obj)
    return getattr(obj, "version", None)
