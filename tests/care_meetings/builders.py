"""Building care-meeting scenarios on top of ``tests.daily.ordinary_day``, through the real
services of each context (attendance, measures, medications, billing, treatment plans).
Call inside a test travelling at ``NOON`` (the ``at_noon`` fixture of conftest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import time_machine

from openiop.accounts.roles import ProgramRole
from openiop.attendance.models import AttendanceStatus, RecordedVia
from openiop.attendance.services import attendance_record
from openiop.billing import services as billing
from openiop.billing.models import Authorization
from openiop.measures import services as measures
from openiop.measures.models import Source, Timepoint
from openiop.medications.services import drug_screen_record
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare, Phase
from openiop.scheduling.models import ScheduledSession, SessionKind
from openiop.scheduling.services import session_create
from openiop.treatment_plans.models import ObjectiveStatus, PlanObjective, TreatmentPlan
from openiop.treatment_plans.services import (
    goal_add,
    intervention_add,
    objective_add,
    objective_status_change,
    plan_activate,
    plan_create,
    problem_add,
)
from tests import factories
from tests.billing.scenarios import BENEFITS
from tests.daily import TODAY, Day, local
from tests.factories import SYSTEM

DAY = dt.timedelta(days=1)
WEEK = 7 * DAY
SCHEDULE = [
    ("phq9", Timepoint.INTAKE),
    ("phq9", Timepoint.WEEKLY),
    ("gad7", Timepoint.INTAKE),
    ("gad7", Timepoint.WEEKLY),
]


def phq9(total: int, *, item9: int = 0) -> list[int]:
    """PHQ-9 answers adding up to ``total`` (0–27), with item 9 as given."""
    answers = [0] * 8 + [item9]
    left = total - item9
    for i in range(8):
        answers[i] = min(3, left)
        left -= answers[i]
    assert left == 0, "total out of range"
    return answers


def admit(day: Day, on: dt.date, *, phase: Phase | None = None) -> EpisodeOfCare:
    """Another patient of the day's program, admitted on ``on`` into the cohort with the
    therapist as primary therapist; optionally moved to ``phase`` on admission day."""
    person = factories.patient(day.program, referred_on=on - WEEK)
    episode = patient_services.episode_admit(
        actor=SYSTEM, episode=person.episodes.get(), track=day.tiny.track, on=on
    )
    patient_services.episode_assign_cohort(
        actor=SYSTEM, episode=episode, cohort=day.tiny.cohort, on=on
    )
    patient_services.care_team_assign(
        actor=SYSTEM, episode=episode, seat="primary_therapist", member=day.tiny.therapist
    )
    if phase is not None and phase != episode.phase:
        patient_services.episode_change_phase(actor=SYSTEM, episode=episode, phase=phase, on=on)
    return EpisodeOfCare.objects.select_related("program", "patient").get(pk=episode.pk)


def measure_schedule(day: Day) -> None:
    measures.schedule_set(actor=SYSTEM, program=day.program, entries=SCHEDULE)


def answer(
    episode: EpisodeOfCare,
    answers: list[int],
    *,
    due_on: dt.date,
    timepoint: str = Timepoint.WEEKLY,
    instrument: str = "phq9",
) -> measures.Recorded:
    """Record a questionnaire for the occasion due on ``due_on``, answered that day."""
    episode.refresh_from_db()
    return measures.response_record(
        actor=SYSTEM,
        episode=episode,
        instrument_id=instrument,
        answers=answers,
        timepoint=timepoint,
        due_on=due_on,
        source=Source.API,
        collected_on=min(due_on, TODAY),
    )


def phq9_course(episode: EpisodeOfCare, totals: Iterable[int]) -> None:
    """PHQ-9 at intake (admission day) and then weekly, one total per occasion."""
    assert episode.admitted_on is not None
    for n, total in enumerate(totals):
        timepoint = Timepoint.INTAKE if n == 0 else Timepoint.WEEKLY
        answer(episode, phq9(total), due_on=episode.admitted_on + n * WEEK, timepoint=timepoint)


def group_on(day: Day, on: dt.date, episodes: list[EpisodeOfCare]) -> ScheduledSession:
    """A 90-minute group of the cohort at 10:00 local on ``on`` with these patients."""
    return session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.GROUP,
        starts_at=local(10, day=on),
        ends_at=local(11, 30, day=on),
        clinician=day.tiny.facilitator,
        cohort=day.tiny.cohort,
        room=day.tiny.room,
        episodes=episodes,
    )


def individual_on(day: Day, on: dt.date, episode: EpisodeOfCare, hour: int = 8) -> ScheduledSession:
    return session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(hour, day=on),
        ends_at=local(hour, 50, day=on),
        clinician=day.tiny.therapist,
        episodes=[episode],
    )


def record(session: ScheduledSession, episode: EpisodeOfCare, status: str = "present") -> None:
    """Record attendance on the session's own day, as its clinician (the attendance service
    only takes a record on the service date)."""
    with time_machine.travel(session.ends_at, tick=False):
        attendance_record(
            actor=SYSTEM,
            session=session,
            episode=episode,
            status=AttendanceStatus(status),
            by=session.clinician,
            via=RecordedVia.ROSTER,
        )


def attendance_pattern(
    day: Day, episode: EpisodeOfCare, statuses: dict[dt.date, str]
) -> list[ScheduledSession]:
    """A group on each date with ``episode`` expected, attended with the given status."""
    made = []
    for on, status in sorted(statuses.items()):
        session = group_on(day, on, [episode])
        record(session, episode, status)
        made.append(session)
    return made


def positive_screen(day: Day, episode: EpisodeOfCare, on: dt.date) -> None:
    """A positive drug screen (the program must be Part 2: see ``make_part2``)."""
    drug_screen_record(
        actor=SYSTEM,
        episode=EpisodeOfCare.objects.select_related("program").get(pk=episode.pk),
        by=day.tiny.prescriber,
        collected_on=on,
        specimen="urine",
        results=[{"substance": "cocaine", "result": "positive"}],
    )


def ending_authorization(day: Day, episode: EpisodeOfCare, *, ends: dt.date) -> Authorization:
    """An approved IOP authorization from admission to ``ends``, a unit for every day."""
    billing_user = factories.staff(ProgramRole.BILLING_SPECIALIST, day.program)
    coverage = billing.coverage_add(
        actor=SYSTEM,
        episode=episode,
        details=billing.PlanDetails(
            order="primary",
            payer_name="Prairie Health",
            member_id=f"PH{episode.pk:06d}",
            subscriber_name="Sam Subscriber",
            subscriber_relationship="self",
            effective_from=dt.date(2026, 1, 1),
            effective_to=dt.date(2026, 12, 31),
        ),
        benefits=BENEFITS,
    )
    assert episode.admitted_on is not None
    span = billing.Span((ends - episode.admitted_on).days + 1, episode.admitted_on, ends)
    auth = billing.authorization_request(
        actor=SYSTEM,
        episode=episode,
        coverage=coverage,
        requested_by=billing_user,
        level="iop",
        span=span,
    )
    return billing.authorization_approve(
        actor=SYSTEM, authorization=auth, auth_number=f"A-{episode.pk}", span=span
    )


def goals_met_plan(day: Day, episode: EpisodeOfCare) -> TreatmentPlan:
    """An active treatment plan whose only objective is met."""
    by = day.tiny.therapist
    plan = plan_create(actor=SYSTEM, episode=episode, by=by)
    problem = problem_add(actor=SYSTEM, plan=plan, statement="Low mood")
    goal = goal_add(actor=SYSTEM, problem=problem, statement="Feel better")
    objective = objective_add(
        actor=SYSTEM,
        goal=goal,
        statement="PHQ-9 below 10",
        measure="PHQ-9",
        target_date=TODAY + 14 * DAY,
        phase=Phase.CORE,
    )
    intervention_add(
        actor=SYSTEM,
        objective=objective,
        modality="cbt",
        frequency="weekly",
        responsible=by,
    )
    plan_activate(actor=SYSTEM, plan=plan, by=by)
    objective = PlanObjective.objects.get(pk=objective.pk)
    objective_status_change(actor=SYSTEM, objective=objective, status=ObjectiveStatus.MET, on=TODAY)
    return plan


def make_part2(day: Day) -> None:
    """Turn the day's program into a 42 CFR Part 2 substance-use program (drug screens are
    kept only there). There is no service that edits a program's settings yet, so this test
    helper writes the one field directly."""
    day.program.is_part2 = True
    day.program.save(update_fields=["is_part2"])
