"""How an API request proves who sends it: knox's token, checked in one query.

Its own module, imported by ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``
while DRF starts, so it imports nothing of DRF's views.
"""

from __future__ import annotations

from django.utils import timezone
from knox import auth as knox_auth
from knox.models import AuthToken, get_token_model
from knox.signals import token_expired


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token check, without its sweep of the user's other tokens.

    knox reads every token of the user on each request to delete the expired
    ones: one more query per request, returning every token the user holds (a
    script that signs in hourly and never logs out holds 720 live ones). The
    presented token is still refused and deleted once expired; the others
    wait for the nightly ``purge_expired_tokens``.

    ``_cleanup_token`` is knox's own (private) hook, so ``pyproject.toml``
    holds knox to its minor release; ``tests/api/test_auth_tokens.py`` fails
    if a new release stops calling it.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """True, and the token deleted, when the presented token has expired."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


def purge_expired_tokens() -> int:
    """Delete every expired API token; return how many (run nightly by Celery beat)."""
    deleted, _by_model = get_token_model().objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
