"""Who is acting, and from where: passed to every service so the audit can say so."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.http import HttpRequest


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


def actor_from_request(request: HttpRequest) -> Actor:
    """The audited actor for a web request: the signed-in principal, or anonymous."""
    user = getattr(request, "user", None)
    request_id = getattr(request, "request_id", "")
    address = request.META.get("REMOTE_ADDR")
    ip = str(address) if address else None
    if user is not None and user.is_authenticated:
        kind = ActorKind.PATIENT if getattr(user, "principal", "") == "patient" else ActorKind.USER
        return Actor(kind=kind, user_id=user.pk, label=user.username, request_id=request_id, ip=ip)
    return Actor(
        kind=ActorKind.ANONYMOUS, user_id=None, label="anonymous", request_id=request_id, ip=ip
    )
