"""Referral pages: the pipeline board, taking a referral, the CSV import, a referral's page,
and its stage and waitlist actions. Thin: parse → access → one service or selector →
render. Names are posted, never put in URLs (ASVS 14.2.1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.admissions.access import referral_access, referral_entry
from openiop.admissions.errors import DuplicateReferral
from openiop.admissions.forms_referrals import (
    AdvanceForm,
    CloseForm,
    ImportForm,
    ReferralForm,
    RejectedRowsForm,
    ReturnForm,
    WaitlistAddForm,
    rejected_payload,
)
from openiop.admissions.models import OPEN_STAGES, CloseReason, Referral
from openiop.admissions.selectors import board as board_selectors
from openiop.admissions.selectors.intake import intake_panel
from openiop.admissions.selectors.referrals import (
    duplicate_patients_shown,
    duplicate_patients_visible,
    open_referrals_shown,
    referral_history,
)
from openiop.admissions.selectors.waitlist import referral_waitlist_row, track_access
from openiop.admissions.services import importing, referrals, waitlist
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.billing.panel import billing_panel
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.errors import LikelyDuplicatePatient

# --- The board -------------------------------------------------------------------------------


def _program_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("program", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


def _board_page(
    request: HttpRequest, program_id: int | None, *, refusal: dict[str, Any] | None = None
) -> HttpResponse:
    try:
        board = board_selectors.board_get(request.user, program_id=program_id, now=clock.now())
    except NotFound as exc:
        raise Http404 from exc
    board_selectors.board_audit_listed(actor=actor_from_request(request), board=board)
    context = {
        "board": board,
        "can_manage": program_ids_with(request.user, Capability.MANAGE_REFERRALS),
        "close_reasons": CloseReason.choices,
        "refusal": refusal,
    }
    return render(request, "admissions/board.html", context, status=400 if refusal else 200)


@requires(Capability.VIEW_ADMISSIONS)
def board(request: HttpRequest) -> HttpResponse:
    return _board_page(request, _program_param(request))


# --- Taking a referral -----------------------------------------------------------------------


@requires(Capability.MANAGE_REFERRALS)
def referral_new(request: HttpRequest) -> HttpResponse:
    """A new referral. A likely duplicate is answered on the same form: refer the existing
    record, or confirm a different person; the entered values are kept either way."""
    form = ReferralForm(
        request.POST or None,
        program_ids=program_ids_with(request.user, Capability.MANAGE_REFERRALS),
    )
    context: dict[str, Any] = {"form": form, "duplicates": [], "duplicate_referrals": None}
    if request.method == "POST" and form.is_valid():
        try:
            referral = _create(request, form)
        except DuplicateReferral as exc:
            context["duplicate_referrals"] = open_referrals_shown(
                request.user, exc.referral_ids, actor=actor_from_request(request)
            )
            form.add_error(None, exc.message)
        except LikelyDuplicatePatient as exc:
            context["duplicates"] = duplicate_patients_shown(
                request.user, exc.candidate_ids, actor=actor_from_request(request)
            )
            form.add_error("resolution", exc.message)
        except (DomainError, ValidationError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Referral recorded.")
            return redirect("admissions:referral", referral_id=referral.pk)
    status = 400 if form.errors else 200
    return render(request, "admissions/referral_new.html", context, status=status)


def _create(request: HttpRequest, form: ReferralForm) -> Referral:
    cd = form.cleaned_data
    existing = None
    if cd["resolution"] == "existing":
        found = duplicate_patients_visible(request.user, [cd["existing_patient"]])
        if not found:
            raise ValidationError({"existing_patient": "Choose one of the records shown."})
        existing = found[0]
    return referrals.referral_create(
        actor=actor_from_request(request),
        user=request_user(request),
        program=cd["program"],
        details=form.details(),
        person=None if existing else form.person(),
        existing_patient=existing,
        confirm_not_duplicate=cd["resolution"] == "different",
    )


def _add_errors(form: Any, exc: DomainError | ValidationError) -> None:
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- CSV import ------------------------------------------------------------------------------


@requires(Capability.MANAGE_REFERRALS)
def referral_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of referrals; the response is the report (imported and rejected rows),
    with the rejected rows ready to download as CSV."""
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        program_ids=program_ids_with(request.user, Capability.MANAGE_REFERRALS),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = importing.referrals_import(
                actor=actor_from_request(request),
                user=request_user(request),
                program=form.cleaned_data["program"],
                data=form.file_bytes(),
            )
        except importing.CsvRejected as exc:
            form.add_error("file", exc.message)
        else:
            context = {"report": report, "payload": rejected_payload(report)}
            return render(request, "admissions/import_report.html", context)
    context = {
        "form": form,
        "required": importing.REQUIRED_COLUMNS,
        "optional": importing.OPTIONAL_COLUMNS,
    }
    status = 400 if form.errors else 200
    return render(request, "admissions/import.html", context, status=status)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def referral_import_rejected(request: HttpRequest) -> HttpResponse:
    """The rejected rows of an import, as CSV, from what the report page posts back (PHI is
    never stored for a later download). Audits REFERRAL_REJECTS_EXPORTED with the count."""
    form = RejectedRowsForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "The rejected rows could not be read; upload the file again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    columns, rejected = form.cleaned_data["payload"]
    audit_record(
        actor=actor_from_request(request),
        entry=Entry(
            action="REFERRAL_REJECTS_EXPORTED",
            category=DataCategory.REFERRAL,
            detail={"rows": len(rejected)},
        ),
    )
    body = importing.rejected_rows_csv(columns, rejected)
    # The BOM tells spreadsheet programs that the file is UTF-8.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rejected-referrals.csv"'
    return response


# --- A referral's page -----------------------------------------------------------------------


def _referral_for(
    request: HttpRequest, referral_id: int, capability: Capability, action: str
) -> Referral:
    try:
        return referral_access(
            request.user,
            referral_id,
            actor=actor_from_request(request),
            capability=capability,
            action=action,
            audit_success=False,
        )
    except NotFound as exc:
        raise Http404 from exc


def _panels(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """The intake panel and the billing panel, each rendered by its own template. The
    billing panel needs VIEW_PATIENTS in the program (it re-checks and fails closed)."""
    panels = {"intake_panel": intake_panel(user=request.user, referral=referral)}
    episode = referral.episode
    if episode.program_id in program_ids_with(request.user, Capability.VIEW_PATIENTS):
        panels["billing_panel"] = billing_panel(user=request.user, episode=episode)
    return panels


def _referral_page(
    request: HttpRequest, referral: Referral, *, error: str = "", status: int = 200
) -> HttpResponse:
    audit_record(
        actor=actor_from_request(request), entry=referral_entry("REFERRAL_VIEWED", referral)
    )
    now = clock.now()
    program = referral.episode.program
    context = {
        "referral": referral,
        "program": program,
        "history": referral_history(referral, now=now),
        "waiting": referral_waitlist_row(referral, now=now),
        "next_stage": referrals.next_stage(referral),
        "can_manage": program.pk in program_ids_with(request.user, Capability.MANAGE_REFERRALS),
        "is_open": referral.stage in OPEN_STAGES,
        "close_reasons": CloseReason.choices,
        "waitlist_form": WaitlistAddForm(program=program),
        "action_error": error,
        **_panels(request, referral),
    }
    return render(request, "admissions/referral.html", context, status=status)


@requires(Capability.VIEW_ADMISSIONS)
def referral_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_for(request, referral_id, Capability.VIEW_ADMISSIONS, "REFERRAL_VIEWED")
    return _referral_page(request, referral)


# --- Stage and waitlist actions --------------------------------------------------------------


def _after(request: HttpRequest, referral: Referral, error: str = "") -> HttpResponse:
    """Back to the page the action came from; a refusal is shown there, with a 400."""
    form = ReturnForm(request.POST)
    to_board = form.is_valid() and form.cleaned_data["return_to"] == "board"
    if error and to_board:
        return _board_page(request, None, refusal={"referral_id": referral.pk, "message": error})
    if error:
        return _referral_page(request, referral, error=error, status=400)
    if to_board:
        return redirect("admissions:board")
    return redirect("admissions:referral", referral_id=referral.pk)


def _message(exc: DomainError | ValidationError) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def referral_advance(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_for(
        request, referral_id, Capability.MANAGE_REFERRALS, "REFERRAL_STAGE_CHANGED"
    )
    form = AdvanceForm(request.POST, zone=referral.episode.program.zone)
    if not form.is_valid():
        return _after(request, referral, " ".join(str(e) for e in form.errors["intake_at"]))
    try:
        referrals.referral_advance(
            actor=actor_from_request(request),
            user=request_user(request),
            referral=referral,
            intake_at=form.cleaned_data["intake_at"],
        )
    except (DomainError, ValidationError) as exc:
        return _after(request, referral, _message(exc))
    return _after(request, referral)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_for(request, referral_id, Capability.MANAGE_REFERRALS, "REFERRAL_CLOSED")
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _after(request, referral, "Choose why the referral is closed.")
    try:
        referrals.referral_close(
            actor=actor_from_request(request),
            user=request_user(request),
            referral=referral,
            reason=CloseReason(form.cleaned_data["reason"]),
            note=form.cleaned_data["note"],
        )
    except (DomainError, ValidationError) as exc:
        return _after(request, referral, _message(exc))
    return _after(request, referral)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def waitlist_add(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_for(request, referral_id, Capability.MANAGE_REFERRALS, "WAITLIST_ADDED")
    form = WaitlistAddForm(request.POST, program=referral.episode.program)
    if not form.is_valid():
        return _after(request, referral, "Choose the track to wait for.")
    try:
        waitlist.waitlist_add(
            actor=actor_from_request(request),
            user=request_user(request),
            referral=referral,
            track=form.cleaned_data["track"],
        )
    except (DomainError, ValidationError) as exc:
        return _after(request, referral, _message(exc))
    return _after(request, referral)


def _waitlist_step(request: HttpRequest, referral_id: int, action: str, step: Any) -> HttpResponse:
    referral = _referral_for(request, referral_id, Capability.MANAGE_REFERRALS, action)
    try:
        step(actor=actor_from_request(request), user=request_user(request), referral=referral)
    except DomainError as exc:
        return _after(request, referral, exc.message)
    return _after(request, referral)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def waitlist_decline(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _waitlist_step(
        request, referral_id, "WAITLIST_OFFER_DECLINED", waitlist.waitlist_decline
    )


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def waitlist_remove(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _waitlist_step(request, referral_id, "WAITLIST_REMOVED", waitlist.waitlist_remove)


@require_POST
@requires(Capability.MANAGE_REFERRALS)
def waitlist_offer(request: HttpRequest, track_id: int) -> HttpResponse:
    """Offer the track's open seat to the next person in order; back to the board."""
    try:
        track = track_access(
            request.user,
            track_id,
            actor=actor_from_request(request),
            capability=Capability.MANAGE_REFERRALS,
            action="WAITLIST_SEAT_OFFERED",
        )
    except NotFound as exc:
        raise Http404 from exc
    try:
        entry = waitlist.waitlist_offer_next(
            actor=actor_from_request(request), user=request_user(request), track=track
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # No name: messages may travel in a cookie, and names stay out of cookies.
        messages.success(
            request, f"{track.name}: the seat is offered (referral {entry.referral_id})."
        )
    return redirect("admissions:board")
