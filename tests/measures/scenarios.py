"""Building measurement scenarios through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import time_machine

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.measures import services
from openiop.measures.models import Source, Timepoint
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare, Patient
from tests import factories
from tests.factories import SYSTEM

# A Monday in the program's time zone (America/Chicago), mid-day.
ADMITTED = dt.date(2026, 3, 2)
STANDARD_SCHEDULE = [
    ("phq9", Timepoint.INTAKE),
    ("phq9", Timepoint.WEEKLY),
    ("phq9", Timepoint.DISCHARGE),
    ("phq9", Timepoint.FOLLOW_UP_30),
    ("phq9", Timepoint.FOLLOW_UP_180),
    ("gad7", Timepoint.INTAKE),
    ("gad7", Timepoint.WEEKLY),
    ("gad7", Timepoint.DISCHARGE),
]


def at(day: dt.date, hour: int = 18) -> time_machine.travel:
    """Travel to ``hour`` UTC on ``day`` (noon or 1 pm in Chicago)."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False
    )


@dataclass
class Scenario:
    ps: factories.ProgramSet
    therapist: User
    director: User
    patient: Patient
    episode: EpisodeOfCare


def scenario(*, part2: bool = False, primary: bool = True) -> Scenario:
    """A program with the standard schedule, a director, a therapist and one patient admitted
    on ADMITTED (call inside ``at(...)`` on or after that day)."""
    ps = factories.program_setup(part2=part2)
    services.schedule_set(actor=SYSTEM, program=ps.program, entries=STANDARD_SCHEDULE)
    therapist = factories.staff(ProgramRole.THERAPIST, ps.program)
    director = factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program)
    with at(ADMITTED - dt.timedelta(days=3)):
        patient = factories.patient(ps.program)
    episode = EpisodeOfCare.objects.get(patient=patient)
    with at(ADMITTED):
        patient_services.episode_admit(actor=SYSTEM, episode=episode, track=ps.track)
        if primary:
            patient_services.care_team_assign(
                actor=SYSTEM, episode=episode, seat="primary_therapist", member=therapist
            )
    episode.refresh_from_db()
    return Scenario(ps, therapist, director, patient, episode)


def record(
    s: Scenario,
    answers: Sequence[int | None],
    *,
    instrument: str = "phq9",
    timepoint: str = Timepoint.INTAKE,
    due_on: dt.date = ADMITTED,
    source: Source = Source.API,
) -> services.Recorded:
    s.episode.refresh_from_db()
    return services.response_record(
        actor=SYSTEM,
        episode=s.episode,
        instrument_id=instrument,
        answers=answers,
        timepoint=timepoint,
        due_on=due_on,
        source=source,
    )


PHQ9_MODERATE = [2, 2, 1, 1, 1, 1, 1, 1, 0]  # total 10, item 9 = 0
PHQ9_ITEM9 = [2, 2, 1, 1, 1, 1, 1, 1, 1]  # total 11, item 9 = 1
