"""Treatment plans built through the real services, on the ordinary day of tests/daily.py
(admitted 2026-02-09, today 2026-03-04 in Chicago)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openiop.accounts.models import User
from openiop.patients.models import EpisodeOfCare
from openiop.treatment_plans import services
from openiop.treatment_plans.models import (
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    TreatmentPlan,
)
from tests.factories import SYSTEM

ADMITTED = dt.date(2026, 2, 9)
TARGET = dt.date(2026, 4, 30)


@dataclass
class Built:
    plan: TreatmentPlan
    problem: PlanProblem
    goal: PlanGoal
    objective: PlanObjective
    intervention: PlanIntervention


def draft(episode: EpisodeOfCare, by: User) -> TreatmentPlan:
    return services.plan_create(actor=SYSTEM, episode=episode, by=by)


def chain(plan: TreatmentPlan, responsible: User, *, n: int = 1) -> Built:
    """One problem → goal → objective → intervention in ``plan``."""
    problem = services.problem_add(actor=SYSTEM, plan=plan, statement=f"Depressed mood {n}")
    goal = services.goal_add(actor=SYSTEM, problem=problem, statement=f"Feel like myself {n}")
    objective = services.objective_add(
        actor=SYSTEM,
        goal=goal,
        statement=f"PHQ-9 below 10 ({n})",
        measure="PHQ-9 total",
        target_date=TARGET,
        phase="stabilization",
    )
    intervention = services.intervention_add(
        actor=SYSTEM,
        objective=objective,
        modality="cbt",
        frequency="weekly 50 minutes",
        responsible=responsible,
    )
    return Built(plan, problem, goal, objective, intervention)


def active(
    episode: EpisodeOfCare, by: User, *, on: dt.date | None = None, chains: int = 1
) -> Built:
    """A complete plan activated by ``by`` (default today), ``by`` responsible throughout."""
    plan = draft(episode, by)
    built = [chain(plan, by, n=n) for n in range(1, chains + 1)]
    services.plan_activate(actor=SYSTEM, plan=plan, by=by, on=on)
    plan.refresh_from_db()
    first = built[0]
    first.plan = plan
    return first
