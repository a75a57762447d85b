from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openiop.accounts.access import has_capability, is_verified
from openiop.core.capabilities import Capability


def principal(request: HttpRequest) -> dict[str, Any]:
    """What the shell's navigation needs to show: only links the user may follow."""
    user = getattr(request, "user", None)
    mfa_pending = bool(
        user is not None
        and user.is_authenticated
        and settings.OPENIOP_REQUIRE_MFA
        and not is_verified(user)
    )
    # Until the second factor is passed, every link would only lead back to the code page.
    can = (
        {}
        if mfa_pending or user is None
        else {c.value: has_capability(user, c) for c in Capability}
    )
    return {
        "can": can,
        "mfa_pending": mfa_pending,
        "openiop_profile": settings.OPENIOP_PROFILE,
        "idle_timeout_minutes": settings.OPENIOP_IDLE_TIMEOUT_SECONDS // 60,
    }
