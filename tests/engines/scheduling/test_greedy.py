import dataclasses
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.scheduling.codec import check_solution_matches
from engines.scheduling.generator import Generated, generate
from engines.scheduling.greedy import greedy
from engines.scheduling.model import Assignment, Instance, Solution, Weight
from engines.scheduling.perturb import perturb
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import (
    TINY_COHORTS,
    TINY_ROOMS,
    TINY_STAFF,
    tiny_instance,
    tiny_previous,
    with_cohort,
)

# What §3.5 predicts the greedy gets wrong: the cohort stage may leave a cohort out of
# bounds or a patient without one, and the timetable stage runs out of therapists (no
# individual session, or a primary over cap or ineligible). Everything it places itself
# (meetings, rooms, sessions, sites) respects the rules.
PREDICTED = {
    "unassigned_patient",
    "cohort_size",
    "individual_missing",
    "caseload_exceeded",
    "primary_ineligible",
}


@cache
def generated(size: str, seed: int) -> Generated:
    return generate(size, seed)


def unknown_references(instance: Instance, solution: Solution) -> list[str]:
    patients = {p.id for p in instance.patients}
    cohorts = {c.id for c in instance.cohorts}
    staff = {s.id for s in instance.staff}
    rooms = {r.id for r in instance.rooms}
    slots = {s.id for s in instance.week.slots}
    unknown = [
        f"assignment {a}"
        for a in solution.assignments
        if a.patient not in patients or a.cohort not in cohorts or a.primary not in staff
    ]
    unknown += [
        f"meeting {m}"
        for m in solution.meetings
        if m.cohort not in cohorts
        or m.facilitator not in staff
        or m.room not in rooms
        or m.slot not in slots
    ]
    unknown += [
        f"session {s}"
        for s in solution.sessions
        if s.patient not in patients or s.clinician not in staff or s.slot not in slots
    ]
    return unknown


def cohorts_of(solution: Solution) -> dict[str, str]:
    return {a.patient: a.cohort for a in solution.assignments}


def primaries_of(solution: Solution) -> dict[str, str]:
    return {a.patient: a.primary for a in solution.assignments}


# --- contract -------------------------------------------------------------------------------


def test_the_solution_names_the_greedy_and_its_instance():
    instance = generated("small", 1).instance

    solution = greedy(instance)

    assert dict(solution.stats) == {"solver": "greedy"}
    assert solution.instance_id == instance.id
    check_solution_matches(instance, solution)


@pytest.mark.parametrize(("size", "seed"), [("small", 1), ("small", 2), ("medium", 1)])
def test_it_names_nothing_the_instance_lacks(size, seed):
    instance = generated(size, seed).instance

    solution = greedy(instance)

    assert unknown_references(instance, solution) == []
    assert "unknown_reference" not in validate(instance, solution).violation_counts()


def test_it_is_deterministic():
    instance = generated("small", 2).instance

    assert greedy(instance) == greedy(instance)


def test_on_small_seed_1_it_fails_the_way_section_3_5_predicts():
    instance = generated("small", 1).instance

    report = validate(instance, greedy(instance))

    # The measured outcome: patients left without an individual session because the
    # greedily placed groups consumed the therapists. No counts: they depend on the seed.
    assert "individual_missing" in report.violation_counts()
    assert set(report.violation_counts()) <= PREDICTED


@pytest.mark.parametrize(("size", "seed"), [("small", 2), ("small", 3), ("medium", 2)])
def test_its_violations_are_only_the_predicted_kinds(size, seed):
    instance = generated(size, seed).instance

    report = validate(instance, greedy(instance))

    assert set(report.violation_counts()) <= PREDICTED
    assert len(greedy(instance).assignments) == len(instance.patients)


def test_a_replan_never_uses_staff_who_are_out():
    result = generated("small", 1)
    out = tuple(s.id for s in result.instance.staff[:3])
    scenario = perturb(result.instance, result.planted, seed=3, staff_out=out)

    solution = greedy(scenario)

    assert unknown_references(scenario, solution) == []
    assert set(validate(scenario, solution).violation_counts()) <= PREDICTED


def test_continuing_patients_mostly_keep_their_cohort():
    result = generated("medium", 1)
    assert result.instance.previous is not None
    before = cohorts_of(result.instance.previous)

    after = cohorts_of(greedy(result.instance))

    continuing = [p for p in after if p in before]
    assert continuing
    assert sum(after[p] == before[p] for p in continuing) >= 0.95 * len(continuing)


# --- stage 1 on the tiny instance (north track "am": alpha 2–4, beta closed, delta 1–4) ------


@pytest.mark.parametrize(
    ("case", "changes", "expected"),
    [
        (
            # phase order p1, p3 (phase 1), p2, p5 (phase 2), each to the least-full open cohort
            "no history",
            {},
            {"p1": "alpha", "p3": "delta", "p2": "alpha", "p5": "delta", "p4": "gamma"},
        ),
        (
            # alpha needs 3: it takes the last member of the largest cohort (delta's p5)
            "undersized",
            {"cohorts": with_cohort("alpha", min_size=3)},
            {"p1": "alpha", "p2": "alpha", "p5": "alpha", "p3": "delta", "p4": "gamma"},
        ),
        (
            # continuing p1 stays in closed beta, but beta (min 2) has nobody to take from
            # and no newcomer may join it, so it is dissolved into the least-full cohort
            "closed and undersized",
            {
                "previous": dataclasses.replace(
                    tiny_previous(),
                    assignments=(Assignment("p1", "beta", "ana"), Assignment("p5", "alpha", "ana")),
                )
            },
            {"p5": "alpha", "p2": "alpha", "p3": "delta", "p1": "delta", "p4": "gamma"},
        ),
        (
            # last week's cohort is full (max 1): only the first continuing patient in the
            # instance's order (p3) stays; p5 joins the rest
            "previous cohort full",
            {
                "cohorts": with_cohort("delta", max_size=1),
                "previous": dataclasses.replace(
                    tiny_previous(),
                    assignments=(
                        Assignment("p5", "delta", "eve"),
                        Assignment("p3", "delta", "ana"),
                    ),
                ),
            },
            {"p3": "delta", "p1": "alpha", "p2": "alpha", "p5": "alpha", "p4": "gamma"},
        ),
    ],
)
def test_stage_one_cohorts(case, changes, expected):
    instance = tiny_instance(**changes)

    assert cohorts_of(greedy(instance)) == expected, case


def test_a_patient_whose_site_has_no_cohort_is_left_unassigned_not_misfiled():
    cohorts = tuple(c for c in TINY_COHORTS if c.id != "gamma")
    instance = tiny_instance(cohorts=cohorts)

    solution = greedy(instance)

    assert "p4" not in cohorts_of(solution)
    assert validate(instance, solution).violation_counts()["unassigned_patient"] == 1


# --- stage 2 on the tiny instance ------------------------------------------------------------


def test_the_previous_primary_is_kept_when_eligible_else_the_next_eligible_one():
    # p1 keeps ana; p2 had eve, who is not EMDR-trained, so ben (the first EMDR-trained
    # therapist) takes over; ana reaches her cap of 2 with p3, so p5 goes to ben.
    instance = tiny_instance(previous=tiny_previous())

    primaries = primaries_of(greedy(instance))

    assert primaries == {"p1": "ana", "p2": "ben", "p3": "ana", "p4": "ben", "p5": "ben"}


def test_on_the_tiny_instance_the_groups_consume_the_therapists():
    # Worked by hand. Meetings come first: ana leads alpha and ben leads delta in all four
    # north slots, so each therapist has one free hour a day (11:00). ana's Monday 11:00
    # goes to p1, leaving p3 (Mondays only) without a session; ben spends 11:00 with p2
    # and p5 at north, so he is never at south for p4. Psychiatry (cy) still fits; p3's
    # family session does not (ben is her only family therapist).
    instance = tiny_instance()

    solution = greedy(instance)
    report = validate(instance, solution)
    visits = {(s.patient, s.kind.value): (s.clinician, s.slot) for s in solution.sessions}

    assert sorted(v.refs for v in report.violations) == [("patient:p3",), ("patient:p4",)]
    assert set(report.violation_counts()) == {"individual_missing"}
    assert visits[("p1", "psychiatry")] == ("cy", "tue-11")
    assert ("p3", "family") not in visits
    assert report.components[Weight.FAMILY_MISSING] == 1


def test_meetings_take_the_smallest_free_room_that_fits():
    instance = tiny_instance()

    solution = greedy(instance)

    rooms = {m.room for m in solution.meetings if m.cohort == "alpha"}
    assert rooms <= {"room-small", "room-a"}
    assert "room-small" in rooms  # alpha has two members; room-small holds two


# --- never crashes, never invents ------------------------------------------------------------


@st.composite
def tiny_variants(draw: st.DrawFn) -> Instance:
    """The tiny instance with any staff, rooms and cohorts left out, caps changed and a
    random previous week (which may name people and cohorts no longer there)."""
    staff = [
        dataclasses.replace(s, caseload_cap=draw(st.integers(1, 3)))
        for s in TINY_STAFF
        if draw(st.booleans())
    ]
    rooms = [r for r in TINY_ROOMS if draw(st.booleans())]
    cohorts = [c for c in TINY_COHORTS if draw(st.booleans())]
    ids = st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p9"])
    previous = dataclasses.replace(
        tiny_previous(),
        assignments=tuple(
            Assignment(
                draw(ids),
                draw(st.sampled_from(["alpha", "beta", "gamma", "delta", "zeta"])),
                draw(st.sampled_from(["ana", "ben", "cy", "dee", "eve", "gone"])),
            )
            for _ in range(draw(st.integers(0, 5)))
        ),
    )
    return tiny_instance(
        staff=tuple(staff),
        rooms=tuple(rooms),
        cohorts=tuple(cohorts),
        previous=draw(st.sampled_from([None, previous])),
    )


@given(instance=tiny_variants())
@settings(max_examples=60, deadline=None)
def test_any_variant_gets_a_plan_with_only_predicted_violations(instance):
    solution = greedy(instance)

    assert unknown_references(instance, solution) == []
    assert set(validate(instance, solution).violation_counts()) <= PREDICTED


def test_a_patient_listed_twice_last_week_counts_with_the_first_entry_as_in_the_validator():
    # given: only the closed cohort beta is left; last week lists p1 in alpha, then in beta
    beta = dataclasses.replace(next(c for c in TINY_COHORTS if c.id == "beta"), closed=True)
    previous = dataclasses.replace(
        tiny_previous(),
        assignments=(Assignment("p1", "alpha", "ana"), Assignment("p1", "beta", "ana")),
    )
    instance = tiny_instance(cohorts=(beta,), previous=previous)

    # when
    solution = greedy(instance)

    # then: p1 was not a member of beta (the first entry says alpha), so it may not join it
    assert "p1" not in {a.patient for a in solution.assignments if a.cohort == "beta"}
    assert "closed_cohort" not in validate(instance, solution).violation_counts()
