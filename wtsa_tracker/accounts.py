"""Signing in: django-axes's lockout (its count and its answer) and a rate-limited
password reset."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

LOCKED_OUT_STATUS = 429


def _cool_off_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


class LoginFailureHandler(AxesDatabaseHandler):
    """Axes's count of failed logins, with a larger allowance for an address.

    An account is locked after ``AXES_FAILURE_LIMIT`` failures. An address
    (``AXES_LOCKOUT_PARAMETERS``: the user name, then the address) only after
    ``AXES_ADDRESS_FAILURE_LIMIT``, whatever the accounts tried: a whole office
    signs in through one address, and a few colleagues' typos must not lock
    everyone out, while one machine guessing at many accounts still is.
    """

    def failures_by_parameter(self, request, credentials=None) -> tuple[int, int]:
        """Failures in the cool-off time of the account tried, and from the address."""
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return by_account, by_address

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares the result with AXES_FAILURE_LIMIT: the address's count
        # is scaled so that it reaches it at AXES_ADDRESS_FAILURE_LIMIT.
        by_account, by_address = self.failures_by_parameter(request, credentials)
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What a locked-out login gets, on the login page, the admin and the API.

    The message says what happened and what to do; it does not say whether
    the password was right, so a lockout tells an attacker nothing.
    """
    minutes = _cool_off_minutes(request)
    by_account, _by_address = LoginFailureHandler().failures_by_parameter(request, credentials)
    if by_account >= settings.AXES_FAILURE_LIMIT:
        message = _(
            "Too many failed logins for this account. Try again in %(minutes)d minutes, "
            "or ask an administrator to unlock the account."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed logins from this network address, whatever the account. Try "
            "again in %(minutes)d minutes, or ask an administrator to unlock the address."
        ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=LOCKED_OUT_STATUS)
    else:
        response = render(
            request, "registration/locked_out.html", {"message": message}, status=LOCKED_OUT_STATUS
        )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


def _reset_rate(group: str, request: HttpRequest) -> str:
    return settings.PASSWORD_RESET_RATE


def _client_address(group: str, request: HttpRequest) -> str:
    return get_client_ip_address(request) or ""


def _asked_address(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


@method_decorator(
    ratelimit(key=_client_address, rate=_reset_rate, method="POST", block=False), name="post"
)
@method_decorator(
    ratelimit(key=_asked_address, rate=_reset_rate, method="POST", block=False), name="post"
)
class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, refusing more than PASSWORD_RESET_RATE requests
    from one address or for one e-mail address, so that nobody can flood an
    inbox or the mail server."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "limited", False):
            form = self.get_form()
            form.add_error(
                None,
                _("Too many password reset requests. Try again later."),
            )
            response = self.form_invalid(form)
            response.status_code = LOCKED_OUT_STATUS
            return response
        return super().post(request, *args, **kwargs)
