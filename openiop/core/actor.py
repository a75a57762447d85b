"""Who is acting, and from where: passed to every service so the audit can say so."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    USER = "user"
    PATIENT = "patient"
    DEVICE = "device"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Actor:
    """A principal plus the request context the audit records (ASTM E2147 7.1.7)."""

    kind: ActorKind
    user_id: int | None
    label: str
    request_id: str = ""
    ip: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        """An explicit, audited system actor for commands and background jobs."""
        return cls(kind=ActorKind.SYSTEM, user_id=None, label=f"system:{job}")
