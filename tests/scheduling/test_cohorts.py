"""Cohorts as first-class records: sizes, enrollment, facilitator and room, and members with
join and leave dates kept true by the episode services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from openiop.patients import services as patient_services
from openiop.patients.models import CohortMembership, DischargeReason
from openiop.programs.models import Enrollment
from openiop.programs.services import cohort_configure, cohort_create, room_create, site_create
from tests.factories import SYSTEM
from tests.scheduling.builders import tiny_program

pytestmark = pytest.mark.django_db


def _history(episode):
    return list(
        CohortMembership.objects.filter(episode=episode)
        .order_by("pk")
        .values_list("cohort__name", "joined_on", "left_on")
    )


def test_joining_moving_and_discharge_keep_the_membership_history(wednesday):
    tiny = tiny_program(patients=1)
    episode = tiny.episodes[0]
    other = cohort_create(track=tiny.track, name="Evening B", started_on=dt.date(2026, 1, 5))
    patient_services.episode_assign_cohort(
        actor=SYSTEM, episode=episode, cohort=tiny.cohort, on=dt.date(2026, 2, 9)
    )
    patient_services.episode_assign_cohort(actor=SYSTEM, episode=episode, cohort=tiny.cohort)
    patient_services.episode_assign_cohort(
        actor=SYSTEM, episode=episode, cohort=other, on=dt.date(2026, 3, 2)
    )
    patient_services.episode_discharge(
        actor=SYSTEM, episode=episode, reason=DischargeReason.GOALS_MET
    )
    assert _history(episode) == [
        (tiny.cohort.name, dt.date(2026, 2, 9), dt.date(2026, 3, 2)),
        ("Evening B", dt.date(2026, 3, 2), dt.date(2026, 3, 4)),
    ]
    episode.refresh_from_db()
    assert episode.cohort == other  # outcomes group by the cohort a patient finished in


def test_one_current_membership_per_episode_is_a_database_rule(wednesday):
    tiny = tiny_program(patients=1)
    episode = tiny.episodes[0]
    patient_services.episode_assign_cohort(actor=SYSTEM, episode=episode, cohort=tiny.cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortMembership.objects.create(
            episode=episode, cohort=tiny.cohort, joined_on=dt.date(2026, 3, 4)
        )


def test_cohort_configuration_is_checked(wednesday):
    tiny = tiny_program(patients=0)
    with pytest.raises(ValidationError):
        cohort_configure(
            cohort=tiny.cohort,
            min_size=8,
            max_size=6,
            enrollment=Enrollment.CLOSED,
            facilitator_id=None,
            room=None,
        )
    elsewhere = site_create(organization=tiny.program.site.organization, name="Annex")
    far_room = room_create(site=elsewhere, name="Annex room", capacity=10)
    with pytest.raises(ValidationError):
        cohort_configure(
            cohort=tiny.cohort,
            min_size=4,
            max_size=10,
            enrollment=Enrollment.CLOSED,
            facilitator_id=None,
            room=far_room,
        )
    cohort_configure(
        cohort=tiny.cohort,
        min_size=4,
        max_size=10,
        enrollment=Enrollment.CLOSED,
        facilitator_id=tiny.facilitator.pk,
        room=tiny.room,
    )
    tiny.cohort.refresh_from_db()
    assert tiny.cohort.is_closed
    assert (tiny.cohort.facilitator, tiny.cohort.room) == (tiny.facilitator, tiny.room)
