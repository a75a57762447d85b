"""The self check-in kiosk: a device principal that shows no other patient's data."""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse

from openiop.attendance import kiosk
from openiop.attendance.models import Attendance, KioskDevice
from openiop.attendance.services import kiosk_device_create, kiosk_device_revoke
from openiop.audit.models import AuditEvent
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from tests.attendance.pages import key, signed_in
from tests.daily import local, ordinary_day
from tests.factories import SYSTEM
from tests.pages import comparable

pytestmark = pytest.mark.django_db

KIOSK = "/kiosk/"
GENERIC = "We couldn&#x27;t check you in — please see the front desk."


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for CSRF tokens, nonces and the per-render idempotency key."""
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    return re.sub(uuid, "<key>", comparable(a)) == re.sub(uuid, "<key>", comparable(b))


def start_url(program) -> str:
    return reverse("attendance:kiosk_start", kwargs={"program_id": program.pk})


def kiosks_url(program) -> str:
    return reverse("attendance:kiosks", kwargs={"program_id": program.pk})


@pytest.fixture
def device_client(client, day):
    """A browser that is the program's kiosk (cookie set as the start page sets it)."""
    _, token = kiosk_device_create(
        actor=SYSTEM, program=day.program, name="Front desk", created_by=day.tiny.director
    )
    client.cookies[kiosk.COOKIE_NAME] = token
    return client


def check_in(client, patient, **overrides):
    data = {
        "last_name": patient.legal_family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "idempotency_key": key(),
        **overrides,
    }
    return client.post(KIOSK, data)


def test_staff_start_a_kiosk_are_signed_out_and_the_device_gets_a_strict_cookie(client, day):
    # given
    signed_in(client, day.tiny.facilitator)
    # when
    response = client.post(start_url(day.program), {"name": "Lobby tablet"})
    # then
    assert response.status_code == 302
    assert response["Location"] == KIOSK
    cookie = response.cookies[kiosk.COOKIE_NAME]
    assert cookie["path"] == "/kiosk/"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["secure"]  # DEBUG is off in the suite
    assert int(cookie["max-age"]) >= 30 * 24 * 3600
    device = KioskDevice.objects.get()
    assert device.token_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert cookie.value not in device.token_hash
    assert AuditEvent.objects.filter(action="KIOSK_STARTED").count() == 1
    assert AuditEvent.objects.filter(action="KIOSK_HANDED_OVER").count() == 1
    # the staff session is gone: the roster now asks for a login
    roster = client.get(reverse("attendance:roster", kwargs={"session_id": day.group.pk}))
    assert roster.status_code == 302
    assert "login" in roster["Location"]
    assert client.get(KIOSK).status_code == 200


def test_starting_a_kiosk_needs_a_name_and_the_program(client, day):
    signed_in(client, day.tiny.facilitator)
    assert client.post(start_url(day.program), {"name": "  "}).status_code == 400
    other = ordinary_day("Other IOP", patients=1)
    assert client.post(start_url(other.program), {"name": "x"}).status_code == 404
    assert not KioskDevice.objects.exists()


def test_without_a_live_kiosk_cookie_the_page_is_a_plain_403(client, day):
    assert client.get(KIOSK).status_code == 403
    client.cookies[kiosk.COOKIE_NAME] = "not-a-token"
    response = client.post(KIOSK, {"last_name": "x", "date_of_birth": "1990-05-17"})
    assert response.status_code == 403
    assert "not set up" in response.content.decode()
    device, token = kiosk_device_create(
        actor=SYSTEM, program=day.program, name="Old", created_by=day.tiny.director
    )
    kiosk_device_revoke(actor=SYSTEM, device=device)
    client.cookies[kiosk.COOKIE_NAME] = token
    assert client.get(KIOSK).status_code == 403


def test_a_patient_checks_in_and_sees_only_their_welcome(device_client, day, at_noon):
    # given the group starts at 13:00; the patient arrives at 12:30
    at_noon.move_to(local(12, 30))
    patient = day.episodes[1].patient
    # when
    response = check_in(device_client, patient)
    # then
    assert response.status_code == 200
    page = response.content.decode()
    first = patient.preferred_name or patient.legal_given_name
    assert f"Welcome, {first}." in page
    assert "You are checked in to group therapy at 1:00 PM." in page
    for other in day.episodes:
        assert other.patient.legal_family_name not in page
    assert patient.legal_family_name not in page
    record = Attendance.objects.get()
    assert (record.episode, record.session, record.status, record.minutes) == (
        day.episodes[1],
        day.group,
        "present",
        90,
    )
    assert record.recorded_via == "kiosk"
    assert record.recorded_by is None
    event = AuditEvent.objects.get(action="ATTENDANCE_RECORDED")
    device = KioskDevice.objects.get()
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        "device",
        None,
        f"kiosk:{device.pk}",
    )
    assert event.detail["via"] == "kiosk"


def test_name_matching_ignores_case_and_accents(device_client, day, at_noon):
    at_noon.move_to(local(12, 55))
    patient = day.episodes[2].patient
    assert (
        check_in(device_client, patient, last_name=patient.legal_family_name.upper()).status_code
        == 200
    )


def test_arriving_after_the_grace_period_is_late_with_the_remaining_minutes(
    device_client, day, at_noon
):
    at_noon.move_to(local(13, 25))
    check_in(device_client, day.episodes[3].patient)
    record = Attendance.objects.get()
    assert (record.status, record.minutes) == ("late", 65)


def test_failures_get_one_generic_answer_and_leak_nothing(device_client, day, at_noon):
    at_noon.move_to(local(12, 30))
    patient = day.episodes[1].patient
    unknown = check_in(device_client, patient, last_name="Nobody")
    wrong_birthday = check_in(device_client, patient, date_of_birth="1980-01-01")
    assert unknown.status_code == wrong_birthday.status_code == 422
    assert GENERIC in unknown.content.decode()
    assert same_page(unknown.content, wrong_birthday.content)
    for response in (unknown, wrong_birthday):
        for episode in day.episodes:
            assert episode.patient.legal_family_name not in response.content.decode()
    assert not Attendance.objects.exists()
    failed = AuditEvent.objects.filter(action="KIOSK_CHECKIN_FAILED")
    assert failed.count() == 2
    for event in failed:
        assert event.patient_id is None
        assert event.outcome == "failure"
        assert event.actor_kind == "device"
        assert patient.legal_family_name not in str(event.detail)
        assert "1990" not in str(event.detail)


def test_outside_the_check_in_window_or_discharged_is_the_same_refusal(device_client, day, at_noon):
    at_noon.move_to(local(11, 30))  # 90 minutes before the group
    assert check_in(device_client, day.episodes[1].patient).status_code == 422
    at_noon.move_to(local(16))  # the group is over; episode 1 has no individual session
    assert check_in(device_client, day.episodes[1].patient).status_code == 422
    at_noon.move_to(local(12, 30))
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[2], reason=DischargeReason.PATIENT_CHOICE
    )
    response = check_in(device_client, day.episodes[2].patient)
    assert response.status_code == 422
    assert GENERIC in response.content.decode()
    assert not Attendance.objects.exists()


def test_another_programs_patient_cannot_check_in_here(device_client, day, at_noon):
    other = ordinary_day("Other IOP", patients=1)
    at_noon.move_to(local(12, 30))
    assert check_in(device_client, other.episodes[0].patient).status_code == 422


def test_a_retry_with_the_same_key_replays_and_records_once(device_client, day, at_noon):
    at_noon.move_to(local(12, 45))
    patient = day.episodes[0].patient
    same = key()
    first = check_in(device_client, patient, idempotency_key=same)
    retry = check_in(device_client, patient, idempotency_key=same)
    assert first.status_code == retry.status_code == 200
    assert same_page(first.content, retry.content)
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="ATTENDANCE_RECORDED").count() == 1
    # the same key for another person is refused, generically
    other = check_in(device_client, day.episodes[1].patient, idempotency_key=same)
    assert other.status_code == 422
    assert Attendance.objects.count() == 1


def test_the_key_may_come_as_a_header(device_client, day, at_noon):
    at_noon.move_to(local(12, 45))
    patient = day.episodes[0].patient
    data = {"last_name": patient.legal_family_name, "date_of_birth": "1990-05-17"}
    same = key()
    device_client.post(KIOSK, data, HTTP_IDEMPOTENCY_KEY=same)
    device_client.post(KIOSK, data, HTTP_IDEMPOTENCY_KEY=same)
    assert Attendance.objects.count() == 1
    missing = device_client.post(KIOSK, data)
    assert missing.status_code == 400


def test_checking_in_again_later_shows_the_welcome_again(device_client, day, at_noon):
    at_noon.move_to(local(12, 45))
    patient = day.episodes[0].patient
    check_in(device_client, patient)
    again = check_in(device_client, patient)
    assert again.status_code == 200
    assert "checked in to group therapy" in again.content.decode()
    assert Attendance.objects.count() == 1


def test_overlapping_windows_pick_the_running_session_first(device_client, day, at_noon):
    # at 14:10 the group (13:00-14:30) runs and the individual (15:00) window has opened
    at_noon.move_to(local(14, 10))
    check_in(device_client, day.episodes[0].patient)
    assert Attendance.objects.get().session == day.group
    check_in(device_client, day.episodes[0].patient)
    assert Attendance.objects.filter(session=day.individual).get().status == "present"


def test_failed_attempts_are_rate_limited_per_device(device_client, day, at_noon):
    at_noon.move_to(local(12, 30))
    patient = day.episodes[1].patient
    for _ in range(kiosk.FAILURE_LIMIT):
        assert check_in(device_client, patient, last_name="Wrong").status_code == 422
    # even the right answer waits now
    limited = check_in(device_client, patient)
    assert limited.status_code == 429
    assert not Attendance.objects.exists()
    # after the window it works again
    at_noon.move_to(local(12, 41))
    assert check_in(device_client, patient).status_code == 200


def test_bad_form_input_is_a_400_without_a_lookup(device_client, day, at_noon):
    at_noon.move_to(local(12, 30))
    response = check_in(device_client, day.episodes[0].patient, date_of_birth="17/05/1990")
    assert response.status_code == 400
    future = (dt.date(2026, 3, 4) + dt.timedelta(days=1)).isoformat()
    assert check_in(device_client, day.episodes[0].patient, date_of_birth=future).status_code == 400
    assert not AuditEvent.objects.filter(action="KIOSK_CHECKIN_FAILED").exists()


def test_staff_list_and_revoke_kiosks_of_their_program_only(client, day):
    device, token = kiosk_device_create(
        actor=SYSTEM, program=day.program, name="Front desk", created_by=day.tiny.director
    )
    signed_in(client, day.tiny.facilitator)
    page = client.get(kiosks_url(day.program))
    assert page.status_code == 200
    assert "Front desk" in page.content.decode()
    url = reverse(
        "attendance:kiosk_revoke", kwargs={"program_id": day.program.pk, "kiosk_id": device.pk}
    )
    other = ordinary_day("Other IOP", patients=1)
    signed_in(client, other.tiny.facilitator)
    assert client.get(kiosks_url(day.program)).status_code == 404
    other_url = reverse(
        "attendance:kiosk_revoke", kwargs={"program_id": other.program.pk, "kiosk_id": device.pk}
    )
    assert client.post(other_url).status_code == 404  # a kiosk under the wrong program
    assert client.post(url).status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None
    signed_in(client, day.tiny.facilitator)
    assert client.post(url).status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert AuditEvent.objects.filter(action="KIOSK_REVOKED", outcome="success").count() == 1
    client.cookies[kiosk.COOKIE_NAME] = token
    assert client.get(KIOSK).status_code == 403
