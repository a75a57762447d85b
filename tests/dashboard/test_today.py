"""The today page by role: the facilitator's groups with rosters, the therapist's caseload and
sessions, the director's attendance rate and flags; every named patient audited; a fixed
number of queries at any size."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.billing.services.payer_minimums import payer_minimum_set
from tests import factories
from tests.billing.scenarios import DAY, D
from tests.daily import NOON, TODAY, Day, attend, local, ordinary_day
from tests.dashboard.builders import (
    active_plan,
    insured_and_authorized,
    medication_started,
    raise_alert,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
TODAY_URL = reverse("dashboard:today")


def _page(client: Client, user) -> str:
    factories.login(client, user)
    response = client.get(TODAY_URL)
    assert response.status_code == 200
    return response.content.decode()


def _day(name: str = "Adult IOP", patients: int = 4) -> Day:
    with time_machine.travel(NOON, tick=False):
        return ordinary_day(name, patients=patients)


# --- facilitator --------------------------------------------------------------------------------


def test_the_facilitator_sees_their_group_with_its_roster_and_attendance_so_far(client: Client):
    # given: the group has started; two checked in, one absent, one not yet
    day = _day()
    first, second, third, _fourth = day.episodes
    with time_machine.travel(local(13, 20), tick=False):
        attend(day, first, "present")
        attend(day, second, "late", minutes=70)
        attend(day, third, "absent_excused")
        # when
        page = _page(client, day.tiny.facilitator)
    # then
    assert "Your groups today" in page
    assert day.tiny.cohort.name in page
    assert "13:00–14:30" in page
    assert day.tiny.room.name in page
    assert "3 of 4 checked in" in page
    assert "Late (70 min)" in page
    assert "Absent (excused)" in page
    assert "Not checked in" in page
    for episode in day.episodes:
        assert episode.patient.display_name in page
    assert "Your caseload" not in page
    assert "Programs you run" not in page
    assert reverse("attendance:roster", kwargs={"session_id": day.group.pk}) in page
    assert reverse("clinical_notes:group_start", kwargs={"session_id": day.group.pk}) in page


def test_once_the_group_note_is_started_the_page_links_to_it(client: Client):
    from openiop.clinical_notes.services.starting import group_note_start

    day = _day()
    with time_machine.travel(local(14, 40), tick=False):
        attend(day, day.episodes[0], "present")
        note = group_note_start(actor=SYSTEM, session=day.group, author=day.tiny.facilitator)
        page = _page(client, day.tiny.facilitator)
    assert reverse("clinical_notes:note", kwargs={"note_id": note.pk}) in page
    assert "Group note (draft)" in page


def test_the_facilitator_sees_only_their_own_groups(client: Client):
    mine = _day("Adult IOP")
    theirs = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        page = _page(client, mine.tiny.facilitator)
        other = _page(client, theirs.tiny.facilitator)
    assert mine.tiny.cohort.name in page
    assert theirs.tiny.cohort.name not in page
    assert all(e.patient.display_name not in page for e in theirs.episodes)
    assert all(e.patient.display_name not in other for e in mine.episodes)


def test_a_medication_change_shows_as_a_watch_badge_on_the_roster(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        medication_started(day, day.episodes[1])
        page = _page(client, day.tiny.facilitator)
    assert page.count("Medication change: Sertraline") == 1
    row = page.split(day.episodes[1].patient.display_name)[1].split("</tr>")[0]
    assert "Medication change: Sertraline (started), watch until" in row


def test_a_clinician_without_a_group_today_sees_no_group_section(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        page = _page(client, day.tiny.prescriber)
    assert "Your groups today" not in page
    assert "Your sessions today" not in page


# --- therapist ----------------------------------------------------------------------------------


def test_the_therapist_sees_their_caseload_with_hours_plan_review_and_alerts(client: Client):
    # given: a payer minimum for nobody; a plan activated on admission; an open alert
    day = _day()
    first = day.episodes[0]
    with time_machine.travel(NOON, tick=False):
        active_plan(first, day.tiny.therapist)
        raise_alert(day.episodes[1])
    with time_machine.travel(local(14, 45), tick=False):
        attend(day, first, "present")
        page = _page(client, day.tiny.therapist)
    # then: four rows; the first has 1.5 of 9 h, review due 30 days after admission
    assert "Your caseload" in page
    caseload = page.split('id="caseload-heading"')[1].split("</section>")[0]
    for episode in day.episodes:
        assert episode.patient.display_name in caseload
    first_row = caseload.split(first.patient.display_name)[1].split("</tr>")[0]
    assert "1.5 of 9.0 h" in first_row
    assert "2026-03-11" in first_row  # admitted 2026-02-09 + 30 days
    assert "due soon" in first_row
    second_row = caseload.split(day.episodes[1].patient.display_name)[1].split("</tr>")[0]
    assert "No active plan" in second_row
    assert 'class="badge badge--flag"' in second_row  # one open alert
    assert "Week" in caseload
    assert '<td class="num">4</td>' in first_row  # admitted 2026-02-09: week 4 on 2026-03-04


def test_the_therapists_sessions_today_list_the_individual_with_its_status(client: Client):
    day = _day()
    with time_machine.travel(local(15, 10), tick=False):
        page = _page(client, day.tiny.therapist)
    sessions = page.split('id="sessions-heading"')[1].split("</section>")[0]
    assert "15:00–15:50" in sessions
    assert "Individual therapy" in sessions
    assert day.episodes[0].patient.display_name in sessions
    assert "In progress" in sessions
    start = reverse(
        "clinical_notes:session_start",
        kwargs={"session_id": day.individual.pk, "kind": "individual_dap"},
    )
    assert start in sessions
    assert "Group therapy" not in sessions  # the facilitator's group is not theirs


def test_the_caseload_uses_the_payer_minimum_of_the_primary_coverage(client: Client):
    from openiop.billing.services import coverage_add
    from tests.billing.scenarios import BENEFITS, details

    day = _day()
    first = day.episodes[0]
    with time_machine.travel(NOON, tick=False):
        payer_minimum_set(
            actor=SYSTEM,
            program=day.program,
            payer_name="Prairie Health",
            min_weekly_hours=D("12"),
            source="PH BH policy 12",
        )
        coverage_add(actor=SYSTEM, episode=first, details=details(), benefits=BENEFITS)
        page = _page(client, day.tiny.therapist)
    caseload = page.split('id="caseload-heading"')[1]
    row = caseload.split(first.patient.display_name)[1].split("</tr>")[0]
    assert "0 of 12.0 h" in row
    assert "Prairie Health" in row


def test_another_programs_patients_never_appear_in_the_caseload(client: Client):
    mine = _day("Adult IOP")
    theirs = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        page = _page(client, mine.tiny.therapist)
    assert all(e.patient.display_name not in page for e in theirs.episodes)


def test_a_therapist_with_no_caseload_is_told_so(client: Client):
    day = _day()
    newcomer = factories.staff(ProgramRole.THERAPIST, day.program)
    with time_machine.travel(NOON, tick=False):
        page = _page(client, newcomer)
    assert "No admitted patient has you as their primary therapist." in page


# --- director -----------------------------------------------------------------------------------


def test_the_director_sees_todays_attendance_rate_and_the_flags(client: Client):
    # given: at 14:00 the group has started (the individual at 15:00 has not);
    # 2 present, 1 late, 1 absent
    day = _day()
    first, second, third, fourth = day.episodes
    with time_machine.travel(NOON, tick=False):
        raise_alert(first)
    with time_machine.travel(local(14), tick=False):
        attend(day, first, "present")
        attend(day, second, "present")
        attend(day, third, "late", minutes=30)
        attend(day, fourth, "absent_unexcused")
        page = _page(client, day.tiny.director)
    section = page.split('id="director-heading"')[1].split("</section>")[0]
    assert "75 %" in section
    assert "3 of 4 attended; 4 of 4 recorded" in section
    alerts = section.split("Open safety alerts")[1].split("</tr>")[0]
    assert 'badge--flag">1<' in alerts
    assert reverse("dashboard:flag", kwargs={"flag": "safety-alerts"}) in section
    assert reverse("billing:authorization_alerts") in section
    for label in (
        "Open attendance reviews",
        "Notes unsigned for more than 2 days",
        "Treatment plans overdue for review",
        "Authorizations needing attention within 7 days",
    ):
        assert label in section


def test_the_rate_counts_only_sessions_that_have_started(client: Client):
    day = _day()
    with time_machine.travel(local(12, 30), tick=False):
        page = _page(client, day.tiny.director)
    assert "No session has started yet" in page


def test_a_director_sees_nothing_of_another_program(client: Client):
    mine = _day("Adult IOP")
    theirs = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        raise_alert(theirs.episodes[0])
        page = _page(client, mine.tiny.director)
    assert "Other IOP" not in page
    assert theirs.episodes[0].patient.display_name not in page


# --- audit --------------------------------------------------------------------------------------


def test_each_named_patient_is_audited_as_listed_once(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        raise_alert(day.episodes[0])
        factories.login(client, day.tiny.therapist)
        before = AuditEvent.objects.filter(action="PATIENT_LISTED").count()
        client.get(TODAY_URL)
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED").order_by("seq")[before:]
    assert len(listed) == len(day.episodes)
    assert {e.patient_id for e in listed} == {e.patient_id for e in day.episodes}
    assert {e.actor_id for e in listed} == {day.tiny.therapist.pk}


def test_a_part2_program_marks_the_listing_part2(client: Client):
    from openiop.programs.models import Program

    day = _day()
    Program.objects.filter(pk=day.program.pk).update(is_part2=True)
    with time_machine.travel(NOON, tick=False):
        _page(client, day.tiny.facilitator)
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED", actor_id=day.tiny.facilitator.pk)
    assert listed.count() == 4
    assert all(e.part2 for e in listed)


# --- fixed number of queries --------------------------------------------------------------------


def _busy(day: Day) -> None:
    """Everything the page can show for ``day``: attendance, an alert, a plan, a watch."""
    with time_machine.travel(NOON, tick=False):
        for episode in day.episodes:
            active_plan(episode, day.tiny.therapist)
        raise_alert(day.episodes[0])
        medication_started(day, day.episodes[-1])
        for episode in day.episodes:
            insured_and_authorized(
                episode, day.tiny.director, units=6, starts=TODAY - 7 * DAY, ends=TODAY + 5 * DAY
            )
    with time_machine.travel(local(14), tick=False):
        for episode in day.episodes:
            attend(day, episode, "present")


def _queries(client: Client, user) -> int:
    factories.login(client, user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TODAY_URL).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["facilitator", "therapist", "director"])
def test_the_page_takes_the_same_number_of_queries_at_two_sizes(
    client: Client, django_assert_num_queries, role
):
    small = _day("Small IOP", patients=2)
    large = _day("Large IOP", patients=7)
    _busy(small)
    _busy(large)
    with time_machine.travel(local(14, 10), tick=False):
        expected = _queries(client, getattr(small.tiny, role))
        factories.login(client, getattr(large.tiny, role))
        with django_assert_num_queries(expected):
            client.get(TODAY_URL)
    # the director's sections name no patient, so nothing is audited and nothing locked
    assert expected == EXPECTED_QUERIES[role] + (LOCK if role != "director" else 0)


LOCK = int(connection.vendor == "postgresql")
# Middleware (session, user, OTP device: 3), memberships, programs, the user's alerts, then
# each section's reads, the census (3), the audit of the names (2 + savepoints) and the
# session save. Postgres adds the audit chain's advisory lock.
EXPECTED_QUERIES = {"facilitator": 22, "therapist": 28, "director": 24}
