"""Portal links: creation, revocation and the token check on every request."""

from __future__ import annotations

import datetime as dt

import pytest

from openiop.audit.models import AuditEvent, DataCategory
from openiop.core.actor import ActorKind
from openiop.core.errors import NotFound
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.portal import access, services
from openiop.portal.errors import (
    AccessExpired,
    AccessInvalid,
    AccessRevoked,
    AlreadyRevoked,
    EpisodeClosed,
)
from tests.daily import NOON, ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
A = "PORTAL_HOME_VIEWED"


def _link(day, n=0):
    return services.portal_access_create(
        actor=SYSTEM, episode=day.episodes[n], created_by=day.tiny.therapist
    )


def _open(token, **kwargs):
    return access.portal_open(
        token, actor=SYSTEM, action=A, category=DataCategory.DEMOGRAPHICS, **kwargs
    )


def test_a_link_lasts_30_days_and_stores_only_a_hash(day):
    link, token = _link(day)
    assert token not in link.token_hash
    assert len(link.token_hash) == 64
    assert link.expires_at - link.created_at == dt.timedelta(days=30)
    event = AuditEvent.objects.get(action="PORTAL_ACCESS_CREATED")
    assert (event.patient_id, event.object_id) == (day.episodes[0].patient_id, str(link.pk))


def test_no_new_link_for_a_discharged_episode(day):
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET
    )
    with pytest.raises(EpisodeClosed):
        _link(day)


def test_opening_a_link_audits_the_patient_as_the_actor(day):
    link, token = _link(day)
    found = _open(token)
    assert found == link
    event = AuditEvent.objects.filter(action=A).get()
    assert (event.actor_kind, event.patient_id) == (ActorKind.PATIENT, link.patient_id)
    assert event.actor_label == f"patient {link.patient_id} via portal link"


def test_unknown_expired_and_revoked_links_are_refused_and_audited_without_a_patient(day, at_noon):
    link, token = _link(day)
    with pytest.raises(AccessInvalid):
        _open(token + "x")
    with pytest.raises(AccessInvalid):
        _open("")
    with pytest.raises(AccessInvalid):  # a signed-in patient opening someone else's link
        _open(token, viewer_patient_id=day.episodes[1].patient_id)
    at_noon.move_to(NOON + dt.timedelta(days=30))
    with pytest.raises(AccessExpired):
        _open(token)
    at_noon.move_to(NOON + dt.timedelta(days=1))
    services.portal_access_revoke(actor=SYSTEM, access=link)
    with pytest.raises(AccessRevoked):
        _open(token)
    denied = AuditEvent.objects.filter(action=A, outcome="denied")
    assert [e.detail["reason"] for e in denied.order_by("seq")] == [
        "link_invalid",
        "link_invalid",
        "link_invalid",
        "link_expired",
        "link_revoked",
    ]
    assert not denied.exclude(patient_id=None).exists()


def test_a_link_is_revoked_once(day):
    link, _ = _link(day)
    services.portal_access_revoke(actor=SYSTEM, access=link)
    with pytest.raises(AlreadyRevoked):
        services.portal_access_revoke(actor=SYSTEM, access=link)
    assert AuditEvent.objects.filter(action="PORTAL_ACCESS_REVOKED").count() == 1


def test_staff_access_needs_a_plan_capability_in_the_program(day):
    episode = day.episodes[0]
    for user in (day.tiny.therapist, day.tiny.prescriber, day.tiny.director):
        assert (
            access.portal_episode_access(
                user, episode.patient_id, episode.pk, actor=SYSTEM, action="X"
            )
            == episode
        )
        assert access.portal_patient_access(user, episode.patient_id, actor=SYSTEM)
    outsider = ordinary_day("Other IOP", patients=1).tiny.therapist
    for user in (day.tiny.facilitator, outsider):
        with pytest.raises(NotFound):
            access.portal_episode_access(
                user, episode.patient_id, episode.pk, actor=SYSTEM, action="X"
            )
        with pytest.raises(NotFound):
            access.portal_patient_access(user, episode.patient_id, actor=SYSTEM)
    with pytest.raises(NotFound):  # an episode under another patient
        access.portal_episode_access(
            day.tiny.therapist, day.episodes[1].patient_id, episode.pk, actor=SYSTEM, action="X"
        )


def test_access_of_finds_a_link_under_its_own_episode_only(day):
    link, _ = _link(day)
    assert access.access_of(day.episodes[0], link.pk, actor=SYSTEM, action="X") == link
    for episode, pk in ((day.episodes[1], link.pk), (day.episodes[0], 10**9)):
        with pytest.raises(NotFound):
            access.access_of(episode, pk, actor=SYSTEM, action="X")
