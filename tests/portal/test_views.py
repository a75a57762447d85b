"""The patient's portal pages and the staff pages that hand out links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from openiop.audit.models import AuditEvent
from openiop.core.actor import ActorKind
from openiop.portal import services
from openiop.portal.models import PortalAccess
from openiop.treatment_plans import services as plans
from openiop.treatment_plans.models import PlanAcknowledgement
from tests import factories
from tests.daily import NOON, ordinary_day
from tests.factories import SYSTEM
from tests.safety_plans.builders import saved
from tests.treatment_plans.builders import active, chain, draft

pytestmark = pytest.mark.django_db


def _token(day, n=0) -> str:
    _, token = services.portal_access_create(
        actor=SYSTEM, episode=day.episodes[n], created_by=day.tiny.therapist
    )
    return token


def page(client: Client, name: str, token: str, data: dict[str, str] | None = None):
    url = reverse(f"portal:{name}", kwargs={"token": token})
    return client.post(url, data) if data is not None else client.get(url)


def _patient_events(action: str):
    return AuditEvent.objects.filter(action=action, actor_kind=ActorKind.PATIENT)


def test_home_is_private_and_audited(client, day):
    token = _token(day)
    response = page(client, "home", token)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert day.episodes[0].patient.display_name in body
    assert "988" in body
    assert _patient_events("PORTAL_HOME_VIEWED").get().patient_id == day.episodes[0].patient_id


@pytest.mark.parametrize("name", ["home", "plan", "safety_plan", "safety_plan_pdf"])
def test_bad_expired_and_revoked_links_close_every_page(client, day, at_noon, name):
    token = _token(day)
    bad = page(client, name, "not-a-real-token")
    assert bad.status_code == 404
    assert "This link is not valid." in bad.content.decode()
    assert bad["Cache-Control"] == "no-store"
    at_noon.move_to(NOON + dt.timedelta(days=31))
    assert page(client, name, token).status_code == 410
    at_noon.move_to(NOON)
    services.portal_access_revoke(actor=SYSTEM, access=PortalAccess.objects.get())
    revoked = page(client, name, token)
    assert revoked.status_code == 410
    assert "turned off by your care team" in revoked.content.decode()
    assert not AuditEvent.objects.filter(actor_kind=ActorKind.PATIENT).exists()


def test_no_active_plan_says_so_and_a_draft_stays_hidden(client, day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    chain(plan, day.tiny.therapist)
    body = page(client, "plan", _token(day)).content.decode()
    assert "Your treatment plan is not ready yet." in body
    assert "Depressed mood" not in body


def test_the_plan_page_shows_my_active_plan_only_and_no_staff_notes(client, day):
    # given my active plan (reviewed, with intake evidence) and another patient's plan
    mine = active(day.episodes[0], day.tiny.therapist)
    plans.problem_edit(
        actor=SYSTEM, problem=mine.problem, statement="Low mood", evidence="PHQ-9 22 at intake"
    )
    plans.plan_review_record(
        actor=SYSTEM,
        plan=mine.plan,
        by=day.tiny.therapist,
        reviewed_on=day.episodes[0].admitted_on + dt.timedelta(days=23),
        summary="Staff-only review wording",
    )
    theirs = active(day.episodes[1], day.tiny.therapist)
    plans.goal_edit(actor=SYSTEM, goal=theirs.goal, statement="Someone else's goal")
    # when
    response = page(client, "plan", _token(day))
    body = response.content.decode()
    # then
    assert response.status_code == 200
    assert "Low mood" in body
    assert mine.objective.statement in body
    assert "PHQ-9 total" in body
    assert day.tiny.therapist.display_name in body
    assert "I have read and agree with my plan" in body
    assert "Someone else's goal" not in body
    assert "Staff-only review wording" not in body
    assert "PHQ-9 22 at intake" not in body
    assert _patient_events("PORTAL_PLAN_VIEWED").count() == 1


def test_acknowledging_the_plan_once_per_revision(client, day):
    # given
    built = active(day.episodes[0], day.tiny.therapist)
    token = _token(day)
    agree = {"revision": "1", "agree": "on", "comment": "Looks right"}
    # when the patient agrees twice (a double tap)
    first = page(client, "plan", token, agree)
    second = page(client, "plan", token, agree)
    # then one acknowledgement, recorded with the patient as actor
    assert (first.status_code, second.status_code) == (302, 302)
    ack = PlanAcknowledgement.objects.get()
    assert (ack.revision, ack.comment) == (1, "Looks right")
    assert _patient_events("TREATMENT_PLAN_ACKNOWLEDGED").count() == 1
    body = page(client, "plan", token).content.decode()
    assert "You told us you agree with this plan" in body
    # and after a change, the new revision is asked for again
    plans.goal_edit(actor=SYSTEM, goal=built.goal, statement="Reworded goal")
    body = page(client, "plan", token).content.decode()
    assert "Your plan has changed since you last agreed to it." in body
    assert 'name="revision" value="2"' in body


def test_a_plan_changed_while_reading_is_not_acknowledged(client, day):
    built = active(day.episodes[0], day.tiny.therapist)
    token = _token(day)
    plans.goal_edit(actor=SYSTEM, goal=built.goal, statement="Reworded goal")
    response = page(client, "plan", token, {"revision": "1", "agree": "on"})
    assert response.status_code == 409
    assert "Your plan was updated while you were reading it." in response.content.decode()
    assert not PlanAcknowledgement.objects.exists()


def test_agreeing_needs_the_box_ticked(client, day):
    active(day.episodes[0], day.tiny.therapist)
    response = page(client, "plan", _token(day), {"revision": "1"})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not PlanAcknowledgement.objects.exists()
    assert _patient_events("PORTAL_PLAN_VIEWED").count() == 1  # the page shown again


def test_my_safety_plan_and_its_pdf(client, day):
    saved(day.episodes[0], day.tiny.therapist)
    saved(day.episodes[1], day.tiny.therapist, warning_signs=["Someone else's sign"])
    token = _token(day)
    body = page(client, "safety_plan", token).content.decode()
    assert "Walk the dog" in body
    assert "Someone else's sign" not in body
    pdf = page(client, "safety_plan_pdf", token)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    assert pdf.content.startswith(b"%PDF")
    printed = _patient_events("SAFETY_PLAN_PRINTED").get()
    assert (printed.patient_id, printed.detail["via"]) == (day.episodes[0].patient_id, "portal")
    assert _patient_events("PORTAL_SAFETY_PLAN_VIEWED").count() == 1


def test_no_safety_plan_yet(client, day):
    token = _token(day)
    assert (
        "You do not have a safety plan yet." in page(client, "safety_plan", token).content.decode()
    )
    assert page(client, "safety_plan_pdf", token).status_code == 404


# --- staff side ---------------------------------------------------------------------------


def _create_url(episode) -> str:
    return reverse(
        "portal:access_create",
        kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk},
    )


def test_a_therapist_or_prescriber_creates_a_link_shown_once_with_a_qr_code(client, day):
    for user in (day.tiny.therapist, day.tiny.prescriber):
        factories.login(client, user)
        response = client.post(_create_url(day.episodes[0]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "<svg" in body
        assert "/my/" in body
    assert PortalAccess.objects.count() == 2
    assert AuditEvent.objects.filter(action="PORTAL_ACCESS_CREATED").count() == 2


def test_others_cannot_create_links(client, day):
    factories.login(client, day.tiny.facilitator)
    assert client.post(_create_url(day.episodes[0])).status_code == 404
    factories.login(client, ordinary_day("Other IOP", patients=1).tiny.therapist)
    assert client.post(_create_url(day.episodes[0])).status_code == 404
    list_url = reverse("portal:access_list", kwargs={"patient_id": day.episodes[0].patient_id})
    assert client.get(list_url).status_code == 404
    assert not PortalAccess.objects.exists()
    link, _ = services.portal_access_create(
        actor=SYSTEM, episode=day.episodes[0], created_by=day.tiny.therapist
    )
    revoke = reverse(
        "portal:access_revoke",
        kwargs={
            "patient_id": day.episodes[0].patient_id,
            "episode_id": day.episodes[0].pk,
            "access_id": link.pk,
        },
    )
    assert client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert not AuditEvent.objects.filter(outcome="denied").exclude(patient_id=None).exists()


def test_the_link_list_and_revoking_a_link(client, day):
    _token(day)
    link = PortalAccess.objects.get()
    factories.login(client, day.tiny.therapist)
    list_url = reverse("portal:access_list", kwargs={"patient_id": day.episodes[0].patient_id})
    body = client.get(list_url).content.decode()
    assert "Working" in body
    assert "Turn off" in body
    revoke = reverse(
        "portal:access_revoke",
        kwargs={
            "patient_id": day.episodes[0].patient_id,
            "episode_id": day.episodes[0].pk,
            "access_id": link.pk,
        },
    )
    assert client.post(revoke).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert "Turned off" in client.get(list_url).content.decode()
    other = reverse(
        "portal:access_revoke",
        kwargs={
            "patient_id": day.episodes[1].patient_id,
            "episode_id": day.episodes[1].pk,
            "access_id": link.pk,
        },
    )
    assert client.post(other).status_code == 404  # a link under another episode
