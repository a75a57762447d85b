"""In a browser: one tap per patient swaps the roster row in place, a refused tap shows its
reason in the row, and a patient checks in at a kiosk that staff started on the device."""

import pytest
import time_machine
from playwright.sync_api import Page, expect

from openiop.attendance.models import Attendance
from tests.browser.test_journeys import _sign_in
from tests.daily import NOON, ordinary_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page: Page, episode):
    return page.locator(f"#row-{episode.pk}")


def test_a_facilitator_checks_in_a_group_with_one_tap_per_patient(page: Page, live_server):
    with time_machine.travel(NOON, tick=True):
        day = ordinary_day()
        _sign_in(page, live_server.url, day.tiny.facilitator.username)
        page.goto(f"{live_server.url}/attendance/sessions/{day.group.pk}/")
        first, second, third = (_row(page, e) for e in day.episodes[:3])
        # present with one tap
        first.get_by_role("button", name="Present", exact=False).first.click()
        expect(first).to_contain_text("90 min")
        # late with the minutes typed first
        second.get_by_label("Minutes", exact=False).fill("60")
        second.get_by_role("button", name="Late").click()
        expect(second).to_contain_text("Late")
        expect(second).to_contain_text("60 min")
        # left early without minutes: the row says why and nothing is saved
        third.get_by_role("button", name="Left early").click()
        expect(third.get_by_role("alert")).to_contain_text("Enter the minutes attended")
        assert Attendance.objects.count() == 2


def test_staff_start_a_kiosk_and_a_patient_checks_in(page: Page, live_server):
    with time_machine.travel(NOON, tick=True):
        day = ordinary_day()
        patient = day.episodes[1].patient
        _sign_in(page, live_server.url, day.tiny.facilitator.username)
        page.goto(f"{live_server.url}/attendance/programs/{day.program.pk}/kiosks/")
        page.get_by_label("Kiosk name").fill("Lobby tablet")
        page.get_by_role("button", name="Start kiosk and sign out").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("please check in")
        page.get_by_label("Your last name").fill("Nobody")
        page.get_by_label("Your date of birth").fill("1990-05-17")
        page.get_by_role("button", name="Check in").click()
        expect(page.get_by_role("alert")).to_contain_text("please see the front desk")
        page.get_by_label("Your last name").fill(patient.legal_family_name)
        page.get_by_label("Your date of birth").fill("1990-05-17")
        page.get_by_role("button", name="Check in").click()
        first = patient.preferred_name or patient.legal_given_name
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {first}.")
        expect(page.get_by_role("status")).to_contain_text("group therapy at 1:00 PM")
        assert Attendance.objects.get().recorded_via == "kiosk"
