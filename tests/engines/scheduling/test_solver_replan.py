"""Golden re-plan stability: after a discharge, an admission or a clinician out, the solver
keeps last week's cohorts, therapists, meetings and sessions of everyone not involved."""

import dataclasses

from engines.scheduling.disruption import disruption
from engines.scheduling.generator import generate
from engines.scheduling.model import Needs, Patient, SessionKind
from engines.scheduling.perturb import perturb
from engines.scheduling.solver import SolveOptions, solve
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import ALL, tiny_instance

ONE = SolveOptions(time_limit=10, workers=1, seed=3)
IND = SessionKind.INDIVIDUAL


def _last_week():
    instance = tiny_instance()
    result = solve(instance, ONE)
    assert result.status == "optimal"
    assert result.solution is not None
    return instance, result.solution


def test_a_discharge_and_an_admission_keep_everyone_elses_week_exactly():
    # given: p5 leaves, p6 (north, mornings, always available) arrives
    instance, week = _last_week()
    newcomer = Patient("p6", "north", ("am",), ALL, 2, 1, 3, Needs(individual=1))
    patients = (*(p for p in instance.patients if p.id != "p5"), newcomer)
    replan = dataclasses.replace(instance, id="tiny-replan", patients=patients, previous=week)

    # when
    result = solve(replan, ONE)

    # then
    assert result.solution is not None
    assert validate(replan, result.solution).violations == ()
    before = {a.patient: a for a in week.assignments}
    after = {a.patient: a for a in result.solution.assignments}
    assert all(after[p] == before[p] for p in ("p1", "p2", "p3", "p4"))
    assert set(result.solution.meetings) == set(week.meetings)
    kept = {s for s in week.sessions if s.patient != "p5"}
    new = set(result.solution.sessions) - kept
    assert kept <= set(result.solution.sessions)
    assert {(s.patient, s.kind) for s in new} == {("p6", IND)}
    metrics = disruption(replan, result.solution)
    assert metrics.kept == metrics.previous_items
    assert metrics.cohort_moves == 0


def test_a_clinician_out_moves_only_their_own_patients():
    # given: the primary of p5 is out this week
    instance, week = _last_week()
    out = next(a.primary for a in week.assignments if a.patient == "p5")
    replan = dataclasses.replace(
        instance,
        id="tiny-clinician-out",
        staff=tuple(s for s in instance.staff if s.id != out),
        previous=week,
    )

    # when
    result = solve(replan, ONE)

    # then
    assert result.solution is not None
    assert validate(replan, result.solution).violations == ()
    before = {a.patient: a for a in week.assignments}
    after = {a.patient: a for a in result.solution.assignments}
    moved = {p for p, a in before.items() if a.primary == out}
    assert all(after[p] == before[p] for p in before if p not in moved)
    assert all(after[p].cohort == before[p].cohort and after[p].primary != out for p in moved)
    touched = {m for m in week.meetings if m.facilitator == out}
    assert set(week.meetings) - touched <= set(result.solution.meetings)
    lost = set(week.sessions) - set(result.solution.sessions)
    assert lost == {
        s for s in week.sessions if s.clinician == out or (s.patient in moved and s.kind == IND)
    }


def _solved_small_week():
    generated = generate("small", 1)
    week = solve(generated.instance, GENERATED).solution
    assert week is not None
    return generated.instance, week


GENERATED = SolveOptions(time_limit=3, workers=2)


def test_a_generated_week_re_planned_after_admissions_and_discharges_stays_put():
    # given: a solved small week, then 5 % discharged and 5 % admitted
    instance, week = _solved_small_week()
    replan = perturb(instance, week, seed=1)

    # when
    result = solve(replan, GENERATED)

    # then
    assert result.solution is not None
    assert validate(replan, result.solution).violations == ()
    metrics = disruption(replan, result.solution)
    assert metrics.cohort_moves == 0
    assert metrics.therapist_changes == 0
    assert metrics.kept_share >= 0.95
    staying = {p.id for p in replan.patients}
    continuing = {s for s in week.sessions if s.patient in staying}
    assert continuing <= set(result.solution.sessions)


def test_a_generated_week_re_planned_with_a_clinician_out_moves_only_their_patients():
    # given: the primary therapist of the first patient is out
    instance, week = _solved_small_week()
    out = week.assignments[0].primary
    replan = perturb(instance, week, seed=1, admit_share=0, discharge_share=0, staff_out=(out,))

    # when
    result = solve(replan, GENERATED)

    # then
    assert result.solution is not None
    assert validate(replan, result.solution).violations == ()
    before = {a.patient: a for a in week.assignments}
    after = {a.patient: a for a in result.solution.assignments}
    assert all(after[p].cohort == a.cohort for p, a in before.items())
    assert all(after[p].primary == a.primary for p, a in before.items() if a.primary != out)
    assert all(after[p].primary != out for p in after)
    kept = set(result.solution.sessions)
    untouched = {
        s for s in week.sessions if s.clinician != out and before[s.patient].primary != out
    }
    assert len(untouched & kept) >= 0.9 * len(untouched)
