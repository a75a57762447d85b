"""Infeasible weeks get a reason naming who is in conflict, and never a schedule.

Each crafted instance breaks exactly one thing. The structural pre-checks catch most before
any search; the last cases pass them and need CP-SAT's assumption core.
"""

import dataclasses

import pytest

from engines.scheduling.model import Cohort, Needs, Room, Skill, Track
from engines.scheduling.solver import SolveOptions, solve
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import (
    ALL,
    tiny_instance,
    with_patient,
    with_staff,
)
from tests.engines.scheduling.solver_cases import one_site, patient, therapist

OPTIONS = SolveOptions(time_limit=10, workers=1)
MON_9 = frozenset({"d0-0"})
DAY_0 = frozenset({"d0-0", "d0-1", "d0-2"})


def _no_emdr_therapist():
    staff = with_staff("ben", skills=frozenset({Skill.GROUP, Skill.INDIVIDUAL, Skill.FAMILY}))
    return tiny_instance(staff=staff)


def _am_cohorts(alpha, delta):
    """The tiny cohorts with new (min, max) sizes for the north track's open cohorts."""
    sizes = {"alpha": alpha, "delta": delta}
    return tuple(
        dataclasses.replace(c, min_size=sizes[c.id][0], max_size=sizes[c.id][1])
        if c.id in sizes
        else c
        for c in tiny_instance().cohorts
    )


def _caps_too_small():
    staff = tuple(
        dataclasses.replace(s, caseload_cap=1) if s.id in {"ana", "ben", "eve"} else s
        for s in tiny_instance().staff
    )
    return tiny_instance(staff=staff)


BLOCKING = [
    pytest.param(
        tiny_instance(patients=with_patient("p3", available=frozenset())),
        "no_available_slot",
        {"patients": ("p3",)},
        id="patient-never-available",
    ),
    pytest.param(
        _no_emdr_therapist(),
        "no_eligible_therapist",
        {"patients": ("p2",)},
        id="no-emdr-therapist",
    ),
    pytest.param(
        _caps_too_small(),
        "caseload_short",
        # p2 needs EMDR and p4 is at the south site: only ben can take either
        {"patients": ("p2", "p4"), "staff": ("ben",)},
        id="caseload-caps",
    ),
    pytest.param(
        tiny_instance(cohorts=_am_cohorts(alpha=(5, 6), delta=(5, 6))),
        "cohort_below_minimum",
        {"patients": ("p1", "p2", "p3", "p5"), "cohorts": ("alpha", "beta", "delta")},
        id="cohorts-too-big-to-fill",
    ),
    pytest.param(
        tiny_instance(cohorts=_am_cohorts(alpha=(1, 1), delta=(1, 1))),
        "cohort_capacity_short",
        {"patients": ("p1", "p2", "p3", "p5"), "cohorts": ("alpha", "beta", "delta")},
        id="cohorts-too-small",
    ),
    pytest.param(
        tiny_instance(patients=with_patient("p5", track_options=("south-am",))),
        "no_cohort",
        {"patients": ("p5",)},
        id="track-at-another-site",
    ),
]


@pytest.mark.parametrize(("instance", "code", "named"), BLOCKING)
def test_a_structural_conflict_is_named_before_any_search(instance, code, named):
    result = solve(instance, OPTIONS)

    assert result.status == "infeasible"
    assert result.solution is None
    assert result.objective is None
    assert result.first_feasible_seconds is None
    found = [c for c in result.conflicts if c.code == code]
    assert len(found) == 1
    conflict = found[0]
    for field, ids in named.items():
        assert getattr(conflict, field) == ids
    for patient_id in named.get("patients", ())[:1]:
        assert patient_id in conflict.message
    assert result.variables == 0, "no model was built"


ADVISORY = [
    pytest.param(
        tiny_instance(
            staff=with_staff("ana", skills=frozenset({Skill.INDIVIDUAL}))[:1]
            + tuple(
                dataclasses.replace(s, skills=s.skills - {Skill.GROUP})
                for s in tiny_instance().staff[1:]
            )
        ),
        "no_facilitator",
        {"cohorts": ("alpha", "beta", "delta")},
        id="nobody-leads-groups",
    ),
    pytest.param(
        tiny_instance(
            cohorts=_am_cohorts(alpha=(2, 4), delta=(2, 4)),
            rooms=(Room("closet", "north", 1), Room("room-c", "south", 6)),
        ),
        "no_room",
        {"cohorts": ("alpha", "beta", "delta")},
        id="rooms-too-small",
    ),
    pytest.param(
        tiny_instance(staff=tuple(s for s in tiny_instance().staff if s.id != "cy")),
        "no_prescriber",
        {"patients": ("p1",)},
        id="no-prescriber",
    ),
]


@pytest.mark.parametrize(("instance", "code", "named"), ADVISORY)
def test_a_track_or_visit_nobody_can_serve_is_reported_next_to_a_feasible_week(
    instance, code, named
):
    result = solve(instance, OPTIONS)

    assert result.status in {"optimal", "feasible"}
    assert result.solution is not None
    assert validate(instance, result.solution).violations == ()
    conflict = next(c for c in result.conflicts if c.code == code)
    for field, ids in named.items():
        assert getattr(conflict, field) == ids


def test_two_patients_who_can_only_see_one_therapist_in_one_slot_get_a_core():
    # Each patient alone passes every pre-check; together they need the same hour.
    instance = one_site(
        staff=(therapist("tom", ALL_SLOTS), therapist("una", DAY_0 - MON_9)),
        patients=(patient("p1", MON_9), patient("p2", MON_9), patient("p3", DAY_0)),
    )

    result = solve(instance, OPTIONS)

    assert result.status == "infeasible"
    assert result.solution is None
    core = next(c for c in result.conflicts if c.code == "infeasible_core")
    assert core.patients == ("p1", "p2")
    assert "tom" in core.staff
    assert "p1" in core.message
    assert "p2" in core.message


def test_patients_who_cannot_be_split_into_cohort_sizes_across_tracks_get_a_core():
    # Five patients may join either track, whose cohorts hold 3 or 4: no split makes five.
    tracks = (
        Track("t1", "s1", "Mornings", ("d0-0", "d1-0")),
        Track("t2", "s1", "Late", ("d0-2", "d1-2")),
    )
    cohorts = (Cohort("a", "t1", 3, 4), Cohort("b", "t2", 3, 4))
    patients = tuple(patient(f"p{i}", ALL_SLOTS, tracks=("t1", "t2")) for i in range(5))
    instance = one_site(
        staff=(therapist("tom", ALL_SLOTS),), patients=patients, tracks=tracks, cohorts=cohorts
    )

    result = solve(instance, OPTIONS)

    assert result.status == "infeasible"
    assert result.solution is None
    core = next(c for c in result.conflicts if c.code == "infeasible_core")
    assert core.cohorts == ("a", "b")
    assert set(core.patients) <= {f"p{i}" for i in range(5)}
    assert core.patients


def test_psychiatry_and_family_needs_never_make_a_week_infeasible():
    instance = one_site(
        staff=(therapist("tom", ALL_SLOTS),),
        patients=(patient("p1", DAY_0, needs=Needs(psychiatry=True, family=True)),),
    )

    result = solve(instance, OPTIONS)

    assert result.status in {"optimal", "feasible"}
    assert {c.code for c in result.conflicts} == {"no_prescriber", "no_family_therapist"}


ALL_SLOTS = frozenset(f"d{day}-{hour}" for day in range(2) for hour in range(3))
assert frozenset(ALL) == ALL  # the tiny week's slots, used above through tiny_instance()
