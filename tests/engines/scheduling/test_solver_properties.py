"""Property tests: on any small week the solver's answer is one the validator agrees with, and
a week known to be feasible is never called infeasible."""

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.scheduling.generator import generate
from engines.scheduling.solver import SolveOptions, solve
from engines.scheduling.solver.flow import assign
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import SLOTS, tiny_instance
from tests.engines.scheduling.solver_cases import planted_weeks

OPTIONS = SolveOptions(time_limit=5, workers=1)

# Correctness properties, not timing ones; each example is a small CP-SAT solve.
solver_settings = settings(
    deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow]
)


@solver_settings
@given(planted_weeks())
def test_a_planted_week_is_never_called_infeasible_and_its_solution_is_valid(drawn):
    instance, planted = drawn
    assert validate(instance, planted).violations == ()  # the strategy's own promise

    result = solve(instance, OPTIONS)

    assert result.status in {"optimal", "feasible"}
    assert result.solution is not None
    report = validate(instance, result.solution)
    assert report.violations == ()
    assert result.objective == report.objective


@st.composite
def tiny_variants(draw):
    """The tiny week with slots knocked out of availability, caps cut and a skill dropped
    here and there: a mix of feasible and infeasible weeks."""
    slot_ids = [s.id for s in SLOTS]
    base = tiny_instance()

    def knocked_out(available):
        return available - draw(st.frozensets(st.sampled_from(slot_ids), max_size=4))

    staff = tuple(
        dataclasses.replace(
            member,
            available=knocked_out(member.available),
            caseload_cap=draw(st.integers(1, member.caseload_cap)),
            skills=member.skills
            - draw(st.frozensets(st.sampled_from(sorted(member.skills)), max_size=1))
            if draw(st.integers(0, 4)) == 0
            else member.skills,
        )
        for member in base.staff
    )
    patients = tuple(
        dataclasses.replace(p, available=knocked_out(p.available)) for p in base.patients
    )
    return dataclasses.replace(base, staff=staff, patients=patients)


@solver_settings
@given(tiny_variants())
def test_any_answer_on_a_random_week_is_consistent(instance):
    result = solve(instance, OPTIONS)

    if result.solution is not None:
        assert result.status in {"optimal", "feasible"}
        report = validate(instance, result.solution)
        assert report.violations == ()
        assert result.objective == report.objective
    else:
        assert result.status in {"infeasible", "unknown"}
        assert result.conflicts, "a week without a plan always says why"
        assert result.objective is None


@pytest.mark.parametrize("seed", [3, 4])
def test_a_generated_planted_week_is_never_called_infeasible(seed):
    generated = generate("small", seed)

    result = solve(generated.instance, SolveOptions(time_limit=2, workers=2))

    assert result.status in {"optimal", "feasible"}
    assert result.solution is not None
    assert validate(generated.instance, result.solution).violations == ()


@st.composite
def placements(draw):
    """A few patients, each with an ordered list of (clinician, part) places, and caps."""
    clinicians, parts = ["a", "b", "c"][: draw(st.integers(1, 3))], ["x", "y"]
    places = [(m, k) for m in clinicians for k in parts]
    patients = [f"p{i}" for i in range(draw(st.integers(1, 6)))]
    options = {
        p: draw(st.lists(st.sampled_from(places), unique=True, max_size=4)) for p in patients
    }
    part_caps = {place: draw(st.integers(0, 3)) for place in places}
    caps = {m: draw(st.integers(0, 4)) for m in clinicians}
    return options, part_caps, caps


def _fits(choice, part_caps, caps):
    return all(choice.count(place) <= part_caps[place] for place in set(choice)) and all(
        sum(1 for m, _ in choice if m == clinician) <= cap for clinician, cap in caps.items()
    )


@settings(deadline=None, max_examples=200)
@given(placements())
def test_nested_capacity_assignment_finds_a_placement_exactly_when_one_exists(drawn):
    options, part_caps, caps = drawn
    patients = list(options)

    found = assign(options, part_caps, caps)

    exists = any(
        _fits(list(choice), part_caps, caps)
        for choice in itertools.product(*(options[p] for p in patients))
    )
    assert (found is not None) == exists
    if found is not None:
        assert set(found) == set(patients)
        assert all(found[p] in {m for m, _ in options[p]} for p in patients)
        assert all(sum(1 for m in found.values() if m == c) <= cap for c, cap in caps.items())
