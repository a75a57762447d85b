"""Re-plan metrics, and their agreement with the validator's continuity components."""

import pytest
from hypothesis import given, settings

from engines.scheduling.disruption import Disruption, continuity, disruption
from engines.scheduling.model import Assignment, Meeting, Session, Solution, Weight
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import (
    IND,
    TINY_ASSIGNMENTS,
    TINY_MEETINGS,
    TINY_SESSIONS,
    mutated_plans,
    tiny_instance,
    tiny_previous,
    tiny_solution,
)


def test_disruption_needs_a_previous_plan():
    with pytest.raises(ValueError, match="no previous plan"):
        disruption(tiny_instance(), tiny_solution())


def test_keeping_last_week_exactly_keeps_everything():
    instance = tiny_instance(previous=tiny_solution())

    found = disruption(instance, tiny_solution(instance))

    # 4 meetings + 7 sessions (psychiatry and family still flagged) + 5 assignments.
    assert found == Disruption(
        previous_items=16,
        kept=16,
        kept_share=1.0,
        cohort_moves=0,
        therapist_changes=0,
        meetings_not_kept=0,
        sessions_not_kept=0,
    )


def test_against_the_hand_worked_previous_week():
    instance = tiny_instance(previous=tiny_previous())

    found = disruption(instance, tiny_solution(instance))

    assert found == Disruption(
        previous_items=8,
        kept=4,
        kept_share=0.5,
        cohort_moves=1,
        therapist_changes=1,
        meetings_not_kept=1,
        sessions_not_kept=2,
    )


def test_nothing_to_keep_is_a_full_share():
    gone = Solution(
        instance_id="last",
        instance_digest="",
        assignments=(Assignment("p9", "alpha", "ana"),),
        meetings=(Meeting("retired", "mon-09", "ana", "room-a"),),
        sessions=(Session("p9", IND, "mon-10", "ana"),),
    )
    instance = tiny_instance(previous=gone)

    found = disruption(instance, tiny_solution(instance))

    assert (found.previous_items, found.kept, found.kept_share) == (0, 0, 1.0)


def test_a_continuing_patient_without_an_assignment_has_moved_and_changed_therapist():
    instance = tiny_instance(previous=tiny_solution())
    solution = tiny_solution(instance, assignments=TINY_ASSIGNMENTS[1:])

    found = disruption(instance, solution)

    assert (found.cohort_moves, found.therapist_changes) == (1, 1)


def test_an_item_changed_in_any_field_is_not_kept():
    instance = tiny_instance(previous=tiny_solution())
    moved_room = Meeting("alpha", "mon-09", "ana", "room-b")
    moved_slot = Session("p4", IND, "tue-11", "ben")
    solution = tiny_solution(
        instance,
        meetings=(moved_room, *TINY_MEETINGS[1:]),
        sessions=(*TINY_SESSIONS[:5], moved_slot, TINY_SESSIONS[6]),
    )

    found = disruption(instance, solution)

    assert (found.meetings_not_kept, found.sessions_not_kept) == (1, 1)
    assert found.kept == 14


def test_without_a_previous_plan_continuity_is_all_zero():
    assert continuity(tiny_instance(), tiny_solution()).not_kept == 0


PREVIOUS = tiny_instance(previous=tiny_previous())


@settings(deadline=None, max_examples=150)
@given(mutated_plans(PREVIOUS))
def test_disruption_and_the_validator_count_continuity_alike(solution):
    found = disruption(PREVIOUS, solution)
    components = validate(PREVIOUS, solution).components

    assert components[Weight.NOT_KEPT] == found.meetings_not_kept + found.sessions_not_kept
    assert components[Weight.COHORT_CHANGE] == found.cohort_moves
    assert components[Weight.THERAPIST_CHANGE] == found.therapist_changes
    assert 0 <= found.kept <= found.previous_items
    assert found.kept_share == found.kept / found.previous_items
