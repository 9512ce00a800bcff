"""What the services of every subject share: the compare-and-set on ``version``."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model

from wtsa_tracker.errors import StaleVersion

from ..models import User, history_record_change


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
