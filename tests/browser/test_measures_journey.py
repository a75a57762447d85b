"""A clinician sends the due questionnaires, the patient answers on their phone, and a
positive PHQ-9 item 9 shows crisis resources at once and an alert in the chart header until
the clinician records the action taken."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from openiop.accounts.roles import ProgramRole
from openiop.measures.models import Timepoint
from openiop.measures.services import schedule_set
from openiop.patients.services import care_team_assign, episode_admit
from tests.browser.test_journeys import _sign_in
from tests.factories import SYSTEM, patient, program_setup, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page: Page, instrument: str, choices: list[str]) -> None:
    items = page.locator(f"#q-{instrument} .questionnaire__item")
    expect(items).to_have_count(len(choices))
    for index, choice in enumerate(choices):
        items.nth(index).get_by_label(choice, exact=True).check()


def test_a_patient_answers_through_a_link_and_item_9_alerts_the_clinician(
    page: Page, browser: Browser, live_server
):
    ps = program_setup("Adult IOP")
    schedule_set(
        actor=SYSTEM,
        program=ps.program,
        entries=[("phq9", Timepoint.INTAKE), ("gad7", Timepoint.INTAKE)],
    )
    therapist = staff(ProgramRole.THERAPIST, ps.program, username="therapist")
    p = patient(ps.program, legal_given_name="Marisol", legal_family_name="Quintero")
    episode = episode_admit(actor=SYSTEM, episode=p.episodes.get(), track=ps.track)
    care_team_assign(actor=SYSTEM, episode=episode, seat="primary_therapist", member=therapist)

    _sign_in(page, live_server.url, "therapist")
    page.goto(f"{live_server.url}/patients/{p.pk}/measures/")
    expect(page.get_by_role("heading", name="Questionnaires due")).to_be_visible()
    page.get_by_role("button", name="Create a link for the patient").click()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/m/" in link

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    patient_page = phone.new_page()
    patient_page.goto(link)
    expect(patient_page.get_by_role("heading", name="Your check-in questionnaires")).to_be_visible()
    _answer(patient_page, "phq9", ["Not at all"] * 8 + ["Several days"])
    _answer(patient_page, "gad7", ["Not at all"] * 7)
    patient_page.get_by_role("button", name="Send my answers").click()
    expect(patient_page.get_by_role("alert")).to_contain_text("988")
    expect(patient_page.get_by_role("heading", level=1)).to_contain_text(
        "care team has been alerted"
    )
    phone.close()

    page.goto(f"{live_server.url}/patients/{p.pk}/")
    header_alert = page.locator("#safety-alerts")
    expect(header_alert).to_contain_text("PHQ-9 item 9")
    header_alert.get_by_role("link", name=re.compile("Review")).click()
    expect(page.locator("svg.plot").first).to_be_visible()
    page.get_by_label("Action taken").fill("Called her within the hour; safety plan reviewed.")
    page.get_by_role("button", name="Acknowledge with this action").click()
    expect(page.get_by_text("Safety alert acknowledged.")).to_be_visible()
    expect(page.locator("#safety-alerts")).to_have_count(0)
