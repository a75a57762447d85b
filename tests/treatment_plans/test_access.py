"""Fetch-and-authorize for plan writes: each function's allowed and denied case."""

from __future__ import annotations

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core.errors import NotFound
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.treatment_plans import access
from openiop.treatment_plans.models import PlanStatus
from tests import factories
from tests.daily import ordinary_day
from tests.factories import SYSTEM
from tests.treatment_plans.builders import active, draft

pytestmark = pytest.mark.django_db
A = "TEST_ACTION"


def _denied_without_patient() -> None:
    event = AuditEvent.objects.filter(outcome="denied").latest("seq")
    assert (event.action, event.patient_id) == (A, None)


def test_plan_episode_access_needs_the_capability_in_the_episodes_program(day):
    episode = day.episodes[0]
    found = access.plan_episode_access(
        day.tiny.therapist, episode.patient_id, episode.pk, actor=SYSTEM, action=A
    )
    assert found == episode
    other_therapist = ordinary_day("Other IOP", patients=1).tiny.therapist
    for user in (day.tiny.facilitator, day.tiny.prescriber, other_therapist):
        with pytest.raises(NotFound):
            access.plan_episode_access(user, episode.patient_id, episode.pk, actor=SYSTEM, action=A)
        _denied_without_patient()
    with pytest.raises(NotFound):  # the episode of another patient
        access.plan_episode_access(
            day.tiny.therapist, day.episodes[1].patient_id, episode.pk, actor=SYSTEM, action=A
        )


def test_current_plan_of_prefers_the_active_plan_and_refuses_none(day):
    with pytest.raises(NotFound):
        access.current_plan_of(day.episodes[0], actor=SYSTEM, action=A)
    _denied_without_patient()
    plan = draft(day.episodes[0], day.tiny.therapist)
    assert access.current_plan_of(day.episodes[0], actor=SYSTEM, action=A) == plan
    built = active(day.episodes[1], day.tiny.therapist)
    found = access.current_plan_of(day.episodes[1], actor=SYSTEM, action=A)
    assert (found, found.status) == (built.plan, PlanStatus.ACTIVE)


@pytest.mark.parametrize(
    ("fetch", "attribute"),
    [
        (access.problem_of, "problem"),
        (access.goal_of, "goal"),
        (access.objective_of, "objective"),
        (access.intervention_of, "intervention"),
    ],
)
def test_items_are_found_only_under_their_own_episode(day, fetch, attribute):
    mine = active(day.episodes[0], day.tiny.therapist)
    theirs = active(day.episodes[1], day.tiny.therapist)
    item = getattr(mine, attribute)
    assert fetch(day.episodes[0], item.pk, actor=SYSTEM, action=A) == item
    for episode, pk in (
        (day.episodes[0], getattr(theirs, attribute).pk),
        (day.episodes[0], 10**9),
        (day.episodes[0], 0),
        (day.episodes[1], item.pk),
    ):
        with pytest.raises(NotFound):
            fetch(episode, pk, actor=SYSTEM, action=A)
        _denied_without_patient()


def test_can_manage_plan_needs_the_capability_and_an_admitted_episode(day):
    episode = day.episodes[0]
    assert access.can_manage_plan(day.tiny.therapist, episode)
    assert access.can_manage_plan(day.tiny.director, episode)
    assert not access.can_manage_plan(day.tiny.facilitator, episode)
    assert not access.can_manage_plan(day.tiny.prescriber, episode)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=episode, reason=DischargeReason.GOALS_MET
    )
    assert not access.can_manage_plan(day.tiny.therapist, episode)


def test_can_share_portal_with_either_plan_capability(day):
    episode = day.episodes[0]
    assert access.can_share_portal(day.tiny.therapist, episode)
    assert access.can_share_portal(day.tiny.prescriber, episode)  # safety plans only
    assert not access.can_share_portal(day.tiny.facilitator, episode)
    case_manager = factories.staff(ProgramRole.CASE_MANAGER, day.program)
    assert not access.can_share_portal(case_manager, episode)
