import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from openiop.audit.models import AuditEvent
from openiop.measures import services
from openiop.measures.errors import InvalidAnswers, LinkExpired, LinkInvalid, LinkUsed
from openiop.measures.models import MeasureResponse, PortalLink, SafetyAlert
from tests import factories
from tests.factories import SYSTEM
from tests.measures.scenarios import ADMITTED, PHQ9_ITEM9, PHQ9_MODERATE, at, scenario

pytestmark = pytest.mark.django_db


def _link(s, *, kiosk=False):
    return services.portal_link_create(
        actor=SYSTEM, episode=s.episode, created_by=s.therapist, kiosk=kiosk
    )


def _post_data(phq9, gad7=(0, 0, 0, 0, 0, 0, 0)):
    data = {f"phq9-item_{n}": v for n, v in enumerate(phq9, 1) if v is not None}
    data.update({f"gad7-item_{n}": v for n, v in enumerate(gad7, 1)})
    return data


def test_a_link_covers_what_is_due_and_stores_only_a_hash():
    s = scenario()
    with at(ADMITTED):
        link, token = _link(s)
    assert [o["instrument"] for o in link.occasions] == ["gad7", "phq9"]
    assert token not in link.token_hash
    assert link.expires_at - link.created_at == dt.timedelta(hours=72)


def test_submitting_through_a_link_records_everything_once():
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
        result = services.portal_submit(
            actor=SYSTEM, token=token, answers={"phq9": PHQ9_ITEM9, "gad7": [1] * 7}
        )
        assert result.safety
        with pytest.raises(LinkUsed):
            services.portal_submit(
                actor=SYSTEM, token=token, answers={"phq9": PHQ9_ITEM9, "gad7": [1] * 7}
            )
    assert MeasureResponse.objects.count() == 2
    assert set(MeasureResponse.objects.values_list("source", flat=True)) == {"portal"}
    assert SafetyAlert.objects.count() == 1


def test_a_bad_answer_in_one_form_writes_nothing_and_keeps_the_link_open():
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
        with pytest.raises(InvalidAnswers):
            services.portal_submit(
                actor=SYSTEM, token=token, answers={"phq9": PHQ9_MODERATE, "gad7": [9] * 7}
            )
        assert not MeasureResponse.objects.exists()
        assert PortalLink.objects.get().used_at is None
        services.portal_submit(
            actor=SYSTEM, token=token, answers={"phq9": PHQ9_MODERATE, "gad7": [1] * 7}
        )
    assert MeasureResponse.objects.count() == 2


def test_expired_unknown_and_other_patients_links_are_refused():
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
    with at(ADMITTED + dt.timedelta(days=4)), pytest.raises(LinkExpired):
        services.portal_submit(actor=SYSTEM, token=token, answers={})
    with pytest.raises(LinkInvalid):
        services.portal_link_get("not-a-token")
    with pytest.raises(LinkInvalid):
        services.portal_link_get(token, viewer_patient_id=s.patient.pk + 1000)


def test_the_portal_page_takes_answers_and_shows_crisis_resources_on_item_9(client: Client):
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
        url = reverse("measures:portal", kwargs={"token": token})
        page = client.get(url)
        assert page.status_code == 200
        assert "Little interest or pleasure" in page.content.decode()
        assert page["Referrer-Policy"] == "same-origin"
        done = client.post(url, _post_data(PHQ9_ITEM9))
        again = client.post(url, _post_data(PHQ9_ITEM9))
    assert done.status_code == 200
    body = done.content.decode()
    assert "988" in body
    assert "alerted" in body
    assert again.status_code == 200
    assert "received" in again.content.decode()
    assert MeasureResponse.objects.filter(instrument="phq9").count() == 1
    event = AuditEvent.objects.get(action="MEASURE_RESPONSE_RECORDED", detail__instrument="phq9")
    assert event.actor_kind == "patient"


def test_the_portal_shows_a_clear_page_for_bad_links(client: Client):
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
    missing = client.get(reverse("measures:portal", kwargs={"token": "nope"}))
    with at(ADMITTED + dt.timedelta(days=4)):
        expired = client.get(reverse("measures:portal", kwargs={"token": token}))
    assert missing.status_code == 404
    assert "not valid" in missing.content.decode()
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert "988" in expired.content.decode()


def test_the_portal_reshows_answers_with_the_error(client: Client):
    s = scenario()
    with at(ADMITTED):
        _, token = _link(s)
        url = reverse("measures:portal", kwargs={"token": token})
        response = client.post(url, _post_data([None] * 9))
    assert response.status_code == 400
    assert "unanswered" in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_the_portal_speaks_spanish_to_a_spanish_speaking_patient(client: Client):
    s = scenario()
    s.patient.language = "es"
    s.patient.save(update_fields=["language"])
    with at(ADMITTED):
        _, token = _link(s)
        page = client.get(reverse("measures:portal", kwargs={"token": token}))
    body = page.content.decode()
    assert 'lang="es"' in body
    assert "Enviar mis respuestas" in body


def test_a_kiosk_hand_over_signs_staff_out_and_opens_the_questionnaires(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    with at(ADMITTED):
        response = client.post(
            reverse(
                "measures:kiosk_start",
                kwargs={"patient_id": s.patient.pk, "episode_id": s.episode.pk},
            )
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/m/")
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
    assert page.status_code == 200
    assert PortalLink.objects.get().kiosk
    assert client.get(reverse("patients:list")).status_code == 302  # back to the login page


def test_a_link_to_a_weekly_measure_closes_when_the_patient_is_discharged(client: Client):
    from openiop.patients import services as patient_services
    from openiop.patients.models import DischargeReason

    s = scenario()
    week1 = ADMITTED + dt.timedelta(days=7)
    with at(ADMITTED):
        services.portal_submit(
            actor=SYSTEM,
            token=_link(s)[1],
            answers={"phq9": PHQ9_MODERATE, "gad7": [1] * 7},
        )
    with at(week1):
        _, token = _link(s)
    with at(week1):
        s.episode.refresh_from_db()
        patient_services.episode_discharge(
            actor=SYSTEM,
            episode=s.episode,
            reason=DischargeReason.STEP_DOWN,
            on=week1 - dt.timedelta(days=1),
        )
        response = client.post(
            reverse("measures:portal", kwargs={"token": token}), _post_data(PHQ9_MODERATE)
        )
    assert response.status_code == 410
    assert "closed" in response.content.decode()
    assert MeasureResponse.objects.filter(timepoint="weekly").count() == 0
