"""The roster page: one-tap check-in, corrections, idempotent replays, errors at the row."""

import datetime as dt

import pytest
from django.db import connection

from openiop.accounts.roles import ProgramRole
from openiop.attendance.models import Attendance
from openiop.audit.models import AuditEvent
from openiop.core.models import IdempotencyRecord
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_create
from tests.attendance.pages import correct_url, key, mark_url, roster_url, signed_in
from tests.daily import TODAY, attend, local, ordinary_day
from tests.factories import SYSTEM, staff

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_roster_lists_expected_participants_and_audits_the_listing(client, day):
    signed_in(client, day.tiny.facilitator)
    attend(day, day.episodes[0], "late", minutes=60)
    response = client.get(roster_url(day.group))
    assert response.status_code == 200
    page = response.content.decode()
    for episode in day.episodes:
        assert episode.patient.legal_family_name in page
    assert "Late" in page
    assert page.count('name="idempotency_key"') == 4  # 3 check-in forms + 1 correction
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED")
    assert set(listed.values_list("patient_id", flat=True)) == {e.patient_id for e in day.episodes}
    assert listed.count() == 4


def test_roster_runs_a_fixed_number_of_queries(client, day, django_assert_num_queries):
    signed_in(client, day.tiny.facilitator)
    client.get(roster_url(day.individual))  # warm the session and capability caches
    with django_assert_num_queries(QUERIES) as small:
        client.get(roster_url(day.individual))
    for episode in day.episodes:
        attend(day, episode, "present")
    with django_assert_num_queries(QUERIES):
        response = client.get(roster_url(day.group))
    assert response.status_code == 200
    assert len(small.captured_queries) == QUERIES


# Request: session, user, MFA device, memberships (4) and the session's save with its
# savepoint (3). Page: the session, participants, records (3), and one audit append for
# the whole listing: savepoint, chain head, bulk insert, release (4).
# PostgreSQL adds the audit chain's advisory lock.
QUERIES = 14 + int(connection.vendor == "postgresql")


def test_another_programs_clinician_gets_404_and_the_attempt_is_audited(client, day):
    other = ordinary_day("Other IOP", patients=1)
    signed_in(client, other.tiny.facilitator)
    assert client.get(roster_url(day.group)).status_code == 404
    response = client.post(
        mark_url(day.group, day.episodes[0]), {"status": "present", "idempotency_key": key()}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()
    denied = AuditEvent.objects.filter(outcome="denied", action="ATTENDANCE_ROSTER_VIEWED")
    assert denied.count() == 1
    assert denied.get().patient_id is None


def test_a_role_without_record_attendance_is_refused(client, day):
    signed_in(client, staff(ProgramRole.BILLING_SPECIALIST, day.program))
    assert client.get(roster_url(day.group)).status_code == 403


def test_a_tap_records_and_redirects_back_to_the_row(client, day):
    signed_in(client, day.tiny.facilitator)
    response = client.post(
        mark_url(day.group, day.episodes[1]), {"status": "present", "idempotency_key": key()}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{day.episodes[1].pk}")
    record = Attendance.objects.get()
    assert (record.status, record.minutes, record.recorded_by) == (
        "present",
        90,
        day.tiny.facilitator,
    )
    assert AuditEvent.objects.get(action="ATTENDANCE_RECORDED").actor_id == day.tiny.facilitator.pk


def test_with_htmx_the_row_is_swapped_in_place(client, day):
    signed_in(client, day.tiny.facilitator)
    response = client.post(
        mark_url(day.group, day.episodes[1]),
        {"status": "late", "minutes": "45", "idempotency_key": key()},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<tr")
    assert f'id="row-{day.episodes[1].pk}"' in body
    assert "Late" in body
    assert "45 min" in body
    assert day.episodes[0].patient.legal_family_name not in body  # only that row


def test_a_double_tap_with_the_same_key_records_once_and_replays(client, day):
    signed_in(client, day.tiny.facilitator)
    data = {"status": "present", "idempotency_key": key()}
    first = client.post(mark_url(day.group, day.episodes[1]), data, **HTMX)
    second = client.post(mark_url(day.group, day.episodes[1]), data, **HTMX)
    assert first.status_code == second.status_code == 200
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="ATTENDANCE_RECORDED").count() == 1
    assert "already" not in second.content.decode()


def test_the_same_key_with_another_payload_is_refused_with_422(client, day):
    signed_in(client, day.tiny.facilitator)
    same = key()
    client.post(
        mark_url(day.group, day.episodes[1]), {"status": "present", "idempotency_key": same}
    )
    response = client.post(
        mark_url(day.group, day.episodes[1]),
        {"status": "absent_excused", "idempotency_key": same},
        **HTMX,
    )
    assert response.status_code == 422
    assert "different request" in response.content.decode()
    assert Attendance.objects.get().status == "present"


def test_a_second_record_with_a_new_key_is_a_409_at_the_row(client, day):
    signed_in(client, day.tiny.facilitator)
    attend(day, day.episodes[1], "present")
    response = client.post(
        mark_url(day.group, day.episodes[1]),
        {"status": "late", "minutes": "5", "idempotency_key": key()},
    )
    assert response.status_code == 409
    assert "already recorded" in response.content.decode()
    assert Attendance.objects.get().status == "present"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"status": "late"}, 422, "Enter the minutes attended"),
        ({"status": "left_early", "minutes": "-10"}, 422, "cannot be negative"),
        ({"status": "present", "minutes": "500"}, 422, "between 1 and 90"),
        ({"status": "present", "minutes": "ten"}, 400, "Enter a whole number"),
        ({"status": "sleeping"}, 400, "Select a valid choice"),
    ],
)
def test_bad_input_shows_the_specific_error_at_the_row(client, day, data, status, message):
    signed_in(client, day.tiny.facilitator)
    for headers in ({}, HTMX):
        response = client.post(
            mark_url(day.group, day.episodes[1]), {**data, "idempotency_key": key()}, **headers
        )
        assert response.status_code == status
        assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_missing_idempotency_key_is_a_400(client, day):
    signed_in(client, day.tiny.facilitator)
    response = client.post(mark_url(day.group, day.episodes[1]), {"status": "present"})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_absent_ignores_the_minutes_box(client, day):
    signed_in(client, day.tiny.facilitator)
    client.post(
        mark_url(day.group, day.episodes[1]),
        {"status": "absent_unexcused", "minutes": "30", "idempotency_key": key()},
    )
    assert Attendance.objects.get().minutes == 0


def test_a_discharged_patient_gets_a_clear_409(client, day):
    signed_in(client, day.tiny.facilitator)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[2], reason=DischargeReason.PATIENT_CHOICE
    )
    response = client.post(
        mark_url(day.group, day.episodes[2]), {"status": "present", "idempotency_key": key()}
    )
    assert response.status_code == 409
    assert "not admitted" in response.content.decode()


def test_someone_not_on_the_roster_is_a_404(client, day):
    signed_in(client, day.tiny.therapist)
    response = client.post(
        mark_url(day.individual, day.episodes[1]), {"status": "present", "idempotency_key": key()}
    )
    assert response.status_code == 404


def test_a_session_of_another_day_offers_corrections_only(client, day, at_noon):
    yesterday = TODAY - dt.timedelta(days=1)
    at_noon.move_to(local(9, day=yesterday))
    earlier = session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(10, day=yesterday),
        ends_at=local(11, day=yesterday),
        clinician=day.tiny.therapist,
        episodes=[day.episodes[2]],
    )
    at_noon.move_to(local(12))
    signed_in(client, day.tiny.therapist)
    page = client.get(roster_url(earlier)).content.decode()
    assert "only possible on the session" in page
    assert 'name="status" value="present"' not in page
    response = client.post(
        mark_url(earlier, day.episodes[2]), {"status": "present", "idempotency_key": key()}
    )
    assert response.status_code == 409
    assert "only possible on the session" in response.content.decode()


def test_a_correction_is_saved_and_audited_with_before_and_after(client, day):
    signed_in(client, day.tiny.director)
    record = attend(day, day.episodes[0], "present")
    response = client.post(
        correct_url(record),
        {"status": "left_early", "minutes": "70", "idempotency_key": key()},
        **HTMX,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.status, record.minutes) == ("left_early", 70)
    event = AuditEvent.objects.get(action="ATTENDANCE_CORRECTED")
    assert event.detail["before"]["status"] == "present"
    assert event.actor_id == day.tiny.director.pk


def test_a_correction_of_another_sessions_record_is_a_404(client, day):
    signed_in(client, day.tiny.director)
    record = attend(day, day.episodes[0], "present", session=day.individual)
    url = correct_url(record).replace(
        f"/sessions/{day.individual.pk}/", f"/sessions/{day.group.pk}/"
    )
    response = client.post(url, {"status": "late", "minutes": "5", "idempotency_key": key()})
    assert response.status_code == 404


def test_idempotency_records_hold_no_names(client, day):
    signed_in(client, day.tiny.facilitator)
    client.post(
        mark_url(day.group, day.episodes[1]), {"status": "present", "idempotency_key": key()}
    )
    stored = IdempotencyRecord.objects.get()
    assert stored.response_body == {"attendance_id": Attendance.objects.get().pk}
