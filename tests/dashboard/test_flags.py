"""The director's rate and flags: arithmetic in the program's time zone, each flag's rule and
the list behind it (access, audit, fixed queries)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.attendance.models import AttendanceStatus
from openiop.attendance.services import attendance_record
from openiop.audit.models import AuditEvent
from openiop.clinical_notes.services.starting import note_start
from openiop.dashboard.flags import Flag, attendance_rates, director_flags
from openiop.dashboard.selectors import program_days
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason, EpisodeOfCare
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_create
from tests import factories
from tests.daily import NOON, TODAY, Day, attend, local, ordinary_day
from tests.dashboard.builders import (
    active_plan,
    insured_and_authorized,
    one_unexcused_absence_policy,
    raise_alert,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
LOS_ANGELES = "America/Los_Angeles"


def _day(name: str = "Adult IOP", patients: int = 4) -> Day:
    with time_machine.travel(NOON, tick=False):
        return ordinary_day(name, patients=patients)


def _counts(user) -> dict[Flag, int]:
    (found,) = director_flags(user, program_days(user))
    return found.counts


def _at(day: dt.date, hour: int = 12) -> time_machine.travel:
    return time_machine.travel(local(hour, day=day), tick=False)


# --- attendance rate in the program's time zone ------------------------------------------------


def _los_angeles_patient():
    ps = factories.program_setup("Pacific IOP", tz=LOS_ANGELES)
    director = factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program)
    therapist = factories.staff(ProgramRole.THERAPIST, ps.program)
    patient = factories.patient(ps.program, referred_on=dt.date(2026, 2, 2))
    episode = patient_services.episode_admit(
        actor=SYSTEM, episode=patient.episodes.get(), track=ps.track, on=dt.date(2026, 2, 9)
    )
    return ps.program, director, therapist, episode


def _pacific(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(LOS_ANGELES))


def test_an_evening_session_in_los_angeles_after_utc_midnight_counts_for_the_local_day(
    client: Client,
):
    # given: on Wednesday 2026-03-04 (PST, UTC-8) a 09:00 session the patient missed and a
    # 17:30 one they attended, which starts at 01:30 UTC on Thursday
    with time_machine.travel(_pacific(TODAY, 8), tick=False):
        program, director, therapist, episode = _los_angeles_patient()
        sessions = [
            session_create(
                actor=SYSTEM,
                program=program,
                kind=SessionKind.INDIVIDUAL,
                starts_at=_pacific(TODAY, hour, minute),
                ends_at=_pacific(TODAY, hour, minute) + dt.timedelta(minutes=50),
                clinician=therapist,
                episodes=[episode],
            )
            for hour, minute in ((9, 0), (17, 30))
        ]
    assert sessions[1].starts_at.astimezone(dt.UTC).date() == TODAY + DAY
    # when: at 18:30 in Los Angeles (02:30 UTC on Thursday) both are recorded
    with time_machine.travel(_pacific(TODAY, 18, 30), tick=False):
        for session, status in zip(sessions, ("absent_unexcused", "present"), strict=True):
            attendance_record(
                actor=SYSTEM,
                session=session,
                episode=episode,
                status=AttendanceStatus(status),
                by=therapist,
            )
        rate = attendance_rates(program_days(director))[program.pk]
        factories.login(client, director)
        page = client.get(reverse("dashboard:today")).content.decode()
    # then: both belong to the local Wednesday; a UTC-date rule would see only one
    assert (rate.attended, rate.recorded, rate.expected) == (1, 2, 2)
    assert "50 %" in page
    assert "1 of 2 attended; 2 of 2 recorded" in page


def test_yesterdays_evening_session_does_not_count_today():
    with time_machine.travel(_pacific(TODAY - DAY, 8), tick=False):
        program, director, therapist, episode = _los_angeles_patient()
        session = session_create(
            actor=SYSTEM,
            program=program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=_pacific(TODAY - DAY, 17, 30),
            ends_at=_pacific(TODAY - DAY, 18, 20),
            clinician=therapist,
            episodes=[episode],
        )
    with time_machine.travel(_pacific(TODAY - DAY, 18, 30), tick=False):
        attendance_record(
            actor=SYSTEM,
            session=session,
            episode=episode,
            status=AttendanceStatus.PRESENT,
            by=therapist,
        )
    # 01:00 UTC on Wednesday is still Tuesday evening in Los Angeles; 09:00 is Wednesday
    with time_machine.travel(_pacific(TODAY - DAY, 17, 0) + dt.timedelta(hours=2), tick=False):
        assert attendance_rates(program_days(director))[program.pk].expected == 1
    with time_machine.travel(_pacific(TODAY, 9), tick=False):
        assert attendance_rates(program_days(director))[program.pk].expected == 0


def test_a_discharged_participant_without_a_record_is_not_expected():
    day = _day()
    with time_machine.travel(NOON, tick=False):
        patient_services.episode_discharge(
            actor=SYSTEM, episode=day.episodes[3], reason=DischargeReason.GOALS_MET, on=TODAY
        )
    with time_machine.travel(local(14), tick=False):
        attend(day, day.episodes[0], "present")
        attend(day, day.episodes[1], "telehealth")
        rate = attendance_rates(program_days(day.tiny.director))[day.program.pk]
    assert (rate.attended, rate.recorded, rate.expected, rate.percent) == (2, 2, 3, 67)


def test_a_cancelled_session_is_not_expected():
    from openiop.scheduling.services import session_cancel

    day = _day()
    with time_machine.travel(NOON, tick=False):
        session_cancel(actor=SYSTEM, session=day.group)
    with time_machine.travel(local(16), tick=False):
        rate = attendance_rates(program_days(day.tiny.director))[day.program.pk]
    assert rate.expected == 1  # the individual session only


# --- the flags' rules ---------------------------------------------------------------------------


def test_an_open_attendance_review_is_counted_until_resolved():
    from openiop.attendance.models import AttendanceReview
    from openiop.attendance.services import attendance_review_resolve

    day = _day()
    with time_machine.travel(NOON, tick=False):
        one_unexcused_absence_policy(day)
    with time_machine.travel(local(14), tick=False):
        attend(day, day.episodes[0], "absent_unexcused")
        assert _counts(day.tiny.director)[Flag.ATTENDANCE_REVIEWS] == 1
        attendance_review_resolve(
            actor=SYSTEM,
            review=AttendanceReview.objects.get(),
            by=day.tiny.director,
            resolution="Talked it through; transport arranged.",
        )
        assert _counts(day.tiny.director)[Flag.ATTENDANCE_REVIEWS] == 0


def test_a_note_is_flagged_once_unsigned_for_more_than_two_days():
    day = _day()
    with time_machine.travel(NOON, tick=False):
        note_start(
            actor=SYSTEM,
            kind="individual_dap",
            author=day.tiny.therapist,
            episode=day.episodes[0],
            on=TODAY,
        )
    with _at(TODAY + 2 * DAY):
        assert _counts(day.tiny.director)[Flag.UNSIGNED_NOTES] == 0
    with _at(TODAY + 3 * DAY):
        assert _counts(day.tiny.director)[Flag.UNSIGNED_NOTES] == 1


def test_a_plan_is_overdue_the_day_after_its_review_date():
    # activated on admission (2026-02-09): review due 30 days later, 2026-03-11
    day = _day()
    with time_machine.travel(NOON, tick=False):
        active_plan(day.episodes[0], day.tiny.therapist)
    with _at(dt.date(2026, 3, 11)):
        assert _counts(day.tiny.director)[Flag.PLANS_OVERDUE] == 0
    with _at(dt.date(2026, 3, 12)):
        assert _counts(day.tiny.director)[Flag.PLANS_OVERDUE] == 1


def test_an_authorization_ending_within_seven_days_is_counted():
    day = _day()
    with time_machine.travel(NOON, tick=False):
        insured_and_authorized(
            day.episodes[0],
            day.tiny.director,
            units=10,
            starts=TODAY - 7 * DAY,
            ends=TODAY + 7 * DAY,
        )
        insured_and_authorized(
            day.episodes[1],
            day.tiny.director,
            units=20,
            starts=TODAY - 7 * DAY,
            ends=TODAY + 30 * DAY,
        )
        assert _counts(day.tiny.director)[Flag.AUTHORIZATIONS] == 1


def test_only_directors_get_the_section():
    day = _day()
    with time_machine.travel(NOON, tick=False):
        for user in (day.tiny.therapist, day.tiny.facilitator, day.tiny.prescriber):
            assert director_flags(user, program_days(user)) == []


# --- the lists behind the flags -----------------------------------------------------------------


def _flag_url(flag: Flag) -> str:
    return reverse("dashboard:flag", kwargs={"flag": flag.value})


def test_the_alert_list_names_the_patient_and_is_audited(client: Client):
    day = _day()
    other = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        raise_alert(day.episodes[0])
        raise_alert(other.episodes[0])
        factories.login(client, day.tiny.director)
        page = client.get(_flag_url(Flag.SAFETY_ALERTS)).content.decode()
    assert day.episodes[0].patient.display_name in page
    assert other.episodes[0].patient.display_name not in page
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED", actor_id=day.tiny.director.pk)
    assert list(listed.values_list("patient_id", flat=True)) == [day.episodes[0].patient_id]


def test_the_unsigned_note_list_shows_age_author_and_patients(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        note_start(
            actor=SYSTEM,
            kind="individual_birp",
            author=day.tiny.therapist,
            episode=day.episodes[1],
            on=TODAY,
        )
    with _at(TODAY + 4 * DAY):
        factories.login(client, day.tiny.director)
        page = client.get(_flag_url(Flag.UNSIGNED_NOTES)).content.decode()
    assert "(4 days ago)" in page
    assert day.tiny.therapist.display_name in page
    assert day.episodes[1].patient.display_name in page
    assert "Individual therapy (BIRP)" in page


def test_the_overdue_plan_list_shows_days_overdue(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        active_plan(day.episodes[2], day.tiny.therapist)
    with _at(dt.date(2026, 3, 14)):
        factories.login(client, day.tiny.director)
        page = client.get(_flag_url(Flag.PLANS_OVERDUE)).content.decode()
    assert day.episodes[2].patient.display_name in page
    assert "2026-03-11" in page
    assert '<td class="num">3</td>' in page


def test_the_attendance_review_list_names_the_policy(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        one_unexcused_absence_policy(day)
    with time_machine.travel(local(14), tick=False):
        attend(day, day.episodes[3], "absent_unexcused")
        factories.login(client, day.tiny.director)
        page = client.get(_flag_url(Flag.ATTENDANCE_REVIEWS)).content.decode()
    assert day.episodes[3].patient.display_name in page
    assert "Any unexcused absence: 1 between" in page


@pytest.mark.parametrize("user", ["facilitator", "therapist"])
def test_someone_who_runs_no_program_gets_404_on_the_lists(client: Client, user):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        factories.login(client, getattr(day.tiny, user))
        assert client.get(_flag_url(Flag.SAFETY_ALERTS)).status_code == 404


def test_an_unknown_flag_and_the_billing_one_are_404(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        factories.login(client, day.tiny.director)
        assert client.get("/today/flags/nonsense/").status_code == 404
        assert client.get(_flag_url(Flag.AUTHORIZATIONS)).status_code == 404


def test_another_programs_director_sees_none_of_its_rows(client: Client):
    day = _day()
    other = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        one_unexcused_absence_policy(day)
        active_plan(day.episodes[0], day.tiny.therapist)
    with time_machine.travel(local(14), tick=False):
        attend(day, day.episodes[0], "absent_unexcused")
        raise_alert(day.episodes[1])
    with _at(dt.date(2026, 3, 14)):
        factories.login(client, other.tiny.director)
        for flag in (Flag.SAFETY_ALERTS, Flag.ATTENDANCE_REVIEWS, Flag.PLANS_OVERDUE):
            page = client.get(_flag_url(flag)).content.decode()
            assert "Nothing here" in page
            assert all(e.patient.display_name not in page for e in day.episodes)


def _flagged_everywhere(day: Day) -> None:
    with time_machine.travel(NOON, tick=False):
        one_unexcused_absence_policy(day)
        for episode in day.episodes:
            active_plan(episode, day.tiny.therapist)
            note_start(
                actor=SYSTEM,
                kind="individual_dap",
                author=day.tiny.therapist,
                episode=episode,
                on=TODAY,
            )
            raise_alert(episode)
    with time_machine.travel(local(14), tick=False):
        for episode in day.episodes:
            attend(day, episode, "absent_unexcused")


def test_each_list_takes_the_same_number_of_queries_at_two_sizes(
    client: Client, django_assert_num_queries
):
    small = _day("Small IOP", patients=1)
    large = _day("Large IOP", patients=5)
    _flagged_everywhere(small)
    _flagged_everywhere(large)
    with _at(dt.date(2026, 3, 14)):
        for flag in (
            Flag.SAFETY_ALERTS,
            Flag.ATTENDANCE_REVIEWS,
            Flag.UNSIGNED_NOTES,
            Flag.PLANS_OVERDUE,
        ):
            factories.login(client, small.tiny.director)
            with CaptureQueriesContext(connection) as captured:
                small_page = client.get(_flag_url(flag)).content.decode()
            assert small.episodes[0].patient.display_name in small_page
            factories.login(client, large.tiny.director)
            with django_assert_num_queries(len(captured)):
                page = client.get(_flag_url(flag)).content.decode()
            assert all(e.patient.display_name in page for e in large.episodes)


def test_the_flags_are_computed_for_every_episode_state():
    """A discharged patient's open alert still counts: it stays open until acknowledged."""
    day = _day()
    with time_machine.travel(NOON, tick=False):
        raise_alert(day.episodes[0])
        patient_services.episode_discharge(
            actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET, on=TODAY
        )
        assert EpisodeOfCare.objects.get(pk=day.episodes[0].pk).state == "discharged"
        assert _counts(day.tiny.director)[Flag.SAFETY_ALERTS] == 1
