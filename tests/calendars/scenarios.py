"""A program with rooms, a cohort, three clinicians and two admitted patients, and sessions
put on its calendar through the real scheduling service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare, Patient
from openiop.programs import services as program_services
from openiop.programs.models import Cohort, Room
from openiop.scheduling.models import ScheduledSession, SessionKind
from openiop.scheduling.services.sessions import session_create
from tests import factories
from tests.factories import SYSTEM

ADMITTED = dt.date(2026, 2, 16)
# Monday of an ordinary week, and of the week in which US clocks spring forward (Sun 8 Mar).
WEEK = dt.date(2026, 2, 23)
DST_WEEK = dt.date(2026, 3, 2)
# Names that must never appear where they do not belong.
ALICE = ("Alicia", "Zephyrine")
BOB = ("Bartholomew", "Quillfeather")
COHORT = "Cedar Circle"


def at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


@dataclass
class Scenario:
    ps: factories.ProgramSet
    group_room: Room
    office: Room
    cohort: Cohort
    director: User
    therapist: User
    facilitator: User
    alice: Patient
    bob: Patient
    alice_ep: EpisodeOfCare
    bob_ep: EpisodeOfCare

    @property
    def zone(self) -> ZoneInfo:
        return self.ps.program.zone

    def local(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """``hour`` on ``day`` in the program's zone, as a UTC instant."""
        return dt.datetime.combine(day, dt.time(hour, minute), self.zone).astimezone(dt.UTC)


def _admitted(program_set: factories.ProgramSet, names: tuple[str, str]) -> EpisodeOfCare:
    noon = dt.datetime.combine(ADMITTED, dt.time(18), dt.UTC)
    with at(noon - dt.timedelta(days=3)):
        patient = factories.patient(
            program_set.program,
            legal_given_name=names[0],
            legal_family_name=names[1],
            confirm_not_duplicate=True,  # a second scenario reuses the names
        )
    episode = EpisodeOfCare.objects.get(patient=patient)
    with at(noon):
        patient_services.episode_admit(actor=SYSTEM, episode=episode, track=program_set.track)
    episode.refresh_from_db()
    return episode


def scenario(
    name: str = "Adult IOP", *, tz: str = "America/Chicago", part2: bool = False
) -> Scenario:
    ps = factories.program_setup(name, tz=tz, part2=part2)
    site = ps.program.site
    group_room = program_services.room_create(site=site, name="Maple Room", capacity=12)
    office = program_services.room_create(site=site, name="Office 2", capacity=3)
    director = factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program)
    therapist = factories.staff(ProgramRole.THERAPIST, ps.program)
    facilitator = factories.staff(ProgramRole.GROUP_FACILITATOR, ps.program)
    cohort = program_services.cohort_create(
        track=ps.track, name=f"{COHORT} {ps.program.pk}", started_on=ADMITTED, min_size=0
    )
    alice_ep, bob_ep = _admitted(ps, ALICE), _admitted(ps, BOB)
    return Scenario(
        ps=ps,
        group_room=group_room,
        office=office,
        cohort=cohort,
        director=director,
        therapist=therapist,
        facilitator=facilitator,
        alice=alice_ep.patient,
        bob=bob_ep.patient,
        alice_ep=alice_ep,
        bob_ep=bob_ep,
    )


def group(
    s: Scenario,
    starts_at: dt.datetime,
    *,
    hours: int = 3,
    episodes: Sequence[EpisodeOfCare] | None = None,
) -> ScheduledSession:
    """The cohort's group in the group room, run by the facilitator."""
    return session_create(
        actor=SYSTEM,
        program=s.ps.program,
        kind=SessionKind.GROUP,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        clinician=s.facilitator,
        cohort=s.cohort,
        room=s.group_room,
        episodes=list(episodes if episodes is not None else (s.alice_ep, s.bob_ep)),
    )


def appointment(
    s: Scenario,
    episode: EpisodeOfCare,
    starts_at: dt.datetime,
    *,
    kind: SessionKind = SessionKind.INDIVIDUAL,
    clinician: User | None = None,
    room: Room | None = None,
) -> ScheduledSession:
    """An office session of one patient, with the therapist by default."""
    return session_create(
        actor=SYSTEM,
        program=s.ps.program,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        clinician=clinician or s.therapist,
        room=room,
        episodes=[episode],
    )
