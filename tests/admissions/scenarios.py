"""Front-door scenarios built through the real services: a program with a track, its staff,
referrals, a full track and a waitlist."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import time_machine

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.admissions.models import Referral, ReferralSource, Stage, Urgency
from openiop.admissions.services import referrals as referral_services
from openiop.admissions.services.referrals import Person, ReferralDetails
from openiop.core import clock
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason, EpisodeOfCare, EpisodeState
from openiop.programs import services as program_services
from openiop.programs.models import Cohort, Program, Track
from tests import factories
from tests.factories import SYSTEM

# A Monday noon in Chicago; scenarios travel from here.
T0 = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
_n = itertools.count(1)


def at(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class Front:
    ps: factories.ProgramSet
    coordinator: User
    director: User
    facilitator: User
    case_manager: User
    therapist: User

    @property
    def program(self) -> Program:
        return self.ps.program

    @property
    def track(self) -> Track:
        return self.ps.track


def front(name: str = "Adult IOP", *, part2: bool = False) -> Front:
    ps = factories.program_setup(name, part2=part2)
    return Front(
        ps=ps,
        coordinator=factories.staff(ProgramRole.INTAKE_COORDINATOR, ps.program),
        director=factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program),
        facilitator=factories.staff(ProgramRole.GROUP_FACILITATOR, ps.program),
        case_manager=factories.staff(ProgramRole.CASE_MANAGER, ps.program),
        therapist=factories.staff(ProgramRole.THERAPIST, ps.program),
    )


def person(**overrides: object) -> Person:
    n = next(_n)
    fields: dict[str, object] = {
        "legal_given_name": f"Given{n}",
        "legal_family_name": f"Family{n}",
        "date_of_birth": dt.date(1988, 4, 9),
        "phone": "555-0100",
    }
    fields.update(overrides)
    return Person(**fields)  # type: ignore[arg-type]


def details(**overrides: object) -> ReferralDetails:
    fields: dict[str, object] = {
        "source": ReferralSource.THERAPIST,
        "reason": "Worsening depression; weekly therapy is not enough.",
        "urgency": Urgency.ROUTINE,
        "referrer_name": "Dr. Ada Referrer",
    }
    fields.update(overrides)
    return ReferralDetails(**fields)  # type: ignore[arg-type]


def refer(f: Front, *, who: Person | None = None, **detail_overrides: object) -> Referral:
    """A new referral to ``f``'s program, taken by its intake coordinator."""
    return referral_services.referral_create(
        actor=SYSTEM,
        user=f.coordinator,
        program=f.program,
        details=details(**detail_overrides),
        person=who or person(),
    )


def advance(f: Front, referral: Referral, to: Stage) -> Referral:
    """Move a referral forward through the real service up to ``to`` (intake scheduled at
    the latest: later stages need an assessment and billing)."""
    while referral.stage != to:
        intake = clock.now() + days(2)
        referral = referral_services.referral_advance(
            actor=SYSTEM, user=f.coordinator, referral=referral, intake_at=intake
        )
    return referral


def enter_stage_directly(referral: Referral, stage: Stage) -> None:
    """STAND-IN for stages whose services belong to others (assessment, billing, C2's
    admission): enters ``stage`` through ``referrals.enter_stage``, the one function that
    sets a stage, so the StageChange rows the statistics read are real. Used only where a
    test is about time in stages, not about how the stage was earned."""
    referral_services.enter_stage(referral, stage, user=None)


def ready(f: Front, *, who: Person | None = None, **detail_overrides: object) -> Referral:
    """A referral at "authorized" (ready to start; only a seat is missing). STAND-IN: it
    enters the stage through ``enter_stage_directly``, as the waitlist tests are about
    waiting, not about earning the stage (tests/admissions/intake_scenarios.py does that)."""
    referral = refer(f, who=who, **detail_overrides)
    enter_stage_directly(referral, Stage.AUTHORIZED)
    return referral


def rolling_cohort(f: Front, *, seats: int, name: str = "Cedar") -> Cohort:
    return program_services.cohort_create(
        track=f.track, name=name, started_on=dt.date(2026, 1, 5), min_size=0, max_size=seats
    )


def admitted(f: Front, count: int) -> list[EpisodeOfCare]:
    """``count`` people admitted to ``f``'s track (occupying seats), not through referrals."""
    episodes = []
    for _ in range(count):
        p = factories.patient(f.program)
        episode = p.episodes.get()
        patient_services.episode_admit(actor=SYSTEM, episode=episode, track=f.track)
        episodes.append(episode)
    return episodes


def full_track(f: Front, *, seats: int = 2) -> Cohort:
    """``f``'s track with one rolling cohort of ``seats`` seats, all taken."""
    cohort = rolling_cohort(f, seats=seats)
    admitted(f, seats)
    return cohort


def discharge(episode: EpisodeOfCare) -> None:
    """End an episode: an admitted person finishes treatment (freeing a seat); one who was
    never admitted is closed as not admitted."""
    episode.refresh_from_db()
    admitted = episode.state == EpisodeState.ADMITTED
    reason = DischargeReason.GOALS_MET if admitted else DischargeReason.NOT_ADMITTED
    patient_services.episode_discharge(actor=SYSTEM, episode=episode, reason=reason)
