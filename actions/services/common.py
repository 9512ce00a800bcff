"""What the services of every subject share: the compare-and-set on ``version``."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model

from wtsa_tracker.errors import StaleVersion


def compare_and_set(model: type[Model], obj: Model, expected_version: int, **values: Any) -> None:
    """Write ``values`` only if the row still has ``expected_version``; bump the version.

    Zero rows updated means someone else wrote first: ``StaleVersion``, with
    the row as it is now, and nothing written.
    """
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=obj.pk))
    for field, value in values.items():
        setattr(obj, field, value)
    obj.version = expected_version + 1
