"""Kiosks: staff start one on a device (which then stops being signed in as them), list and
revoke a program's kiosks; patients check themselves in at ``/kiosk/``.

The kiosk page is public: its credential is the device cookie (see
``openiop.attendance.kiosk``). It never lists patients and answers every failure with the
same generic sentence; failures are audited without PHI and rate-limited per device.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.accounts.services import user_logout
from openiop.attendance import kiosk
from openiop.attendance.access import kiosk_of, program_access
from openiop.attendance.errors import KioskCheckInFailed, KioskRateLimited
from openiop.attendance.forms import KioskCheckInForm, KioskStartForm
from openiop.attendance.models import Attendance, KioskDevice
from openiop.attendance.selectors import program_kiosks
from openiop.attendance.services import (
    kiosk_check_in,
    kiosk_check_in_failed,
    kiosk_device_create,
    kiosk_device_revoke,
)
from openiop.core.actor import Actor, ActorKind, actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.idempotency import idempotent
from openiop.core.policy import public, requires
from openiop.core.tokens import bearer_page
from openiop.programs.models import Program
from openiop.scheduling.models import SessionKind


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    try:
        return program_access(
            request.user,
            program_id,
            actor=actor_from_request(request),
            capability=Capability.RECORD_ATTENDANCE,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc


def _kiosks_page(
    request: HttpRequest, program: Program, form: KioskStartForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "program": program,
        "kiosks": program_kiosks(program),
        "form": form or KioskStartForm(),
    }
    return render(request, "attendance/kiosks.html", context, status=status)


@requires(Capability.RECORD_ATTENDANCE)
def kiosks_view(request: HttpRequest, program_id: int) -> HttpResponse:
    return _kiosks_page(request, _program(request, program_id, "KIOSK_LISTED"))


@require_POST
@requires(Capability.RECORD_ATTENDANCE)
def kiosk_start(request: HttpRequest, program_id: int) -> HttpResponse:
    """Turn this device into the program's check-in kiosk: register it, sign the staff member
    out (the patient must not reach anything else) and open the kiosk page."""
    program = _program(request, program_id, "KIOSK_STARTED")
    form = KioskStartForm(request.POST)
    if not form.is_valid():
        return _kiosks_page(request, program, form, status=400)
    try:
        _, token = kiosk_device_create(
            actor=actor_from_request(request),
            program=program,
            name=form.cleaned_data["name"],
            created_by=request_user(request),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _kiosks_page(request, program, form, status=400)
    user_logout(request=request, action="KIOSK_HANDED_OVER")
    response = redirect("attendance:kiosk")
    response.set_cookie(
        kiosk.COOKIE_NAME,
        token,
        max_age=kiosk.COOKIE_MAX_AGE,
        path=kiosk.COOKIE_PATH,
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Strict",
    )
    return response


@require_POST
@requires(Capability.RECORD_ATTENDANCE)
def kiosk_revoke(request: HttpRequest, program_id: int, kiosk_id: int) -> HttpResponse:
    program = _program(request, program_id, "KIOSK_REVOKED")
    actor = actor_from_request(request)
    try:
        device = kiosk_of(program, kiosk_id, actor=actor, action="KIOSK_REVOKED")
    except NotFound as exc:
        raise Http404 from exc
    try:
        kiosk_device_revoke(actor=actor, device=device)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Kiosk “{device.name}” switched off.")
    return redirect("attendance:kiosks", program_id=program.pk)


# --- the kiosk itself (device principal) ------------------------------------------------------


def _device_actor(request: HttpRequest, device: KioskDevice) -> Actor:
    return dataclasses.replace(
        actor_from_request(request),
        kind=ActorKind.DEVICE,
        user_id=None,
        label=f"kiosk:{device.pk}",
    )


def _kiosk_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return bearer_page(render(request, template, context, status=status))


def _form_page(
    request: HttpRequest,
    device: KioskDevice,
    form: KioskCheckInForm | None = None,
    *,
    failure: str = "",
    status: int = 200,
) -> HttpResponse:
    """The check-in form; every render carries a fresh idempotency key (``key``), so a new
    attempt is a new request while a retried POST of the same page replays."""
    context = {
        "device": device,
        "form": form or KioskCheckInForm(),
        "key": str(uuid.uuid4()),
        "failure": failure,
    }
    return _kiosk_page(request, "attendance/kiosk.html", context, status)


@public
def kiosk_page(request: HttpRequest) -> HttpResponse:
    device = kiosk.kiosk_for_token(request.COOKIES.get(kiosk.COOKIE_NAME))
    if device is None:
        return _kiosk_page(request, "attendance/kiosk_closed.html", {}, status=403)
    if request.method != "POST":
        return _form_page(request, device)
    if kiosk.kiosk_rate_limited(device):
        return _form_page(request, device, failure=KioskRateLimited.generic, status=429)
    data = request.POST.copy()
    if not data.get("idempotency_key"):
        data["idempotency_key"] = request.headers.get("Idempotency-Key", "")
    form = KioskCheckInForm(data)
    if not form.is_valid():
        return _form_page(request, device, form, status=400)
    return _check_in(request, device, form)


def _check_in(request: HttpRequest, device: KioskDevice, form: KioskCheckInForm) -> HttpResponse:
    actor = _device_actor(request, device)
    last_name, born = form.cleaned_data["last_name"], form.cleaned_data["date_of_birth"]

    def effect() -> tuple[int, dict[str, Any]]:
        done = kiosk_check_in(actor=actor, device=device, last_name=last_name, date_of_birth=born)
        return 200, {"attendance_id": done.attendance.pk}

    # The stored fingerprint must not be a plain hash of a name and a birth date.
    person = salted_hmac(
        "openiop.attendance.kiosk", f"{last_name.casefold()}|{born}", algorithm="sha256"
    )
    try:
        outcome = idempotent(
            scope=f"kiosk:{device.pk}",
            key=form.cleaned_data["idempotency_key"],
            payload={"person": person.hexdigest()},
            effect=effect,
        )
    except KioskCheckInFailed as failure:
        kiosk_check_in_failed(actor=actor, device=device, reason=failure.reason)
        return _form_page(request, device, failure=failure.message, status=failure.status)
    except DomainError as error:
        kiosk_check_in_failed(actor=actor, device=device, reason=error.code)
        status = int(getattr(error, "status", 422))
        return _form_page(request, device, failure=KioskCheckInFailed.generic, status=status)
    # Only the record's id is kept with the key (no name in the replay store).
    record = Attendance.objects.select_related("session__program", "episode__patient").get(
        pk=outcome.body["attendance_id"]
    )
    session, patient = record.session, record.episode.patient
    context = {
        "device": device,
        "first_name": patient.preferred_name or patient.legal_given_name,
        "kind": SessionKind(session.kind).label,
        "starts_at": session.starts_at,
        "zone": session.program.time_zone,
    }
    return _kiosk_page(request, "attendance/kiosk_done.html", context)
