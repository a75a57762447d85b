"""Enforcement of session lifetimes and of every view's declared access policy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from openiop.accounts.access import has_capability, is_verified
from openiop.accounts.roles import Principal
from openiop.accounts.services import SESSION_AUTH_AT, SESSION_SEEN_AT, user_logout
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.policy import policy_of

logger = logging.getLogger(__name__)

# Requests that poll in the background must not keep an unattended session alive (R06).
BACKGROUND_HEADER = "X-OpenIOP-Background"


class SessionLifetimeMiddleware:
    """End sessions after the idle timeout or the absolute limit, server-side (ASVS 7.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            seen = float(request.session.get(SESSION_SEEN_AT, 0))
            started = float(request.session.get(SESSION_AUTH_AT, 0))
            idle = now - seen > settings.OPENIOP_IDLE_TIMEOUT_SECONDS
            expired = now - started > settings.OPENIOP_SESSION_MAX_SECONDS
            if idle or expired:
                user_logout(request=request, action="SESSION_TIMED_OUT")
                hours = settings.OPENIOP_SESSION_MAX_SECONDS // 3600
                reason = "inactivity" if idle else f"the {hours}-hour limit"
                messages.info(
                    request, f"Your session ended because of {reason}. Please sign in again."
                )
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
            if not request.headers.get(BACKGROUND_HEADER):
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


class AccessPolicyMiddleware:
    """Deny by default: each view must declare a policy (openiop.core.policy), and this
    middleware enforces it before the view runs (security.md R05, R10)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == "admin":
            return self._admin(request)
        policy = policy_of(view_func)
        if policy is None:
            logger.error(
                "view without an access policy refused: %s", getattr(view_func, "__name__", "?")
            )
            return _forbidden(request, "This page has no access rule, so it is closed.")
        if policy.kind in ("public", "api"):  # the API authenticates each operation itself
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if getattr(user, "principal", None) != Principal.STAFF:
            return _forbidden(request, "This area is for program staff.")
        if not policy.before_mfa and settings.OPENIOP_REQUIRE_MFA and not is_verified(user):
            step = "accounts:mfa_verify" if user_has_device(user) else "accounts:mfa_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(step)}?{query}")
        if policy.capability is not None and not has_capability(user, policy.capability):
            self._audit_denied(request, policy.capability)
            return _forbidden(request, "Your role does not include this page.")
        return None

    def _admin(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if settings.OPENIOP_REQUIRE_MFA and not is_verified(user):
            step = "accounts:mfa_verify" if user_has_device(user) else "accounts:mfa_setup"
            return HttpResponseRedirect(
                f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
            )
        if not has_capability(user, Capability.CONFIGURE_SYSTEM):
            self._audit_denied(request, Capability.CONFIGURE_SYSTEM)
            return _forbidden(request, "Configuration is for system administrators.")
        return None

    @staticmethod
    def _audit_denied(request: HttpRequest, capability: Capability) -> None:
        audit_record(
            actor=actor_from_request(request),
            entry=Entry(
                action="ACCESS_DENIED",
                category=DataCategory.NONE,
                outcome=Outcome.DENIED,
                detail={"capability": capability.value, "route": _route_name(request)},
            ),
        )


def _route_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match else ""
