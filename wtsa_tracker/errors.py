"""Refusals that every app's services raise and every entry point answers alike.

A page shows the sentence, the API maps each to its status code
(``wtsa_tracker.api.exceptions``), a command prints it. Nothing was written
when one is raised.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext as _


class TransitionRefused(Exception):
    """The requested status or state is not reachable from the current one."""


class StaleVersion(Exception):
    """Somebody else changed the object since the caller read it; nothing was written."""

    def __init__(self, current: Model, message: str | None = None):
        self.current = current
        super().__init__(
            message
            or _(
                "%(object)s was changed by someone else (now version %(version)s). "
                "Nothing was saved."
            )
            % {"object": current, "version": current.version}
        )


class AlreadySubmitted(Exception):
    """The form was already submitted once and made ``obj``; nothing new was written."""

    def __init__(self, obj: Model):
        self.obj = obj
        super().__init__(_("This form was already submitted: nothing new was saved."))
