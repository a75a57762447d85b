"""Writes of the scheduling context: hand-made sessions, planning inputs, plan transitions."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from openiop.patients.models import Phase
from openiop.scheduling import services
from openiop.scheduling.errors import (
    DoubleBooked,
    NothingToReplan,
    PlanBusy,
    SessionInvalid,
)
from openiop.scheduling.models import (
    HourBand,
    PlanKind,
    PlanState,
    ScheduledSession,
    SchedulingNeeds,
    SessionKind,
)
from tests.factories import SYSTEM
from tests.scheduling.builders import clinician, tiny_program

pytestmark = pytest.mark.django_db

MONDAY_6PM = dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC)  # Mon 2026-03-09 18:00 CDT
HOUR = dt.timedelta(hours=1)


def _individual(tiny, *, at=MONDAY_6PM, who=None, episode=None):
    return services.session_create(
        actor=SYSTEM,
        program=tiny.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=at,
        ends_at=at + HOUR,
        clinician=who or tiny.therapist,
        episodes=[episode or tiny.episodes[0]],
    )


def test_a_session_by_hand_is_created_with_its_patient_and_audited(wednesday):
    tiny = tiny_program(patients=1)
    session = _individual(tiny)
    assert session.plan is None
    assert list(session.participants.values_list("episode_id", flat=True)) == [tiny.episodes[0].pk]
    event = AuditEvent.objects.get(action="SESSION_CREATED")
    assert event.patient_id == tiny.episodes[0].patient_id
    assert event.object_id == str(session.pk)


@pytest.mark.parametrize("clash", ["clinician", "room", "patient"])
def test_double_booking_is_refused_with_a_stable_code(wednesday, clash):
    tiny = tiny_program(patients=2)
    first, second = tiny.episodes
    services.session_create(
        actor=SYSTEM,
        program=tiny.program,
        kind=SessionKind.GROUP,
        starts_at=MONDAY_6PM,
        ends_at=MONDAY_6PM + HOUR,
        clinician=tiny.facilitator,
        cohort=tiny.cohort,
        room=tiny.room,
        episodes=[first],
    )
    other = clinician(tiny.program, ProgramRole.THERAPIST)
    with pytest.raises(DoubleBooked) as refused:
        services.session_create(
            actor=SYSTEM,
            program=tiny.program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=MONDAY_6PM + dt.timedelta(minutes=30),
            ends_at=MONDAY_6PM + dt.timedelta(minutes=90),
            clinician=tiny.facilitator if clash == "clinician" else other,
            room=tiny.room if clash == "room" else None,
            episodes=[first if clash == "patient" else second],
        )
    assert refused.value.code == "double_booked"
    assert refused.value.field == clash
    assert ScheduledSession.objects.count() == 1


def test_back_to_back_and_cancelled_sessions_do_not_clash(wednesday):
    tiny = tiny_program(patients=1)
    first = _individual(tiny)
    _individual(tiny, at=MONDAY_6PM + HOUR)  # starts when the first ends
    services.session_cancel(actor=SYSTEM, session=first)
    _individual(tiny)  # the cancelled one no longer holds the slot
    assert ScheduledSession.objects.filter(cancelled_at__isnull=True).count() == 2
    with pytest.raises(InvalidTransition):
        services.session_cancel(actor=SYSTEM, session=first)
    assert AuditEvent.objects.filter(action="SESSION_CANCELLED").count() == 1


def test_a_clinician_booked_in_another_program_is_not_free(wednesday):
    home, other = tiny_program("Home IOP", patients=1), tiny_program("Other IOP", patients=1)
    from openiop.accounts.services import membership_grant

    membership_grant(
        actor=SYSTEM, user=home.therapist, program=other.program, role=ProgramRole.THERAPIST
    )
    _individual(other, who=home.therapist, episode=other.episodes[0])
    with pytest.raises(DoubleBooked):
        _individual(home)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": SessionKind.GROUP}, "cohort"),
        ({"ends_at": MONDAY_6PM}, "ends_at"),
        ({"episodes": []}, "episodes"),
    ],
)
def test_inconsistent_sessions_are_refused(wednesday, change, field):
    tiny = tiny_program(patients=1)
    fields = {
        "actor": SYSTEM,
        "program": tiny.program,
        "kind": SessionKind.INDIVIDUAL,
        "starts_at": MONDAY_6PM,
        "ends_at": MONDAY_6PM + HOUR,
        "clinician": tiny.therapist,
        "episodes": tiny.episodes,
    }
    with pytest.raises(SessionInvalid) as refused:
        services.session_create(**{**fields, **change})
    assert refused.value.field == field


def test_windows_are_checked_and_replaced_as_a_set(wednesday):
    tiny = tiny_program(patients=1)
    episode = tiny.episodes[0]
    overlapping = [(0, dt.time(9), dt.time(12)), (0, dt.time(11), dt.time(13))]
    with pytest.raises(ValidationError):
        services.patient_availability_set(actor=SYSTEM, episode=episode, windows=overlapping)
    with pytest.raises(ValidationError):
        services.patient_availability_set(
            actor=SYSTEM, episode=episode, windows=[(2, dt.time(12), dt.time(9))]
        )
    services.patient_availability_set(
        actor=SYSTEM, episode=episode, windows=[(4, dt.time(9), dt.time(12))]
    )
    assert [(w.weekday, w.starts_at) for w in episode.availability.all()] == [(4, dt.time(9))]
    assert (
        AuditEvent.objects.filter(
            action="PATIENT_AVAILABILITY_CHANGED", patient_id=episode.patient_id
        ).count()
        == 2
    )  # one from the builder, one here; the refused ones wrote nothing


def test_staff_availability_needs_a_role_in_the_program(wednesday):
    home, other = tiny_program("Home IOP", patients=0), tiny_program("Other IOP", patients=0)
    with pytest.raises(ValidationError):
        services.staff_availability_set(
            actor=SYSTEM, program=home.program, user=other.therapist, windows=[]
        )


def test_needs_and_hour_bands(wednesday):
    tiny = tiny_program(patients=1)
    episode = tiny.episodes[0]
    services.scheduling_needs_set(
        actor=SYSTEM,
        episode=episode,
        individual_per_week=2,
        emdr=True,
        family=False,
        psychiatry_due=True,
    )
    needs = SchedulingNeeds.objects.get(episode=episode)
    assert (needs.individual_per_week, needs.emdr, needs.psychiatry_due) == (2, True, True)
    with pytest.raises(ValidationError):
        services.scheduling_needs_set(
            actor=SYSTEM,
            episode=episode,
            individual_per_week=9,
            emdr=False,
            family=False,
            psychiatry_due=False,
        )
    services.hour_band_set(
        actor=SYSTEM, program=tiny.program, phase=Phase.TAPER, min_hours=6, max_hours=9
    )
    assert HourBand.objects.get(program=tiny.program, phase=Phase.TAPER).min_hours == 6
    with pytest.raises(ValidationError):
        services.hour_band_set(
            actor=SYSTEM, program=tiny.program, phase=Phase.CORE, min_hours=12, max_hours=10
        )


def test_a_requested_plan_is_queued_audited_and_enqueued_after_commit(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
    assert plan.state == PlanState.QUEUED
    assert plan.week_start == dt.date(2026, 3, 9)
    assert len(callbacks) == 1
    event = AuditEvent.objects.get(action="SCHEDULE_PLAN_REQUESTED")
    assert event.patient_id is None
    assert event.detail["patients"] == 3
    with pytest.raises(PlanBusy):
        services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )


def test_transitions_check_the_current_state(wednesday, django_capture_on_commit_callbacks):
    tiny = tiny_program()
    with pytest.raises(NothingToReplan):
        services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.REPLAN
        )
    with django_capture_on_commit_callbacks(execute=False):
        plan = services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
    with pytest.raises(InvalidTransition):
        services.plan_approve(actor=SYSTEM, plan=plan, by=tiny.director)
    services.plan_discard(actor=SYSTEM, plan=plan)
    assert services.plan_start(plan_id=plan.pk) is None  # the worker finds nothing to do
    with pytest.raises(InvalidTransition):
        services.plan_discard(actor=SYSTEM, plan=plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.DISCARDED
    assert AuditEvent.objects.filter(action="SCHEDULE_PLAN_DISCARDED").count() == 1


def test_a_plan_that_lost_its_worker_does_not_block_the_week(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program(patients=1)
    with django_capture_on_commit_callbacks(execute=False):
        services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
        with time_machine.travel(wednesday + dt.timedelta(minutes=16), tick=False):
            again = services.plan_request(
                actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
            )
    assert again.state == PlanState.QUEUED
