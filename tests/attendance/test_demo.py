"""The demo's attendance step on a small world: an ordinary day's program at 16:00, after
today's group and individual session."""

import datetime as dt

import pytest

from openiop.attendance.models import Attendance, AttendancePolicy, AttendanceReview, KioskDevice
from openiop.audit.models import AuditEvent
from openiop.devtools.demo_attendance import build_attendance
from openiop.scheduling.models import ScheduledSession
from tests.daily import TODAY, local, ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_policies_history_records_and_one_review(day, at_noon):
    # given the afternoon of an ordinary day (the patients were admitted on 9 February)
    at_noon.move_to(local(16))
    # when
    summary = build_attendance(SYSTEM, {"adult_iop": day.program}, seed=7)
    # then: the default policies
    assert set(AttendancePolicy.objects.values_list("name", flat=True)) == {
        "3 unexcused absences in 30 days",
        "5 absences of any kind in 30 days",
    }
    # this week's two sessions copied to the three weeks since admission
    sessions = ScheduledSession.objects.filter(program=day.program)
    assert sessions.count() == 2 + 3 * 2
    days = sorted({s.starts_at.astimezone(day.program.zone).date() for s in sessions})
    assert days == [TODAY - dt.timedelta(weeks=w) for w in (3, 2, 1, 0)]
    # every past session of every admitted participant has a record
    assert Attendance.objects.count() == summary.records == 4 * (4 + 1)
    assert summary.late_entries == 3 * 5
    assert AuditEvent.objects.filter(action="ATTENDANCE_RECORDED").count() == 20
    # the review patient: three unexcused absences, one open review
    review = AttendanceReview.objects.get()
    assert review.episode == day.episodes[1]
    assert review.policy.name == "3 unexcused absences in 30 days"
    assert summary.reviews == 1
    # the falling patient: present before, much less in the last two weeks
    falling = Attendance.objects.filter(episode=day.episodes[0])
    early = falling.filter(service_date__lt=TODAY - dt.timedelta(days=13))
    recent = falling.filter(service_date__gte=TODAY - dt.timedelta(days=13))
    assert {a.status for a in early} == {"present"}
    assert sum(a.minutes for a in recent) < sum(a.minutes for a in early)
    # and no kiosk
    assert not KioskDevice.objects.exists()
    assert summary.highlight()[0].startswith("Attendance review open")


def test_the_demo_is_reproducible_for_a_seed(day, at_noon):
    # given two identical worlds
    at_noon.move_to(local(16))
    twin = ordinary_day("Twin IOP")

    def outcome(world):
        build_attendance(SYSTEM, {"adult_iop": world.program}, seed=3)
        index = {e.pk: n for n, e in enumerate(world.episodes)}
        rows = Attendance.objects.filter(episode__program=world.program).values_list(
            "service_date", "session__kind", "episode_id", "status", "minutes"
        )
        return sorted((d, k, index[e], s, m) for d, k, e, s, m in rows)

    # when / then: the same seed draws the same attendance
    assert outcome(day) == outcome(twin)
