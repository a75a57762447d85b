import dataclasses
import json
import math
from collections import Counter
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.scheduling.codec import instance_from_json, instance_to_json
from engines.scheduling.generator import Generated, generate
from engines.scheduling.generator.population import PHASE_HOURS
from engines.scheduling.model import Instance
from engines.scheduling.perturb import perturb
from tests.engines.scheduling.cases import tiny_instance, tiny_solution


@cache
def solved(size: str = "small", seed: int = 1) -> Generated:
    return generate(size, seed)


def replan(**options) -> Instance:
    result = solved()
    return perturb(result.instance, result.planted, **{"seed": 1, **options})


def replan_meta(instance: Instance) -> dict[str, Any]:
    changes = instance.meta["replan"]
    assert isinstance(changes, dict)
    return changes


def ids(instance: Instance) -> set[str]:
    return {p.id for p in instance.patients}


@pytest.mark.parametrize(
    ("admit_share", "discharge_share", "admitted", "discharged"),
    [
        (0.05, 0.05, 3, 3),  # ⌈0.05 × 60⌉ = 3, not 4 from 0.05 * 60 == 3.0000000000000004
        (0.0, 0.0, 0, 0),
        (0.1, 0.2, 6, 12),
        (0.01, 0.01, 1, 1),  # ⌈0.6⌉
        (0.5, 0.5, 30, 30),
    ],
)
def test_the_right_numbers_leave_and_join(admit_share, discharge_share, admitted, discharged):
    before = solved().instance

    after = replan(admit_share=admit_share, discharge_share=discharge_share)

    assert len(ids(before) - ids(after)) == discharged
    assert len(ids(after) - ids(before)) == admitted
    assert len(after.patients) == len(before.patients) - discharged + admitted


def test_ids_stay_unique_and_newcomers_have_no_history():
    result = solved()
    after = replan(admit_share=0.3)
    named_before = {a.patient for a in result.planted.assignments}
    assert result.instance.previous is not None
    named_before |= {a.patient for a in result.instance.previous.assignments}

    newcomers = ids(after) - ids(result.instance)

    assert len(ids(after)) == len(after.patients)
    assert newcomers
    assert not newcomers & named_before


def test_the_solved_week_becomes_previous():
    result = solved()

    after = replan()

    assert after.previous == result.planted
    assert after.id == f"{result.instance.id}-replan-1"
    assert after.week == result.instance.week
    assert after.tracks == result.instance.tracks
    assert after.rooms == result.instance.rooms


def test_newcomers_are_drawn_like_generated_patients():
    before = solved().instance
    after = replan(admit_share=0.5)
    tracks = {t.id: t for t in after.tracks}
    cohort_tracks = {c.track for c in after.cohorts}

    for patient in (p for p in after.patients if p.id not in ids(before)):
        track = tracks[patient.track_options[0]]
        assert patient.track_options == (track.id,)
        assert track.id in cohort_tracks
        assert patient.site == track.site
        assert patient.available
        assert patient.available <= set(track.slots)
        assert (patient.hours_min, patient.hours_max) == PHASE_HOURS[patient.phase]


def test_staff_out_are_removed_and_the_rest_kept():
    before = solved().instance
    out = (before.staff[1].id, before.staff[4].id)

    after = replan(staff_out=out)

    assert {s.id for s in after.staff} == {s.id for s in before.staff} - set(out)
    assert replan_meta(after)["staff_out"] == list(out)


def test_meta_says_what_changed_and_drops_the_planted_objective():
    before = solved().instance

    after = replan()
    changes = replan_meta(after)

    assert "planted_objective" not in after.meta
    assert after.meta["size"] == "small"
    assert changes["of"] == before.id
    assert changes["seed"] == 1
    assert set(changes["discharged"]) == ids(before) - ids(after)
    assert set(changes["admitted"]) == ids(after) - ids(before)


def test_the_same_seed_gives_the_same_scenario_and_another_seed_another():
    result = solved()

    first = perturb(result.instance, result.planted, seed=4)
    again = perturb(result.instance, result.planted, seed=4)
    other = perturb(result.instance, result.planted, seed=5)

    assert first == again
    assert ids(first) != ids(other)


def test_the_scenario_round_trips_through_json():
    after = replan(admit_share=0.2, discharge_share=0.1, staff_out=("s003",))

    text = json.dumps(instance_to_json(after))

    assert instance_from_json(json.loads(text)) == after


@pytest.mark.parametrize("share", [-0.01, 0.51, 1.0, math.nan, math.inf])
@pytest.mark.parametrize("name", ["admit_share", "discharge_share"])
def test_a_share_outside_zero_to_a_half_is_refused(name, share):
    with pytest.raises(ValueError, match=name):
        replan(**{name: share})


def test_a_boolean_share_is_refused():
    with pytest.raises(ValueError, match="admit_share"):
        replan(admit_share=True)


def test_unknown_staff_are_refused_by_name():
    with pytest.raises(ValueError, match="nobody, s999"):
        replan(staff_out=("s001", "s999", "nobody"))


def test_a_solution_for_another_instance_is_refused():
    result = solved()
    other = solved("small", 2)

    with pytest.raises(ValueError, match="iopbench-v2-small-2"):
        perturb(result.instance, other.planted, seed=1)
    with pytest.raises(ValueError, match="not for"):
        perturb(result.instance, dataclasses.replace(result.planted, instance_digest="x"), seed=1)


def test_cohort_minimums_fall_to_what_the_track_can_still_fill():
    instance = tiny_instance()

    # Three of five patients leave and nobody joins; seed 0 leaves one patient on track "am",
    # whose cohorts alpha and beta needed two.
    after = perturb(instance, tiny_solution(instance), seed=0, discharge_share=0.5, admit_share=0)
    census = Counter(option for p in after.patients for option in p.track_options)

    assert census["am"] == 1
    assert {c.id: c.min_size for c in after.cohorts} == {
        "alpha": 1,
        "beta": 1,
        "gamma": 1,
        "delta": 1,
    }
    for before, now in zip(instance.cohorts, after.cohorts, strict=True):
        assert now.min_size == max(1, min(before.min_size, census[now.track]))
        assert (now.id, now.max_size, now.closed) == (before.id, before.max_size, before.closed)


@given(
    seed=st.integers(0, 10**6),
    admit_share=st.floats(0, 0.5),
    discharge_share=st.floats(0, 0.5),
)
@settings(max_examples=25, deadline=None)
def test_any_scenario_keeps_counts_ids_and_the_format(seed, admit_share, discharge_share):
    result = solved()
    n = len(result.instance.patients)

    after = perturb(
        result.instance,
        result.planted,
        seed=seed,
        admit_share=admit_share,
        discharge_share=discharge_share,
    )

    assert len(ids(result.instance) - ids(after)) == math.ceil(round(discharge_share * n, 9))
    assert len(ids(after) - ids(result.instance)) == math.ceil(round(admit_share * n, 9))
    assert len(ids(after)) == len(after.patients)
    assert instance_from_json(instance_to_json(after)) == after
