"""What the services of every subject share: the compare-and-set on ``version``, and
sending an e-mail under a lease (reminders, notifications)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Model, QuerySet

from wtsa_tracker.errors import StaleVersion

from ..models import User, history_record_change

logger = logging.getLogger("actions.mail")


def compare_and_set(
    model: type[Model],
    obj: Model,
    expected_version: int,
    *,
    by: User | None,
    reason: str = "",
    **values: Any,
) -> None:
    """Write ``values`` only if the row still has ``expected_version``; bump the version.

    Zero rows updated means someone else wrote first: ``StaleVersion``, with
    the row as it is now, and nothing written. A write is recorded in the
    object's history (who, when, ``reason``), in the caller's transaction:
    ``QuerySet.update`` sends no signal, so nothing else would record it.
    """
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=obj.pk))
    for field, value in values.items():
        setattr(obj, field, value)
    obj.version = expected_version + 1
    history_record_change(obj, by=by, reason=reason)


# --- issue 10: e-mail under a lease ------------------------------------------


class DeliveryFailed(Exception):
    """A message could not be sent; it was recorded and will be tried again in ``retry_in`` s."""

    def __init__(self, message: str, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failures: doubling, at most a day."""
    return min(settings.REMINDER_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 24 * 3600)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def send_under_lease(
    queryset: QuerySet,
    pk: int,
    *,
    now: datetime.datetime,
    done_field: str,
    build: Callable[[Any], EmailMessage | None],
    related: tuple[str, ...] = (),
) -> bool:
    """Claim a row, send its message, then mark it done: at least once, never lost.

    ``queryset`` selects the rows that may be sent now (unsent, not held by a
    live lease, retry time come). The claim is a compare-and-set on
    ``claimed_at``; a worker killed after it leaves the row to the next sweep
    once the lease runs out. A failure releases the claim, records the error,
    pushes the next attempt back and raises ``DeliveryFailed``. Returns
    whether a message went out (False: someone else holds or sent it).
    ``related``: what ``build`` reads of the row, loaded with it.
    """
    model = queryset.model
    claimed = queryset.filter(pk=pk).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    row = model.objects.select_related(*related).get(pk=pk)
    message = build(row)
    if message is not None:
        try:
            message.send()
        except Exception as error:  # every mail failure is recorded and retried, none lost
            delay = retry_delay(row.attempts)
            model.objects.filter(pk=pk).update(
                claimed_at=None,
                error=f"{type(error).__name__}: {error}"[:1000],
                next_attempt_at=now + datetime.timedelta(seconds=delay),
            )
            logger.error(
                "Sending %s %s failed (attempt %d, next in %d s): %r",
                model._meta.verbose_name,
                row,
                row.attempts,
                delay,
                error,
            )
            raise DeliveryFailed(str(error), delay) from error
    model.objects.filter(pk=pk).update(**{done_field: now}, error="")
    return message is not None
