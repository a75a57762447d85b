"""Creating, replacing, revoking and fetching calendar feeds, and what each writes to the
audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from openiop.accounts.models import User
from openiop.audit.models import AuditEvent
from openiop.calendars import services
from openiop.calendars.errors import FeedNotFound, FeedRefused
from openiop.calendars.models import CalendarFeed
from openiop.core.actor import Actor, ActorKind
from openiop.core.errors import InvalidTransition
from openiop.core.tokens import token_hash
from openiop.patients.models import DischargeReason
from openiop.patients.services import episode_discharge
from tests.calendars.scenarios import ADMITTED, Scenario, at
from tests.calendars.scenarios import scenario as make_scenario
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
PHONE = Actor(kind=ActorKind.ANONYMOUS, user_id=None, label="anonymous", ip="203.0.113.9")


@pytest.fixture
def s() -> Scenario:
    return make_scenario()


def test_a_patient_feed_stores_only_the_hash_of_its_token(s):
    feed, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    assert len(token) >= 43
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == token_hash(token)
    assert stored["episode_id"] == s.alice_ep.pk
    assert stored["clinician_id"] is None
    event = AuditEvent.objects.get(action="CALENDAR_FEED_CREATED")
    assert (event.patient_id, event.object_id, event.category) == (
        s.alice.pk,
        str(feed.pk),
        "episode",
    )


def test_a_new_feed_replaces_the_owners_live_one(s):
    first, first_token = services.feed_create(
        actor=SYSTEM, created_by=s.therapist, clinician=s.therapist
    )
    second, second_token = services.feed_create(
        actor=SYSTEM, created_by=s.therapist, clinician=s.therapist
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert first_token != second_token
    assert CalendarFeed.objects.filter(clinician=s.therapist, revoked_at=None).get() == second
    replaced = AuditEvent.objects.get(action="CALENDAR_FEED_REVOKED")
    assert (replaced.object_id, replaced.detail["reason"]) == (str(first.pk), "replaced")
    assert replaced.patient_id is None


def test_feeds_of_different_owners_live_side_by_side(s):
    services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.bob_ep)
    services.feed_create(actor=SYSTEM, created_by=s.therapist, clinician=s.therapist)
    assert CalendarFeed.objects.filter(revoked_at=None).count() == 3


@pytest.mark.parametrize("owners", ["none", "both"])
def test_a_feed_has_exactly_one_owner(s, owners):
    kwargs = {} if owners == "none" else {"clinician": s.therapist, "episode": s.alice_ep}
    with pytest.raises(FeedRefused):
        services.feed_create(actor=SYSTEM, created_by=s.therapist, **kwargs)
    assert not CalendarFeed.objects.exists()


def test_an_ended_episode_gets_no_feed(s):
    with at(dt.datetime.combine(ADMITTED, dt.time(20), dt.UTC) + dt.timedelta(days=20)):
        episode_discharge(actor=SYSTEM, episode=s.alice_ep, reason=DischargeReason.GOALS_MET)
    with pytest.raises(FeedRefused, match="ended"):
        services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    assert not AuditEvent.objects.filter(action="CALENDAR_FEED_CREATED").exists()


def test_revoking_twice_is_refused(s):
    feed, _ = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    services.feed_revoke(actor=SYSTEM, feed=feed)
    with pytest.raises(InvalidTransition):
        services.feed_revoke(actor=SYSTEM, feed=feed)
    assert AuditEvent.objects.filter(action="CALENDAR_FEED_REVOKED").count() == 1


def test_a_fetch_marks_the_feed_used_and_is_audited_against_the_patient(s):
    feed, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    fetched = services.feed_fetch(actor=PHONE, token=token)
    assert fetched == feed
    feed.refresh_from_db()
    assert feed.last_used_at is not None
    event = AuditEvent.objects.get(action="CALENDAR_FEED_FETCHED")
    assert (event.patient_id, event.outcome, event.actor_kind, event.ip) == (
        s.alice.pk,
        "success",
        "device",
        "203.0.113.9",
    )
    assert event.actor_label == f"calendar feed {feed.pk}"


def test_unknown_and_revoked_tokens_are_the_same_not_found(s):
    feed, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    services.feed_revoke(actor=SYSTEM, feed=feed)
    with pytest.raises(FeedNotFound) as revoked:
        services.feed_fetch(actor=PHONE, token=token)
    with pytest.raises(FeedNotFound) as unknown:
        services.feed_fetch(actor=PHONE, token=token[:-2] + "xx")
    assert str(revoked.value) == str(unknown.value)
    denied = AuditEvent.objects.get(action="CALENDAR_FEED_FETCHED")
    assert (denied.outcome, denied.patient_id, denied.object_id) == ("denied", None, str(feed.pk))
    feed.refresh_from_db()
    assert feed.last_used_at is None


def test_a_deactivated_clinicians_feed_stops(s):
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, clinician=s.therapist)
    assert services.feed_fetch(actor=PHONE, token=token).clinician == s.therapist
    # Accounts are deactivated in the admin (there is no service for it): is_active only.
    User.objects.filter(pk=s.therapist.pk).update(is_active=False)
    with pytest.raises(FeedNotFound):
        services.feed_fetch(actor=PHONE, token=token)
