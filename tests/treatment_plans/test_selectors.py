"""What other contexts read about plans, and the review due list."""

from __future__ import annotations

import datetime as dt

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.treatment_plans import services
from openiop.treatment_plans.models import ObjectiveStatus
from openiop.treatment_plans.selectors import (
    discharge_readiness,
    objectives_for_episodes,
    plan_overview,
    plans_due_for_review,
)
from tests import factories
from tests.daily import NOON, TODAY, ordinary_day
from tests.factories import SYSTEM
from tests.treatment_plans.builders import ADMITTED, active, chain, draft

pytestmark = pytest.mark.django_db


def _close(objective, status=ObjectiveStatus.MET):
    services.objective_status_change(actor=SYSTEM, objective=objective, status=status)


def test_objectives_for_episodes_prefers_the_active_plan_and_lists_open_ones(
    day, django_assert_num_queries
):
    # given: episode 0 with an active plan (one objective met), episode 1 with a draft,
    # episode 2 with nothing
    therapist = day.tiny.therapist
    first = active(day.episodes[0], therapist, chains=2)
    second_open = chain(first.plan, therapist, n=3).objective
    _close(first.objective)
    drafted = chain(draft(day.episodes[1], therapist), therapist).objective
    ids = [e.pk for e in day.episodes[:3]]
    # when
    with django_assert_num_queries(1):
        found = objectives_for_episodes(ids)
        statements = {k: [o.goal.problem.plan.status for o in v] for k, v in found.items()}
    # then
    assert [o.statement for o in found[ids[0]]] == ["PHQ-9 below 10 (2)", second_open.statement]
    assert found[ids[1]] == [drafted]
    assert found[ids[2]] == []
    assert statements[ids[0]] == ["active", "active"]


def test_discharge_readiness_counts_the_active_plan_only(day, django_assert_num_queries):
    therapist = day.tiny.therapist
    ready = active(day.episodes[0], therapist, chains=2)
    for objective in ready.plan.problems.all():
        for goal in objective.goals.all():
            for o in goal.objectives.all():
                _close(o)
    # one met and one dropped: still ready; one open: not ready
    mixed = active(day.episodes[1], therapist, chains=2)
    _close(mixed.objective, ObjectiveStatus.NOT_MET)
    still_open = active(day.episodes[2], therapist, chains=2)
    _close(still_open.objective)
    drafted = draft(day.episodes[3], therapist)
    chain(drafted, therapist)
    with django_assert_num_queries(1):
        result = discharge_readiness(day.episodes)
    assert result == {
        day.episodes[0].pk: True,
        day.episodes[1].pk: False,
        day.episodes[2].pk: False,
        day.episodes[3].pk: False,
    }
    # all dropped but one met: ready
    other = mixed.plan.problems.get(position=2).goals.get().objectives.get()
    _close(other)
    assert discharge_readiness([day.episodes[1]]) == {day.episodes[1].pk: True}


def test_plan_overview_has_a_fixed_query_count(day, django_assert_num_queries):
    built = active(day.episodes[0], day.tiny.therapist, chains=3)
    services.plan_review_record(
        actor=SYSTEM, plan=built.plan, by=day.tiny.therapist, reviewed_on=TODAY, summary="ok"
    )
    with django_assert_num_queries(7):
        overview = plan_overview(day.episodes[0])
        assert overview is not None
        items = [
            i.responsible.username
            for p in overview.plan.problems.all()
            for g in p.goals.all()
            for o in g.objectives.all()
            for i in o.interventions.all()
        ]
    assert len(items) == 3
    assert overview.next_review_due == TODAY + dt.timedelta(days=30)
    assert plan_overview(day.episodes[1]) is None


LATER = NOON + dt.timedelta(days=14)  # Wednesday 2026-03-18
LATER_DAY = TODAY + dt.timedelta(days=14)


def test_the_due_list_shows_overdue_and_soon_due_plans_of_my_programs(
    day, at_noon, django_assert_num_queries
):
    # given four plans: activated on admission (Feb 9), Feb 22 and today (Mar 4), and one
    # activated on admission but reviewed since
    therapist = day.tiny.therapist
    active(day.episodes[0], therapist, on=ADMITTED)
    active(day.episodes[1], therapist, on=dt.date(2026, 2, 22))
    active(day.episodes[2], therapist)
    reviewed = active(day.episodes[3], therapist, on=ADMITTED).plan
    # and another program's overdue plan that this therapist does not see
    other = ordinary_day("Other IOP", patients=1)
    active(other.episodes[0], other.tiny.therapist, on=ADMITTED)
    # when two weeks pass and one plan is reviewed the day before
    at_noon.move_to(LATER)
    services.plan_review_record(
        actor=SYSTEM,
        plan=reviewed,
        by=therapist,
        reviewed_on=LATER_DAY - dt.timedelta(1),
        summary=".",
    )
    with django_assert_num_queries(2):
        rows = plans_due_for_review(therapist)
    # then: due Mar 11 (overdue 7 days) and Mar 24 (in 6 days)
    assert [(r.episode, r.days_overdue, r.days_left) for r in rows] == [
        (day.episodes[0], 7, 0),
        (day.episodes[1], 0, 6),
    ]
    assert rows[0].due_on == dt.date(2026, 3, 11)
    assert rows[0].last_reviewed_on is None


def test_the_due_list_leaves_out_discharged_episodes_and_other_roles(day, at_noon):
    active(day.episodes[0], day.tiny.therapist, on=ADMITTED)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET
    )
    active(day.episodes[1], day.tiny.therapist, on=ADMITTED)
    at_noon.move_to(LATER)
    assert [r.episode for r in plans_due_for_review(day.tiny.therapist)] == [day.episodes[1]]
    assert plans_due_for_review(day.tiny.facilitator) == []
    outsider = factories.staff(ProgramRole.THERAPIST, factories.program_setup("Else").program)
    assert plans_due_for_review(outsider) == []
