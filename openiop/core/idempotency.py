"""Exactly-once effects for retried submissions (security.md R29, IETF Idempotency-Key draft).

A client sends a fresh UUID as ``Idempotency-Key`` with each logical submission and the same
key with every retry of it. The first request runs the effect and stores its response in the
same transaction; a retry gets the stored response back; the same key with another payload
is refused with 422. Keys are scoped by principal and endpoint, so one client's key never
replays another's response. A duplicate sent while the first is still running waits for the
first transaction (row lock) and then receives its replay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from openiop.core import clock
from openiop.core.errors import DomainError
from openiop.core.models import IdempotencyRecord

KEY_TTL = dt.timedelta(hours=72)


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_missing"
    status = 400


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    status = 400


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int
    body: dict[str, Any]
    replayed: bool


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _checked_key(key: str | None) -> str:
    if not key:
        raise IdempotencyKeyMissing("Send an Idempotency-Key header (a UUID) with this request.")
    try:
        return str(uuid.UUID(key.strip().strip('"')))
    except ValueError:
        raise IdempotencyKeyInvalid("The Idempotency-Key header must be a UUID.") from None


def _claim(scope: str, key: str, digest: str) -> IdempotencyRecord | None:
    """Insert a placeholder for the key; return the existing record if another request already
    completed with it. Blocks while a concurrent request holding the key is uncommitted."""
    now = clock.now()
    IdempotencyRecord.objects.filter(scope=scope, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                fingerprint=digest,
                status_code=0,
                response_body={},
                created_at=now,
                expires_at=now + KEY_TTL,
            )
    except IntegrityError:
        return IdempotencyRecord.objects.get(scope=scope, key=key)
    return None


@transaction.atomic
def idempotent(
    *, scope: str, key: str | None, payload: Any, effect: Callable[[], tuple[int, dict[str, Any]]]
) -> Outcome:
    """Run ``effect`` once per (scope, key). ``effect`` returns (HTTP status, JSON body) and
    does its writes in this transaction; if it raises, nothing is stored and the key is free.

    Raises IdempotencyKeyMissing / IdempotencyKeyInvalid (400) and IdempotencyKeyReused (422).
    """
    checked = _checked_key(key)
    digest = fingerprint(payload)
    existing = _claim(scope, checked, digest)
    if existing is not None:
        if existing.fingerprint != digest:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used for a different request."
            )
        return Outcome(existing.status_code, existing.response_body, replayed=True)
    status, body = effect()
    IdempotencyRecord.objects.filter(scope=scope, key=checked).update(
        status_code=status, response_body=body
    )
    return Outcome(status, body, replayed=False)
