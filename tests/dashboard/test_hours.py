"""The weekly hours page: hours attended and scheduled against the minimum (the program's or
the payer's) and the authorization, its flags, week navigation, access and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.audit.models import AuditEvent
from openiop.billing.services.payer_minimums import payer_minimum_set
from openiop.dashboard.hours import WeekState, weekly_hours_page
from openiop.dashboard.selectors import program_days
from openiop.programs.models import Program
from tests import factories
from tests.billing.scenarios import D
from tests.daily import NOON, TODAY, Day, attend, local, ordinary_day
from tests.dashboard.builders import insured_and_authorized
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
URL = reverse("dashboard:weekly_hours")


def _day(name: str = "Adult IOP", patients: int = 4) -> Day:
    with time_machine.travel(NOON, tick=False):
        return ordinary_day(name, patients=patients)


def _rows(user, week: dt.date | None = None):
    (program_week,) = weekly_hours_page(program_days(user), week)
    return program_week, {row.episode.pk: row for row in program_week.rows}


def _row_html(page: str, name: str) -> str:
    return page.split(name)[1].split("</tr>")[0]


def test_hours_against_the_program_and_the_payer_minimum(client: Client):
    # given: Prairie Health asks only 2 h a week; the first patient is insured with it
    day = _day()
    first, second, third, _ = day.episodes
    with time_machine.travel(NOON, tick=False):
        payer_minimum_set(
            actor=SYSTEM,
            program=day.program,
            payer_name="Prairie Health",
            min_weekly_hours=D("2"),
            source="Prairie Health BH policy 4.2",
        )
        insured_and_authorized(
            first, day.tiny.director, units=10, starts=TODAY - 2 * DAY, ends=TODAY + 16 * DAY
        )
    # when: at 14:45 the group is over: first present (90 min), second late (45), third absent
    with time_machine.travel(local(14, 45), tick=False):
        attend(day, first, "present")
        attend(day, second, "late", minutes=45)
        attend(day, third, "absent_unexcused")
        week, rows = _rows(day.tiny.therapist)
        factories.login(client, day.tiny.therapist)
        page = client.get(URL).content.decode()
    # then
    assert (week.monday, week.state) == (dt.date(2026, 3, 2), WeekState.CURRENT)
    mine = rows[first.pk]
    # group 90 + individual 50 scheduled; the individual at 15:00 is still open
    assert (mine.hours.attended_minutes, mine.hours.scheduled_minutes) == (90, 140)
    assert mine.open_minutes == 50
    assert (mine.minimum.hours, mine.minimum.payer_name) == (D("2"), "Prairie Health")
    assert not mine.below_minimum  # 90 + 50 open ≥ 120
    assert not mine.scheduled_below_minimum
    status = mine.authorization.status
    assert (status.units_used, status.units_remaining) == (1, 9)  # today is a service day
    assert not mine.authorization_attention
    late = rows[second.pk]
    assert (late.hours.attended_minutes, late.minimum.hours) == (45, D("9.0"))
    assert late.below_minimum
    assert late.scheduled_below_minimum
    assert late.authorization is None
    absent = rows[third.pk]
    assert (absent.hours.absent_sessions, absent.hours.unexcused_absences) == (1, 1)
    html = _row_html(page, first.patient.display_name)
    assert '<td class="num">1.5</td>' in html
    assert '<td class="num">2.3</td>' in html
    assert "Prairie Health" in html
    assert "1 of 10 units used, <strong>9 left</strong>" in html
    assert "Below minimum" not in html
    other = _row_html(page, second.patient.display_name)
    assert "Below minimum" in other
    assert "Scheduled below minimum" in other
    assert "(1 unexcused)" in _row_html(page, third.patient.display_name)


def test_an_authorization_ending_within_seven_days_is_flagged(client: Client):
    day = _day()
    first = day.episodes[0]
    with time_machine.travel(NOON, tick=False):
        insured_and_authorized(
            first, day.tiny.director, units=5, starts=TODAY - 2 * DAY, ends=TODAY + 4 * DAY
        )
        factories.login(client, day.tiny.director)
        page = client.get(URL).content.decode()
    html = _row_html(page, first.patient.display_name)
    assert "Authorization needs attention" in html
    assert "Approval ends on 2026-03-08." in html


def test_a_past_week_compares_what_was_attended(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        week, rows = _rows(day.tiny.therapist, dt.date(2026, 2, 25))  # a Wednesday
        factories.login(client, day.tiny.therapist)
        page = client.get(URL, {"week": "2026-02-25"}).content.decode()
    assert (week.monday, week.state) == (dt.date(2026, 2, 23), WeekState.PAST)
    assert all(r.below_minimum and r.hours.scheduled_minutes == 0 for r in rows.values())
    assert "Week of Mon 2026-02-23 to Sun 2026-03-01 (past week)" in page
    assert "week=2026-02-16" in page
    assert "week=2026-03-02" in page


def test_a_coming_week_flags_only_the_schedule():
    day = _day()
    with time_machine.travel(NOON, tick=False):
        week, rows = _rows(day.tiny.therapist, dt.date(2026, 3, 9))
    assert week.state is WeekState.FUTURE
    assert not any(r.below_minimum for r in rows.values())
    assert all(r.scheduled_below_minimum for r in rows.values())


def test_a_bad_week_parameter_shows_this_week(client: Client):
    day = _day()
    with time_machine.travel(NOON, tick=False):
        factories.login(client, day.tiny.therapist)
        response = client.get(URL, {"week": "2026-13-45"})
    assert response.status_code == 200
    assert "Week of Mon 2026-03-02" in response.content.decode()


def test_a_patient_discharged_before_the_week_is_not_listed_and_one_admitted_later_is_not():
    from openiop.patients import services as patient_services
    from openiop.patients.models import DischargeReason

    day = _day()
    with time_machine.travel(NOON, tick=False):
        patient_services.episode_discharge(
            actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET, on=TODAY
        )
        _, this_week = _rows(day.tiny.therapist)
        _, next_week = _rows(day.tiny.therapist, dt.date(2026, 3, 9))
        _, before = _rows(day.tiny.therapist, dt.date(2026, 2, 2))
    assert day.episodes[0].pk in this_week  # discharged during the week: still listed
    assert day.episodes[0].pk not in next_week
    assert before == {}  # admitted 2026-02-09


# --- access -------------------------------------------------------------------------------------


def test_another_programs_patients_never_appear(client: Client):
    mine = _day("Adult IOP")
    theirs = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        factories.login(client, mine.tiny.facilitator)
        page = client.get(URL).content.decode()
    assert all(e.patient.display_name in page for e in mine.episodes)
    assert all(e.patient.display_name not in page for e in theirs.episodes)


def test_another_programs_id_is_404_and_audited(client: Client):
    mine = _day("Adult IOP")
    theirs = _day("Other IOP")
    with time_machine.travel(NOON, tick=False):
        factories.login(client, mine.tiny.therapist)
        assert client.get(URL, {"program": str(theirs.program.pk)}).status_code == 404
        assert client.get(URL, {"program": "abc"}).status_code == 404
        assert client.get(URL, {"program": str(mine.program.pk)}).status_code == 200
    assert AuditEvent.objects.filter(action="WEEKLY_HOURS_VIEWED", outcome="denied").count() == 2


def test_one_program_of_several(client: Client):
    mine = _day("Adult IOP")
    second = _day("Second IOP")
    from openiop.accounts.roles import ProgramRole
    from openiop.accounts.services import membership_grant

    membership_grant(
        actor=SYSTEM,
        user=mine.tiny.director,
        program=second.program,
        role=ProgramRole.PROGRAM_DIRECTOR,
    )
    with time_machine.travel(NOON, tick=False):
        factories.login(client, mine.tiny.director)
        both = client.get(URL).content.decode()
        one = client.get(URL, {"program": str(second.program.pk)}).content.decode()
    assert "Adult IOP" in both
    assert "Second IOP" in both
    assert all(e.patient.display_name not in one for e in mine.episodes)
    assert all(e.patient.display_name in one for e in second.episodes)


def test_each_listed_patient_is_audited_with_part2(client: Client):
    day = _day()
    Program.objects.filter(pk=day.program.pk).update(is_part2=True)
    with time_machine.travel(NOON, tick=False):
        factories.login(client, day.tiny.therapist)
        client.get(URL)
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED", actor_id=day.tiny.therapist.pk)
    assert listed.count() == len(day.episodes)
    assert set(listed.values_list("patient_id", flat=True)) == {e.patient_id for e in day.episodes}
    assert all(listed.values_list("part2", flat=True))


def test_without_view_patients_the_page_is_forbidden(client: Client):
    from openiop.accounts.roles import OrgRole

    auditor = factories.staff(org_role=OrgRole.AUDITOR)
    with time_machine.travel(NOON, tick=False):
        factories.login(client, auditor)
        assert client.get(URL).status_code == 403


# --- queries ------------------------------------------------------------------------------------


def _busy(day: Day) -> None:
    with time_machine.travel(NOON, tick=False):
        payer_minimum_set(
            actor=SYSTEM,
            program=day.program,
            payer_name="Prairie Health",
            min_weekly_hours=D("6"),
            source="policy",
        )
        for episode in day.episodes:
            insured_and_authorized(
                episode, day.tiny.director, units=6, starts=TODAY - 2 * DAY, ends=TODAY + 5 * DAY
            )
    with time_machine.travel(local(14, 45), tick=False):
        for episode in day.episodes:
            attend(day, episode, "present")


def test_the_page_takes_the_same_number_of_queries_at_two_sizes(
    client: Client, django_assert_num_queries
):
    small = _day("Small IOP", patients=1)
    large = _day("Large IOP", patients=6)
    _busy(small)
    _busy(large)
    with time_machine.travel(local(14, 50), tick=False):
        factories.login(client, small.tiny.therapist)
        with CaptureQueriesContext(connection) as captured:
            client.get(URL)
        factories.login(client, large.tiny.therapist)
        with django_assert_num_queries(len(captured)):
            client.get(URL)
    # middleware (3), memberships, programs, episodes, weekly hours (2), minimums (2),
    # authorizations (2), open sessions, audit (2 + savepoints), session save
    assert len(captured) == 20 + int(connection.vendor == "postgresql")
