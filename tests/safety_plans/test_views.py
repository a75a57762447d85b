"""The Safety plan tab, its versions, the PDF and the edit form: who sees and may do what,
bad input answered in place, other programs kept out, the prompt after a positive screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.patients import services as patient_services
from openiop.safety_plans import services
from openiop.safety_plans.models import SafetyPlan
from tests import factories
from tests.daily import TODAY, ordinary_day
from tests.factories import SYSTEM
from tests.measures.scenarios import ADMITTED, PHQ9_ITEM9, at, record, scenario
from tests.safety_plans.builders import saved, sections

pytestmark = pytest.mark.django_db


def chart(patient_id: int, name: str = "chart", **kwargs: int) -> str:
    return reverse(f"safety_plans:{name}", kwargs={"patient_id": patient_id, **kwargs})


def save_url(episode) -> str:
    return reverse(
        "safety_plans:save", kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk}
    )


FORM = {
    "warning_signs": "Not sleeping\nSkipping meals\n",
    "coping_strategies": "Walk outside",
    "distraction_people_places": "",
    "help_contacts-0-name": "Sister Ana",
    "help_contacts-0-phone": "312 555 0142",
    "help_contacts-0-availability": "Evenings",
    "help_contacts-1-name": "",
    "help_contacts-1-phone": "",
    "help_contacts-1-availability": "",
    "professional_contacts-0-name": "988 Suicide & Crisis Lifeline",
    "professional_contacts-0-phone": "988",
    "professional_contacts-0-availability": "Any time",
    "environment_safety": "",
    "change_note": "",
}


def test_the_tab_shows_the_current_version_and_the_list_and_is_audited(client, day):
    episode = day.episodes[0]
    saved(episode, day.tiny.therapist)
    saved(episode, day.tiny.therapist, "Added music", coping_strategies=["Music"])
    factories.login(client, day.tiny.facilitator)
    page = client.get(chart(episode.patient_id))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Version 2, saved 2026-03-04" in body
    assert "Music" in body
    assert "Added music" in body
    assert "First version" in body
    assert "Review or change" not in body  # a facilitator does not edit safety plans
    event = AuditEvent.objects.get(action="PATIENT_SAFETY_PLAN_VIEWED")
    assert (event.patient_id, event.category) == (episode.patient_id, "safety_plan")


def test_an_earlier_version_is_shown_as_it_was(client, day):
    episode = day.episodes[0]
    saved(episode, day.tiny.therapist)
    saved(episode, day.tiny.therapist, "Changed", coping_strategies=["Music"])
    factories.login(client, day.tiny.therapist)
    body = client.get(chart(episode.patient_id, "version", version=1)).content.decode()
    assert "Walk the dog" in body
    assert "an earlier version; the current one is 2" in body
    assert client.get(chart(episode.patient_id, "version", version=3)).status_code == 404
    other = saved(day.episodes[1], day.tiny.therapist)
    # a version number is looked up under this patient only
    assert other.version == 1
    body = client.get(chart(episode.patient_id, "version", version=1)).content.decode()
    assert "Walk the dog" in body


def test_the_pdf_prints_and_is_audited(client, day):
    episode = day.episodes[0]
    saved(episode, day.tiny.therapist)
    factories.login(client, day.tiny.facilitator)
    response = client.get(chart(episode.patient_id, "pdf", version=1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="SAFETY_PLAN_PRINTED")
    assert (event.patient_id, event.detail["via"]) == (episode.patient_id, "chart")
    assert client.get(chart(episode.patient_id, "pdf", version=2)).status_code == 404


def test_a_first_plan_starts_with_the_crisis_line(client, day):
    factories.login(client, day.tiny.therapist)
    page = client.get(chart(day.episodes[0].patient_id, "edit"))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'value="988 Suicide &amp; Crisis Lifeline"' in body
    assert save_url(day.episodes[0]) in body


def test_saving_through_the_form(client, day):
    episode = day.episodes[0]
    factories.login(client, day.tiny.prescriber)
    response = client.post(save_url(episode), FORM)
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.sections["warning_signs"] == ["Not sleeping", "Skipping meals"]
    assert plan.sections["help_contacts"] == [
        {"name": "Sister Ana", "phone": "312 555 0142", "availability": "Evenings"}
    ]
    assert plan.created_by == day.tiny.prescriber
    edit = client.get(chart(episode.patient_id, "edit")).content.decode()
    assert "saving makes a new version" in edit
    assert 'value="Sister Ana"' in edit


def test_bad_input_is_shown_next_to_the_entry_and_nothing_is_saved(client, day):
    episode = day.episodes[0]
    factories.login(client, day.tiny.therapist)
    data = FORM | {
        "warning_signs": "",
        "help_contacts-1-name": "",
        "help_contacts-1-phone": "ring me",
    }
    response = client.post(save_url(episode), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Add at least one entry to “My warning signs”." in body
    assert "Use digits, spaces and + ( ) - only" in body
    assert 'name="help_contacts-1-phone" value="ring me" aria-invalid="true"' in body
    assert not SafetyPlan.objects.exists()


def test_facilitators_cannot_edit_and_other_programs_get_404(client, day):
    episode = day.episodes[0]
    saved(episode, day.tiny.therapist)
    factories.login(client, day.tiny.facilitator)
    assert client.get(chart(episode.patient_id, "edit")).status_code == 403
    assert client.post(save_url(episode), FORM).status_code == 403
    outsider = ordinary_day("Other IOP", patients=1).tiny.therapist
    factories.login(client, outsider)
    for name, kwargs in (
        ("chart", {}),
        ("edit", {}),
        ("version", {"version": 1}),
        ("pdf", {"version": 1}),
    ):
        assert client.get(chart(episode.patient_id, name, **kwargs)).status_code == 404, name
    assert client.post(save_url(episode), FORM | {"change_note": "x"}).status_code == 404
    assert SafetyPlan.objects.count() == 1
    assert not AuditEvent.objects.filter(outcome="denied").exclude(patient_id=None).exists()


def test_a_positive_screen_prompts_for_a_plan_until_one_is_saved_after_it(client):
    # given a patient whose PHQ-9 item 9 was positive
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_ITEM9)
        factories.login(client, s.therapist)
        # when
        before = client.get(chart(s.patient.pk)).content.decode()
        saved(s.episode, s.therapist)
        after = client.get(chart(s.patient.pk)).content.decode()
    # then
    assert "Create a safety plan:" in before
    assert "Create a safety plan:" not in after
    assert "Review the safety plan:" not in after


def test_an_older_plan_is_prompted_for_review(client):
    s = scenario()
    with at(ADMITTED, hour=15):
        saved(s.episode, s.therapist)
    with at(ADMITTED, hour=18):
        record(s, PHQ9_ITEM9)
        factories.login(client, s.therapist)
        body = client.get(chart(s.patient.pk)).content.decode()
    assert "Review the safety plan:" in body


def test_a_prescriber_may_edit_and_a_case_manager_may_not(client, day):
    factories.login(client, day.tiny.prescriber)
    assert client.get(chart(day.episodes[0].patient_id, "edit")).status_code == 200
    factories.login(client, factories.staff(ProgramRole.CASE_MANAGER, day.program))
    assert client.get(chart(day.episodes[0].patient_id, "edit")).status_code == 403


def test_a_part2_programs_versions_stay_in_that_program(client, day):
    # given a patient of this program who also has an episode in a Part 2 program, where a
    # safety plan was written
    sud = factories.program_setup("SUD IOP", part2=True)
    patient = day.episodes[0].patient
    other = patient_services.episode_open(
        actor=SYSTEM, patient=patient, program=sud.program, referred_on=TODAY
    )
    sud_therapist = factories.staff(ProgramRole.THERAPIST, sud.program)
    services.safety_plan_save(
        actor=SYSTEM,
        episode=other,
        by=sud_therapist,
        sections=sections(warning_signs=["Part 2 only"]),
    )
    # when this program's therapist opens the tab, the version and its PDF
    factories.login(client, day.tiny.therapist)
    body = client.get(chart(patient.pk)).content.decode()
    # then it is not shown
    assert "Part 2 only" not in body
    assert "No safety plan yet." in body
    assert client.get(chart(patient.pk, "version", version=1)).status_code == 404
    assert client.get(chart(patient.pk, "pdf", version=1)).status_code == 404
    # while the Part 2 program's therapist sees it
    factories.login(client, sud_therapist)
    assert "Part 2 only" in client.get(chart(patient.pk)).content.decode()
