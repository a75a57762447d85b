"""The chart's Attendance tab and resolving reviews from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.attendance.models import AttendanceReview
from openiop.attendance.services import attendance_policy_set
from openiop.audit.models import AuditEvent
from tests.attendance.pages import signed_in
from tests.daily import attend, ordinary_day
from tests.factories import SYSTEM, staff

pytestmark = pytest.mark.django_db


def chart_url(episode) -> str:
    return reverse("attendance:chart", kwargs={"patient_id": episode.patient_id})


def resolve_url(review) -> str:
    return reverse("attendance:review_resolve", kwargs={"review_id": review.pk})


def open_review(day, episode, session=None):
    attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="1 unexcused absence",
        statuses=["absent_unexcused"],
        threshold=1,
        window_days=30,
    )
    attend(day, episode, "absent_unexcused", session=session)
    return AttendanceReview.objects.get(episode=episode)


def test_the_tab_shows_history_hours_and_reviews_and_is_audited(client, day):
    # given
    episode = day.episodes[0]
    attend(day, episode, "late", minutes=60)
    attend(day, episode, "telehealth", session=day.individual)
    review = open_review(day, day.episodes[1])
    signed_in(client, day.tiny.therapist)
    # when
    response = client.get(chart_url(episode))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Late" in page
    assert "Telehealth" in page
    assert "1.83" in page  # 60 + 50 minutes this week
    assert "minimum 9" in page
    assert AuditEvent.objects.filter(
        action="PATIENT_ATTENDANCE_VIEWED", patient_id=episode.patient_id
    ).exists()
    other_page = client.get(chart_url(day.episodes[1])).content.decode()
    assert "1 unexcused absence" in other_page
    assert resolve_url(review) in other_page


def test_the_tab_runs_a_fixed_number_of_queries(client, day, django_assert_num_queries):
    signed_in(client, day.tiny.therapist)
    episode = day.episodes[0]
    client.get(chart_url(episode))
    with CaptureQueriesContext(connection) as empty:
        client.get(chart_url(episode))
    attend(day, episode, "present")
    open_review(day, episode, session=day.individual)  # a record and an open review
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(chart_url(episode))


def test_another_programs_clinician_gets_404(client, day):
    other = ordinary_day("Other IOP", patients=1)
    signed_in(client, other.tiny.therapist)
    assert client.get(chart_url(day.episodes[0])).status_code == 404


def test_a_facilitator_sees_the_tab_and_resolves_a_review(client, day):
    review = open_review(day, day.episodes[1])
    signed_in(client, day.tiny.facilitator)
    response = client.post(
        resolve_url(review), {f"review-{review.pk}-resolution": "Called; ride arranged."}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.resolved_by == day.tiny.facilitator
    assert review.resolution == "Called; ride arranged."
    again = client.post(resolve_url(review), {f"review-{review.pk}-resolution": "again"})
    assert again.status_code == 302  # already resolved: a message, nothing changes
    review.refresh_from_db()
    assert review.resolution == "Called; ride arranged."


def test_a_review_needs_a_resolution_note(client, day):
    review = open_review(day, day.episodes[1])
    signed_in(client, day.tiny.director)
    response = client.post(resolve_url(review), {f"review-{review.pk}-resolution": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    review.refresh_from_db()
    assert review.resolved_at is None


def test_another_programs_staff_cannot_resolve_a_review(client, day):
    review = open_review(day, day.episodes[1])
    other = ordinary_day("Other IOP", patients=1)
    signed_in(client, other.tiny.director)
    response = client.post(resolve_url(review), {f"review-{review.pk}-resolution": "x"})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.resolved_at is None
    assert AuditEvent.objects.filter(
        action="ATTENDANCE_REVIEW_RESOLVED", outcome="denied", patient_id=None
    ).exists()


def test_a_role_without_record_attendance_sees_no_resolve_form(client, day):
    review = open_review(day, day.episodes[1])
    signed_in(client, staff(ProgramRole.BILLING_SPECIALIST, day.program))
    page = client.get(chart_url(day.episodes[1])).content.decode()
    assert "1 unexcused absence" in page
    assert resolve_url(review) not in page
    assert client.post(resolve_url(review), {}).status_code == 403
