"""Reads of the attendance context, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from openiop.accounts.access import program_ids_with
from openiop.attendance.hours import WeekHours, week_of, weekly_hours_span
from openiop.attendance.models import Attendance, AttendancePolicy, AttendanceReview, KioskDevice
from openiop.attendance.timing import service_date_of, session_minutes
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.patients.models import EpisodeOfCare, EpisodeState, Patient
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession


@dataclass(frozen=True, slots=True)
class RosterRow:
    episode: EpisodeOfCare
    attendance: Attendance | None

    @property
    def patient(self) -> Patient:
        return self.episode.patient


@dataclass(frozen=True, slots=True)
class Roster:
    """A session's expected participants, by last name, each with their record (if any).
    ``recordable`` is False for a cancelled session or one on another day: corrections only."""

    session: ScheduledSession
    rows: list[RosterRow]
    minutes: int
    service_date: dt.date
    today: dt.date

    @property
    def cancelled(self) -> bool:
        return self.session.cancelled_at is not None

    @property
    def recordable(self) -> bool:
        return not self.cancelled and self.service_date == self.today

    @property
    def patients(self) -> list[Patient]:
        return [r.patient for r in self.rows]


def session_roster(session: ScheduledSession) -> Roster:
    """The roster of an authorized session (``program`` loaded). Two queries."""
    episodes = list(
        EpisodeOfCare.objects.select_related("patient", "program")
        .filter(session_participations__session=session)
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )
    records = {
        a.episode_id: a
        for a in Attendance.objects.filter(session=session).select_related("recorded_by")
    }
    return Roster(
        session=session,
        rows=[RosterRow(e, records.get(e.pk)) for e in episodes],
        minutes=session_minutes(session),
        service_date=service_date_of(session),
        today=clock.localdate(session.program.zone),
    )


@dataclass(frozen=True, slots=True)
class WeekLine:
    week_start: dt.date
    hours: WeekHours


@dataclass(frozen=True, slots=True)
class PatientAttendance:
    """A patient's attendance in the programs the viewer may see: every record (newest
    first), the current episode's last weeks of hours against its program's minimum, and the
    open reviews, each flagged with whether the viewer may resolve it."""

    records: list[Attendance]
    episode: EpisodeOfCare | None
    weeks: list[WeekLine] = field(default_factory=list)
    min_weekly_hours: Any = None
    reviews: list[AttendanceReview] = field(default_factory=list)
    can_resolve: set[int] = field(default_factory=set)


def patient_attendance(
    user: Any, patient: Patient, current: EpisodeOfCare | None, *, weeks: int = 4
) -> PatientAttendance:
    """The chart tab's data (see PatientAttendance). ``current`` is the chart's current
    episode (program loaded); its hours are shown only if it is in a program the viewer may
    see. Five queries."""
    visible = program_ids_with(user, Capability.VIEW_PATIENTS)
    records = list(
        Attendance.objects.filter(episode__patient=patient, episode__program_id__in=visible)
        .select_related("session__program", "episode__program", "recorded_by")
        .order_by("-session__starts_at")
    )
    reviews = list(
        AttendanceReview.objects.filter(
            episode__patient=patient,
            episode__program_id__in=visible,
            resolved_at__isnull=True,
        )
        .select_related("policy", "episode__program")
        .order_by("raised_at")
    )
    recorders = program_ids_with(user, Capability.RECORD_ATTENDANCE)
    if current is None or current.program_id not in visible:
        current = None
    lines = []
    if current is not None and current.state == EpisodeState.ADMITTED:
        first = week_of(clock.localdate(current.program.zone)) - dt.timedelta(weeks=weeks - 1)
        span = weekly_hours_span([current], first, weeks)[current.pk]
        lines = [WeekLine(first + dt.timedelta(weeks=n), hours) for n, hours in enumerate(span)][
            ::-1
        ]
    return PatientAttendance(
        records=records,
        episode=current,
        weeks=lines,
        min_weekly_hours=current.program.min_weekly_hours if current else None,
        reviews=reviews,
        can_resolve={r.pk for r in reviews if r.episode.program_id in recorders},
    )


def program_kiosks(program: Program) -> list[KioskDevice]:
    """The program's kiosks, live ones first, newest first."""
    return list(
        KioskDevice.objects.filter(program=program)
        .select_related("created_by")
        .order_by("revoked_at", "-created_at")
    )


def program_policies(program: Program) -> list[AttendancePolicy]:
    """The program's attendance policies, active first, by name."""
    return list(AttendancePolicy.objects.filter(program=program).order_by("-is_active", "name"))


def open_reviews(program_ids: set[int]) -> list[AttendanceReview]:
    """Open attendance reviews in ``program_ids``, oldest first, with patient and policy
    loaded (for today views and the team meeting). One query."""
    return list(
        AttendanceReview.objects.filter(
            resolved_at__isnull=True, episode__program_id__in=program_ids
        )
        .select_related("episode__patient", "episode__program", "policy")
        .order_by("raised_at")
    )
