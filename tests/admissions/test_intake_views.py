"""The intake pages: assessment, level-of-care decision, admission and welcome packet."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from openiop.accounts.roles import PROGRAM_ROLE_CAPABILITIES, ProgramRole
from openiop.admissions.models import (
    AssessmentStatus,
    IntakeAssessment,
    PlacementDecision,
    Referral,
    Stage,
)
from openiop.admissions.selectors.intake import intake_panel
from openiop.audit.models import AuditEvent
from openiop.core.capabilities import Capability
from tests import factories
from tests.admissions.intake_scenarios import (
    TODAY,
    Intake,
    admit,
    advance,
    another_authorized,
    complete_assessment,
    frozen,
    intake_setup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with frozen():
        yield


def _url(name: str, referral: Referral) -> str:
    return reverse(f"admissions:{name}", args=[referral.pk])


def _assessment_post(ratings=("1", "1", "2", "1", "1", "1"), **changes: str) -> dict[str, str]:
    data = {
        "presenting_problem": "Cannot get out of bed",
        "housing": "stable",
        "hours_available_per_week": "12",
        "safety_screen": "negative",
        "stable_housing_and_support": "on",
        "ready_schedule": "on",
    }
    data |= {f"dimension_{n}_rating": r for n, r in enumerate(ratings, 1)}
    data |= {f"dimension_{n}_notes": f"note {n}" for n in range(1, 7)}
    return data | changes


def test_the_assessment_page_shows_the_dimensions_and_the_intake_questionnaires(client):
    intake = intake_setup()
    factories.login(client, intake.coordinator)
    response = client.get(_url("assessment", intake.referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dimension 1: Acute intoxication and/or withdrawal potential" in page
    assert "Dimension 6: Recovery/living environment" in page
    assert "Enter the paper form" in page  # the coordinator administers measures
    assert reverse("measures:chart", args=[intake.referral.episode.patient_id]) in page
    assert AuditEvent.objects.filter(action="ASSESSMENT_VIEWED").exists()


def test_saving_a_draft_redirects_back_and_keeps_it(client):
    intake = intake_setup()
    factories.login(client, intake.therapist)
    url = _url("assessment", intake.referral)
    response = client.post(url, _assessment_post(action="save"))
    assert response.status_code == 302
    assert response["Location"] == url
    draft = IntakeAssessment.objects.get()
    assert (draft.status, draft.presenting_problem, draft.readiness["schedule"]) == (
        "draft",
        "Cannot get out of bed",
        True,
    )


def test_completing_with_missing_dimensions_marks_each_and_loses_nothing(client):
    intake = intake_setup()
    factories.login(client, intake.therapist)
    data = _assessment_post(("1", "", "2", "", "1", "1"), action="complete")
    response = client.post(_url("assessment", intake.referral), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"dimension_2_rating", "dimension_4_rating", "__all__"}
    assert "Cannot get out of bed" in response.content.decode()
    draft = IntakeAssessment.objects.get()
    assert (draft.status, draft.presenting_problem) == ("draft", "Cannot get out of bed")


def test_completing_goes_on_to_the_level_of_care(client):
    intake = intake_setup()
    factories.login(client, intake.therapist)
    response = client.post(_url("assessment", intake.referral), _assessment_post(action="complete"))
    assert response.status_code == 302
    assert response["Location"] == _url("placement", intake.referral)
    assert IntakeAssessment.objects.get().status == AssessmentStatus.COMPLETED


def test_the_placement_page_explains_the_recommendation(client):
    intake = intake_setup()
    complete_assessment(intake)
    factories.login(client, intake.therapist)
    response = client.get(_url("placement", intake.referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Recommended: Intensive outpatient" in page
    assert "Level 2.1 (Intensive Outpatient)" in page
    assert "at least 9" in page
    assert "fewer than 20" in page
    assert "V1" in page
    assert "clinical.md" in page
    assert "Outpatient: by V1" in page  # the excluded lower level
    assert AuditEvent.objects.filter(action="PLACEMENT_RECOMMENDED").exists()


def test_the_placement_page_asks_for_the_assessment_first(client):
    intake = intake_setup()
    factories.login(client, intake.therapist)
    response = client.get(_url("placement", intake.referral))
    assert response.status_code == 200
    assert "Complete the intake assessment first" in response.content.decode()
    assert response.context["form"] is None


def test_an_override_without_a_reason_is_a_form_error_and_with_one_it_is_recorded(client):
    intake = intake_setup()
    complete_assessment(intake)
    factories.login(client, intake.therapist)
    url = _url("placement", intake.referral)
    refused = client.post(url, {"clinical_level": "php", "override_reason": ""})
    assert refused.status_code == 400
    assert "override_reason" in refused.context["form"].errors
    assert not PlacementDecision.objects.exists()
    accepted = client.post(url, {"clinical_level": "php", "override_reason": "Failed IOP twice"})
    assert accepted.status_code == 302
    assert accepted["Location"] == _url("referral", intake.referral)
    decision = PlacementDecision.objects.get()
    assert (decision.recommended_level, decision.clinical_level) == ("iop", "php")


def test_a_level_the_program_does_not_provide_says_so(client):
    intake = intake_setup()
    complete_assessment(intake)
    factories.login(client, intake.therapist)
    client.post(
        _url("placement", intake.referral),
        {"clinical_level": "residential", "override_reason": "Unsafe at home"},
    )
    page = client.get(_url("placement", intake.referral)).content.decode()
    assert "referred elsewhere" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_billing_specialist_cannot_decide_a_level(client, method):
    intake = intake_setup()
    complete_assessment(intake)
    factories.login(client, factories.staff(ProgramRole.BILLING_SPECIALIST, intake.ps.program))
    response = getattr(client, method)(
        _url("placement", intake.referral), {"clinical_level": "iop"}
    )
    assert response.status_code == 403
    assert not PlacementDecision.objects.exists()


def test_a_group_facilitator_cannot_open_the_assessment(client):
    intake = intake_setup()
    factories.login(client, factories.staff(ProgramRole.GROUP_FACILITATOR, intake.ps.program))
    assert client.get(_url("assessment", intake.referral)).status_code == 403


def _admission_post(intake: Intake, **changes: str) -> dict[str, str]:
    data = {
        "track": str(intake.ps.track.pk),
        "cohort": "",
        "starts_on": TODAY.isoformat(),
        "therapist": str(intake.therapist.pk),
        "prescriber": "",
        "case_manager": "",
        "signed_by_name": "Robin Intake",
        "signer_authority": "",
        "signed_on": TODAY.isoformat(),
        "treatment_consent": "on",
    }
    return data | changes


def test_admitting_through_the_page_then_printing_the_packet(client):
    intake = intake_setup()
    advance(intake, to="authorized")
    factories.login(client, intake.coordinator)
    assert client.get(_url("admit", intake.referral)).status_code == 200
    response = client.post(_url("admit", intake.referral), _admission_post(intake))
    assert response.status_code == 302
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.ADMITTED
    pdf = client.get(_url("welcome_packet", intake.referral))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="WELCOME_PACKET_PRINTED").count() == 1


def test_a_full_track_offers_the_waitlist_and_keeps_the_form(client):
    intake = intake_setup(seats=1)
    advance(intake, to="authorized")
    admit(another_authorized(intake))
    factories.login(client, intake.coordinator)
    data = _admission_post(intake, signed_by_name="Robin Kept")
    response = client.post(_url("admit", intake.referral), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert _url("waitlist_add", intake.referral) in page
    assert "Add to the waitlist" in page
    assert 'value="Robin Kept"' in page
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.AUTHORIZED


def test_a_part2_admission_prints_the_statements_and_requires_the_consent(client):
    intake = intake_setup(part2=True)
    advance(intake, to="authorized")
    factories.login(client, intake.coordinator)
    page = client.get(_url("admit", intake.referral)).content.decode()
    assert "Revoking:" in page
    assert "Redisclosure:" in page
    assert "If you do not sign:" in page
    response = client.post(_url("admit", intake.referral), _admission_post(intake))
    assert response.status_code == 400
    assert "part2_statements_read" in response.context["form"].errors
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.AUTHORIZED


def test_there_is_no_packet_before_admission(client):
    intake = intake_setup()
    factories.login(client, intake.coordinator)
    response = client.get(_url("welcome_packet", intake.referral))
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="WELCOME_PACKET_PRINTED").exists()


@pytest.mark.parametrize("name", ["assessment", "placement", "admit", "welcome_packet"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_programs_director_gets_404_and_changes_nothing(client, name, method):
    intake = intake_setup()
    advance(intake, to="authorized")
    outsider = factories.staff(
        ProgramRole.PROGRAM_DIRECTOR, factories.program_setup("Other").program
    )
    factories.login(client, outsider)
    data = _assessment_post() | _admission_post(intake) | {"clinical_level": "iop"}
    response = getattr(client, method)(_url(name, intake.referral), data)
    assert response.status_code == 404
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.AUTHORIZED
    assert IntakeAssessment.objects.count() == 1
    assert PlacementDecision.objects.count() == 1
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.exists()
    assert not denied.exclude(patient_id=None).exists()


def test_a_missing_referral_is_a_404(client):
    intake = intake_setup()
    factories.login(client, intake.director)
    assert (
        client.get(reverse("admissions:assessment", args=[intake.referral.pk + 999])).status_code
        == 404
    )


def test_the_intake_panel_shows_the_levels_and_next_steps():
    intake = intake_setup()
    advance(intake, to="authorized")
    html = render_to_string(
        "admissions/intake/_panel.html",
        {"intake_panel": intake_panel(user=intake.coordinator, referral=intake.referral)},
    )
    assert "Completed" in html
    assert "Intensive outpatient (IOP)" in html  # recommended, clinical and payer-authorized
    assert _url("admit", intake.referral) in html
    admit(intake)
    fresh = Referral.objects.get(pk=intake.referral.pk)
    html = render_to_string(
        "admissions/intake/_panel.html",
        {"intake_panel": intake_panel(user=intake.coordinator, referral=fresh)},
    )
    assert _url("welcome_packet", intake.referral) in html
    assert _url("admit", intake.referral) not in html


def _holders(capability: Capability) -> set[ProgramRole]:
    return {r for r in ProgramRole if capability in PROGRAM_ROLE_CAPABILITIES[r]}


# Each page is open to exactly the roles holding its capability (accounts/roles.py decides
# who holds what; test_a_billing_specialist_cannot_decide_a_level pins the key refusal).
WHO_MAY = {
    "assessment": _holders(Capability.ASSESS_INTAKE),
    "placement": _holders(Capability.DECIDE_LEVEL_OF_CARE),
    "admit": _holders(Capability.ADMIT_PATIENT),
}


@pytest.mark.parametrize("role", list(ProgramRole), ids=str)
def test_who_may_open_each_intake_page(client, role):
    intake = intake_setup()
    factories.login(client, factories.staff(role, intake.ps.program))
    for name, allowed in WHO_MAY.items():
        expected = 200 if role in allowed else 403
        assert client.get(_url(name, intake.referral)).status_code == expected, name
    # Every program role may print the packet; there is nothing to print before admission.
    assert client.get(_url("welcome_packet", intake.referral)).status_code == 400
