"""The solver on the tiny hand-built week and on a generated small week: its weeks pass the
independent validator, the objective it reports is the validator's, and it is deterministic
on one worker."""

import dataclasses

import pytest

from engines.scheduling.codec import instance_digest
from engines.scheduling.generator import generate
from engines.scheduling.model import SessionKind, Weight
from engines.scheduling.solver import Progress, SolveOptions, solve
from engines.scheduling.solver.assemble import fixed_cost, orphan_meetings
from engines.scheduling.solver.decompose import components
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.parts import WHOLE, PartSolver
from engines.scheduling.solver.progress import Incumbent
from engines.scheduling.solver.search import Clock
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import TINY_OBJECTIVE, tiny_instance, tiny_previous

ONE = SolveOptions(time_limit=10, workers=1, seed=3)


@pytest.mark.parametrize("limit", [0, -1.5, float("nan"), float("inf")])
def test_a_time_limit_that_is_not_positive_is_refused(limit):
    with pytest.raises(ValueError, match="time limit must be positive"):
        SolveOptions(time_limit=limit)


def test_fewer_than_one_worker_is_refused():
    with pytest.raises(ValueError, match="workers"):
        SolveOptions(time_limit=1, workers=0)


def test_the_tiny_week_is_solved_to_a_valid_week_at_least_as_good_as_the_hand_made_one():
    # given
    instance = tiny_instance()

    # when
    result = solve(instance, ONE)

    # then
    assert result.status in {"optimal", "feasible"}
    assert result.solution is not None
    report = validate(instance, result.solution)
    assert report.violations == ()
    assert result.objective == report.objective
    assert result.objective <= TINY_OBJECTIVE
    assert result.conflicts == ()


def test_the_solution_is_tied_to_its_instance_and_carries_the_run_statistics():
    instance = tiny_instance()

    result = solve(instance, ONE)

    assert result.solution is not None
    assert result.solution.instance_id == instance.id
    assert result.solution.instance_digest == instance_digest(instance)
    stats = result.solution.stats
    assert stats["status"] == result.status
    assert stats["objective"] == result.objective
    assert stats["variables"] == result.variables > 0
    assert stats["constraints"] == result.constraints > 0
    assert result.first_feasible_seconds is not None
    assert 0 <= result.first_feasible_seconds <= result.wall_seconds
    assert 0 < result.build_seconds <= result.wall_seconds


def test_every_patient_gets_exactly_the_individual_sessions_they_need():
    instance = tiny_instance()

    result = solve(instance, ONE)

    assert result.solution is not None
    for patient in instance.patients:
        held = [
            s
            for s in result.solution.sessions
            if s.patient == patient.id and s.kind == SessionKind.INDIVIDUAL
        ]
        assert len(held) == patient.needs.individual


def test_one_worker_and_a_fixed_seed_give_the_same_week_twice():
    instance = tiny_instance(previous=tiny_previous())

    first, second = solve(instance, ONE), solve(instance, ONE)

    assert first.solution is not None
    assert second.solution is not None
    assert first.solution.assignments == second.solution.assignments
    assert first.solution.meetings == second.solution.meetings
    assert first.solution.sessions == second.solution.sessions
    assert first.objective == second.objective


def test_a_generated_small_week_is_solved_with_a_valid_trace_and_progress_reports():
    # given
    generated = generate("small", 2)
    reports: list[Progress] = []

    # when
    result = solve(generated.instance, SolveOptions(time_limit=3, workers=2), reports.append)

    # then
    assert result.status in {"optimal", "feasible"}
    assert result.solution is not None
    report = validate(generated.instance, result.solution)
    assert report.violations == ()
    assert result.objective == report.objective
    assert result.trace, "every complete week is traced"
    objectives = [value for _, value in result.trace]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == result.objective
    assert result.first_feasible_seconds == result.trace[0][0]
    stages = [r.stage for r in reports]
    assert stages[0] == "precheck"
    assert stages[-1] == "done"
    assert {"cohorts", "staffing", "timetable"} <= set(stages)
    assert [r.objective for r in reports if r.objective is not None][-1] == result.objective


def test_a_clinician_who_works_at_two_sites_is_at_one_site_per_day():
    # ben may work north and south; the validator's H9 check would flag a second site.
    instance = tiny_instance()

    result = solve(instance, ONE)

    assert result.solution is not None
    cohort_site = {"alpha": "north", "beta": "north", "delta": "north", "gamma": "south"}
    patient_site = {p.id: p.site for p in instance.patients}
    days: dict[int, set[str]] = {}
    day_of = {slot.id: slot.day for slot in instance.week.slots}
    for meeting in result.solution.meetings:
        if meeting.facilitator == "ben":
            days.setdefault(day_of[meeting.slot], set()).add(cohort_site[meeting.cohort])
    for session in result.solution.sessions:
        if session.clinician == "ben":
            days.setdefault(day_of[session.slot], set()).add(patient_site[session.patient])
    assert all(len(sites) == 1 for sites in days.values())


def test_the_objective_uses_the_instances_own_weights():
    # A costly meeting and free hours: the solver holds no meeting at all.
    weights = {**tiny_instance().weights, Weight.MEETING: 50, Weight.HOUR_SHORTFALL: 0}
    instance = dataclasses.replace(tiny_instance(), weights=weights)

    result = solve(instance, ONE)

    assert result.solution is not None
    assert result.solution.meetings == ()
    assert result.objective == validate(instance, result.solution).objective


def test_the_undecomposed_exact_model_alone_plans_a_valid_week():
    # The fallback used when the parts cannot all be planned (and the proof of infeasibility
    # when it finds no week): here run on its own, cross-site days left to the model.
    instance = tiny_instance(previous=tiny_previous())
    facts = Facts(instance)
    cohort_of = {"p1": "alpha", "p2": "alpha", "p3": "alpha", "p4": "gamma", "p5": "delta"}
    clock = Clock.start(10)
    incumbent = Incumbent(clock, None)
    fixed = fixed_cost(facts, cohort_of) + orphan_meetings(facts, components(facts, cohort_of))
    incumbent.expect(set(), fixed)
    parts = PartSolver(facts, ONE, clock, incumbent, cohort_of)

    status = parts.solve_whole()

    assert status == "optimal"
    week, objective = parts.solution([WHOLE])
    report = validate(instance, week)
    assert report.violations == ()
    assert objective == report.objective
