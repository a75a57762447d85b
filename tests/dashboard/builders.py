"""State for the today and hours pages, built through the real services of the other
contexts (measures, treatment plans, medications, notes, attendance policies)."""

from __future__ import annotations

import datetime as dt

from openiop.accounts.models import User
from openiop.attendance.services import attendance_policy_set
from openiop.billing import services as billing
from openiop.billing.models import Authorization
from openiop.measures import services as measures
from openiop.measures.models import SafetyAlert, ScheduleEntry, Source, Timepoint
from openiop.medications.services import medication_start
from openiop.patients.models import EpisodeOfCare
from openiop.treatment_plans import services as plans
from openiop.treatment_plans.models import TreatmentPlan
from tests.daily import TODAY, Day
from tests.factories import SYSTEM

PHQ9_ITEM9 = [2, 2, 1, 1, 1, 1, 1, 1, 1]  # total 11, item 9 = 1: raises a safety alert


def raise_alert(episode: EpisodeOfCare) -> SafetyAlert:
    """A weekly PHQ-9 due now, answered with item 9 > 0: an open safety alert for the
    primary therapist. Sets the program's schedule to weekly PHQ-9 when it has none."""
    if not ScheduleEntry.objects.filter(program=episode.program).exists():
        measures.schedule_set(
            actor=SYSTEM, program=episode.program, entries=[("phq9", Timepoint.WEEKLY)]
        )
    episode.refresh_from_db()
    occasion = next(o for o in measures.due_now(episode) if o.instrument == "phq9")
    recorded = measures.response_record(
        actor=SYSTEM,
        episode=episode,
        instrument_id="phq9",
        answers=PHQ9_ITEM9,
        timepoint=occasion.timepoint,
        due_on=occasion.due_on,
        source=Source.API,
    )
    assert recorded.alert is not None
    return recorded.alert


def active_plan(episode: EpisodeOfCare, by: User, *, on: dt.date | None = None) -> TreatmentPlan:
    """A one-objective plan activated on ``on`` (program-local; default the admission
    day)."""
    on = on or episode.admitted_on or TODAY
    plan = plans.plan_create(actor=SYSTEM, episode=episode, by=by)
    problem = plans.problem_add(actor=SYSTEM, plan=plan, statement="Low mood most days")
    goal = plans.goal_add(actor=SYSTEM, problem=problem, statement="Feel like myself again")
    objective = plans.objective_add(
        actor=SYSTEM,
        goal=goal,
        statement="PHQ-9 below 10",
        measure="PHQ-9 total",
        target_date=on + dt.timedelta(days=56),
        phase="core",
    )
    plans.intervention_add(
        actor=SYSTEM,
        objective=objective,
        modality="cbt",
        frequency="3 groups a week",
        responsible=by,
    )
    return plans.plan_activate(actor=SYSTEM, plan=plan, by=by, on=on)


def medication_started(day: Day, episode: EpisodeOfCare, *, drug: str = "Sertraline") -> None:
    """A new medication today: the group's facilitator gets a watch."""
    medication_start(
        actor=SYSTEM,
        episode=episode,
        by=day.tiny.prescriber,
        drug=drug,
        dose="50 mg",
        frequency="once daily",
        prescriber=day.tiny.prescriber,
        started_on=TODAY,
    )


def one_unexcused_absence_policy(day: Day) -> None:
    """A strict policy, so a single unexcused absence opens a review."""
    attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="Any unexcused absence",
        statuses=["absent_unexcused"],
        threshold=1,
        window_days=30,
    )


def insured_and_authorized(
    episode: EpisodeOfCare,
    by: User,
    *,
    units: int,
    starts: dt.date,
    ends: dt.date,
    payer: str = "Prairie Health",
) -> Authorization:
    """A primary coverage with ``payer`` and an approved authorization of ``units`` days
    from ``starts`` to ``ends``."""
    from tests.billing.scenarios import BENEFITS, details

    coverage = billing.coverage_add(
        actor=SYSTEM, episode=episode, details=details(payer_name=payer), benefits=BENEFITS
    )
    span = billing.Span(units, starts, ends)
    requested = billing.authorization_request(
        actor=SYSTEM, episode=episode, coverage=coverage, requested_by=by, level="iop", span=span
    )
    return billing.authorization_approve(
        actor=SYSTEM, authorization=requested, auth_number="A-100", span=span
    )
