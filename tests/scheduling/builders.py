"""A tiny program to plan, built through the real services (so audit rows and invariants hold).

One evening track (Mon/Tue/Thu 18–21, nine one-hour slots) with one rolling cohort, a group
room, a director, a therapist, a facilitator and a prescriber who work the track's hours, and
a few admitted patients who can attend all of it. The clock is a Wednesday noon in Chicago.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant, staff_create
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Cohort, Program, Room, Track
from openiop.programs.services import cohort_create, room_create
from openiop.scheduling import services
from tests.factories import PASSWORD, SYSTEM, patient, program_setup

# Wednesday 2026-03-04, noon in Chicago (CST). The next week (from Monday 2026-03-09) is in
# CDT: daylight saving starts on Sunday 2026-03-08, inside this week.
WEDNESDAY = dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC)
THIS_MONDAY = dt.date(2026, 3, 2)
NEXT_MONDAY = dt.date(2026, 3, 9)
EVENING = [(day, dt.time(18), dt.time(21)) for day in (0, 1, 3)]
_n = itertools.count(1)


@dataclass
class Tiny:
    program: Program
    track: Track
    cohort: Cohort
    room: Room
    director: User
    therapist: User
    facilitator: User
    prescriber: User
    episodes: list[EpisodeOfCare] = field(default_factory=list)


def clinician(
    program: Program,
    role: ProgramRole,
    competencies: tuple[str, ...] = (),
    cap: int | None = None,
) -> User:
    n = next(_n)
    user = staff_create(
        actor=SYSTEM,
        username=f"{role.value}{n}",
        password=PASSWORD,
        first_name=role.label.split()[0],
        last_name=f"Clinician{n}",
        competencies=list(competencies),
    )
    membership_grant(actor=SYSTEM, user=user, program=program, role=role, caseload_cap=cap)
    return user


def admit(tiny: Tiny, *, windows: list[tuple[int, dt.time, dt.time]] = EVENING) -> EpisodeOfCare:
    """Register, admit to the track and give availability; joins no cohort (the plan does)."""
    p = patient(tiny.program, referred_on=dt.date(2026, 2, 2))
    episode = patient_services.episode_admit(
        actor=SYSTEM, episode=p.episodes.get(), track=tiny.track, on=dt.date(2026, 2, 9)
    )
    services.patient_availability_set(actor=SYSTEM, episode=episode, windows=windows)
    tiny.episodes.append(episode)
    return episode


def tiny_program(name: str = "Adult IOP", *, patients: int = 3) -> Tiny:
    """Call inside a test running at WEDNESDAY (time_machine)."""
    ps = program_setup(name)
    cohort = cohort_create(
        track=ps.track, name=f"{name} Evening A", started_on=dt.date(2026, 1, 5), min_size=1
    )
    room = room_create(site=ps.program.site, name=f"Group Room {next(_n)}", capacity=10)
    tiny = Tiny(
        program=ps.program,
        track=ps.track,
        cohort=cohort,
        room=room,
        director=clinician(ps.program, ProgramRole.PROGRAM_DIRECTOR),
        therapist=clinician(ps.program, ProgramRole.THERAPIST, ("family",), cap=10),
        facilitator=clinician(ps.program, ProgramRole.GROUP_FACILITATOR, ("group",)),
        prescriber=clinician(ps.program, ProgramRole.PRESCRIBER, ("prescriber",)),
    )
    for user in (tiny.therapist, tiny.facilitator, tiny.prescriber):
        services.staff_availability_set(
            actor=SYSTEM, program=tiny.program, user=user, windows=EVENING
        )
    for _ in range(patients):
        admit(tiny)
    return tiny
