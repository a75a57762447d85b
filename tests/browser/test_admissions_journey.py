"""An intake coordinator takes a self-pay referral through to an admitted patient: new
referral → screening → intake scheduled → intake assessment → level-of-care decision →
sliding-fee determination → benefits verified → authorized → admission → welcome packet."""

import re

import pytest
from playwright.sync_api import Page, expect

import engines.fees as fees
from openiop.accounts.roles import ProgramRole
from openiop.admissions.models import Referral, Stage
from openiop.billing.services.fees import fee_scale_set
from openiop.core import clock
from openiop.patients.models import EpisodeState
from openiop.programs.services import cohort_create
from openiop.treatment_plans.models import TreatmentPlan
from tests.browser.test_journeys import _sign_in
from tests.factories import SYSTEM, program_setup, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _program():
    ps = program_setup("Adult IOP")
    today = clock.localdate(ps.program.zone)
    cohort_create(track=ps.track, name="Evening group A", started_on=today)
    fee_scale_set(
        actor=SYSTEM,
        program=ps.program,
        effective_from=today.replace(month=1, day=1),
        guideline_year=2026,
        tiers=fees.default_scale().tiers,
    )
    staff(ProgramRole.INTAKE_COORDINATOR, ps.program, username="intake")
    staff(ProgramRole.THERAPIST, ps.program, username="therapist")
    return ps, today


def _move(page: Page, stage: str) -> None:
    page.get_by_role("button", name=f"Move to {stage}").click()
    expect(page.get_by_role("heading", name="Stage history")).to_be_visible()


def test_intake_coordinator_takes_a_referral_through_to_admission(page: Page, live_server):
    ps, today = _program()
    _sign_in(page, live_server.url, "intake")

    # the referral
    page.goto(f"{live_server.url}/admissions/")
    page.get_by_role("link", name="New referral").click()
    page.locator("#id_program").select_option(label="Adult IOP")
    page.locator("#id_legal_given_name").fill("Imani")
    page.locator("#id_legal_family_name").fill("Okafor")
    page.locator("#id_date_of_birth").fill("1991-04-12")
    page.locator("#id_phone").fill("555-0142")
    page.locator("#id_reason").fill("Panic attacks; weekly therapy is not enough.")
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imani Okafor")

    # screening and the intake appointment
    _move(page, "screening")
    page.get_by_label("Intake appointment").fill(f"{today.isoformat()}T10:00")
    _move(page, "intake scheduled")

    # the intake assessment
    page.get_by_role("link", name="Start the intake assessment").click()
    page.locator("#id_presenting_problem").fill("Panic attacks most days; avoids the bus.")
    page.locator("#id_housing").select_option("stable")
    page.locator("#id_hours_available_per_week").fill("12")
    page.locator("#id_safety_screen").select_option("negative")
    for number, rating in enumerate(("0", "0", "2", "1", "1", "1"), start=1):
        page.locator(f"#id_dimension_{number}_rating").select_option(rating)
    page.get_by_role("button", name="Complete assessment").click()

    # the level of care (completing leads there): the engine recommends IOP, and the
    # coordinator agrees
    expect(
        page.get_by_role("heading", name=re.compile("^Recommended: Intensive outpatient"))
    ).to_be_visible()
    page.get_by_role("button", name="Record the decision").click()
    page.goto(f"{live_server.url}/admissions/referrals/{Referral.objects.get().pk}/")
    _move(page, "assessed")

    # self-pay: the sliding fee instead of a payer
    page.get_by_role("link", name=re.compile("^Insurance & fees")).first.click()
    page.get_by_text("Determine the sliding fee…").click()
    page.locator("#id_determination-household_size").fill("3")
    page.locator("#id_determination-annual_income").fill("30000")
    page.locator("#id_determination-state").fill("IL")
    page.get_by_role("button", name="Determine").click()
    # $30,000 for 3 people is 109.81 % of the 2026 guideline of $27,320
    expect(page.get_by_text("109.81 % of the 2026 poverty guideline")).to_be_visible()
    page.goto(f"{live_server.url}/admissions/referrals/{Referral.objects.get().pk}/")
    _move(page, "benefits verified")
    _move(page, "authorized")

    # the admission
    page.get_by_role("link", name="Admit").click()
    page.locator("#id_track").select_option(label=ps.track.name)
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_therapist").select_option(index=1)
    page.locator("#id_signed_by_name").fill("Imani Okafor")
    page.locator("#id_signed_on").fill(today.isoformat())
    page.locator("#id_treatment_consent").check()
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_role("link", name="Print the welcome packet (PDF)")).to_be_visible()

    referral = Referral.objects.select_related("episode").get()
    assert referral.stage == Stage.ADMITTED
    assert referral.episode.state == EpisodeState.ADMITTED
    assert referral.episode.cohort is not None
    assert TreatmentPlan.objects.filter(episode=referral.episode, status="draft").exists()
    packet = page.request.get(
        f"{live_server.url}/admissions/referrals/{referral.pk}/welcome-packet.pdf"
    )
    assert packet.ok
    assert packet.body().startswith(b"%PDF")
