"""Saving a safety plan: versions, change notes, refusals, audit."""

from __future__ import annotations

import pytest

from openiop.audit.models import AuditEvent
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.safety_plans.errors import InvalidSafetyPlan, SafetyPlanClosed
from openiop.safety_plans.models import SafetyPlan
from tests.factories import SYSTEM
from tests.safety_plans.builders import saved

pytestmark = pytest.mark.django_db


def test_each_save_is_a_new_version_and_old_ones_stay_as_they_were(day):
    # given a first version
    episode, therapist = day.episodes[0], day.tiny.therapist
    first = saved(episode, therapist)
    # when it is changed twice
    second = saved(episode, day.tiny.prescriber, "Added a coping idea", coping_strategies=["Music"])
    third = saved(episode, therapist, "Reviewed after a screen; no change")
    # then
    assert [first.version, second.version, third.version] == [1, 2, 3]
    first.refresh_from_db()
    assert first.sections["coping_strategies"] == ["Walk the dog", "Cold water on my face"]
    assert second.sections["coping_strategies"] == ["Music"]
    assert (second.created_by, second.change_note) == (day.tiny.prescriber, "Added a coping idea")
    events = AuditEvent.objects.filter(action="SAFETY_PLAN_SAVED").order_by("seq")
    assert [e.detail["version"] for e in events] == [1, 2, 3]
    assert events[0].detail["entries"]["warning_signs"] == 2
    assert (events[0].patient_id, events[0].category) == (episode.patient_id, "safety_plan")
    assert "Walk the dog" not in str(events[0].detail)


def test_versions_are_per_patient(day):
    saved(day.episodes[0], day.tiny.therapist)
    other = saved(day.episodes[1], day.tiny.therapist)
    assert other.version == 1


def test_a_later_version_needs_a_change_note(day):
    saved(day.episodes[0], day.tiny.therapist)
    with pytest.raises(InvalidSafetyPlan) as refused:
        saved(day.episodes[0], day.tiny.therapist, "   ")
    assert [p.code for p in refused.value.problems] == ["note_required"]
    assert SafetyPlan.objects.count() == 1


def test_every_problem_is_reported_at_once_and_nothing_is_written(day):
    with pytest.raises(InvalidSafetyPlan) as refused:
        saved(
            day.episodes[0],
            day.tiny.therapist,
            warning_signs=[],
            help_contacts=[{"name": "Ana", "phone": "call me"}],
        )
    assert [p.code for p in refused.value.problems] == ["required", "phone_format"]
    assert refused.value.code == "required"
    assert not SafetyPlan.objects.exists()
    assert not AuditEvent.objects.filter(action="SAFETY_PLAN_SAVED").exists()


def test_a_discharged_episode_takes_no_new_version(day):
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET
    )
    with pytest.raises(SafetyPlanClosed):
        saved(day.episodes[0], day.tiny.therapist)
