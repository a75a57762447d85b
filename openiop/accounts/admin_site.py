"""The Django admin, for configuration only, behind OpenIOP's own login and MFA."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from openiop.accounts.access import has_capability, is_verified
from openiop.core.capabilities import Capability


class OpenIOPAdminSite(AdminSite):
    site_header = "OpenIOP configuration"
    site_title = "OpenIOP configuration"
    index_title = "Organization, programs and staff"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        verified = user.is_authenticated and (is_verified(user) or not _mfa_required())
        return bool(verified and has_capability(user, Capability.CONFIGURE_SYSTEM))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("accounts:login")
        )


def _mfa_required() -> bool:
    from django.conf import settings

    return bool(settings.OPENIOP_REQUIRE_MFA)
