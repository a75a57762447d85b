"""Fetch-and-authorize for safety plans: each function's allowed and denied case."""

from __future__ import annotations

import pytest

from openiop.audit.models import AuditEvent
from openiop.core.errors import NotFound
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.safety_plans import access
from tests.daily import ordinary_day
from tests.factories import SYSTEM
from tests.safety_plans.builders import saved

pytestmark = pytest.mark.django_db
A = "TEST_ACTION"


def test_safety_plan_episode_access_needs_the_capability_there(day):
    episode = day.episodes[0]
    for user in (day.tiny.therapist, day.tiny.prescriber, day.tiny.director):
        found = access.safety_plan_episode_access(
            user, episode.patient_id, episode.pk, actor=SYSTEM, action=A
        )
        assert found == episode
    outsider = ordinary_day("Other IOP", patients=1).tiny.therapist
    for user in (day.tiny.facilitator, outsider):
        with pytest.raises(NotFound):
            access.safety_plan_episode_access(
                user, episode.patient_id, episode.pk, actor=SYSTEM, action=A
            )
    assert AuditEvent.objects.filter(action=A, outcome="denied", patient_id=None).count() == 2


def test_version_of_finds_only_the_patients_own_versions(day):
    plan = saved(day.episodes[0], day.tiny.therapist)
    patient = day.episodes[0].patient
    assert access.version_of(day.tiny.therapist, patient, 1, actor=SYSTEM, action=A) == plan
    for version in (2, 0, -1, 2**40):
        with pytest.raises(NotFound):
            access.version_of(day.tiny.therapist, patient, version, actor=SYSTEM, action=A)
    with pytest.raises(NotFound):
        access.version_of(day.tiny.therapist, day.episodes[1].patient, 1, actor=SYSTEM, action=A)
    outsider = ordinary_day("Other IOP", patients=1).tiny.therapist
    with pytest.raises(NotFound):  # a version written in a program the user is not in
        access.version_of(outsider, patient, 1, actor=SYSTEM, action=A)
    denied = AuditEvent.objects.filter(action=A, outcome="denied")
    assert denied.count() == 6
    assert not denied.exclude(patient_id=None).exists()


def test_editable_episode_is_an_open_one_in_my_programs(day):
    episodes = [day.episodes[0]]
    assert access.editable_episode(day.tiny.therapist, episodes) == day.episodes[0]
    assert access.editable_episode(day.tiny.facilitator, episodes) is None
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET
    )
    assert access.editable_episode(day.tiny.therapist, episodes) is None
