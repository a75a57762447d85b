"""What a principal may do, resolved per request from its memberships (security.md R15).

Nothing is cached beyond the user object of one request, so a revoked membership takes
effect on the next request.
"""

from __future__ import annotations

from typing import Any

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ORG_ROLE_CAPABILITIES, PROGRAM_ROLE_CAPABILITIES, Principal
from openiop.core.capabilities import Capability

_CACHE_ATTRIBUTE = "_openiop_program_capabilities"


def _is_staff_principal(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "principal", None) == Principal.STAFF
    )


def program_capabilities(user: Any) -> dict[int, frozenset[Capability]]:
    """program id → capabilities the user holds there through active memberships."""
    if not _is_staff_principal(user):
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result: dict[int, set[Capability]] = {}
    rows = Membership.objects.filter(user=user, is_active=True).values_list("program_id", "role")
    for program_id, role in rows:
        result.setdefault(program_id, set()).update(PROGRAM_ROLE_CAPABILITIES[role])
    frozen = {pid: frozenset(caps) for pid, caps in result.items()}
    setattr(user, _CACHE_ATTRIBUTE, frozen)
    return frozen


def program_ids_with(user: Any, capability: Capability) -> set[int]:
    """Ids of the programs in which ``user`` holds ``capability``; empty for anyone else."""
    return {pid for pid, caps in program_capabilities(user).items() if capability in caps}


def has_capability(user: Any, capability: Capability) -> bool:
    """True when the user holds the capability organization-wide or in any program."""
    if not _is_staff_principal(user):
        return False
    if capability in ORG_ROLE_CAPABILITIES.get(user.org_role, frozenset()):
        return True
    return bool(program_ids_with(user, capability))


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (django-otp's OTPMiddleware sets it)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def forget_capabilities(user: User) -> None:
    """Drop the per-request cache after a membership change within the same request."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
