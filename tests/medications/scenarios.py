"""Builders for the medications tests, through the real services.

``ordinary_day()`` (tests.daily) gives the mental-health program; ``substance_use()`` a Part 2
program with one admitted patient, a prescriber, a therapist and a facilitator. Call both
inside the ``noon`` fixture (Wednesday 2026-03-04, 12:00 in Chicago).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.medications import services
from openiop.medications.models import DrugScreen, Medication
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program
from tests.daily import TODAY, Day
from tests.factories import SYSTEM, patient, program_setup
from tests.scheduling.builders import clinician

DAY = dt.timedelta(days=1)
ADMITTED = dt.date(2026, 2, 9)


@dataclass
class SubstanceUse:
    program: Program
    episode: EpisodeOfCare
    prescriber: User
    therapist: User
    facilitator: User


def substance_use(name: str = "Substance Use IOP") -> SubstanceUse:
    """A Part 2 program with one patient admitted on ADMITTED (referred a week earlier)."""
    ps = program_setup(name, part2=True)
    person = patient(ps.program, referred_on=ADMITTED - 7 * DAY)
    episode = patient_services.episode_admit(
        actor=SYSTEM, episode=person.episodes.get(), track=ps.track, on=ADMITTED
    )
    return SubstanceUse(
        program=ps.program,
        episode=episode,
        prescriber=clinician(ps.program, ProgramRole.PRESCRIBER),
        therapist=clinician(ps.program, ProgramRole.THERAPIST),
        facilitator=clinician(ps.program, ProgramRole.GROUP_FACILITATOR),
    )


def start(
    day: Day,
    episode: EpisodeOfCare | None = None,
    *,
    drug: str = "Sertraline",
    dose: str = "50 mg",
    frequency: str = "once daily",
    started_on: dt.date = TODAY,
) -> Medication:
    """Start a medication as the day's prescriber (for the first patient by default)."""
    return services.medication_start(
        actor=SYSTEM,
        episode=episode or day.episodes[0],
        by=day.tiny.prescriber,
        drug=drug,
        dose=dose,
        frequency=frequency,
        prescriber=day.tiny.prescriber,
        started_on=started_on,
    )


def change(
    day: Day,
    medication: Medication,
    *,
    dose: str = "100 mg",
    frequency: str = "once daily",
    effective_on: dt.date = TODAY,
) -> Medication:
    return services.medication_change(
        actor=SYSTEM,
        medication=medication,
        by=day.tiny.prescriber,
        dose=dose,
        frequency=frequency,
        effective_on=effective_on,
    )


NEGATIVE_PANEL = [
    {"substance": "Cocaine", "result": "negative"},
    {"substance": "Opiates", "result": "negative"},
]


def screen(
    s: SubstanceUse,
    *,
    results: list[dict[str, str]] | None = None,
    collected_on: dt.date = TODAY,
) -> DrugScreen:
    return services.drug_screen_record(
        actor=SYSTEM,
        episode=s.episode,
        by=s.therapist,
        collected_on=collected_on,
        specimen="urine",
        results=NEGATIVE_PANEL if results is None else results,
        comment="",
    )
