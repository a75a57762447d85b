"""Main journeys in a real browser: sign in, find a patient, open the chart, isolation,
sign out, and the idle timeout."""

import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from openiop.accounts.roles import ProgramRole
from openiop.patients.services import episode_admit
from tests.factories import PASSWORD, SYSTEM, patient, program_setup, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()


def test_therapist_signs_in_finds_a_patient_and_opens_the_chart(page: Page, live_server):
    ps = program_setup("Adult IOP")
    p = patient(ps.program, legal_given_name="Marisol", legal_family_name="Quintero")
    episode_admit(actor=SYSTEM, episode=p.episodes.get(), track=ps.track)
    patient(ps.program, legal_given_name="Other", legal_family_name="Person")
    staff(ProgramRole.THERAPIST, ps.program, username="therapist")

    _sign_in(page, live_server.url, "therapist")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Name or MRN").fill("quintero")
    row_link = page.get_by_role("link", name=re.compile("Marisol Quintero"))
    expect(row_link).to_be_visible()
    expect(page.get_by_text("Other Person")).to_have_count(0)
    row_link.click()
    expect(page).to_have_url(re.compile(rf"/patients/{p.pk}/$"))
    expect(page.get_by_text(p.mrn).first).to_be_visible()
    expect(page.get_by_text("Stabilization").first).to_be_visible()


def test_another_programs_therapist_is_refused(page: Page, live_server):
    home, other = program_setup("Home IOP"), program_setup("Other IOP")
    theirs = patient(other.program, legal_given_name="Hidden", legal_family_name="Patient")
    staff(ProgramRole.THERAPIST, home.program, username="outsider")

    _sign_in(page, live_server.url, "outsider")
    response = page.goto(f"{live_server.url}/patients/{theirs.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("Hidden")).to_have_count(0)
    page.goto(f"{live_server.url}/patients/")
    expect(page.get_by_text("Patient", exact=False).first).to_be_visible()
    expect(page.get_by_text("Hidden")).to_have_count(0)


def test_sign_out_ends_the_session(page: Page, live_server):
    ps = program_setup()
    staff(ProgramRole.THERAPIST, ps.program, username="leaver")
    _sign_in(page, live_server.url, "leaver")
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/patients/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_an_idle_session_times_out(page: Page, live_server):
    ps = program_setup()
    staff(ProgramRole.THERAPIST, ps.program, username="sleepy")
    with time_machine.travel("2026-11-22 15:00Z", tick=True) as traveller:
        _sign_in(page, live_server.url, "sleepy")
        page.goto(f"{live_server.url}/patients/")
        expect(page).to_have_url(re.compile(r"/patients/$"))
        traveller.shift(16 * 60)
        page.goto(f"{live_server.url}/patients/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_text(re.compile("inactivity"))).to_be_visible()
