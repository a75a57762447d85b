"""Writing the audit trail. Called by every service and access function that touches PHI,
inside the same transaction, so an action and its audit row commit or fail together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from openiop.audit.chain import GENESIS_HASH, row_hash
from openiop.audit.models import AuditEvent, DataCategory, Outcome
from openiop.core import clock
from openiop.core.actor import Actor

# Arbitrary constant key for PostgreSQL's transaction-scoped advisory lock that serialises
# appends to the chain. SQLite needs no lock: its IMMEDIATE transactions already serialise
# writers.
_CHAIN_LOCK_KEY = 7_243_001


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to record. ``action`` is ``<ENTITY>_<PAST_VERB>``, e.g. ``PATIENT_VIEWED``."""

    action: str
    category: DataCategory
    patient_id: int | None = None
    part2: bool = False
    object_type: str = ""
    object_id: str = ""
    outcome: Outcome = Outcome.SUCCESS
    detail: dict[str, Any] = field(default_factory=dict)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


@transaction.atomic
def audit_record_many(*, actor: Actor, entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append entries to the chain, in order, in the caller's transaction.

    Side effects: inserts one AuditEvent per entry. Raises whatever the database raises;
    callers must let it propagate so the audited action rolls back with it (fail closed).
    """
    entries = list(entries)
    if not entries:
        return []
    _lock_chain()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash").first()
    seq, prev = head if head else (0, GENESIS_HASH)
    at = clock.now()
    events = []
    for entry in entries:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": at,
            "actor_kind": actor.kind.value,
            "actor_id": actor.user_id,
            "actor_label": actor.label[:160],
            "action": entry.action,
            "outcome": entry.outcome.value,
            "patient_id": entry.patient_id,
            "category": entry.category.value,
            "part2": entry.part2,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "request_id": actor.request_id,
            "ip": actor.ip or "",
            "detail": entry.detail,
        }
        digest = row_hash(prev, fields)
        events.append(AuditEvent(**fields, prev_hash=prev, row_hash=digest))
        prev = digest
    return AuditEvent.objects.bulk_create(events)


def audit_record(*, actor: Actor, entry: Entry) -> AuditEvent:
    """Append one entry. See ``audit_record_many``."""
    return audit_record_many(actor=actor, entries=[entry])[0]
