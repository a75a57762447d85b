"""The adapter: a program week from the database as an engine instance, and a solution as
calendar rows."""

import datetime as dt

import pytest

from engines.scheduling import codec
from engines.scheduling.model import Assignment, Meeting, Session, SessionKind, Skill, Solution
from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.programs.models import LevelOfCare
from openiop.programs.services import program_create, room_create, track_create
from openiop.scheduling import adapter, services
from openiop.scheduling.errors import PlanInputInvalid
from openiop.scheduling.grid import Ref
from openiop.scheduling.models import PlanKind
from openiop.scheduling.models import SessionKind as RowKind
from openiop.scheduling.sessions import planned_sessions
from tests.factories import SYSTEM, patient
from tests.scheduling.builders import NEXT_MONDAY, THIS_MONDAY, admit, tiny_program

pytestmark = pytest.mark.django_db

EVENING_SLOTS = [f"{d}-{h}00" for d in ("mon", "tue", "thu") for h in (18, 19, 20)]


def _by_id(items):
    return {item.id: item for item in items}


def test_a_program_week_becomes_an_instance_that_survives_the_codec(wednesday):
    tiny = tiny_program()
    instance = adapter.build_instance(tiny.program, NEXT_MONDAY)
    assert codec.instance_from_json(codec.instance_to_json(instance)) == instance
    assert [s.id for s in instance.week.slots] == EVENING_SLOTS
    assert instance.week.time_zone == "America/Chicago"
    staff = _by_id(instance.staff)
    assert staff[Ref.of("staff", tiny.therapist.pk)].skills == {Skill.INDIVIDUAL, Skill.FAMILY}
    assert staff[Ref.of("staff", tiny.facilitator.pk)].skills == {Skill.GROUP}
    assert staff[Ref.of("staff", tiny.prescriber.pk)].skills == {Skill.PRESCRIBER}
    assert Ref.of("staff", tiny.director.pk) not in staff  # no hours in this program
    assert staff[Ref.of("staff", tiny.therapist.pk)].caseload_cap == 10
    first = _by_id(instance.patients)[Ref.of("patient", tiny.episodes[0].pk)]
    assert first.available == set(EVENING_SLOTS)
    assert (first.phase, first.hours_min, first.hours_max) == (1, 12, 15)  # IOP stabilization
    assert first.track_options == (Ref.of("track", tiny.track.pk),)
    assert [c.id for c in instance.cohorts] == [Ref.of("cohort", tiny.cohort.pk)]
    assert instance.previous is None


def test_bad_data_is_named_in_plain_words_not_a_crash(wednesday):
    tiny = tiny_program(patients=1)
    bare = admit(tiny, windows=[])
    evening_b = track_create(
        program=tiny.program, name="Late", weekdays=[2], starts_at=dt.time(19), ends_at=dt.time(21)
    )
    p = patient(tiny.program, referred_on=dt.date(2026, 2, 2))
    patient_services.episode_admit(
        actor=SYSTEM, episode=p.episodes.get(), track=evening_b, on=dt.date(2026, 2, 9)
    )
    with pytest.raises(PlanInputInvalid) as refused:
        adapter.build_instance(tiny.program, NEXT_MONDAY)
    problems = " ".join(refused.value.problems)
    assert f"{bare.patient.display_name} has no availability" in problems
    assert f"Late has no cohorts for {p.display_name}" in problems


def test_bookings_elsewhere_take_slots_days_and_rooms_out(wednesday):
    # given: the therapist also works in a program at another site, the facilitator in one
    # at the same site, and that program's group took the tiny program's room on Monday
    tiny = tiny_program(patients=1)
    other_site = tiny_program("Eastside IOP", patients=1)
    membership_grant(
        actor=SYSTEM, user=tiny.therapist, program=other_site.program, role=ProgramRole.THERAPIST
    )
    same_site = program_create(
        site=tiny.program.site,
        name="Adult PHP",
        level_of_care=LevelOfCare.PHP,
        time_zone="America/Chicago",
    )
    membership_grant(
        actor=SYSTEM, user=tiny.facilitator, program=same_site, role=ProgramRole.GROUP_FACILITATOR
    )
    monday_noon = dt.datetime(2026, 3, 9, 17, tzinfo=dt.UTC)  # 12:00 CDT, outside the grid
    monday_six = dt.datetime(2026, 3, 9, 23, tzinfo=dt.UTC)  # 18:00 CDT
    services.session_create(
        actor=SYSTEM,
        program=other_site.program,
        kind=RowKind.INDIVIDUAL,
        starts_at=monday_noon,
        ends_at=monday_noon + dt.timedelta(hours=1),
        clinician=tiny.therapist,
        episodes=other_site.episodes,
    )
    php_track = track_create(
        program=same_site, name="PHP day", weekdays=[0], starts_at=dt.time(9), ends_at=dt.time(19)
    )
    from openiop.programs.services import cohort_create

    php_cohort = cohort_create(track=php_track, name="PHP A", started_on=dt.date(2026, 1, 5))
    services.session_create(
        actor=SYSTEM,
        program=same_site,
        kind=RowKind.GROUP,
        starts_at=monday_six,
        ends_at=monday_six + dt.timedelta(hours=1),
        clinician=tiny.facilitator,
        cohort=php_cohort,
        room=tiny.room,
    )
    spare = room_create(site=tiny.program.site, name="Spare", capacity=8)
    # when
    instance = adapter.build_instance(tiny.program, NEXT_MONDAY)
    # then
    staff = _by_id(instance.staff)
    therapist = staff[Ref.of("staff", tiny.therapist.pk)].available
    assert not {s for s in therapist if s.startswith("mon")}  # at another site that day
    assert {s for s in therapist if s.startswith("tue")} == {"tue-1800", "tue-1900", "tue-2000"}
    assert staff[Ref.of("staff", tiny.facilitator.pk)].available == set(EVENING_SLOTS) - {
        "mon-1800"
    }
    assert [r.id for r in instance.rooms] == [Ref.of("room", spare.pk)]


def test_caseload_counts_patients_waiting_for_admission(wednesday):
    tiny = tiny_program(patients=1)
    for _ in range(9):  # referred patients whose primary therapist is already chosen
        waiting = patient(tiny.program).episodes.get()
        patient_services.care_team_assign(
            actor=SYSTEM, episode=waiting, seat="primary_therapist", member=tiny.therapist
        )
    therapist = _by_id(adapter.build_instance(tiny.program, NEXT_MONDAY).staff)[
        Ref.of("staff", tiny.therapist.pk)
    ]
    assert therapist.caseload_cap == 1
    waiting = patient(tiny.program).episodes.get()
    patient_services.care_team_assign(
        actor=SYSTEM, episode=waiting, seat="primary_therapist", member=tiny.therapist
    )
    therapist = _by_id(adapter.build_instance(tiny.program, NEXT_MONDAY).staff)[
        Ref.of("staff", tiny.therapist.pk)
    ]
    assert Skill.INDIVIDUAL not in therapist.skills  # full: no new primary patients


def test_a_replan_leaves_out_slots_already_begun(wednesday):
    tiny = tiny_program(patients=1)
    tuesday_half_past_six = dt.datetime(2026, 3, 4, 0, 30, tzinfo=dt.UTC)  # Tue 18:30 CST
    instance = adapter.build_instance(tiny.program, THIS_MONDAY, cutoff=tuesday_half_past_six)
    assert [s.id for s in instance.week.slots] == ["tue-1900", "tue-2000", *EVENING_SLOTS[6:]]


def test_previous_is_this_weeks_planned_sessions_by_local_time_across_dst(
    wednesday, django_capture_on_commit_callbacks
):
    # given: this week (CST) planned and approved
    tiny = tiny_program()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_request(
            actor=SYSTEM,
            program=tiny.program,
            by=tiny.director,
            kind=PlanKind.NEXT_WEEK,
            week_start=THIS_MONDAY,
            time_limit=10,
        )
    plan.refresh_from_db()
    services.plan_approve(actor=SYSTEM, plan=plan, by=tiny.director)
    # when: next week (CDT) is built
    instance = adapter.build_instance(tiny.program, NEXT_MONDAY, basis_week=THIS_MONDAY)
    # then: last week's items are there under the same local slot ids
    approved = codec.solution_from_json(plan.solution)
    assert instance.previous is not None
    assert set(instance.previous.meetings) == set(approved.meetings)
    assert set(instance.previous.sessions) == set(approved.sessions)
    assert set(instance.previous.assignments) == set(approved.assignments)


def test_a_discharged_patient_leaves_the_instance(wednesday):
    tiny = tiny_program(patients=2)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=tiny.episodes[0], reason=DischargeReason.GOALS_MET
    )
    instance = adapter.build_instance(tiny.program, NEXT_MONDAY)
    assert [p.id for p in instance.patients] == [Ref.of("patient", tiny.episodes[1].pk)]


def test_a_solution_becomes_sessions_in_utc_with_expected_patients(wednesday):
    tiny = tiny_program(patients=2)
    instance = adapter.build_instance(tiny.program, NEXT_MONDAY)
    ana, ben = (Ref.of("patient", e.pk) for e in tiny.episodes)
    cohort, room = Ref.of("cohort", tiny.cohort.pk), Ref.of("room", tiny.room.pk)
    facilitator, therapist = (
        Ref.of("staff", tiny.facilitator.pk),
        Ref.of("staff", tiny.therapist.pk),
    )
    solution = Solution(
        instance.id,
        codec.instance_digest(instance),
        (Assignment(ana, cohort, therapist), Assignment(ben, cohort, therapist)),
        (Meeting(cohort, "mon-1800", facilitator, room),),
        (Session(ben, SessionKind.INDIVIDUAL, "mon-1800", therapist),),  # Ben pulled out
    )
    group, individual = sorted(planned_sessions(instance, solution), key=lambda p: p.kind)
    assert group.starts_at == dt.datetime(2026, 3, 9, 23, tzinfo=dt.UTC)  # 18:00 CDT
    assert group.ends_at - group.starts_at == dt.timedelta(hours=1)
    assert (group.cohort_id, group.room_id, group.clinician_id) == (
        tiny.cohort.pk,
        tiny.room.pk,
        tiny.facilitator.pk,
    )
    assert group.episode_ids == (tiny.episodes[0].pk,)
    assert individual.episode_ids == (tiny.episodes[1].pk,)
    assert individual.kind == RowKind.INDIVIDUAL
