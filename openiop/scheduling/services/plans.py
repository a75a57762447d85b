"""A plan's lifecycle: requested (queued) → running → proposed or failed → approved or
discarded. ``state`` changes only here, and each transition checks the current state.

Requesting a plan builds the engine instance from the database at once (so bad data is
answered on the spot) and enqueues the solve after the transaction commits. The background
task (``openiop.scheduling.runner``) moves the plan through running to proposed or failed,
acting as the system actor ``system:schedule-planner``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from engines.scheduling import codec
from engines.scheduling.model import Instance
from engines.scheduling.solver import Progress, SolveResult
from engines.scheduling.validator import Report
from openiop.accounts.models import User
from openiop.audit.services import audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.programs.models import Program
from openiop.scheduling import adapter
from openiop.scheduling.errors import NothingToReplan, PlanBusy
from openiop.scheduling.models import PlanKind, PlanState, SchedulePlan
from openiop.scheduling.services.audit import program_entry
from openiop.scheduling.weeks import current_week, latest_approved

PLANNER = Actor.system("schedule-planner")
DEFAULT_TIME_LIMIT = 20.0
_ACTIVE = (PlanState.QUEUED, PlanState.RUNNING)
# A plan still queued or running this long after its request lost its worker (a restart, no
# worker running); it no longer blocks a new plan of the week and can be discarded.
STALE_AFTER = dt.timedelta(minutes=15)


@transaction.atomic
def plan_request(
    *,
    actor: Actor,
    program: Program,
    by: User,
    kind: PlanKind,
    time_limit: float = DEFAULT_TIME_LIMIT,
    week_start: dt.date | None = None,
    enqueue: bool = True,
) -> SchedulePlan:
    """Queue a plan: a whole week (kind NEXT_WEEK; next week unless ``week_start`` names
    another Monday, e.g. this week when a program starts planning), keeping what it can of
    that week's approved plan if it has one, else of the week before; or a re-plan of the
    rest of this week (kind REPLAN), keeping what it can of the approved plan, slots already
    begun left as they are.

    Raises PlanBusy when a plan of that week is queued or solving, NothingToReplan for a
    re-plan without an approved plan this week, ValueError for a ``week_start`` that is not
    a Monday, PlanInputInvalid when the program's data cannot make a planning problem.
    Audits SCHEDULE_PLAN_REQUESTED; enqueues the solve on commit unless ``enqueue`` is
    false (the demo seed solves in its own transaction with ``runner.run_plan``).
    """
    Program.objects.select_for_update().filter(pk=program.pk).first()
    this_week = current_week(program)
    cutoff = None
    if kind == PlanKind.REPLAN:
        week_start, basis_week, cutoff = this_week, this_week, clock.now()
        if latest_approved(program, this_week) is None:
            raise NothingToReplan("There is no approved plan of this week to re-plan.")
    else:
        week_start = week_start or this_week + dt.timedelta(days=7)
        if week_start.weekday() != 0:
            raise ValueError("A planned week starts on a Monday.")
        # A week already approved is re-planned against itself, so its plan stays put where
        # it can; otherwise the planner keeps what it can of the week before.
        approved = latest_approved(program, week_start) is not None
        basis_week = week_start if approved else week_start - dt.timedelta(days=7)
    if SchedulePlan.objects.filter(
        program=program,
        week_start=week_start,
        state__in=_ACTIVE,
        created_at__gte=clock.now() - STALE_AFTER,
    ).exists():
        raise PlanBusy("A plan of that week is already being made; wait for it to finish.")
    instance = adapter.build_instance(
        program,
        week_start,
        cutoff=cutoff,
        basis_week=basis_week,
        instance_id=f"program-{program.pk}-{week_start.isoformat()}-{kind.value}",
    )
    replaces = latest_approved(program, week_start)
    basis = latest_approved(program, basis_week)
    plan = _create(program, week_start, kind, (basis, replaces), cutoff, instance, by, time_limit)
    audit_record(
        actor=actor,
        entry=program_entry(
            "SCHEDULE_PLAN_REQUESTED",
            program,
            "schedule_plan",
            plan.pk,
            kind=kind.value,
            week_start=week_start.isoformat(),
            patients=len(instance.patients),
        ),
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(plan.pk))
    return plan


def _create(
    program: Program,
    week_start: dt.date,
    kind: PlanKind,
    plans: tuple[SchedulePlan | None, SchedulePlan | None],
    cutoff: dt.datetime | None,
    instance: Instance,
    by: User,
    time_limit: float,
) -> SchedulePlan:
    plan = SchedulePlan(
        program=program,
        week_start=week_start,
        kind=kind,
        state=PlanState.QUEUED,
        basis=plans[0],
        replaces=plans[1],
        cutoff=cutoff,
        instance=codec.instance_to_json(instance),
        time_limit=time_limit,
        created_by=by,
        created_at=clock.now(),
    )
    plan.full_clean()
    plan.save()
    return plan


def _enqueue(plan_id: int) -> None:
    from openiop.scheduling.tasks import solve_schedule_plan

    solve_schedule_plan.enqueue(plan_id)


def _locked(plan_id: int) -> SchedulePlan:
    return SchedulePlan.objects.select_for_update().select_related("program").get(pk=plan_id)


@transaction.atomic
def plan_start(*, plan_id: int) -> SchedulePlan | None:
    """queued → running. Returns None (and changes nothing) when the plan is no longer
    queued, e.g. discarded before the worker reached it."""
    plan = _locked(plan_id)
    if plan.state != PlanState.QUEUED:
        return None
    plan.state = PlanState.RUNNING
    plan.started_at = clock.now()
    plan.progress_message = "Building the model…"
    plan.save(update_fields=["state", "started_at", "progress_message"])
    return plan


def plan_record_progress(*, plan_id: int, progress: Progress) -> None:
    """Show the solver's latest incumbent on a running plan. Not a transition and not
    audited: one UPDATE, a no-op once the plan has left ``running``."""
    SchedulePlan.objects.filter(pk=plan_id, state=PlanState.RUNNING).update(
        progress_stage=progress.stage[:40],
        progress_message=progress.message[:300],
        progress_elapsed=progress.elapsed,
        progress_objective=progress.objective,
        progress_bound=progress.bound,
    )


@transaction.atomic
def plan_finish(
    *, plan_id: int, result: SolveResult, report: Report | None, actor: Actor = PLANNER
) -> SchedulePlan | None:
    """running → proposed (a hard-feasible week, with its validated components) or failed
    (infeasible or out of time, with the solver's conflicts). Returns None when the plan
    was discarded meanwhile. Raises InvalidTransition when the validator found a hard
    violation, which would be a solver defect: such a week is never proposed. Audits
    SCHEDULE_PLAN_PROPOSED or SCHEDULE_PLAN_FAILED as ``actor`` (the planner by default)."""
    plan = _locked(plan_id)
    if plan.state != PlanState.RUNNING:
        return None
    if report is not None and not report.feasible:
        raise InvalidTransition("The solver returned a week that breaks a hard rule.")
    plan.conflicts = [c.as_json() for c in result.conflicts]
    plan.solver_status = result.status
    plan.finished_at = clock.now()
    plan.progress_elapsed = result.wall_seconds
    fields = ["state", "conflicts", "solver_status", "finished_at", "progress_elapsed"]
    if result.solution is not None and report is not None:
        plan.state = PlanState.PROPOSED
        plan.solution = codec.solution_to_json(result.solution)
        plan.objective = report.objective
        plan.components = report.components_json()
        plan.progress_bound = result.bound
        fields += ["solution", "objective", "components", "progress_bound"]
    else:
        plan.state = PlanState.FAILED
        plan.failure = _failure(result)
        fields.append("failure")
    plan.save(update_fields=fields)
    action = (
        "SCHEDULE_PLAN_PROPOSED" if plan.state == PlanState.PROPOSED else "SCHEDULE_PLAN_FAILED"
    )
    audit_record(
        actor=actor,
        entry=program_entry(action, plan.program, "schedule_plan", plan.pk, status=result.status),
    )
    return plan


def _failure(result: SolveResult) -> str:
    if result.status == "infeasible":
        return "No week satisfies every rule with the program's current data."
    if result.status == "unknown":
        return "The planner ran out of time before it found a week that satisfies every rule."
    return f"The planner stopped without a week (status {result.status})."


@transaction.atomic
def plan_fail(*, plan_id: int, reason: str, actor: Actor = PLANNER) -> SchedulePlan | None:
    """queued/running → failed after an unexpected error in the planner, so the page stops
    waiting. Returns None when the plan had already left those states. Audits
    SCHEDULE_PLAN_FAILED as ``actor`` (the planner by default)."""
    plan = _locked(plan_id)
    if plan.state not in _ACTIVE:
        return None
    plan.state = PlanState.FAILED
    plan.failure = reason[:2000]
    plan.finished_at = clock.now()
    plan.save(update_fields=["state", "failure", "finished_at"])
    audit_record(
        actor=actor,
        entry=program_entry("SCHEDULE_PLAN_FAILED", plan.program, "schedule_plan", plan.pk),
    )
    return plan


@transaction.atomic
def plan_discard(*, actor: Actor, plan: SchedulePlan) -> SchedulePlan:
    """queued/running/proposed/failed → discarded: nothing of it reaches the calendar (a
    running solve finishes unseen). Raises InvalidTransition for an approved or already
    discarded plan. Audits SCHEDULE_PLAN_DISCARDED."""
    plan = _locked(plan.pk)
    if plan.state in (PlanState.APPROVED, PlanState.DISCARDED):
        raise InvalidTransition(f"A plan that is {plan.get_state_display().lower()} stays so.")
    plan.state = PlanState.DISCARDED
    plan.finished_at = plan.finished_at or clock.now()
    plan.save(update_fields=["state", "finished_at"])
    audit_record(
        actor=actor,
        entry=program_entry("SCHEDULE_PLAN_DISCARDED", plan.program, "schedule_plan", plan.pk),
    )
    return plan
