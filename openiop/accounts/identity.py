"""Usernames are compared without regard to case or Unicode form (security.md R01).

``Alice``, ``alice`` and the full-width ``ａｌｉｃｅ`` are one identity. Passwords, by contrast,
are compared exactly as typed (R03).
"""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest


def normalize_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def username_from_request(request: HttpRequest, credentials: dict[str, str] | None) -> str:
    """django-axes hook: count failures against the normalized username."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_username(str(raw))
