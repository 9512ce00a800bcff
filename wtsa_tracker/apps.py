"""The admin's names for the packages that keep sign-in attempts and API tokens.

Their own names ("Axes", "Knox") say nothing to an administrator looking for
who was locked out or which tokens are live.
"""

from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInAttemptsConfig(AxesConfig):
    verbose_name = _("Sign-in attempts and lockouts")


class ApiTokensConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")
