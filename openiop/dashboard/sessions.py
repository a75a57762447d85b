"""The sessions a clinician runs today, with their rosters: the facilitator's groups (who
is expected, who has been checked in, whose medication changed) and the therapist's day.

Reads only; the page that shows the names audits them. A fixed number of queries however
many sessions and participants there are: the sessions (one), their participants, attendance
records and notes (one prefetch each), and the clinician's medication watches (one per
distinct local date among the programs, at most three on Earth at any instant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch

from openiop.attendance.models import ATTENDED, Attendance
from openiop.clinical_notes.models import Note, NoteKind, NoteState
from openiop.core import clock
from openiop.dashboard.selectors import ProgramDay, starts_on_local_day
from openiop.medications.models import MedicationWatch
from openiop.medications.selectors import active_watches_for
from openiop.patients.models import EpisodeOfCare, Patient
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionKind, SessionParticipant

#: The notes started from an appointment (a group's note has its own start page).
_NOTE_KINDS: dict[str, list[tuple[str, str]]] = {
    SessionKind.INDIVIDUAL: [(NoteKind.INDIVIDUAL_DAP, "DAP"), (NoteKind.INDIVIDUAL_BIRP, "BIRP")],
    SessionKind.PSYCHIATRY: [(NoteKind.PSYCHIATRY, "Psychiatry note")],
    SessionKind.FAMILY: [(NoteKind.FAMILY, "Family note")],
}


class Timing(StrEnum):
    CANCELLED = "cancelled"
    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One expected participant: their attendance so far (None before check-in) and the
    medication watch the clinician holds for them today, if any."""

    episode: EpisodeOfCare
    attendance: Attendance | None
    watch: MedicationWatch | None

    @property
    def patient(self) -> Patient:
        return self.episode.patient


@dataclass(frozen=True, slots=True)
class SessionToday:
    """One of the clinician's sessions today, in its program's zone."""

    session: ScheduledSession
    starts: dt.datetime
    ends: dt.datetime
    timing: Timing
    roster: list[RosterRow]
    notes: list[Note] = field(default_factory=list)

    @property
    def program(self) -> Program:
        return self.session.program

    @property
    def time_range(self) -> str:
        """Start and end in the program's zone, e.g. "13:00–14:30" (Django's date filters
        would show them in the server's zone instead)."""
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def is_group(self) -> bool:
        return self.session.kind == SessionKind.GROUP

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.roster if row.attendance is not None)

    @property
    def attended(self) -> int:
        return sum(1 for row in self.roster if row.attendance and row.attendance.status in ATTENDED)

    @property
    def live_note(self) -> Note | None:
        """The session's latest note that is not entered in error."""
        return next((n for n in self.notes if n.state != NoteState.ENTERED_IN_ERROR), None)

    @property
    def note_kinds(self) -> list[tuple[str, str]]:
        """(kind, short label) of the notes that document an appointment of this kind."""
        return _NOTE_KINDS.get(self.session.kind, [])


def _timing(session: ScheduledSession, now: dt.datetime) -> Timing:
    if session.cancelled_at is not None:
        return Timing.CANCELLED
    if now < session.starts_at:
        return Timing.UPCOMING
    return Timing.IN_PROGRESS if now < session.ends_at else Timing.ENDED


def _watches(user: Any, days: Sequence[ProgramDay]) -> dict[int, MedicationWatch]:
    """episode id → the user's running watch for it on its program's today."""
    found: dict[int, MedicationWatch] = {}
    programs_by_day: dict[dt.date, set[int]] = {}
    for day in days:
        programs_by_day.setdefault(day.today, set()).add(day.pk)
    for today, program_ids in programs_by_day.items():
        for watch in active_watches_for(user, today):
            if watch.episode.program_id in program_ids:
                found.setdefault(watch.episode_id, watch)
    return found


def sessions_today(user: Any, days: Sequence[ProgramDay]) -> list[SessionToday]:
    """The sessions ``user`` runs on each program's local today (cancelled ones included,
    marked), by start time, each with its expected participants (by family name), their
    attendance records and the session's notes. ``days`` are the programs to look in."""
    if not days:
        return []
    participants = SessionParticipant.objects.select_related("episode__patient").order_by(
        "episode__patient__legal_family_name", "episode__patient__legal_given_name", "pk"
    )
    sessions = list(
        ScheduledSession.objects.filter(starts_on_local_day(days), clinician_id=user.pk)
        .select_related("program", "cohort", "room")
        .prefetch_related(
            Prefetch("participants", queryset=participants, to_attr="participant_list"),
            Prefetch("attendance", queryset=Attendance.objects.all(), to_attr="record_list"),
            Prefetch("notes", queryset=Note.objects.order_by("-created_at"), to_attr="note_list"),
        )
        .order_by("starts_at", "pk")
    )
    watched = _watches(user, days) if sessions else {}
    now = clock.now()
    return [_session_today(s, now, watched) for s in sessions]


def _session_today(
    session: Any, now: dt.datetime, watched: dict[int, MedicationWatch]
) -> SessionToday:
    zone = session.program.zone
    records = {a.episode_id: a for a in session.record_list}
    roster = [
        RosterRow(p.episode, records.get(p.episode_id), watched.get(p.episode_id))
        for p in session.participant_list
    ]
    return SessionToday(
        session=session,
        starts=session.starts_at.astimezone(zone),
        ends=session.ends_at.astimezone(zone),
        timing=_timing(session, now),
        roster=roster,
        notes=list(session.note_list),
    )
