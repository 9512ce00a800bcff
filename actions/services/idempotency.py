"""Idempotent creates: one object per client request, however often it is sent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import IdempotencyKey, User


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key: ours to answer, or an earlier request's."""

    row: IdempotencyKey
    ours: bool


def idempotency_claim(
    *, user: User, key: str, request_hash: str, now: datetime.datetime | None = None
) -> Claim:
    """Claim ``key`` for ``user``'s request, or find the request that claimed it first.

    Must run inside the transaction that does the request's work: the claim is
    an insert under a unique constraint, so a duplicate sent at the same
    moment waits for that transaction (PostgreSQL's unique index, SQLite's
    write lock) and then finds the first one's answer; if the first fails and
    rolls back, its claim vanishes with it and the duplicate does the work.
    Keys older than a day are forgotten first.
    """
    now = now or timezone.now()
    IdempotencyKey.objects.expired(now).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, request_hash=request_hash, created_at=now
            )
    except IntegrityError:
        return Claim(IdempotencyKey.objects.get(user=user, key=key), ours=False)
    return Claim(row, ours=True)


def idempotency_answer(
    *, claim: Claim, status_code: int, response: Any, headers: dict[str, str]
) -> None:
    """Keep the answer given under a claimed key, for the retries to come."""
    row = claim.row
    row.status_code = status_code
    row.response = response
    row.headers = headers
    row.save(update_fields=["status_code", "response", "headers"])
