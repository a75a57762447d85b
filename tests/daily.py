"""A program on an ordinary day, shared by the daily-operations tests (attendance, notes,
plans, medications, the team meeting and the today views).

Built through the real services on top of ``tests.scheduling.builders.tiny_program``: four
admitted patients in one cohort with a care team, a 90-minute group this afternoon run by
the facilitator, and an individual session with the therapist for the first patient. Call
inside a test running at ``NOON`` (use the ``at_noon`` fixture or time_machine), where the
program's local date is ``TODAY``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openiop.attendance.models import Attendance, AttendanceStatus, RecordedVia
from openiop.attendance.services import attendance_record
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionKind
from openiop.scheduling.services import session_create
from tests.factories import SYSTEM
from tests.scheduling.builders import WEDNESDAY, Tiny, tiny_program

CHICAGO = ZoneInfo("America/Chicago")
#: Wednesday 2026-03-04, 12:00 in Chicago.
NOON = WEDNESDAY
TODAY = dt.date(2026, 3, 4)


def local(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    """An aware datetime at ``hour:minute`` on ``day`` in the program's zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO)


@dataclass
class Day:
    tiny: Tiny
    group: ScheduledSession
    individual: ScheduledSession

    @property
    def program(self) -> Program:
        return self.tiny.program

    @property
    def episodes(self) -> list[EpisodeOfCare]:
        return self.tiny.episodes


def ordinary_day(name: str = "Adult IOP", *, patients: int = 4) -> Day:
    """The program of this module's docstring. Each episode is in the cohort (joined on
    admission day) with the therapist as primary therapist and the prescriber as prescriber."""
    tiny = tiny_program(name, patients=patients)
    for episode in tiny.episodes:
        patient_services.episode_assign_cohort(
            actor=SYSTEM, episode=episode, cohort=tiny.cohort, on=episode.admitted_on
        )
        patient_services.care_team_assign(
            actor=SYSTEM, episode=episode, seat="primary_therapist", member=tiny.therapist
        )
        patient_services.care_team_assign(
            actor=SYSTEM, episode=episode, seat="prescriber", member=tiny.prescriber
        )
    group = session_create(
        actor=SYSTEM,
        program=tiny.program,
        kind=SessionKind.GROUP,
        starts_at=local(13),
        ends_at=local(14, 30),
        clinician=tiny.facilitator,
        cohort=tiny.cohort,
        room=tiny.room,
        episodes=tiny.episodes,
    )
    individual = session_create(
        actor=SYSTEM,
        program=tiny.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(15),
        ends_at=local(15, 50),
        clinician=tiny.therapist,
        episodes=[tiny.episodes[0]],
    )
    return Day(tiny=tiny, group=group, individual=individual)


def attend(
    day: Day,
    episode: EpisodeOfCare,
    status: str = "present",
    *,
    session: ScheduledSession | None = None,
    minutes: int | None = None,
) -> Attendance:
    """Record ``episode``'s attendance at ``session`` (default: today's group) through the
    attendance service, as the session's clinician at the roster."""
    session = session or day.group
    return attendance_record(
        actor=SYSTEM,
        session=session,
        episode=episode,
        status=AttendanceStatus(status),
        minutes=minutes,
        by=session.clinician,
        via=RecordedVia.ROSTER,
    )
