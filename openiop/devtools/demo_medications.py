"""Medications and drug screens in the demo, through the audited services (nothing is saved
directly): medication lists for most admitted patients, two recent dose changes in the first
mental-health program so its group facilitator has running watches, one stopped medication,
and weekly drug screens in the Part 2 programs (mostly negative, one recent unexpected
positive, the buprenorphine patients' expected positives).

Call after the schedules are built: a watch goes to the cohort's facilitator and to the
clinicians of the cohort's group sessions around today. Deterministic without randomness:
patients are taken in id order and given regimens by position. All synthetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from openiop.accounts.models import User
from openiop.accounts.roles import PROGRAM_ROLE_CAPABILITIES
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.medications.models import DrugScreen, Medication, MedicationChange, MedicationWatch
from openiop.medications.selectors import prescribers_of
from openiop.medications.services import (
    drug_screen_record,
    medication_change,
    medication_start,
    medication_stop,
)
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program

DAY = dt.timedelta(days=1)
# (drug, dose, frequency, the dose a later increase goes to)
Drug = tuple[str, str, str, str]
SERTRALINE: Drug = ("Sertraline", "50 mg", "once daily in the morning", "100 mg")
BUPROPION: Drug = ("Bupropion XL", "150 mg", "once daily in the morning", "300 mg")
ESCITALOPRAM: Drug = ("Escitalopram", "10 mg", "once daily", "20 mg")
TRAZODONE: Drug = ("Trazodone", "50 mg", "at bedtime as needed for sleep", "100 mg")
FLUOXETINE: Drug = ("Fluoxetine", "20 mg", "once daily in the morning", "40 mg")
VENLAFAXINE: Drug = ("Venlafaxine XR", "75 mg", "once daily with food", "150 mg")
HYDROXYZINE: Drug = ("Hydroxyzine", "25 mg", "up to three times daily as needed", "50 mg")
BUPRENORPHINE: Drug = ("Buprenorphine/naloxone", "8 mg/2 mg", "once daily, sublingual", "")
NALTREXONE: Drug = ("Naltrexone", "50 mg", "once daily", "")
ACAMPROSATE: Drug = ("Acamprosate", "666 mg", "three times daily", "")
# By position in the program's admitted patients; an empty regimen: no medication.
MENTAL_HEALTH: tuple[tuple[Drug, ...], ...] = (
    (SERTRALINE,),
    (BUPROPION,),
    (ESCITALOPRAM, TRAZODONE),
    (FLUOXETINE,),
    (),
    (VENLAFAXINE, HYDROXYZINE),
)
SUBSTANCE_USE: tuple[tuple[Drug, ...], ...] = (
    (BUPRENORPHINE,),
    (NALTREXONE,),
    (BUPRENORPHINE, SERTRALINE),
    (ACAMPROSATE,),
    (),
)
# Days after admission a list starts; days before today of the two watched changes and of
# the stop; weeks of screens.
START_AFTER_ADMISSION = 3
CHANGES_AGO = (2, 4)
STOPPED_AGO = 10
SCREEN_WEEKS = 4
PANEL = ("Amphetamines", "Benzodiazepines", "Cocaine", "Fentanyl", "Opiates")


@dataclass(frozen=True, slots=True)
class MedicationsSummary:
    medications: int
    changes: int
    watches: int
    screens: int
    positive_screens: int

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the watch page."""
        return (
            "Medication watches after two dose changes",
            "/medications/watches/ as facilitator; drug screens (Part 2) on the "
            "Medications tab of Substance Use IOP patients",
        )


def build_medications(actor: Actor, programs: Mapping[str, Program]) -> MedicationsSummary:
    """Seed every program's medications and, in Part 2 programs, drug screens; the two
    watched changes and the stop go to the first mental-health program. Audits through the
    services. Returns the counts for the summary."""
    started: list[Medication] = []
    for program in programs.values():
        started += _seed_lists(actor, program)
        if program.is_part2:
            _seed_screens(actor, program)
    watched = next((p for p in programs.values() if not p.is_part2), None)
    if watched is not None:
        _seed_changes(actor, [m for m in started if m.episode.program_id == watched.pk])
    return MedicationsSummary(
        medications=Medication.objects.count(),
        changes=MedicationChange.objects.count(),
        watches=MedicationWatch.objects.count(),
        screens=DrugScreen.objects.count(),
        positive_screens=DrugScreen.objects.filter(positive=True).count(),
    )


def _admitted(program: Program) -> list[EpisodeOfCare]:
    return list(
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
        .select_related("program", "care_team")
        .order_by("pk")
    )


def _seed_lists(actor: Actor, program: Program) -> list[Medication]:
    """Start each admitted patient's regimen a few days after admission (today at the
    latest), prescribed by their care team's prescriber or the program's first one."""
    prescribers = prescribers_of(program)
    if not prescribers:
        return []
    today = clock.localdate(program.zone)
    regimens = SUBSTANCE_USE if program.is_part2 else MENTAL_HEALTH
    medications = []
    for n, episode in enumerate(_admitted(program)):
        prescriber = _prescriber(episode, prescribers)
        admitted = episode.admitted_on or episode.referred_on  # set for admitted episodes
        on = min(admitted + START_AFTER_ADMISSION * DAY, today)
        for drug, dose, frequency, _ in regimens[n % len(regimens)]:
            medications.append(
                medication_start(
                    actor=actor,
                    episode=episode,
                    by=prescriber,
                    drug=drug,
                    dose=dose,
                    frequency=frequency,
                    prescriber=prescriber,
                    started_on=on,
                )
            )
    return medications


def _prescriber(episode: EpisodeOfCare, prescribers: list[User]) -> User:
    team = getattr(episode, "care_team", None)
    chosen = next((u for u in prescribers if team and u.pk == team.prescriber_id), None)
    return chosen or prescribers[0]


def _seed_changes(actor: Actor, medications: list[Medication]) -> None:
    """Raise the dose of two medications started long enough ago (so the facilitators watch
    now) and stop a bedtime medication taken long enough to have been stopped."""
    by_drug = {drug[0]: drug for regimen in MENTAL_HEALTH for drug in regimen}
    today = clock.localdate(medications[0].episode.program.zone) if medications else None
    if today is None:
        return
    raisable = [m for m in medications if m.started_on <= today - max(CHANGES_AGO) * DAY]
    for ago, medication in zip(CHANGES_AGO, _one_per_patient(raisable), strict=False):
        medication_change(
            actor=actor,
            medication=medication,
            by=medication.prescriber,
            dose=by_drug[medication.drug][3],
            frequency=medication.frequency,
            effective_on=today - ago * DAY,
        )
    stoppable = [
        m
        for m in medications
        if m.drug == TRAZODONE[0] and m.started_on <= today - STOPPED_AGO * DAY
    ]
    if stoppable:
        medication_stop(
            actor=actor,
            medication=stoppable[0],
            by=stoppable[0].prescriber,
            stopped_on=today - STOPPED_AGO * DAY,
            reason="Morning grogginess; sleeping well without it",
        )


def _one_per_patient(medications: list[Medication]) -> list[Medication]:
    seen: set[int] = set()
    result = []
    for medication in medications:
        if medication.episode_id not in seen and medication.drug != TRAZODONE[0]:
            seen.add(medication.episode_id)
            result.append(medication)
    return result


def _seed_screens(actor: Actor, program: Program) -> None:
    """Weekly urine screens since admission, for up to ``SCREEN_WEEKS`` weeks: negative,
    buprenorphine expected for those who take it, and one unexpected cocaine positive two days
    ago for the first patient after the first one screened then."""
    recorders = _screen_recorders(program)
    if not recorders:
        return
    today = clock.localdate(program.zone)
    on_buprenorphine = set(
        Medication.objects.filter(
            episode__program=program, drug=BUPRENORPHINE[0], stopped_on__isnull=True
        ).values_list("episode_id", flat=True)
    )
    positive_given = False
    for n, episode in enumerate(_admitted(program)):
        team = getattr(episode, "care_team", None)
        by = next((u for u in recorders if team and u.pk == team.primary_therapist_id), None)
        admitted = episode.admitted_on or episode.referred_on  # set for admitted episodes
        for week in range(SCREEN_WEEKS):
            collected = today - (2 + 7 * week) * DAY
            if collected < admitted:
                break
            positive = n > 0 and week == 0 and not positive_given
            positive_given = positive_given or positive
            drug_screen_record(
                actor=actor,
                episode=episode,
                by=by or recorders[0],
                collected_on=collected,
                specimen="urine",
                results=_results(positive, expected=episode.pk in on_buprenorphine),
                comment="Observed collection" if positive else "",
            )


def _results(positive: bool, *, expected: bool) -> list[dict[str, str]]:
    rows = [
        {"substance": s, "result": "positive" if positive and s == "Cocaine" else "negative"}
        for s in PANEL
    ]
    rows.append({"substance": "Buprenorphine", "result": "expected" if expected else "negative"})
    return rows


def _screen_recorders(program: Program) -> list[User]:
    """Active members who may record screens in the program, by name."""
    roles = [
        role
        for role, caps in PROGRAM_ROLE_CAPABILITIES.items()
        if Capability.RECORD_DRUG_SCREENS in caps
    ]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__program=program,
            memberships__is_active=True,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
