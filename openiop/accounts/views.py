"""Sign-in, two-factor enrollment and verification, sign-out."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from openiop.accounts.access import has_capability, is_verified
from openiop.accounts.actors import request_user
from openiop.accounts.forms import LoginForm, TokenForm
from openiop.accounts.services import (
    mfa_device_pending,
    mfa_verify,
    user_login,
    user_login_failed,
    user_logout,
)
from openiop.core.capabilities import Capability
from openiop.core.policy import authenticated, public
from openiop.core.qr import qr_svg

# One message for an unknown user, a wrong password and an inactive account (R04).
BAD_CREDENTIALS = "That username and password do not match an active account."


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _to_step(step: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(step)}?{urlencode({'next': _next_url(request)})}")


def _after_password(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user):
        return _to_step("accounts:mfa_verify", request)
    if settings.OPENIOP_REQUIRE_MFA:
        return _to_step("accounts:mfa_setup", request)
    return HttpResponseRedirect(_next_url(request))


@public
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            user_login(request=request, user=user)
            return _after_password(request)
        user_login_failed(request=request, attempted_username=form.cleaned_data["username"])
        form.add_error(None, BAD_CREDENTIALS)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@authenticated(before_mfa=True)
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user):
        # Someone who already has an authenticator must use it; enrolling another one
        # with only the password would bypass the second factor.
        if is_verified(request.user):
            return render(request, "accounts/mfa_enrolled.html")
        return _to_step("accounts:mfa_verify", request)
    device = mfa_device_pending(user=request_user(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa_verify(
            request=request,
            user=request_user(request),
            token=form.cleaned_data["token"],
            enrolling=True,
        ):
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token",
            "That code did not match. Check the time on your phone and try the newest code.",
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_svg": qr_svg(device.config_url),
        "secret": secret,
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_setup.html", context)


@authenticated(before_mfa=True)
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user):
        return _to_step("accounts:mfa_setup", request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa_verify(
            request=request,
            user=request_user(request),
            token=form.cleaned_data["token"],
            enrolling=False,
        ):
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token", "That code did not work. Codes can be used once; wait for the next one."
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@authenticated(before_mfa=True)
def logout_view(request: HttpRequest) -> HttpResponse:
    user_logout(request=request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@authenticated()
def home_view(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    user = request.user
    if has_capability(user, Capability.VIEW_DASHBOARD):
        return redirect("dashboard:today")
    if has_capability(user, Capability.VIEW_AUDIT_LOG):
        return redirect("audit:report")
    if has_capability(user, Capability.CONFIGURE_SYSTEM):
        return redirect("admin:index")
    return render(request, "accounts/no_access.html")
