"""Weekly hours and today's attendance rate."""

import datetime as dt

import pytest

from openiop.attendance.hours import (
    Rate,
    WeekHours,
    attendance_rate,
    weekly_hours,
    weekly_hours_span,
)
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_cancel, session_create
from tests.daily import TODAY, attend, local, ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def individual(day, episode, on, hour=10, minutes=50):
    return session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(hour, day=on),
        ends_at=local(hour, day=on) + dt.timedelta(minutes=minutes),
        clinician=day.tiny.therapist,
        episodes=[episode],
    )


def test_week_sums_attended_and_scheduled_minutes_and_absences(day, at_noon):
    # given a session on Monday attended late, today's group and individual, one absence
    first, second = day.episodes[0], day.episodes[1]
    at_noon.move_to(local(9, day=MONDAY))
    monday = individual(day, first, MONDAY)
    attend(day, first, "late", session=monday, minutes=40)
    at_noon.move_to(local(12))
    attend(day, first, "present")  # group: 90
    attend(day, first, "absent_unexcused", session=day.individual)  # 50 scheduled, 0 attended
    attend(day, second, "absent_excused")
    # a cancelled session and next week's session are not scheduled this week
    session_cancel(actor=SYSTEM, session=individual(day, first, TODAY + dt.timedelta(days=1)))
    individual(day, first, MONDAY + dt.timedelta(days=7))
    # when
    hours = weekly_hours(day.episodes, MONDAY)
    # then
    assert hours[first.pk] == WeekHours(
        attended_minutes=130,
        scheduled_minutes=50 + 90 + 50,
        absent_sessions=1,
        unexcused_absences=1,
    )
    assert hours[second.pk] == WeekHours(0, 90, 1, 0)
    assert hours[day.episodes[3].pk] == WeekHours(0, 90, 0, 0)
    assert hours[first.pk].attended_hours == pytest.approx(2.17)
    # a mid-week day means that week
    assert weekly_hours(day.episodes, TODAY) == hours
    assert weekly_hours(day.episodes, MONDAY - dt.timedelta(days=7))[first.pk] == WeekHours()


def test_weekly_hours_runs_two_queries_for_any_number_of_episodes(day, django_assert_num_queries):
    for episode in day.episodes:
        attend(day, episode, "present")
    other = ordinary_day("Second IOP", patients=3)
    episodes = [*day.episodes, *other.episodes]
    with django_assert_num_queries(2):
        hours = weekly_hours(episodes, MONDAY)
    assert len(hours) == 7
    with django_assert_num_queries(2):
        weekly_hours(day.episodes[:1], MONDAY)
    with django_assert_num_queries(0):
        assert weekly_hours([], MONDAY) == {}


def test_week_boundaries_are_local_dates(day, at_noon):
    # Sunday 22:30 in Chicago is Monday in UTC: it belongs to the week before.
    sunday = MONDAY - dt.timedelta(days=1)
    at_noon.move_to(local(9, day=sunday))
    late_sunday = individual(day, day.episodes[1], sunday, hour=22, minutes=30)
    assert late_sunday.starts_at.astimezone(dt.UTC).date() == MONDAY
    assert weekly_hours([day.episodes[1]], MONDAY)[day.episodes[1].pk].scheduled_minutes == 90
    previous = weekly_hours([day.episodes[1]], sunday)[day.episodes[1].pk]
    assert previous.scheduled_minutes == 30


def test_attendance_rate_counts_sessions_started_by_now(day, at_noon, django_assert_num_queries):
    # given at 13:30 the group (13:00) has started, the individual (15:00) has not
    at_noon.move_to(local(13, 30))
    attend(day, day.episodes[0], "present")
    attend(day, day.episodes[1], "late", minutes=60)
    attend(day, day.episodes[2], "absent_excused")
    # when
    with django_assert_num_queries(2):
        rate = attendance_rate([day.program.pk], TODAY)
    # then
    assert rate == Rate(recorded=3, attended=2, expected=4)
    assert rate.percent == 50
    # and later the individual session counts too
    at_noon.move_to(local(16))
    attend(day, day.episodes[0], "present", session=day.individual)
    assert attendance_rate([day.program.pk], TODAY) == Rate(4, 3, 5)


def test_attendance_rate_skips_discharged_without_record_and_other_programs(day, at_noon):
    at_noon.move_to(local(16))
    other = ordinary_day("Second IOP", patients=2)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[3], reason=DischargeReason.PATIENT_CHOICE
    )
    rate = attendance_rate([day.program.pk], TODAY)
    assert rate == Rate(0, 0, 4)  # 3 in the group + 1 individual
    assert attendance_rate([day.program.pk, other.program.pk], TODAY).expected == 4 + 3
    assert attendance_rate([], TODAY) == Rate()
    assert Rate().percent is None
    assert attendance_rate([day.program.pk], TODAY - dt.timedelta(days=1)) == Rate()


def test_a_span_of_weeks_is_oldest_first_in_two_queries(day, at_noon, django_assert_num_queries):
    # given an attended session last Monday and today's group
    last_monday = MONDAY - dt.timedelta(days=7)
    at_noon.move_to(local(9, day=last_monday))
    attend(day, day.episodes[0], "present", session=individual(day, day.episodes[0], last_monday))
    at_noon.move_to(local(12))
    attend(day, day.episodes[0], "present")
    # when
    with django_assert_num_queries(2):
        span = weekly_hours_span(day.episodes, last_monday, 3)
    # then
    assert [w.attended_minutes for w in span[day.episodes[0].pk]] == [50, 90, 0]
    assert [w.scheduled_minutes for w in span[day.episodes[1].pk]] == [0, 90, 0]
    assert weekly_hours_span(day.episodes, MONDAY, 0) == {e.pk: [] for e in day.episodes}
