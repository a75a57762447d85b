"""Authentication for ``/api/v1``: the staff member's own session, after MFA where it is
required, with Django's CSRF check on every unsafe method (ninja's SessionAuth). Patients and
half-signed-in sessions get 401."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import SessionAuth

from openiop.accounts.access import is_verified
from openiop.accounts.roles import Principal


class StaffSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated or getattr(user, "principal", None) != Principal.STAFF:
            return None
        if settings.OPENIOP_REQUIRE_MFA and not is_verified(user):
            return None
        return user
