"""The roster of one session: who is expected, who came, one tap per patient to record it
and a correction form for an existing record.

Every form carries a fresh idempotency key; a POST goes through ``core.idempotency`` so a
double tap or a retried request replays the first result instead of writing twice (the
database's unique constraint is the backstop). With htmx the row is swapped in place; without
JS the POST redirects back to the page. Bad input shows the specific error at the row, with a
4xx status. Thin: parse → access → one service → render.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openiop.accounts.actors import request_user
from openiop.attendance.access import attendance_of, participant_of, session_access
from openiop.attendance.forms import CorrectForm, MarkForm
from openiop.attendance.models import Attendance, AttendanceStatus
from openiop.attendance.selectors import Roster, RosterRow, session_roster
from openiop.attendance.services import attendance_correct, attendance_record
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.idempotency import idempotent
from openiop.core.policy import requires
from openiop.patients.models import EpisodeOfCare
from openiop.patients.selectors import patients_audit_listed
from openiop.scheduling.models import ScheduledSession

#: The one-tap buttons, in the order staff see them.
BUTTONS = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.TELEHEALTH,
    AttendanceStatus.ABSENT_EXCUSED,
    AttendanceStatus.ABSENT_UNEXCUSED,
]


def _session(request: HttpRequest, session_id: int, action: str) -> ScheduledSession:
    try:
        return session_access(
            request.user, session_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _row_context(roster: Roster, row: RosterRow, error: str = "") -> dict[str, Any]:
    return {
        "roster": roster,
        "row": row,
        "key": str(uuid.uuid4()),
        "error": error,
        "buttons": BUTTONS,
        "statuses": AttendanceStatus.choices,
    }


def _roster_page(
    request: HttpRequest, roster: Roster, *, errors: dict[int, str] | None = None, status: int = 200
) -> HttpResponse:
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=roster.patients,
        part2_ids={p.pk for p in roster.patients} if roster.session.program.is_part2 else None,
    )
    errors = errors or {}
    rows = [_row_context(roster, row, errors.get(row.episode.pk, "")) for row in roster.rows]
    context = {"roster": roster, "session": roster.session, "rows": rows}
    return render(request, "attendance/roster.html", context, status=status)


@requires(Capability.RECORD_ATTENDANCE)
def roster_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, "ATTENDANCE_ROSTER_VIEWED")
    return _roster_page(request, session_roster(session))


def _answer(
    request: HttpRequest,
    session: ScheduledSession,
    episode: EpisodeOfCare,
    *,
    error: DomainError | str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The row after a tap: swapped in place for htmx, else the page (redirect on success)."""
    message = error.message if isinstance(error, DomainError) else (error or "")
    if _is_htmx(request):
        roster = session_roster(session)
        row = next(r for r in roster.rows if r.episode.pk == episode.pk)
        patients_audit_listed(
            actor=actor_from_request(request),
            patients=[row.patient],
            part2_ids={row.patient.pk} if session.program.is_part2 else None,
        )
        context = _row_context(roster, row, message)
        return render(request, "attendance/_roster_row.html", context, status=status)
    if message:
        return _roster_page(
            request, session_roster(session), errors={episode.pk: message}, status=status
        )
    messages.success(request, "Attendance saved.")
    url = reverse("attendance:roster", kwargs={"session_id": session.pk})
    return redirect(f"{url}#row-{episode.pk}")


def _tap(
    request: HttpRequest,
    session: ScheduledSession,
    episode: EpisodeOfCare,
    form: MarkForm,
    op: str,
    write: Callable[[], Attendance],
) -> HttpResponse:
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _answer(request, session, episode, error=str(first), status=400)

    def effect() -> tuple[int, dict[str, Any]]:
        return 201, {"attendance_id": write().pk}

    try:
        idempotent(
            scope=f"attendance:{request_user(request).pk}",
            key=form.cleaned_data["idempotency_key"],
            payload={"op": op, "session": session.pk, "episode": episode.pk, **form.payload()},
            effect=effect,
        )
    except DomainError as error:
        status = int(getattr(error, "status", 422))
        return _answer(request, session, episode, error=error, status=status)
    return _answer(request, session, episode)


@require_POST
@requires(Capability.RECORD_ATTENDANCE)
def roster_mark(request: HttpRequest, session_id: int, episode_id: int) -> HttpResponse:
    """Record one patient's attendance (a one-tap status button)."""
    session = _session(request, session_id, "ATTENDANCE_RECORDED")
    actor = actor_from_request(request)
    try:
        episode = participant_of(session, episode_id, actor=actor, action="ATTENDANCE_RECORDED")
    except NotFound as exc:
        raise Http404 from exc
    form = MarkForm(request.POST)

    def write() -> Attendance:
        return attendance_record(
            actor=actor,
            session=session,
            episode=episode,
            status=AttendanceStatus(form.cleaned_data["status"]),
            minutes=form.cleaned_data["minutes"],
            by=request_user(request),
        )

    return _tap(request, session, episode, form, "record", write)


@require_POST
@requires(Capability.RECORD_ATTENDANCE)
def roster_correct(request: HttpRequest, session_id: int, attendance_id: int) -> HttpResponse:
    """Correct an existing record (audited with before and after)."""
    session = _session(request, session_id, "ATTENDANCE_CORRECTED")
    actor = actor_from_request(request)
    try:
        record = attendance_of(session, attendance_id, actor=actor, action="ATTENDANCE_CORRECTED")
    except NotFound as exc:
        raise Http404 from exc
    form = CorrectForm(request.POST)

    def write() -> Attendance:
        return attendance_correct(
            actor=actor,
            attendance=record,
            status=AttendanceStatus(form.cleaned_data["status"]),
            minutes=form.cleaned_data["minutes"],
            by=request_user(request),
        )

    return _tap(request, session, record.episode, form, f"correct:{record.pk}", write)
