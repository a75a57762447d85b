"""The calendar pages and the feed buttons: who sees which week, what is audited, and a
fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from openiop.accounts.roles import OrgRole
from openiop.audit.models import AuditEvent
from openiop.calendars.models import CalendarFeed
from tests import factories
from tests.calendars.scenarios import ALICE, BOB, WEEK, Scenario, appointment, at, group
from tests.calendars.scenarios import scenario as make_scenario

pytestmark = pytest.mark.django_db
# PostgreSQL takes the audit chain's advisory lock once per page that writes audit rows.
LOCK = int(connection.vendor == "postgresql")
PROGRAM_WEEK_QUERIES = 11
CLINICIAN_WEEK_QUERIES = 15 + LOCK
PATIENT_WEEK_QUERIES = 19 + LOCK


@pytest.fixture
def s() -> Scenario:
    return make_scenario()


def _week_url(name: str, **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"week": WEEK.isoformat(), **params}.items())
    return f"{reverse(name)}?{query}"


def _patient_week(patient_id: int) -> str:
    url = reverse("calendars:patient_week", kwargs={"patient_id": patient_id})
    return f"{url}?week={WEEK.isoformat()}"


def _fill_week(s: Scenario) -> None:
    """Groups on three evenings and appointments for both patients with two clinicians."""
    for day in (0, 1, 3):
        group(s, s.local(WEEK + dt.timedelta(days=day), 18))
    for day in range(5):
        on = WEEK + dt.timedelta(days=day)
        appointment(s, s.alice_ep, s.local(on, 9), room=s.office)
        clinician = s.therapist if day % 2 else s.facilitator
        appointment(s, s.bob_ep, s.local(on, 10), clinician=clinician)


# --- Program week ------------------------------------------------------------------------


def test_the_program_week_shows_rooms_groups_and_facilitators_in_local_time(client, s):
    group(s, s.local(WEEK, 18))
    factories.login(client, s.therapist)
    page = client.get(_week_url("calendars:program_week"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Adult IOP: week of 23 February 2026" in body
    assert "Maple Room" in body
    assert "Office sessions" in body
    assert s.cohort.name in body
    assert s.facilitator.display_name in body
    monday = body.split('id="day-1"')[1].split('id="day-2"')[0]
    assert "18:00–21:00" in monday
    assert "?week=2026-02-16" in body
    assert "?week=2026-03-02" in body
    for name in (*ALICE, *BOB):
        assert name not in body


def test_the_program_week_defaults_to_this_week_in_the_programs_zone(client, s):
    factories.login(client, s.therapist)
    # Monday 1 March 2026 03:00 UTC is still Sunday evening in Chicago
    with at(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)):
        body = client.get(reverse("calendars:program_week")).content.decode()
    assert "week of 23 February 2026" in body


def test_another_programs_week_is_a_404(client, s):
    other = make_scenario("Other IOP")
    factories.login(client, s.director)
    url = _week_url("calendars:program_week", program=other.ps.program.pk)
    assert client.get(url).status_code == 404
    missing = _week_url("calendars:program_week", program=other.ps.program.pk + 1000)
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("query", ["week=2026-02-30", "week=soon", "program=abc", "program=0"])
def test_malformed_parameters_are_a_404(client, s, query):
    factories.login(client, s.therapist)
    assert client.get(f"{reverse('calendars:program_week')}?{query}").status_code == 404


def test_the_program_week_runs_a_fixed_number_of_queries(client, s, django_assert_num_queries):
    factories.login(client, s.therapist)
    url = _week_url("calendars:program_week")
    client.get(url)  # warm the session
    with django_assert_num_queries(PROGRAM_WEEK_QUERIES):
        assert client.get(url).status_code == 200
    _fill_week(s)
    with django_assert_num_queries(PROGRAM_WEEK_QUERIES):
        assert client.get(url).status_code == 200


# --- Clinician week ----------------------------------------------------------------------


def test_a_clinician_sees_their_week_with_patient_names_and_each_is_audited(client, s):
    group(s, s.local(WEEK, 18))
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    factories.login(client, s.therapist)
    page = client.get(_week_url("calendars:clinician_week"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Alicia Zephyrine" in body
    assert "Bartholomew" not in body
    assert s.cohort.name not in body  # the facilitator's group, not the therapist's
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED")
    assert [e.patient_id for e in listed] == [s.alice.pk]


def test_a_director_sees_a_clinician_of_their_program(client, s):
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    factories.login(client, s.director)
    page = client.get(_week_url("calendars:clinician_week", clinician=s.therapist.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert s.therapist.display_name in body
    assert "Alicia Zephyrine" in body
    assert "Calendar feed" not in body  # only one's own feed is managed here


def test_a_therapist_cannot_see_a_colleagues_week(client, s):
    factories.login(client, s.therapist)
    url = _week_url("calendars:clinician_week", clinician=s.facilitator.pk)
    assert client.get(url).status_code == 404


def test_another_programs_director_gets_404_for_a_clinician_and_it_is_audited(client, s):
    other = make_scenario("Other IOP")
    factories.login(client, other.director)
    for clinician_id in (s.therapist.pk, s.therapist.pk + 1000):
        url = _week_url("calendars:clinician_week", clinician=clinician_id)
        assert client.get(url).status_code == 404
    denied = AuditEvent.objects.filter(action="CLINICIAN_SCHEDULE_VIEWED", outcome="denied")
    assert denied.count() == 2


def test_the_clinician_week_runs_a_fixed_number_of_queries(client, s, django_assert_num_queries):
    appointment(s, s.alice_ep, s.local(WEEK, 14))
    factories.login(client, s.therapist)
    url = _week_url("calendars:clinician_week")
    client.get(url)
    with django_assert_num_queries(CLINICIAN_WEEK_QUERIES):
        assert client.get(url).status_code == 200
    _fill_week(s)
    with django_assert_num_queries(CLINICIAN_WEEK_QUERIES):
        assert client.get(url).status_code == 200


# --- Patient week ------------------------------------------------------------------------


def test_the_patients_week_from_the_chart_is_audited_like_a_chart_read(client, s):
    group(s, s.local(WEEK, 18))
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    appointment(s, s.bob_ep, s.local(WEEK, 11))
    factories.login(client, s.facilitator)
    page = client.get(_patient_week(s.alice.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Individual therapy" in body
    assert f"Group therapy: {s.cohort.name}" in body
    assert "11:00–12:00" not in body  # Bob's appointment
    assert "Quillfeather" not in body
    event = AuditEvent.objects.get(action="PATIENT_SCHEDULE_VIEWED")
    assert (event.patient_id, event.category, event.outcome) == (s.alice.pk, "episode", "success")


def test_another_programs_clinician_gets_404_on_the_patients_week(client, s):
    other = make_scenario("Other IOP")
    factories.login(client, other.therapist)
    assert client.get(_patient_week(s.alice.pk)).status_code == 404
    denied = AuditEvent.objects.get(action="PATIENT_SCHEDULE_VIEWED")
    assert (denied.outcome, denied.patient_id) == ("denied", None)


def test_the_patient_week_runs_a_fixed_number_of_queries(client, s, django_assert_num_queries):
    appointment(s, s.alice_ep, s.local(WEEK, 14))
    factories.login(client, s.therapist)
    url = _patient_week(s.alice.pk)
    client.get(url)
    with django_assert_num_queries(PATIENT_WEEK_QUERIES):
        assert client.get(url).status_code == 200
    _fill_week(s)
    with django_assert_num_queries(PATIENT_WEEK_QUERIES):
        assert client.get(url).status_code == 200


# --- Feed buttons ------------------------------------------------------------------------


def _shown_token(body: str) -> str:
    match = re.search(r"/calendar/feed/([A-Za-z0-9_-]{43})\.ics", body)
    assert match is not None
    return match.group(1)


def test_staff_create_a_patients_feed_from_the_chart_and_see_the_url_once(client, s):
    group(s, s.local(WEEK, 18))
    factories.login(client, s.therapist)
    create = reverse(
        "calendars:patient_feed_create",
        kwargs={"patient_id": s.alice.pk, "episode_id": s.alice_ep.pk},
    )
    shown = client.post(create)
    assert shown.status_code == 200
    token = _shown_token(shown.content.decode())
    assert "webcal://" in shown.content.decode()
    # the week page tells that a feed is on, never its URL again
    week = client.get(_patient_week(s.alice.pk)).content.decode()
    assert "On since" in week
    assert token not in week
    client.logout()
    with at(s.local(WEEK, 7)):
        feed = client.get(reverse("calendars:feed", kwargs={"token": token}))
    assert feed.status_code == 200
    assert b"BEGIN:VEVENT" in feed.content
    assert CalendarFeed.objects.get().created_by == s.therapist


def test_turning_a_patients_feed_off_makes_its_url_a_404(client, s):
    factories.login(client, s.therapist)
    kwargs = {"patient_id": s.alice.pk, "episode_id": s.alice_ep.pk}
    token = _shown_token(
        client.post(reverse("calendars:patient_feed_create", kwargs=kwargs)).content.decode()
    )
    off = client.post(reverse("calendars:patient_feed_revoke", kwargs=kwargs))
    assert off.status_code == 302
    assert client.get(reverse("calendars:feed", kwargs={"token": token})).status_code == 404
    again = client.post(reverse("calendars:patient_feed_revoke", kwargs=kwargs), follow=True)
    assert "no calendar feed to turn off" in again.content.decode()


def test_another_programs_director_cannot_create_or_revoke_a_patients_feed(client, s):
    other = make_scenario("Other IOP")
    factories.login(client, other.director)
    kwargs = {"patient_id": s.alice.pk, "episode_id": s.alice_ep.pk}
    assert client.post(reverse("calendars:patient_feed_create", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("calendars:patient_feed_revoke", kwargs=kwargs)).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_clinician_creates_replaces_and_turns_off_their_own_feed(client, s):
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    factories.login(client, s.therapist)
    first = _shown_token(client.post(reverse("calendars:own_feed_create")).content.decode())
    page = client.get(_week_url("calendars:clinician_week")).content.decode()
    assert "Your feed is on" in page
    assert first not in page
    second = _shown_token(client.post(reverse("calendars:own_feed_create")).content.decode())
    feed_url = reverse("calendars:feed", kwargs={"token": second})
    assert client.get(reverse("calendars:feed", kwargs={"token": first})).status_code == 404
    phone = Client()
    with at(s.local(WEEK, 7)):
        body = phone.get(feed_url).content.decode()
    assert "Individual session" in body
    assert "Zephyrine" not in body
    assert client.post(reverse("calendars:own_feed_revoke")).status_code == 302
    assert client.get(feed_url).status_code == 404
    assert CalendarFeed.objects.filter(clinician=s.therapist, revoked_at=None).count() == 0


def test_feed_buttons_are_post_only(client, s):
    factories.login(client, s.therapist)
    assert client.get(reverse("calendars:own_feed_create")).status_code == 405
    kwargs = {"patient_id": s.alice.pk, "episode_id": s.alice_ep.pk}
    assert client.get(reverse("calendars:patient_feed_create", kwargs=kwargs)).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_a_role_without_the_schedule_cannot_reach_the_pages(client):
    auditor = factories.staff(org_role=OrgRole.AUDITOR)
    factories.login(client, auditor)
    assert client.get(reverse("calendars:program_week")).status_code == 403
    assert client.get(reverse("calendars:clinician_week")).status_code == 403
