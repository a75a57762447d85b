from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openiop.accounts.access import has_capability
from openiop.core.capabilities import Capability


def principal(request: HttpRequest) -> dict[str, Any]:
    """What the shell's navigation needs to show: only links the user may follow."""
    user = getattr(request, "user", None)
    can = {cap.value: has_capability(user, cap) for cap in Capability} if user else {}
    return {
        "can": can,
        "openiop_profile": settings.OPENIOP_PROFILE,
        "idle_timeout_minutes": settings.OPENIOP_IDLE_TIMEOUT_SECONDS // 60,
    }
