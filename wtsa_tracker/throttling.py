"""API throttling, with rates read from settings on every request.

DRF's own classes copy ``DEFAULT_THROTTLE_RATES`` once, at import; these read
``settings.API_THROTTLE_RATES`` each time, so a deployment sets them from the
environment and a test can lower them. An over-eager client gets 429 in the
API's error shape (``code: throttled``) with ``Retry-After``.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class SettingsRate:
    """Take the rate of ``scope`` from ``settings.API_THROTTLE_RATES``, and the
    client's address as the login lockout does (X-Forwarded-For only behind
    PROXY_COUNT proxies: otherwise a client would pick a new address per request)."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        return get_client_ip_address(request._request) or ""


class AnonymousThrottle(SettingsRate, AnonRateThrottle):
    """Requests without credentials, counted per client address."""


class SignedInThrottle(SettingsRate, UserRateThrottle):
    """Requests of a signed-in user, counted per user whatever the address."""


class LoginThrottle(SettingsRate, SimpleRateThrottle):
    """Token requests (``/api/auth/login/``), counted per client address."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
