"""The ``Idempotency-Key`` header on POST: a retry gets the first answer, not a second object.

A client that sends ``Idempotency-Key: <any unique string>`` with a POST may
send it again (a lost response, a timeout) for a day: the same key with the
same body answers what the first request answered, with the same status and
``Idempotent-Replayed: true``; the same key with another body is a 422.
Keys are per user. Only successful answers are kept: a refused request may
be corrected and sent again under its key.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from actions.services.idempotency import Claim, idempotency_answer, idempotency_claim

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Headers of the first answer a replay repeats.
KEPT_HEADERS = ("Location", "ETag")

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=str(
        _(
            "Any unique string of at most 255 printable characters. Sent again with the "
            "same body within a day, the request is not repeated: the first answer comes "
            "back. The same key with another body: 422."
        )
    ),
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different request. "
        "Use a new key for a new request."
    )


class KeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"
    default_detail = _("A request with this Idempotency-Key is still being processed.")


class _Replay(Exception):
    """Carries the stored answer out of ``initial`` to ``handle_exception``."""

    def __init__(self, response: Response):
        self.response = response


def _digest(request: Request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {name: values for name, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _valid_key(key: str) -> str:
    if len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.strip():
        raise exceptions.ValidationError(
            {
                HEADER: [
                    _("An Idempotency-Key is 1 to %(max)d printable characters.")
                    % {"max": MAX_KEY_LENGTH}
                ]
            }
        )
    return key


class IdempotentPostMixin:
    """Honours ``Idempotency-Key`` on every POST of a view set."""

    _idempotency: Claim | None = None

    def _wants_idempotency(self, request) -> bool:
        return request.method == "POST" and HEADER.lower() in {h.lower() for h in request.headers}

    def dispatch(self, request, *args, **kwargs):
        if not self._wants_idempotency(request):
            return super().dispatch(request, *args, **kwargs)
        # The claim, the work and the kept answer commit together, or not at all.
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # who is asking, and may they
        if not self._wants_idempotency(request):
            return
        key = _valid_key(request.headers[HEADER])
        claim = idempotency_claim(user=request.user, key=key, request_hash=_digest(request))
        if claim.ours:
            self._idempotency = claim
            return
        row = claim.row
        if row.request_hash != _digest(request):
            raise KeyReused()
        if row.status_code is None:
            raise KeyInUse()
        headers = {name: value for name, value in row.headers.items()}
        headers["Idempotent-Replayed"] = "true"
        raise _Replay(Response(row.response, status=row.status_code, headers=headers))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency = self._idempotency, None
        if claim is not None:
            if status.is_success(response.status_code):
                idempotency_answer(
                    claim=claim,
                    status_code=response.status_code,
                    response=response.data,
                    headers={h: response[h] for h in KEPT_HEADERS if h in response},
                )
            else:
                # A refusal keeps no claim: the client may correct and resend.
                transaction.set_rollback(True)
        return response
