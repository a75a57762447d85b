"""Recording and correcting attendance, and the policy reviews it raises."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from openiop.accounts.roles import ProgramRole
from openiop.attendance import errors
from openiop.attendance.models import (
    Attendance,
    AttendanceReview,
    AttendanceStatus,
    RecordedVia,
)
from openiop.attendance.services import (
    attendance_correct,
    attendance_policy_deactivate,
    attendance_policy_set,
    attendance_record,
    attendance_record_late,
    attendance_review_resolve,
)
from openiop.audit.models import AuditEvent
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_cancel, session_create
from tests.daily import TODAY, attend, local
from tests.factories import SYSTEM, patient, program_setup
from tests.scheduling.builders import clinician

pytestmark = pytest.mark.django_db

UNEXCUSED = AttendanceStatus.ABSENT_UNEXCUSED


def record(day, episode, status, **kwargs):
    kwargs.setdefault("session", day.group)
    return attendance_record(
        actor=SYSTEM,
        episode=episode,
        status=AttendanceStatus(status),
        by=day.tiny.facilitator,
        **kwargs,
    )


def test_present_defaults_to_the_full_session_and_is_audited(day):
    # when
    attendance = attend(day, day.episodes[0], "present")
    # then
    assert attendance.minutes == 90
    assert attendance.service_date == TODAY
    assert attendance.recorded_via == RecordedVia.ROSTER
    assert attendance.recorded_by == day.tiny.facilitator
    event = AuditEvent.objects.get(action="ATTENDANCE_RECORDED")
    assert event.patient_id == day.episodes[0].patient_id
    assert event.category == "attendance"
    assert event.object_id == str(attendance.pk)
    assert event.detail["status"] == "present"
    assert event.detail["minutes"] == 90
    assert event.part2 is False


def test_part2_program_marks_the_audit_event(day):
    day.program.is_part2 = True
    day.program.save(update_fields=["is_part2"])
    attend(day, day.episodes[0])
    assert AuditEvent.objects.get(action="ATTENDANCE_RECORDED").part2 is True


@pytest.mark.parametrize(
    ("status", "minutes", "stored"),
    [
        ("telehealth", None, 90),
        ("present", 80, 80),
        ("late", 75, 75),
        ("left_early", 1, 1),
        ("late", 90, 90),
        ("absent_excused", None, 0),
        ("absent_unexcused", 0, 0),
    ],
)
def test_minutes_stored_per_status(day, status, minutes, stored):
    assert attend(day, day.episodes[1], status, minutes=minutes).minutes == stored


@pytest.mark.parametrize(
    ("status", "minutes"),
    [
        ("present", -5),
        ("late", -1),
        ("present", 91),
        ("left_early", 200),
        ("late", None),
        ("left_early", None),
        ("late", 0),
        ("absent_unexcused", 30),
    ],
)
def test_bad_minutes_are_refused_and_nothing_is_written(day, status, minutes):
    with pytest.raises(errors.MinutesInvalid) as caught:
        attend(day, day.episodes[1], status, minutes=minutes)
    assert caught.value.code == "minutes_invalid"
    assert caught.value.field == "minutes"
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(action="ATTENDANCE_RECORDED").exists()


def test_a_second_record_for_the_same_session_is_refused_with_409(day):
    attend(day, day.episodes[0], "present")
    with pytest.raises(errors.AlreadyCheckedIn) as caught:
        attend(day, day.episodes[0], "late", minutes=30)
    assert caught.value.code == "already_checked_in"
    assert caught.value.status == 409
    assert Attendance.objects.get().status == "present"


def test_a_discharged_patient_cannot_be_checked_in(day):
    episode = day.episodes[2]
    patient_services.episode_discharge(
        actor=SYSTEM, episode=episode, reason=DischargeReason.PATIENT_CHOICE
    )
    with pytest.raises(errors.EpisodeNotAdmitted) as caught:
        attend(day, episode, "present")
    assert caught.value.code == "episode_not_admitted"
    assert not Attendance.objects.exists()


def test_someone_not_expected_at_the_session_cannot_be_checked_in(day):
    # the individual session belongs to episodes[0] only
    with pytest.raises(errors.NotAParticipant) as caught:
        attend(day, day.episodes[1], "present", session=day.individual)
    assert caught.value.code == "not_a_participant"


def test_another_programs_episode_is_not_a_participant(day):
    from tests.daily import ordinary_day

    other = ordinary_day("Other IOP", patients=1)
    with pytest.raises(errors.NotAParticipant):
        attend(day, other.episodes[0], "present")


def test_a_cancelled_session_refuses_check_in(day):
    session_cancel(actor=SYSTEM, session=day.group)
    with pytest.raises(errors.SessionCancelled) as caught:
        attend(day, day.episodes[0], "present")
    assert caught.value.code == "session_cancelled"


def test_a_session_of_another_day_refuses_check_in(day, at_noon):
    # given yesterday's session
    yesterday = session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(10, day=TODAY - dt.timedelta(days=1)),
        ends_at=local(11, day=TODAY - dt.timedelta(days=1)),
        clinician=day.tiny.therapist,
        episodes=[day.episodes[1]],
    )
    # when / then: yesterday's and tomorrow's sessions are refused
    with pytest.raises(errors.SessionNotToday) as caught:
        attend(day, day.episodes[1], "present", session=yesterday)
    assert caught.value.code == "session_not_today"
    at_noon.move_to(local(12, day=TODAY - dt.timedelta(days=2)))
    with pytest.raises(errors.SessionNotToday):
        attend(day, day.episodes[1], "present", session=yesterday)
    assert not Attendance.objects.exists()


def test_staff_may_record_a_session_already_over_today(day, at_noon):
    at_noon.move_to(local(23, 30))
    assert attend(day, day.episodes[0], "present").service_date == TODAY


def test_an_evening_session_in_los_angeles_gets_the_local_service_date(db):
    # given a Los Angeles program with a 17:30 session on 4 March, which is 01:30 UTC on 5 March
    la = ZoneInfo("America/Los_Angeles")
    with time_machine.travel(dt.datetime(2026, 3, 4, 20, 0, tzinfo=dt.UTC), tick=False) as t:
        ps = program_setup("LA IOP", tz="America/Los_Angeles")
        therapist = clinician(ps.program, ProgramRole.THERAPIST)
        p = patient(ps.program, referred_on=dt.date(2026, 2, 2))
        episode = patient_services.episode_admit(
            actor=SYSTEM, episode=p.episodes.get(), track=ps.track, on=dt.date(2026, 2, 9)
        )
        starts = dt.datetime(2026, 3, 4, 17, 30, tzinfo=la)
        session = session_create(
            actor=SYSTEM,
            program=ps.program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=50),
            clinician=therapist,
            episodes=[episode],
        )
        assert session.starts_at.astimezone(dt.UTC).date() == dt.date(2026, 3, 5)
        # when checked in at 17:40 local, already 5 March in UTC
        t.move_to(dt.datetime(2026, 3, 5, 1, 40, tzinfo=dt.UTC))
        attendance = attendance_record(
            actor=SYSTEM,
            session=session,
            episode=episode,
            status=AttendanceStatus.PRESENT,
            by=therapist,
        )
    # then
    assert attendance.service_date == dt.date(2026, 3, 4)


def test_correction_changes_status_and_audits_before_and_after(day):
    # given
    attendance = attend(day, day.episodes[0], "present")
    # when
    corrected = attendance_correct(
        actor=SYSTEM,
        attendance=attendance,
        status=AttendanceStatus.LATE,
        minutes=60,
        by=day.tiny.director,
    )
    # then
    corrected.refresh_from_db()
    assert (corrected.status, corrected.minutes) == ("late", 60)
    assert corrected.recorded_by == day.tiny.director
    event = AuditEvent.objects.get(action="ATTENDANCE_CORRECTED")
    assert event.detail["before"] == {
        "status": "present",
        "minutes": 90,
        "recorded_by": day.tiny.facilitator.pk,
    }
    assert event.detail["after"] == {
        "status": "late",
        "minutes": 60,
        "recorded_by": day.tiny.director.pk,
    }


def test_correction_applies_the_minute_rules_and_refuses_no_change(day):
    attendance = attend(day, day.episodes[0], "present")
    with pytest.raises(errors.MinutesInvalid):
        attendance_correct(
            actor=SYSTEM, attendance=attendance, status=UNEXCUSED, minutes=10, by=None
        )
    with pytest.raises(errors.CorrectionUnchanged):
        attendance_correct(
            actor=SYSTEM,
            attendance=attendance,
            status=AttendanceStatus.PRESENT,
            minutes=None,
            by=None,
        )
    attendance.refresh_from_db()
    assert (attendance.status, attendance.minutes) == ("present", 90)
    assert not AuditEvent.objects.filter(action="ATTENDANCE_CORRECTED").exists()


def test_correction_of_an_earlier_days_record_is_allowed(day, at_noon):
    attendance = attend(day, day.episodes[0], "present")
    at_noon.move_to(local(12, day=TODAY + dt.timedelta(days=3)))
    corrected = attendance_correct(
        actor=SYSTEM, attendance=attendance, status=UNEXCUSED, minutes=None, by=None
    )
    assert corrected.minutes == 0


# --- policies -----------------------------------------------------------------------------


def unexcused_policy(day, threshold=3, window_days=30):
    return attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="3 unexcused absences in 30 days",
        statuses=["absent_unexcused"],
        threshold=threshold,
        window_days=window_days,
    )


def past_unexcused(day, episode, days_ago):
    """An unexcused absence ``days_ago`` days before TODAY, recorded on that day."""
    on = TODAY - dt.timedelta(days=days_ago)
    with time_machine.travel(local(9, day=on), tick=False):
        session = session_create(
            actor=SYSTEM,
            program=day.program,
            kind=SessionKind.INDIVIDUAL,
            starts_at=local(10, day=on),
            ends_at=local(10, 50, day=on),
            clinician=day.tiny.therapist,
            episodes=[episode],
        )
        return attend(day, episode, "absent_unexcused", session=session)


def test_reaching_the_threshold_raises_exactly_one_open_review(day, at_noon):
    # given a policy and two unexcused absences in the last 30 days
    policy = unexcused_policy(day)
    episode = day.episodes[1]
    past_unexcused(day, episode, 20)
    past_unexcused(day, episode, 5)
    assert not AttendanceReview.objects.exists()
    # when the third one is recorded today
    attend(day, episode, "absent_unexcused")
    # then one review is open with the window and count
    review = AttendanceReview.objects.get()
    assert (review.episode, review.policy, review.count) == (episode, policy, 3)
    assert review.window_end == TODAY
    assert review.window_start == TODAY - dt.timedelta(days=29)
    event = AuditEvent.objects.get(action="ATTENDANCE_REVIEW_RAISED")
    assert event.patient_id == episode.patient_id
    # and a fourth absence (tomorrow) does not open a second one
    at_noon.move_to(local(12, day=TODAY + dt.timedelta(days=1)))
    past_unexcused(day, episode, -1)
    assert AttendanceReview.objects.count() == 1


def test_absences_outside_the_window_or_of_other_statuses_do_not_count(day):
    unexcused_policy(day)
    episode = day.episodes[0]
    past_unexcused(day, episode, 30)  # one day outside a 30-day window ending today
    past_unexcused(day, episode, 3)
    attend(day, episode, "absent_excused", session=day.individual)
    attend(day, episode, "absent_unexcused")
    assert not AttendanceReview.objects.exists()


def test_other_patients_and_inactive_policies_raise_nothing(day):
    policy = unexcused_policy(day, threshold=1)
    attendance_policy_deactivate(actor=SYSTEM, policy=policy)
    attend(day, day.episodes[0], "absent_unexcused")
    assert not AttendanceReview.objects.exists()


def test_a_correction_can_raise_a_review(day):
    unexcused_policy(day, threshold=1)
    attendance = attend(day, day.episodes[0], "present")
    assert not AttendanceReview.objects.exists()
    attendance_correct(actor=SYSTEM, attendance=attendance, status=UNEXCUSED, minutes=0, by=None)
    assert AttendanceReview.objects.filter(episode=day.episodes[0]).count() == 1


def test_resolving_a_review_closes_it_and_a_new_threshold_opens_a_new_one(day):
    # given an open review
    unexcused_policy(day, threshold=1)
    attend(day, day.episodes[0], "absent_unexcused")
    review = AttendanceReview.objects.get()
    # when
    attendance_review_resolve(
        actor=SYSTEM, review=review, by=day.tiny.director, resolution="Called; transport fixed."
    )
    # then
    review.refresh_from_db()
    assert review.resolved_by == day.tiny.director
    assert review.resolved_at is not None
    assert AuditEvent.objects.filter(action="ATTENDANCE_REVIEW_RESOLVED").count() == 1
    with pytest.raises(errors.ReviewAlreadyResolved):
        attendance_review_resolve(
            actor=SYSTEM, review=review, by=day.tiny.director, resolution="again"
        )
    # and the next matching record opens a fresh review
    attend(day, day.episodes[0], "absent_unexcused", session=day.individual)
    assert AttendanceReview.objects.filter(resolved_at__isnull=True).count() == 1


def test_resolving_needs_a_note(day):
    unexcused_policy(day, threshold=1)
    attend(day, day.episodes[0], "absent_unexcused")
    review = AttendanceReview.objects.get()
    with pytest.raises(errors.ResolutionRequired):
        attendance_review_resolve(actor=SYSTEM, review=review, by=day.tiny.director, resolution=" ")
    review.refresh_from_db()
    assert review.resolved_at is None


@pytest.mark.parametrize(
    ("name", "statuses", "threshold", "window_days"),
    [
        ("", ["absent_unexcused"], 3, 30),
        ("x", [], 3, 30),
        ("x", ["sick"], 3, 30),
        ("x", ["late"], 0, 30),
        ("x", ["late"], 3, 0),
        ("x", ["late"], 3, 400),
    ],
)
def test_policy_set_refuses_bad_fields(day, name, statuses, threshold, window_days):
    with pytest.raises(errors.PolicyInvalid) as caught:
        attendance_policy_set(
            actor=SYSTEM,
            program=day.program,
            name=name,
            statuses=statuses,
            threshold=threshold,
            window_days=window_days,
        )
    assert caught.value.code == "policy_invalid"


def test_policy_set_updates_by_name_and_reactivates(day):
    first = unexcused_policy(day)
    attendance_policy_deactivate(actor=SYSTEM, policy=first)
    again = unexcused_policy(day, threshold=4)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.threshold, again.is_active) == (4, True)
    attendance_policy_deactivate(actor=SYSTEM, policy=again)
    with pytest.raises(errors.PolicyInvalid):
        attendance_policy_deactivate(actor=SYSTEM, policy=again)
    assert AuditEvent.objects.filter(action="ATTENDANCE_POLICY_SET").count() == 2


# --- late entry from a paper sign-in sheet ---------------------------------------------------


def test_a_late_entry_records_an_earlier_days_session_and_audits_why(day, at_noon):
    # given yesterday's session, not recorded at the time
    yesterday = TODAY - dt.timedelta(days=1)
    at_noon.move_to(local(9, day=yesterday))
    earlier = session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(10, day=yesterday),
        ends_at=local(11, day=yesterday),
        clinician=day.tiny.therapist,
        episodes=[day.episodes[1]],
    )
    at_noon.move_to(local(12))
    # when
    record = attendance_record_late(
        actor=SYSTEM,
        session=earlier,
        episode=day.episodes[1],
        status=AttendanceStatus.LATE,
        minutes=40,
        by=day.tiny.therapist,
        reason="Paper sign-in sheet (kiosk down)",
    )
    # then
    assert (record.service_date, record.minutes, record.recorded_via) == (yesterday, 40, "roster")
    event = AuditEvent.objects.get(action="ATTENDANCE_RECORDED")
    assert event.detail["late_entry"] is True
    assert event.detail["reason"] == "Paper sign-in sheet (kiosk down)"


def test_a_late_entry_is_refused_for_today_and_without_a_reason(day):
    with pytest.raises(errors.LateEntryNotPast) as caught:
        attendance_record_late(
            actor=SYSTEM,
            session=day.group,
            episode=day.episodes[0],
            status=AttendanceStatus.PRESENT,
            by=day.tiny.facilitator,
            reason="sheet",
        )
    assert caught.value.code == "late_entry_not_past"
    with pytest.raises(errors.ReasonRequired):
        attendance_record_late(
            actor=SYSTEM,
            session=day.group,
            episode=day.episodes[0],
            status=AttendanceStatus.PRESENT,
            by=day.tiny.facilitator,
            reason=" ",
        )
    assert not Attendance.objects.exists()
