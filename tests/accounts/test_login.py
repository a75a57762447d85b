import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from tests.factories import PASSWORD, login, program_setup, staff
from tests.pages import comparable

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _post_login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_login_accepts_any_case_of_the_username(client):
    staff(username="alice")
    response = _post_login(client, "ALICE")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="USER_LOGGED_IN").count() == 1


def test_unknown_user_and_wrong_password_get_identical_answers(client):
    staff(username="bob")
    wrong = _post_login(client, "bob", "not the password!")
    unknown = _post_login(client, "nobody-here", "not the password!")
    assert wrong.status_code == unknown.status_code == 200
    # Identical but for the username echoed back into the form.
    assert comparable(wrong.content).replace('value="bob"', "") == comparable(
        unknown.content
    ).replace('value="nobody-here"', "")
    failures = AuditEvent.objects.filter(action="USER_LOGIN_FAILED").order_by("seq")
    assert [e.detail["username"] for e in failures] == ["bob", "(unknown)"]


def test_inactive_account_gets_the_same_answer(client):
    user = staff(username="carol")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _post_login(client, "carol")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_hundred_wrong_passwords_lock_the_username_and_nothing_breaks(client):
    staff(username="dave")
    statuses = [_post_login(client, "dave", f"wrong guess {i:03d}").status_code for i in range(100)]
    assert set(statuses) <= {200, 429}
    assert statuses[:9] == [200] * 9
    assert statuses[-1] == 429
    # Even the right password is refused while locked, and the answer is the same page
    # an unknown username gets after the same number of tries.
    locked = _post_login(client, "dave")
    assert locked.status_code == 429
    for i in range(10):
        _post_login(client, "ghost", f"wrong guess {i:03d}")
    ghost = _post_login(client, "ghost")
    assert ghost.status_code == 429
    assert comparable(ghost.content) == comparable(
        locked.content
    )  # the lockout page echoes nothing


def test_lockout_lifts_after_the_cool_off(client):
    staff(username="erin")
    with time_machine.travel("2026-11-22 09:00Z", tick=False) as traveller:
        for i in range(10):
            _post_login(client, "erin", f"wrong guess {i:03d}")
        assert _post_login(client, "erin").status_code == 429
        traveller.shift(16 * 60)
        assert _post_login(client, "erin").status_code == 302


def test_mfa_is_required_before_any_patient_page(client):
    ps = program_setup()
    staff(ProgramRole.THERAPIST, ps.program, username="frank")
    _post_login(client, "frank")
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))


def test_enrolling_totp_then_a_code_cannot_be_replayed(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program, username="gina")
    with time_machine.travel("2026-11-22 15:00:05Z", tick=False) as traveller:
        _post_login(client, "gina")
        assert client.get(reverse("accounts:mfa_setup")).status_code == 200
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        used = _code(device)
        assert client.post(reverse("accounts:mfa_setup"), {"token": used}).status_code == 302
        assert client.get(reverse("patients:list")).status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        # Sign out and in again within the same 30-second step: the used code is refused.
        client.post(reverse("accounts:logout"))
        _post_login(client, "gina")
        assert client.post(reverse("accounts:mfa_verify"), {"token": used}).status_code == 200
        assert AuditEvent.objects.filter(action="MFA_FAILED").count() == 1
        assert client.get(reverse("patients:list")).status_code == 302
        # The next step's code works.
        traveller.shift(60)
        response = client.post(reverse("accounts:mfa_verify"), {"token": _code(device)})
        assert response.status_code == 302
        assert client.get(reverse("patients:list")).status_code == 200


def test_a_wrong_code_is_refused_and_audited(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program, username="hank")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _post_login(client, "hank")
    response = client.post(reverse("accounts:mfa_verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert client.get(reverse("patients:list")).status_code == 302


def test_malformed_code_gets_a_form_error(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program, username="ivy")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _post_login(client, "ivy")
    response = client.post(reverse("accounts:mfa_verify"), {"token": "12ab"})
    assert "Enter the 6 digits" in response.content.decode()


def test_demo_profile_without_required_mfa_lets_a_password_login_in(client, settings):
    settings.OPENIOP_REQUIRE_MFA = False
    ps = program_setup()
    staff(ProgramRole.THERAPIST, ps.program, username="jill")
    _post_login(client, "jill")
    assert client.get(reverse("patients:list")).status_code == 200


def test_logout_is_post_only_and_ends_the_session(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program)
    login(client, user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("patients:list")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    assert client.get(reverse("patients:list")).status_code == 302
    assert AuditEvent.objects.filter(action="USER_LOGGED_OUT", actor_id=user.pk).exists()


def test_idle_timeout_ends_the_session_and_is_audited(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program)
    with time_machine.travel("2026-11-22 15:00Z", tick=False) as traveller:
        login(client, user)
        traveller.shift(14 * 60)
        assert client.get(reverse("patients:list")).status_code == 200
        traveller.shift(14 * 60)  # activity above restarted the idle clock
        assert client.get(reverse("patients:list")).status_code == 200
        traveller.shift(15 * 60 + 1)
        response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="SESSION_TIMED_OUT", actor_id=user.pk).exists()


def test_background_polls_do_not_keep_a_session_alive(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program)
    with time_machine.travel("2026-11-22 15:00Z", tick=False) as traveller:
        login(client, user)
        for _ in range(3):
            traveller.shift(6 * 60)
            client.get(reverse("dashboard:today"), headers={"X-OpenIOP-Background": "1"})
        response = client.get(reverse("patients:list"))
    assert response.status_code == 302


def test_absolute_limit_of_twelve_hours_despite_activity(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program)
    with time_machine.travel("2026-11-22 07:00Z", tick=False) as traveller:
        login(client, user)
        for _ in range(71):  # every 10 minutes for 11 h 50 min
            traveller.shift(10 * 60)
            assert client.get(reverse("dashboard:today")).status_code == 200
        traveller.shift(11 * 60)
        assert client.get(reverse("dashboard:today")).status_code == 302


def test_password_alone_cannot_enroll_a_second_authenticator(client):
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program, username="kim")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _post_login(client, "kim")
    response = client.get(reverse("accounts:mfa_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert client.post(reverse("accounts:mfa_setup"), {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get(reverse("patients:list")).status_code == 302


def test_timeout_message_names_the_configured_limit(client, settings):
    settings.OPENIOP_SESSION_MAX_SECONDS = 8 * 3600
    ps = program_setup()
    user = staff(ProgramRole.THERAPIST, ps.program)
    with time_machine.travel("2026-11-22 07:00Z", tick=False) as traveller:
        login(client, user)
        for _ in range(49):
            traveller.shift(10 * 60)
            client.get(reverse("dashboard:today"))
        response = client.get(reverse("dashboard:today"), follow=True)
    assert "the 8-hour limit" in response.content.decode()
