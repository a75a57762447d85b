"""The attendance policy page (CONFIGURE_PROGRAM)."""

import pytest
from django.urls import reverse

from openiop.attendance.models import AttendancePolicy
from openiop.attendance.services import attendance_policy_set
from openiop.audit.models import AuditEvent
from tests.attendance.pages import signed_in
from tests.daily import ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def policy_url(program) -> str:
    return reverse("attendance:policy", kwargs={"program_id": program.pk})


GOOD = {
    "name": "3 unexcused absences in 30 days",
    "statuses": ["absent_unexcused"],
    "threshold": "3",
    "window_days": "30",
}


def test_the_director_adds_and_deactivates_a_policy(client, day):
    signed_in(client, day.tiny.director)
    assert client.get(policy_url(day.program)).status_code == 200
    response = client.post(policy_url(day.program), GOOD)
    assert response.status_code == 302
    policy = AttendancePolicy.objects.get()
    assert (policy.statuses, policy.threshold, policy.window_days, policy.is_active) == (
        ["absent_unexcused"],
        3,
        30,
        True,
    )
    page = client.get(policy_url(day.program)).content.decode()
    assert "Absent (unexcused)" in page
    url = reverse(
        "attendance:policy_deactivate",
        kwargs={"program_id": day.program.pk, "policy_id": policy.pk},
    )
    assert client.post(url).status_code == 302
    policy.refresh_from_db()
    assert not policy.is_active
    assert AuditEvent.objects.filter(action="ATTENDANCE_POLICY_DEACTIVATED").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"statuses": []}, "This field is required"),
        ({"threshold": "0"}, "greater than or equal to 1"),
        ({"window_days": "-3"}, "greater than or equal to 1"),
        ({"statuses": ["sleeping"]}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, day, change, message):
    signed_in(client, day.tiny.director)
    response = client.post(policy_url(day.program), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AttendancePolicy.objects.exists()


def test_a_facilitator_without_configure_program_gets_403(client, day):
    signed_in(client, day.tiny.facilitator)
    assert client.get(policy_url(day.program)).status_code == 403
    assert client.post(policy_url(day.program), GOOD).status_code == 403
    assert not AttendancePolicy.objects.exists()


def test_another_programs_director_gets_404(client, day):
    policy = attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="x",
        statuses=["late"],
        threshold=2,
        window_days=7,
    )
    other = ordinary_day("Other IOP", patients=1)
    signed_in(client, other.tiny.director)
    assert client.get(policy_url(day.program)).status_code == 404
    assert client.post(policy_url(day.program), GOOD).status_code == 404
    wrong_parent = reverse(
        "attendance:policy_deactivate",
        kwargs={"program_id": other.program.pk, "policy_id": policy.pk},
    )
    assert client.post(wrong_parent).status_code == 404
    policy.refresh_from_db()
    assert policy.is_active
