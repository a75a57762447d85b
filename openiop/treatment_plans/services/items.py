"""Changes to the contents of a plan: problems, goals, measurable objectives (and their
outcome), interventions.

Each change locks the plan, checks the episode is admitted, validates, writes, bumps the
revision of an active plan (so the patient acknowledges the changed plan again) and audits
``TREATMENT_PLAN_<ITEM>_<ADDED|CHANGED>`` in one transaction. An edit that changes nothing
writes nothing. Items are never deleted: an objective that is dropped or revised is closed as
"not met", and the history stays readable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.db.models import Max

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import Principal
from openiop.audit.services import audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import Phase
from openiop.treatment_plans.errors import InvalidPlanInput, PlanNotActive
from openiop.treatment_plans.models import (
    Modality,
    ObjectiveStatus,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanStatus,
    ProblemSource,
    TreatmentPlan,
)
from openiop.treatment_plans.services.audit import (
    bump_revision,
    clean,
    locked_plan,
    plan_entry,
    require_editable,
    text,
)

STATEMENT_MAX = 300
MEASURE_MAX = 200
FREQUENCY_MAX = 80
#: How far ahead a target date may lie: IOP stays last weeks to months, so a target more
#: than a year out is a typing mistake, not a plan.
TARGET_HORIZON = dt.timedelta(days=365)


def _open(plan_id: int) -> TreatmentPlan:
    plan = locked_plan(plan_id)
    require_editable(plan)
    return plan


def _next_position(queryset: models.QuerySet[Any]) -> int:
    return int(queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def _changed(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set ``values`` on ``obj``; the names of the fields that really changed."""
    fields = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in fields:
        setattr(obj, name, values[name])
    return fields


def _save(
    action: str, plan: TreatmentPlan, obj: models.Model, fields: list[str] | None, actor: Actor
) -> None:
    """Validate and save ``obj`` (all of it when new, else ``fields``), count the change,
    audit it."""
    clean(obj)
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=fields)
    bump_revision(plan)
    audit_record(actor=actor, entry=plan_entry(action, plan, obj, fields=fields or []))


@transaction.atomic
def problem_add(
    *, actor: Actor, plan: TreatmentPlan, statement: str, evidence: str = ""
) -> PlanProblem:
    """Add a problem found by staff after intake, last in order. Raises PlanNotEditable or
    InvalidPlanInput. Audits TREATMENT_PLAN_PROBLEM_ADDED."""
    plan = _open(plan.pk)
    problem = PlanProblem(
        plan=plan,
        position=_next_position(plan.problems.all()),
        statement=text(statement, field="statement", label="problem", max_length=STATEMENT_MAX),
        evidence=text(evidence, field="evidence", label="evidence", max_length=300, required=False),
        source=ProblemSource.STAFF,
    )
    _save("TREATMENT_PLAN_PROBLEM_ADDED", plan, problem, None, actor)
    return problem


@transaction.atomic
def problem_edit(
    *, actor: Actor, problem: PlanProblem, statement: str, evidence: str
) -> PlanProblem:
    """Reword a problem or its evidence. Raises PlanNotEditable or InvalidPlanInput. Audits
    TREATMENT_PLAN_PROBLEM_CHANGED when something changed."""
    plan = _open(problem.plan_id)
    fields = _changed(
        problem,
        {
            "statement": text(
                statement, field="statement", label="problem", max_length=STATEMENT_MAX
            ),
            "evidence": text(
                evidence, field="evidence", label="evidence", max_length=300, required=False
            ),
        },
    )
    if fields:
        _save("TREATMENT_PLAN_PROBLEM_CHANGED", plan, problem, fields, actor)
    return problem


@transaction.atomic
def goal_add(*, actor: Actor, problem: PlanProblem, statement: str) -> PlanGoal:
    """Add a goal to ``problem`` (in the patient's words where possible). Raises
    PlanNotEditable or InvalidPlanInput. Audits TREATMENT_PLAN_GOAL_ADDED."""
    plan = _open(problem.plan_id)
    goal = PlanGoal(
        problem=problem,
        position=_next_position(problem.goals.all()),
        statement=text(statement, field="statement", label="goal", max_length=STATEMENT_MAX),
    )
    _save("TREATMENT_PLAN_GOAL_ADDED", plan, goal, None, actor)
    return goal


@transaction.atomic
def goal_edit(*, actor: Actor, goal: PlanGoal, statement: str) -> PlanGoal:
    """Reword a goal. Raises PlanNotEditable or InvalidPlanInput. Audits
    TREATMENT_PLAN_GOAL_CHANGED when it changed."""
    plan = _open(goal.problem.plan_id)
    value = text(statement, field="statement", label="goal", max_length=STATEMENT_MAX)
    fields = _changed(goal, {"statement": value})
    if fields:
        _save("TREATMENT_PLAN_GOAL_CHANGED", plan, goal, fields, actor)
    return goal


def _objective_values(
    plan: TreatmentPlan, statement: str, measure: str, target_date: dt.date, phase: str
) -> dict[str, Any]:
    """The checked values of an objective. The target date lies between the admission and a
    year from today (program-local); the measure says how progress is measured, because an
    objective nobody can measure cannot be reviewed."""
    episode = plan.episode
    admitted = episode.admitted_on
    if admitted is not None and target_date < admitted:
        raise InvalidPlanInput(
            f"The target date cannot be before admission ({admitted:%Y-%m-%d}).",
            code="target_before_admission",
            field="target_date",
        )
    latest = clock.localdate(episode.program.zone) + TARGET_HORIZON
    if target_date > latest:
        raise InvalidPlanInput(
            f"The target date is more than a year away; choose one by {latest:%Y-%m-%d}.",
            code="target_too_far",
            field="target_date",
        )
    if phase not in Phase.values:
        raise InvalidPlanInput("Choose the phase it is worked on in.", code="phase", field="phase")
    return {
        "statement": text(
            statement, field="statement", label="objective", max_length=STATEMENT_MAX
        ),
        "measure": text(
            measure, field="measure", label="how progress is measured", max_length=MEASURE_MAX
        ),
        "target_date": target_date,
        "phase": phase,
    }


@transaction.atomic
def objective_add(
    *,
    actor: Actor,
    goal: PlanGoal,
    statement: str,
    measure: str,
    target_date: dt.date,
    phase: str,
) -> PlanObjective:
    """Add a measurable objective to ``goal``, open. Raises PlanNotEditable or
    InvalidPlanInput (target date outside admission … today + 1 year, no measure). Audits
    TREATMENT_PLAN_OBJECTIVE_ADDED."""
    plan = _open(goal.problem.plan_id)
    values = _objective_values(plan, statement, measure, target_date, phase)
    objective = PlanObjective(goal=goal, position=_next_position(goal.objectives.all()), **values)
    _save("TREATMENT_PLAN_OBJECTIVE_ADDED", plan, objective, None, actor)
    return objective


@transaction.atomic
def objective_edit(
    *,
    actor: Actor,
    objective: PlanObjective,
    statement: str,
    measure: str,
    target_date: dt.date,
    phase: str,
) -> PlanObjective:
    """Change an objective's wording, measure, target date or phase, with the checks of
    ``objective_add``. Audits TREATMENT_PLAN_OBJECTIVE_CHANGED when something changed."""
    plan = _open(objective.goal.problem.plan_id)
    values = _objective_values(plan, statement, measure, target_date, phase)
    fields = _changed(objective, values)
    if fields:
        _save("TREATMENT_PLAN_OBJECTIVE_CHANGED", plan, objective, fields, actor)
    return objective


@transaction.atomic
def objective_status_change(
    *,
    actor: Actor,
    objective: PlanObjective,
    status: ObjectiveStatus,
    on: dt.date | None = None,
) -> PlanObjective:
    """Record an objective of the active plan as met or not met (dropped or revised) on
    ``on`` (program-local, default today; between admission and today), or reopen it
    (``on`` ignored). Raises PlanNotActive (a draft's objectives have no outcome yet),
    PlanNotEditable or InvalidPlanInput. Audits TREATMENT_PLAN_OBJECTIVE_STATUS_CHANGED."""
    plan = _open(objective.goal.problem.plan_id)
    if plan.status != PlanStatus.ACTIVE:
        raise PlanNotActive("Objectives are marked met or not met once the plan is active.")
    day: dt.date | None = None
    if status != ObjectiveStatus.OPEN:
        today = clock.localdate(plan.episode.program.zone)
        day = on or today
        admitted = plan.episode.admitted_on
        if day > today or (admitted is not None and day < admitted):
            raise InvalidPlanInput(
                "The date must lie between the admission and today.",
                code="date_out_of_range",
                field="on",
            )
    fields = _changed(objective, {"status": status.value, "status_on": day})
    if fields:
        _save("TREATMENT_PLAN_OBJECTIVE_STATUS_CHANGED", plan, objective, fields, actor)
    return objective


def _responsible(plan: TreatmentPlan, user: User) -> User:
    """``user`` if they are active staff with an active membership in the plan's program."""
    active_member = Membership.objects.filter(
        user=user, program_id=plan.episode.program_id, is_active=True
    ).exists()
    if not (user.is_active and user.principal == Principal.STAFF and active_member):
        raise InvalidPlanInput(
            "The responsible person must be active staff of this program.",
            code="responsible_not_staff",
            field="responsible",
        )
    return user


def _intervention_values(
    plan: TreatmentPlan, modality: str, description: str, frequency: str, responsible: User
) -> dict[str, Any]:
    if modality not in Modality.values:
        raise InvalidPlanInput("Choose a modality.", code="modality", field="modality")
    return {
        "modality": modality,
        "description": text(
            description, field="description", label="description", max_length=300, required=False
        ),
        "frequency": text(
            frequency, field="frequency", label="frequency", max_length=FREQUENCY_MAX
        ),
        "responsible": _responsible(plan, responsible),
    }


@transaction.atomic
def intervention_add(
    *,
    actor: Actor,
    objective: PlanObjective,
    modality: str,
    frequency: str,
    responsible: User,
    description: str = "",
) -> PlanIntervention:
    """Add an intervention (modality, frequency, responsible staff) to ``objective``.
    Raises PlanNotEditable or InvalidPlanInput (responsible not active staff of the
    program, no frequency). Audits TREATMENT_PLAN_INTERVENTION_ADDED."""
    plan = _open(objective.goal.problem.plan_id)
    values = _intervention_values(plan, modality, description, frequency, responsible)
    intervention = PlanIntervention(objective=objective, **values)
    _save("TREATMENT_PLAN_INTERVENTION_ADDED", plan, intervention, None, actor)
    return intervention


@transaction.atomic
def intervention_edit(
    *,
    actor: Actor,
    intervention: PlanIntervention,
    modality: str,
    frequency: str,
    responsible: User,
    description: str = "",
) -> PlanIntervention:
    """Change an intervention, with the checks of ``intervention_add``. Audits
    TREATMENT_PLAN_INTERVENTION_CHANGED when something changed."""
    plan = _open(intervention.objective.goal.problem.plan_id)
    values = _intervention_values(plan, modality, description, frequency, responsible)
    values["responsible_id"] = values.pop("responsible").pk
    fields = _changed(intervention, values)
    if fields:
        _save("TREATMENT_PLAN_INTERVENTION_CHANGED", plan, intervention, fields, actor)
    return intervention
