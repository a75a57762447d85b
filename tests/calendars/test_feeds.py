"""The iCal feeds, fetched over HTTP and parsed back with icalendar: events, times, what
they reveal, and revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event

from openiop.accounts.services import membership_revoke
from openiop.audit.models import AuditEvent
from openiop.calendars import services
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services.sessions import session_cancel
from tests.calendars.scenarios import ALICE, BOB, WEEK, Scenario, appointment, at, group
from tests.calendars.scenarios import scenario as make_scenario
from tests.factories import SYSTEM
from tests.pages import comparable

pytestmark = pytest.mark.django_db


def _url(token: str) -> str:
    return reverse("calendars:feed", kwargs={"token": token})


def _fetch(client: Client, token: str, s: Scenario) -> Calendar:
    with at(s.local(WEEK, 7)):
        response = client.get(_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, Event]:
    return {str(e.uid): e for e in calendar.events}


def test_a_patients_feed_has_their_sessions_in_utc_with_stable_uids(client):
    s = make_scenario()
    g = group(s, s.local(WEEK, 18))
    own = appointment(s, s.alice_ep, s.local(WEEK, 10), room=s.office)
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    calendar = _fetch(client, token, s)
    events = _events(calendar)
    assert set(events) == {f"session-{g.pk}@openiop", f"session-{own.pk}@openiop"}
    assert b"DTSTART:20260224T000000Z" in calendar.to_ical()  # UTC, not a local TZID
    evening = events[f"session-{g.pk}@openiop"]
    assert evening.start == dt.datetime(2026, 2, 24, 0, tzinfo=dt.UTC)  # 18:00 in Chicago
    assert evening.end == dt.datetime(2026, 2, 24, 3, tzinfo=dt.UTC)
    assert isinstance(evening.start, dt.datetime)
    assert evening.start.utcoffset() == dt.timedelta(0)
    assert str(evening["SUMMARY"]) == "Group therapy — Adult IOP"
    assert str(evening["LOCATION"]) == s.ps.program.site.name
    assert str(evening["STATUS"]) == "CONFIRMED"
    assert str(evening["CLASS"]) == "PRIVATE"
    assert str(events[f"session-{own.pk}@openiop"]["SUMMARY"]) == "Individual session"
    # a second fetch names the same events the same way
    assert set(_events(_fetch(client, token, s))) == set(events)


def test_a_patients_feed_never_shows_another_patients_sessions_or_names(client):
    s = make_scenario()
    group(s, s.local(WEEK, 18))
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    bobs = appointment(s, s.bob_ep, s.local(WEEK, 11), kind=SessionKind.PSYCHIATRY)
    bobs_group = group(s, s.local(WEEK + dt.timedelta(days=1), 18), episodes=[s.bob_ep])
    _, alice_token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    _, bob_token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.bob_ep)
    with at(s.local(WEEK, 7)):
        alice_body = client.get(_url(alice_token)).content.decode()
    alice_uids = set(_events(Calendar.from_ical(alice_body)))
    assert f"session-{bobs.pk}@openiop" not in alice_uids
    assert f"session-{bobs_group.pk}@openiop" not in alice_uids
    for leak in (*ALICE, *BOB, s.cohort.name, s.therapist.last_name, s.group_room.name):
        assert leak not in alice_body
    bob_uids = set(_events(_fetch(client, bob_token, s)))
    assert {f"session-{bobs.pk}@openiop", f"session-{bobs_group.pk}@openiop"} <= bob_uids
    assert not alice_uids & {f"session-{bobs.pk}@openiop"}


def test_a_part2_programs_group_is_not_named_in_the_patients_feed(client):
    s = make_scenario("Recovery IOP", part2=True)
    group(s, s.local(WEEK, 18))
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    (event,) = _fetch(client, token, s).events
    assert str(event["SUMMARY"]) == "Group therapy"
    assert AuditEvent.objects.filter(action="CALENDAR_FEED_FETCHED", part2=True).exists()


def test_a_clinicians_feed_names_cohorts_but_never_patients(client):
    s = make_scenario()
    g = group(s, s.local(WEEK, 18))
    own = appointment(s, s.alice_ep, s.local(WEEK, 10), clinician=s.facilitator, room=s.office)
    other = appointment(s, s.bob_ep, s.local(WEEK, 11))  # the therapist's
    _, token = services.feed_create(actor=SYSTEM, created_by=s.facilitator, clinician=s.facilitator)
    with at(s.local(WEEK, 7)):
        body = client.get(_url(token)).content.decode()
    events = _events(Calendar.from_ical(body))
    assert set(events) == {f"session-{g.pk}@openiop", f"session-{own.pk}@openiop"}
    assert f"session-{other.pk}@openiop" not in events
    assert str(events[f"session-{g.pk}@openiop"]["SUMMARY"]) == f"Group: {s.cohort.name}"
    individual = events[f"session-{own.pk}@openiop"]
    assert str(individual["SUMMARY"]) == "Individual session"
    assert str(individual["LOCATION"]) == f"Office 2, {s.ps.program.site.name}"
    for name in (*ALICE, *BOB):
        assert name not in body


def test_a_cancelled_session_is_published_as_cancelled(client):
    s = make_scenario()
    session = appointment(s, s.alice_ep, s.local(WEEK, 10))
    session_cancel(actor=SYSTEM, session=session)
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    (event,) = _fetch(client, token, s).events
    assert str(event.uid) == f"session-{session.pk}@openiop"
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_revoked_feed_is_a_404_identical_to_an_unknown_one(client):
    s = make_scenario()
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    feed, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    assert client.get(_url(token)).status_code == 200
    services.feed_revoke(actor=SYSTEM, feed=feed)
    revoked = client.get(_url(token))
    unknown = client.get(_url("A" * 43))
    assert revoked.status_code == unknown.status_code == 404
    assert comparable(revoked.content) == comparable(unknown.content)
    assert b"BEGIN:VCALENDAR" not in revoked.content


@pytest.mark.parametrize(
    "path", ["/calendar/feed/.ics", "/calendar/feed/a.b.ics", "/calendar/feed/x"]
)
def test_malformed_feed_paths_are_a_plain_404(client, path):
    assert client.get(path).status_code == 404


def test_a_feed_is_read_only(client):
    s = make_scenario()
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    assert client.post(_url(token)).status_code == 405
    assert not AuditEvent.objects.filter(action="CALENDAR_FEED_FETCHED").exists()


def test_each_fetch_is_audited_by_the_device_holding_the_link(client):
    s = make_scenario()
    feed, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    _fetch(client, token, s)
    _fetch(client, token, s)
    events = AuditEvent.objects.filter(action="CALENDAR_FEED_FETCHED")
    assert events.count() == 2
    assert {(e.patient_id, e.actor_kind, e.object_id) for e in events} == {
        (s.alice.pk, "device", str(feed.pk))
    }


def test_a_revoked_membership_drops_that_programs_sessions_from_the_clinicians_feed(client):
    s = make_scenario()
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    _, token = services.feed_create(actor=SYSTEM, created_by=s.therapist, clinician=s.therapist)
    assert len(_fetch(client, token, s).events) == 1
    membership_revoke(actor=SYSTEM, membership=s.therapist.memberships.get())
    assert _fetch(client, token, s).events == []
