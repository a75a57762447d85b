"""A therapist writes and activates a treatment plan and a safety plan in the chart, gives the
patient a portal link, and the patient reads both on their phone and acknowledges the plan;
the chart then says so. Drives Debian's chromium through Playwright, as tests/browser does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from openiop.accounts.roles import ProgramRole
from openiop.patients.services import care_team_assign, episode_admit
from tests.factories import PASSWORD, SYSTEM, patient, program_setup, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()


def _open_form(page: Page, summary: str) -> Any:
    details = page.locator("details", has=page.get_by_text(summary, exact=True)).first
    details.locator("summary").click()
    return details


def test_plan_to_portal_acknowledgement(page: Page, browser: Browser, live_server: Any) -> None:
    # given an admitted patient of the therapist
    ps = program_setup("Adult IOP")
    therapist = staff(ProgramRole.THERAPIST, ps.program, username="therapist")
    p = patient(ps.program, legal_given_name="Marisol", legal_family_name="Quintero")
    episode = episode_admit(actor=SYSTEM, episode=p.episodes.get(), track=ps.track)
    care_team_assign(actor=SYSTEM, episode=episode, seat="primary_therapist", member=therapist)
    _sign_in(page, live_server.url, "therapist")

    # the therapist starts a plan and writes one problem → goal → objective → intervention
    page.goto(f"{live_server.url}/patients/{p.pk}/plan/")
    page.get_by_role("button", name="Start a draft plan").click()
    form = _open_form(page, "Add a problem…")
    form.get_by_label("Problem").fill("Panic attacks on the train")
    form.get_by_role("button", name="Add problem").click()
    form = _open_form(page, "Add a goal…")
    form.get_by_label("Goal").fill("Ride the train to work again")
    form.get_by_role("button", name="Add goal").click()
    form = _open_form(page, "Add a measurable objective…")
    form.get_by_label("Objective").fill("Ride two stops with a grounding skill")
    form.get_by_label("How progress is measured").fill("Exposure log")
    form.get_by_label("Target date").fill("2030-01-15")
    form.get_by_role("button", name="Add objective").click()
    expect(page.get_by_text("The target date is more than a year away")).to_be_visible()
    form = page.locator("details[open]").first
    form.get_by_label("Target date").fill(
        page.evaluate("new Date(Date.now() + 30*864e5).toISOString().slice(0, 10)")
    )
    form.get_by_role("button", name="Add objective").click()
    form = _open_form(page, "Add an intervention…")
    form.get_by_label("Modality").select_option(label="Prolonged exposure")
    form.get_by_label("Frequency").fill("weekly 50 minutes")
    form.get_by_label("Responsible").select_option(label=therapist.display_name)
    form.get_by_role("button", name="Add intervention").click()
    form = _open_form(page, "Activate this plan…")
    form.get_by_role("button", name="Activate plan").click()
    expect(page.get_by_text("Treatment plan activated.")).to_be_visible()
    expect(page.get_by_text("Not yet acknowledged")).to_be_visible()

    # and a safety plan, which starts with the 988 crisis line
    page.goto(f"{live_server.url}/patients/{p.pk}/safety-plan/")
    page.get_by_role("link", name="Write a safety plan").click()
    page.get_by_label("My warning signs").fill("Not sleeping\nSkipping meals")
    page.get_by_label("Things I can do on my own").fill("Walk outside")
    page.get_by_role("button", name="Save the safety plan").click()
    expect(page.get_by_text("Safety plan version 1 saved.")).to_be_visible()

    # then gives the patient a link
    page.goto(f"{live_server.url}/patients/{p.pk}/plan/")
    page.get_by_role("button", name="Create a portal link for the patient").click()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/my/" in link

    # the patient reads the plan and the safety plan on their phone and agrees to the plan
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    mine = phone.new_page()
    mine.goto(link)
    expect(mine.get_by_role("heading", level=1)).to_contain_text("Hello Marisol")
    mine.get_by_role("link", name="My safety plan").first.click()
    expect(mine.get_by_text("Skipping meals")).to_be_visible()
    mine.get_by_role("link", name="My treatment plan").first.click()
    expect(mine.get_by_text("Ride the train to work again")).to_be_visible()
    mine.get_by_label("I have read and agree with my plan").check()
    mine.get_by_role("button", name="Send").click()
    expect(mine.get_by_text("You told us you agree with this plan")).to_be_visible()
    phone.close()

    # and the chart says so
    page.goto(f"{live_server.url}/patients/{p.pk}/plan/")
    expect(page.get_by_text("Acknowledged by the patient on")).to_be_visible()
