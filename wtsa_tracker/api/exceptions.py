"""One shape for every error the API returns, and the domain exceptions mapped to it.

Every error body has ``detail`` (a sentence for a person) and ``code`` (for a
program); a 400 caused by the input adds ``errors``, field name → messages,
with ``non_field_errors`` for errors about the request as a whole::

    {"detail": "Invalid input.", "code": "invalid",
     "errors": {"period_end": ["The reporting period cannot end before it starts."]}}

Mapping of what Django and the services raise:

- ``Http404`` → 404, naming what was not found ("No progress report 12, or it is
  not shown to you.") where Django's sentence names a class;
- django ``ValidationError`` → 400 with field errors;
- ``TransitionRefused`` → 400, ``code: transition_refused``, the reason in ``detail``;
- django ``PermissionDenied`` → 403 with the service's reason;
- ``StaleVersion`` (another write won the compare-and-set) → 412 with the current ETag;
- ``RequestDataTooBig`` (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``) → 413;
- ``TooManyFieldsSent`` (more parameters than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``) → 400.

An address under ``/api/`` that no view answers gets the same shape
(``api_page_not_found``, ``api_bad_request``), not the site's HTML page.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from wtsa_tracker.errors import StaleVersion, TransitionRefused

from .concurrency import PreconditionFailed


class TooLarge(exceptions.APIException):
    """A body larger than the server reads (``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = _("The request body is too large.")


class TooManyParameters(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_parameters"
    default_detail = _("The request has too many parameters.")


class Refused(exceptions.APIException):
    """A status or state change the rules do not allow from where the object stands."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "transition_refused"


# Django's sentence for an object it did not find: "No ProgressReport matches the
# given query." (a class name, not words), replaced by one that names the object.
_DJANGO_NOT_FOUND = re.compile(r"^No \w+ matches the given query\.$")


def _not_found(exc: Http404, view: Any) -> exceptions.NotFound:
    """A 404 that says what was not found: "No progress report 12, or it is not shown
    to you." (a person may not tell a missing object from one they may not read)."""
    message = str(exc)
    queryset = getattr(view, "queryset", None)
    if _DJANGO_NOT_FOUND.match(message) and queryset is not None:
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        message = _("No %(object)s %(id)s, or it is not shown to you.") % {
            "object": queryset.model._meta.verbose_name,
            "id": str(getattr(view, "kwargs", {}).get(lookup, ""))[:20],
        }
    return exceptions.NotFound(message or None)


def _translate(exc: Exception, view: Any = None) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return TooManyParameters()
    if isinstance(exc, Http404):
        return _not_found(exc, view)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, TransitionRefused):
        return Refused(str(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, StaleVersion):
        return PreconditionFailed(exc.current, str(exc))
    return exc


def _first_message(errors: dict[str, Any]) -> str | None:
    messages = errors.get("non_field_errors")
    if isinstance(messages, list) and messages and isinstance(messages[0], str):
        return str(messages[0])
    return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, fed the domain exceptions and reshaped into one error body."""
    exc = _translate(exc, context.get("view"))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _first_message(errors) or str(_("Invalid input.")),
            "code": "invalid",
            "errors": errors,
        }
    else:
        response.data = {"detail": str(exc.detail), "code": getattr(exc.detail, "code", "error")}
    if isinstance(exc, PreconditionFailed):
        response["ETag"] = exc.etag
        response.data["current_version"] = getattr(exc.current, "version", None)
    return response


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text=_("Field name → messages, for a 400 caused by the input.")
    )
    current_version = serializers.IntegerField(required=False, allow_null=True)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def api_page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: JSON under ``/api/``, the site's page elsewhere."""
    if _is_api(request):
        body = {"detail": str(_("No API endpoint at this address.")), "code": "not_found"}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


# Not Django's ``defaults.bad_request`` and ``server_error``: their
# ``requires_csrf_token`` reads a POST's form data, and a body Django refused to
# read (form data declared in a charset other than UTF-8) was refused again
# inside the handler, a server error for a request anyone can send.


def api_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: JSON under ``/api/``, the site's page elsewhere."""
    if _is_api(request):
        body = {"detail": str(_("The request could not be read.")), "code": "bad_request"}
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))


def api_server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: JSON under ``/api/``, a page of its own elsewhere (no database,
    no session: whatever failed may be what they need)."""
    if _is_api(request):
        body = {"detail": str(_("A server error occurred.")), "code": "server_error"}
        return JsonResponse(body, status=500)
    return HttpResponseServerError(loader.render_to_string("500.html"))
