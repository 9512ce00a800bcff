"""API throttling, with rates read from settings on every request.

DRF's own classes copy ``DEFAULT_THROTTLE_RATES`` once, at import; these read
``settings.API_THROTTLE_RATES`` each time, so a deployment sets them from the
environment and a test can lower them. An over-eager client gets 429 in the
API's error shape (``code: throttled``) with ``Retry-After``.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class SettingsRate:
    """Take the rate of ``scope`` from ``settings.API_THROTTLE_RATES``."""

    scope: str

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(SettingsRate, AnonRateThrottle):
    """Requests without credentials, counted per client address."""


class SignedInThrottle(SettingsRate, UserRateThrottle):
    """Requests of a signed-in user, counted per user whatever the address."""


class LoginThrottle(SettingsRate, SimpleRateThrottle):
    """Token requests (``/api/auth/login/``), counted per client address."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
