"""Where notes begin and where they are found: "Write group note" from a session, a note for
an appointment or from the chart, the chart's Notes tab and the unsigned-notes list. Thin:
parse → access (404 outside one's programs) → one service or selector → render/redirect."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openiop.accounts.actors import request_user
from openiop.clinical_notes import services
from openiop.clinical_notes.access import can_write_notes, episode_for_note, session_for_note
from openiop.clinical_notes.errors import NoteExists, NoteRefused
from openiop.clinical_notes.forms import NoteStartForm, add_refusal
from openiop.clinical_notes.models import NoteKind
from openiop.clinical_notes.selectors import patient_notes, session_notes, unsigned_notes
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.policy import requires
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context
from openiop.scheduling.models import ScheduledSession

#: How the pages name each kind in running text ("New DAP note").
KIND_NAMES = {
    NoteKind.GROUP: "group note",
    NoteKind.INDIVIDUAL_DAP: "DAP note",
    NoteKind.INDIVIDUAL_BIRP: "BIRP note",
    NoteKind.PSYCHIATRY: "psychiatry note",
    NoteKind.FAMILY: "family session note",
}


def _session(request: HttpRequest, session_id: int, action: str) -> ScheduledSession:
    try:
        return session_for_note(
            request.user, session_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def _kind(kind: str) -> NoteKind:
    if kind not in services.SINGLE_PATIENT_KINDS:
        raise Http404
    return NoteKind(kind)


def _refused(
    request: HttpRequest, template: str, context: dict[str, Any], error: NoteRefused
) -> HttpResponse:
    if isinstance(error, NoteExists):
        return redirect("clinical_notes:note", note_id=error.note_id)
    context["error"] = error
    return render(request, template, context, status=error.status)


@requires(Capability.WRITE_NOTES)
def group_start(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: what the group note will hold; POST: start it and go to its edit page. A group
    that already has its note goes straight to it."""
    session = _session(request, session_id, "NOTE_CREATED")
    context: dict[str, Any] = {
        "session": session,
        "kind": NoteKind.GROUP,
        "kind_name": KIND_NAMES[NoteKind.GROUP],
        "existing": session_notes(session),
    }
    if request.method != "POST":
        return render(request, "clinical_notes/start_session.html", context)
    try:
        note = services.group_note_start(
            actor=actor_from_request(request), session=session, author=request_user(request)
        )
    except NoteRefused as exc:
        return _refused(request, "clinical_notes/start_session.html", context, exc)
    return redirect("clinical_notes:note", note_id=note.pk)


@requires(Capability.WRITE_NOTES)
def session_note_start(request: HttpRequest, session_id: int, kind: str) -> HttpResponse:
    """An individual (DAP/BIRP), psychiatry or family note for an appointment."""
    note_kind = _kind(kind)
    session = _session(request, session_id, "NOTE_CREATED")
    context: dict[str, Any] = {
        "session": session,
        "kind": note_kind,
        "kind_name": KIND_NAMES[note_kind],
        "existing": session_notes(session),
    }
    if request.method != "POST":
        return render(request, "clinical_notes/start_session.html", context)
    try:
        note = services.note_start(
            actor=actor_from_request(request),
            kind=note_kind,
            author=request_user(request),
            session=session,
        )
    except NoteRefused as exc:
        return _refused(request, "clinical_notes/start_session.html", context, exc)
    return redirect("clinical_notes:note", note_id=note.pk)


@requires(Capability.VIEW_PATIENTS)
def chart_notes(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The chart's Notes tab, audited as PATIENT_NOTES_VIEWED by ``chart_context``."""
    context = chart_context(request, patient_id, "notes")
    context["notes"] = patient_notes(context["patient"], request.user)
    context["may_write"] = any(
        can_write_notes(request.user, e.program_id) for e in context["episodes"]
    )
    context["kinds"] = [(k, KIND_NAMES[NoteKind(k)]) for k in services.SINGLE_PATIENT_KINDS]
    return render(request, "clinical_notes/chart.html", context)


@requires(Capability.WRITE_NOTES)
def chart_note_start(request: HttpRequest, patient_id: int, kind: str) -> HttpResponse:
    """A note without an appointment, from the chart: the patient's admitted episode in a
    program where the user writes notes, and the date of service."""
    note_kind = _kind(kind)
    try:
        episode = episode_for_note(
            request.user, patient_id, actor=actor_from_request(request), action="NOTE_CREATED"
        )
    except NotFound as exc:
        raise Http404 from exc
    today = clock.localdate(episode.program.zone)
    form = NoteStartForm(request.POST or None, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_start(
                actor=actor_from_request(request),
                kind=note_kind,
                author=request_user(request),
                episode=episode,
                on=form.cleaned_data["on"],
            )
        except NoteRefused as exc:
            add_refusal(form, exc)
        else:
            return redirect("clinical_notes:note", note_id=note.pk)
    context = chart_context(request, patient_id, "notes")
    context.update(form=form, kind=note_kind, kind_name=KIND_NAMES[note_kind], episode=episode)
    status = 400 if form.errors else 200
    return render(request, "clinical_notes/chart_start.html", context, status=status)


@requires(Capability.WRITE_NOTES)
def unsigned(request: HttpRequest) -> HttpResponse:
    """The user's drafts and the notes awaiting their co-sign, oldest first, with ages. The
    patients named (single-patient notes) are audited as PATIENT_LISTED."""
    rows = unsigned_notes(request.user)
    named = {r.patient.pk: r.patient for r in rows if r.patient is not None}
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list(named.values()),
        part2_ids={r.patient.pk for r in rows if r.patient and r.note.program.is_part2},
    )
    return render(request, "clinical_notes/unsigned.html", {"rows": rows})
