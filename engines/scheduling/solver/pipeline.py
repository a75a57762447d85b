"""``solve``: pre-checks, stage 1 (cohorts), staffing, stage 2 part by part, and the exact
fallback that either finds a week or proves there is none."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from engines.scheduling.model import Instance, Patient, Solution
from engines.scheduling.solver import assemble, cohorts, cores, staffing
from engines.scheduling.solver.assemble import fixed_cost, orphan_meetings
from engines.scheduling.solver.decompose import Component, components
from engines.scheduling.solver.diagnose import BLOCKING, precheck
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.options import Conflict, Progress, SolveOptions, SolveResult
from engines.scheduling.solver.parts import WHOLE, PartSolver
from engines.scheduling.solver.progress import Incumbent
from engines.scheduling.solver.rota import quick_staffing
from engines.scheduling.solver.search import Clock, run

# Stages 1 and 1.5 are on the way to the first week, so their budgets are capped: both start
# from a complete hint, and the timetable gains more from the time than they do.
STAGE_ONE_SHARE, STAGE_ONE_CAP = 0.1, 1.5
STAFFING_SHARE, STAFFING_CAP = 0.08, 3.0
EXACT_MIN_SECONDS = 1.0  # building the undecomposed model alone can take longer than this


@dataclass
class _Run:
    facts: Facts
    options: SolveOptions
    clock: Clock
    incumbent: Incumbent
    advisories: tuple[Conflict, ...] = ()
    parts: PartSolver | None = None
    build_seconds: float = 0.0
    variables: int = 0
    constraints: int = 0


def solve(
    instance: Instance,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] | None = None,
) -> SolveResult:
    """Plan the week of ``instance`` within ``options.time_limit`` seconds.

    Returns a result whose ``solution`` (when present) satisfies every hard rule and whose
    ``objective`` is that solution's weighted soft objective. An infeasible instance gets
    status ``infeasible`` and conflicts naming the patients, clinicians or cohorts involved;
    a budget too short for any week gets ``unknown``. ``on_progress`` is called from CP-SAT's
    thread for each stage change and each improved complete week: keep it cheap.

    Raises ValueError (from SolveOptions) for a non-positive time limit, and RuntimeError if a
    week the solver built fails the independent validator (a defect, never a normal outcome).
    """
    clock = Clock.start(options.time_limit)
    state = _Run(Facts(instance), options, clock, Incumbent(clock, on_progress))
    state.incumbent.enter("precheck", "structural checks")
    found = precheck(state.facts)
    blocking = tuple(c for c in found if c.code in BLOCKING)
    state.advisories = tuple(c for c in found if c.code not in BLOCKING)
    if blocking:
        return _finish(state, "infeasible", None, blocking)
    cohort_of = _stage_one(state)
    if isinstance(cohort_of, tuple):
        return _finish(state, cohort_of[0], None, cohort_of[1])
    return _stage_two(state, cohort_of)


def _stage_one(state: _Run) -> dict[str, str] | tuple[str, tuple[Conflict, ...]]:
    state.incumbent.enter("cohorts", "placing patients in cohorts")
    facts = state.facts
    chosen: dict[str, str] = {}
    by_site = cohorts.site_patients(facts)
    total = max(len(facts.instance.patients), 1)
    budget = max(min(state.clock.remaining() * STAGE_ONE_SHARE, STAGE_ONE_CAP), 0.05)
    for site, patients in by_site.items():
        seconds = budget * len(patients) / total
        placed = _place_site(state, patients, seconds)
        if isinstance(placed, dict):
            chosen.update(placed)
        elif placed == "infeasible":
            core = cores.cohort_core(facts, site, state.clock.remaining(), state.options)
            return "infeasible", (core,) if core else (_unexplained(site),)
        else:
            return "unknown", (_timed_out("cohorts"),)
    return chosen


def _place_site(
    state: _Run, patients: list[Patient], seconds: float
) -> dict[str, str] | str | None:
    """Cohorts for one site: first with continuing patients fixed in last week's cohort,
    then, if sizes make that impossible, with everyone free (the exact model). When the
    budget ends before CP-SAT's first solution, the hint's simple split is used if it meets
    the sizes; otherwise CP-SAT gets up to half the time left."""
    kept = cohorts.continuing(state.facts, patients)
    for fixed in ([kept] if kept else []) + [{}]:
        started = time.perf_counter()
        cm = cohorts.build(state.facts, patients, fixed=fixed)
        _count(state, cm.model, time.perf_counter() - started)
        outcome = run(cm.model, min(seconds + 0.2, state.clock.remaining()), state.options)
        if outcome.status == "unknown" and cm.hint is None:
            outcome = run(cm.model, state.clock.remaining() / 2, state.options)
        if outcome.solved:
            return cohorts.read(outcome.solver, cm)
        if outcome.status == "unknown" and cm.hint is not None:
            return cm.hint
        if not (fixed and outcome.status == "infeasible"):
            return outcome.status if outcome.status == "infeasible" else None
    return None


def _stage_two(state: _Run, cohort_of: dict[str, str]) -> SolveResult:
    facts = state.facts
    parts = components(facts, cohort_of)
    fixed = fixed_cost(facts, cohort_of) + orphan_meetings(facts, parts)
    state.incumbent.expect({p.name for p in parts}, fixed)
    state.incumbent.enter("staffing", "choosing primary therapists and cross-site days")
    plan = _staffing(state, parts)
    solver = PartSolver(facts, state.options, state.clock, state.incumbent, cohort_of)
    state.parts = solver
    if plan is not None:
        state.incumbent.enter("timetable", f"{len(parts)} part(s)")
        solver.solve_parts(parts, plan)
    if not solver.complete(parts):
        if state.clock.remaining() < EXACT_MIN_SECONDS:
            return _finish(state, "unknown", None, (_timed_out("timetable"),))
        return _exact(state, solver, cohort_of)
    return _finish(state, solver.status(parts), solver.solution([p.name for p in parts]), ())


def _staffing(state: _Run, parts: Sequence[Component]) -> staffing.Staffing | None:
    """The staffing model, first keeping continuing patients' primaries (re-plans), then
    free, then without load limits; the quick staffing when none is solved in time."""
    quick = quick_staffing(state.facts, parts)
    attempts = [(False, True), (False, False)]
    if state.facts.instance.previous is not None:
        attempts.insert(0, (True, True))
    for keep, with_load in attempts:
        started = time.perf_counter()
        model = staffing.build(state.facts, parts, keep=keep, with_load=with_load, hint=quick)
        _count(state, model.model, time.perf_counter() - started)
        budget = max(min(state.clock.remaining() * STAFFING_SHARE, STAFFING_CAP), 0.05)
        outcome = run(model.model, budget, state.options)
        if outcome.solved:
            return staffing.read(state.facts, outcome.solver, model)
        if outcome.status == "unknown" and quick is not None:
            return quick
    return quick


def _exact(state: _Run, solver: PartSolver, cohort_of: dict[str, str]) -> SolveResult:
    """The decomposition found no complete week: solve the whole of stage 2 as one model,
    with every candidate and free cross-site days. Its infeasibility is a proof, because
    meetings and optional sessions are never required and stage 1 was exact."""
    state.incumbent.enter("exact", "solving the whole week as one model")
    outcome = solver.solve_whole()
    if outcome == "infeasible":
        state.incumbent.enter("diagnose", "looking for a conflicting core")
        core = cores.session_core(state.facts, cohort_of, state.clock.remaining(), state.options)
        return _finish(state, "infeasible", None, (core,) if core else (_unexplained("all"),))
    if outcome in {"optimal", "feasible"}:
        return _finish(state, outcome, solver.solution([WHOLE]), ())
    return _finish(state, "unknown", None, (_timed_out("timetable"),))


def _count(state: _Run, model: cp_model.CpModel, seconds: float) -> None:
    proto = model.proto
    state.build_seconds += seconds
    state.variables += len(proto.variables)
    state.constraints += len(proto.constraints)


def _timed_out(stage: str) -> Conflict:
    return Conflict(
        "time_limit",
        f"The time limit ran out in the {stage} stage before any hard-feasible week was found.",
    )


def _unexplained(where: str) -> Conflict:
    return Conflict(
        "infeasible_core",
        f"CP-SAT proved the week infeasible ({where}) but found no smaller core in the time left.",
    )


def _finish(
    state: _Run, status: str, built: tuple[Solution, int] | None, conflicts: tuple[Conflict, ...]
) -> SolveResult:
    solution, objective = built if built is not None else (None, None)
    if state.parts is not None:
        state.build_seconds += state.parts.build_seconds
        state.variables += state.parts.variables
        state.constraints += state.parts.constraints
    wall = state.clock.elapsed()
    if solution is not None:
        solution = assemble.stamp(solution, _stats(state, status, objective, wall))
        assemble.check(state.facts.instance, solution, objective or 0)
    state.incumbent.enter("done", status)
    return SolveResult(
        status=status,
        solution=solution,
        objective=objective,
        bound=state.incumbent.bound() if solution is not None else None,
        conflicts=conflicts + state.advisories,
        first_feasible_seconds=state.incumbent.first_feasible if solution is not None else None,
        wall_seconds=wall,
        build_seconds=state.build_seconds,
        variables=state.variables,
        constraints=state.constraints,
        trace=tuple(state.incumbent.trace),
    )


def _stats(state: _Run, status: str, objective: int | None, wall: float) -> Mapping[str, object]:
    return {
        "solver": "cp-sat",
        "status": status,
        "objective": objective,
        "bound": state.incumbent.bound(),
        "first_feasible_seconds": state.incumbent.first_feasible,
        "wall_seconds": round(wall, 3),
        "build_seconds": round(state.build_seconds, 3),
        "variables": state.variables,
        "constraints": state.constraints,
    }
