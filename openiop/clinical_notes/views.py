"""A note's page and what can be done on it: edit and sign a draft, co-sign, add an addendum,
mark entered in error. Thin: parse → access (404 for another program's note) → one service
→ redirect, or the page again with the refusal next to its field and its status (409 for a
conflict or a signed note, 403 for not the author, 400 for bad input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.clinical_notes import services
from openiop.clinical_notes.access import can_write_notes, note_access
from openiop.clinical_notes.errors import DraftConflictError, NoteRefused
from openiop.clinical_notes.forms import (
    AddendumForm,
    CosignForm,
    DraftForm,
    EnteredInErrorForm,
    add_refusal,
)
from openiop.clinical_notes.models import Note, NoteState
from openiop.clinical_notes.selectors import note_page
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.policy import requires


def _note(request: HttpRequest, note_id: int, capability: Capability, action: str) -> Note:
    """The note, authorized; reads audit ``action`` per patient, writes leave it to the
    service. Http404 for missing and not yours."""
    try:
        return note_access(
            request.user,
            note_id,
            actor=actor_from_request(request),
            capability=capability,
            action=action,
            audit_success=capability == Capability.VIEW_PATIENTS,
        )
    except NotFound as exc:
        raise Http404 from exc


def _page(
    request: HttpRequest,
    note: Note,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: NoteRefused | None = None,
    status: int = 200,
) -> HttpResponse:
    """The note's page: the edit form for its author while it is a draft, else the read view
    with the forms the user may use. ``bound`` replaces a form by its submitted version."""
    page = note_page(note)
    user = request.user
    bound = bound or {}
    context: dict[str, Any] = {"page": page, "note": note, "error": error}
    if note.state == NoteState.DRAFT and note.author_id == user.pk:
        context["form"] = bound.get("draft") or DraftForm(page=page)
        return render(request, "clinical_notes/note_edit.html", context, status=status)
    signed = note.state in (NoteState.SIGNED, NoteState.AWAITING_COSIGN)
    writer = can_write_notes(user, note.program_id)
    director = note.program_id in program_ids_with(user, Capability.CONFIGURE_PROGRAM)
    may_correct = signed and writer and (note.author_id == user.pk or director)
    may_cosign = note.state == NoteState.AWAITING_COSIGN and note.cosigner_id == user.pk
    context.update(
        addendum_form=(bound.get("addendum") or AddendumForm()) if signed and writer else None,
        error_form=(bound.get("error") or EnteredInErrorForm()) if may_correct else None,
        cosign_form=(bound.get("cosign") or CosignForm()) if may_cosign else None,
    )
    return render(request, "clinical_notes/note_read.html", context, status=status)


@requires(Capability.VIEW_PATIENTS)
def note_view(request: HttpRequest, note_id: int) -> HttpResponse:
    """Audited as NOTE_VIEWED for each patient of the note."""
    return _page(request, _note(request, note_id, Capability.VIEW_PATIENTS, "NOTE_VIEWED"))


@require_POST
@requires(Capability.WRITE_NOTES)
def note_save(request: HttpRequest, note_id: int) -> HttpResponse:
    """Save the draft, then sign it when the Sign button was pressed. A refused signature
    leaves the saved text saved; a conflicting save keeps both versions (409)."""
    note = _note(request, note_id, Capability.WRITE_NOTES, "NOTE_SAVED")
    form = DraftForm(request.POST, page=note_page(note))
    if not form.is_valid():
        return _page(request, note, bound={"draft": form}, status=400)
    cd, actor, user = form.cleaned_data, actor_from_request(request), request_user(request)
    try:
        note = services.note_save_draft(
            actor=actor,
            note=note,
            by=user,
            base_version=cd["base_version"],
            body=form.body(),
            entries=form.entry_inputs(),
            resolves=cd["resolves"],
        )
    except DraftConflictError as exc:
        return _page(request, Note.objects.get(pk=note.pk), error=exc, status=exc.status)
    except NoteRefused as exc:
        add_refusal(form, exc)
        return _page(request, note, bound={"draft": form}, error=exc, status=exc.status)
    if cd["intent"] != "sign":
        messages.success(request, "Draft saved.")
        return redirect("clinical_notes:note", note_id=note.pk)
    return _sign(request, note, cd)


def _sign(request: HttpRequest, note: Note, cd: dict[str, Any]) -> HttpResponse:
    try:
        note = services.note_sign(
            actor=actor_from_request(request),
            note=note,
            by=request_user(request),
            password=cd["password"],
            confirm_identical=cd["confirm_identical"],
        )
    except NoteRefused as exc:
        # The text was saved: show the saved draft with the reason it was not signed.
        return _page(request, note, error=exc, status=exc.status)
    waiting = note.state == NoteState.AWAITING_COSIGN
    messages.success(
        request, "Signed; waiting for your supervisor's co-sign." if waiting else "Note signed."
    )
    return redirect("clinical_notes:note", note_id=note.pk)


def _signature_action(
    request: HttpRequest,
    note_id: int,
    action: str,
    key: str,
    form_class: type[forms.Form],
    write: Any,
    done: str,
) -> HttpResponse:
    note = _note(request, note_id, Capability.WRITE_NOTES, action)
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, note, bound={key: form}, status=400)
    try:
        write(note, form.cleaned_data)
    except NoteRefused as exc:
        add_refusal(form, exc)
        return _page(request, note, bound={key: form}, error=exc, status=exc.status)
    messages.success(request, done)
    return redirect("clinical_notes:note", note_id=note.pk)


@require_POST
@requires(Capability.WRITE_NOTES)
def note_cosign(request: HttpRequest, note_id: int) -> HttpResponse:
    def write(note: Note, cd: dict[str, Any]) -> None:
        services.note_cosign(
            actor=actor_from_request(request),
            note=note,
            by=request_user(request),
            password=cd["password"],
        )

    return _signature_action(
        request, note_id, "NOTE_COSIGNED", "cosign", CosignForm, write, "Note co-signed."
    )


@require_POST
@requires(Capability.WRITE_NOTES)
def addendum_add(request: HttpRequest, note_id: int) -> HttpResponse:
    def write(note: Note, cd: dict[str, Any]) -> None:
        services.addendum_add(
            actor=actor_from_request(request),
            note=note,
            by=request_user(request),
            password=cd["password"],
            text=cd["text"],
        )

    return _signature_action(
        request, note_id, "NOTE_ADDENDUM_ADDED", "addendum", AddendumForm, write, "Addendum added."
    )


@require_POST
@requires(Capability.WRITE_NOTES)
def note_enter_in_error(request: HttpRequest, note_id: int) -> HttpResponse:
    def write(note: Note, cd: dict[str, Any]) -> None:
        services.note_enter_in_error(
            actor=actor_from_request(request),
            note=note,
            by=request_user(request),
            password=cd["password"],
            reason=cd["reason"],
        )

    return _signature_action(
        request,
        note_id,
        "NOTE_ENTERED_IN_ERROR",
        "error",
        EnteredInErrorForm,
        write,
        "Note marked as entered in error.",
    )
