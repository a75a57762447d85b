"""The hash chain over audit events (SHA-256, security.md R19).

``row_hash = SHA-256(prev_hash ‖ canonical JSON of the event's fields)``. The canonical form
fixes key order, separators and the timestamp format, so the same row always hashes the same
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "outcome",
    "patient_id",
    "category",
    "part2",
    "object_type",
    "object_id",
    "request_id",
    "ip",
    "detail",
)


def _canonical_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = _canonical_time(payload["occurred_at"])
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
