"""Reading the audit trail: verification of the chain and the auditor's report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from openiop.audit import triggers
from openiop.audit.chain import GENESIS_HASH, HASHED_FIELDS, row_hash
from openiop.audit.models import AuditEvent

_CHAIN_FIELDS = (*HASHED_FIELDS, "prev_hash", "row_hash")


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    problems: list[str]


def audit_chain_verify(*, expected_head: tuple[int, str] | None = None) -> ChainReport:
    """Recompute the whole hash chain and check the append-only triggers are installed.

    ``expected_head`` is a (seq, hash) pair exported earlier (``openiop audit head``); when
    given, the chain must still contain that row unchanged, which detects rows deleted from
    the end of the log. Reads in chunks, so memory stays flat on millions of rows.
    """
    problems: list[str] = []
    missing = triggers.expected(connection) - triggers.installed(connection)
    if missing:
        problems.append(f"append-only triggers missing: {', '.join(sorted(missing))}")

    prev, expected_seq, count = GENESIS_HASH, 1, 0
    seen_head: str | None = None
    rows = AuditEvent.objects.order_by("seq").values(*_CHAIN_FIELDS).iterator(chunk_size=2000)
    for row in rows:
        count += 1
        if row["seq"] != expected_seq:
            problems.append(f"sequence gap: expected #{expected_seq}, found #{row['seq']}")
        if row["prev_hash"] != prev:
            problems.append(f"#{row['seq']}: does not link to the row before it")
        if row_hash(row["prev_hash"], row) != row["row_hash"]:
            problems.append(f"#{row['seq']}: contents do not match its hash (row altered)")
        if expected_head and row["seq"] == expected_head[0]:
            seen_head = row["row_hash"]
        prev, expected_seq = row["row_hash"], row["seq"] + 1
        if len(problems) > 50:
            problems.append("stopping after 50 problems")
            break

    if expected_head and seen_head != expected_head[1]:
        problems.append(
            f"exported head #{expected_head[0]} is missing or changed (rows removed from the end?)"
        )
    return ChainReport(
        ok=not problems, events=count, head_seq=expected_seq - 1, head_hash=prev, problems=problems
    )


SORTABLE_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_label",
    "action",
    "outcome",
    "patient_id",
    "category",
    "part2",
    "ip",
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    actor: str = ""
    patient_id: int | None = None
    action: str = ""
    outcome: str = ""
    category: str = ""
    part2_only: bool = False
    sort: str = "-seq"


def audit_event_list(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Events matching the auditor's filters, sorted by an allow-listed column."""
    q = Q()
    if filters.start:
        q &= Q(occurred_at__gte=filters.start)
    if filters.end:
        q &= Q(occurred_at__lt=filters.end)
    if filters.actor:
        q &= Q(actor_label__iexact=filters.actor)
    if filters.patient_id is not None:
        q &= Q(patient_id=filters.patient_id)
    if filters.action:
        q &= Q(action=filters.action)
    if filters.outcome:
        q &= Q(outcome=filters.outcome)
    if filters.category:
        q &= Q(category=filters.category)
    if filters.part2_only:
        q &= Q(part2=True)
    column = filters.sort.removeprefix("-")
    if column not in SORTABLE_COLUMNS:
        raise ValueError(f"cannot sort by {column!r}")
    order: list[Any] = [filters.sort] if column == "seq" else [filters.sort, "seq"]
    return AuditEvent.objects.filter(q).order_by(*order)


def audit_action_names() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
