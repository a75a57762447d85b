"""The week selectors: which sessions each calendar holds, and where they land in local
time."""

from __future__ import annotations

import datetime as dt

import pytest

from openiop.calendars import selectors
from openiop.calendars.access import ClinicianScope
from openiop.calendars.grid import Week
from openiop.programs import services as program_services
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services.sessions import session_cancel
from tests.calendars.scenarios import ALICE, BOB, DST_WEEK, WEEK, Scenario, appointment, group
from tests.calendars.scenarios import scenario as make_scenario
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Scenario:
    return make_scenario()


def _cells(week_rows, lanes):
    """(hour, lane key) → [(title, continues)] of a day's rows."""
    return {
        (row.hour, lane.key): [(slot.placed.item.title, slot.continues) for slot in cell]
        for row in week_rows
        for lane, cell in zip(lanes, row.cells, strict=True)
    }


def test_the_program_week_puts_groups_in_their_room_and_appointments_in_the_office_lane(s):
    # given an evening group on Monday (after midnight UTC) and an individual on Tuesday
    g = group(s, s.local(WEEK, 18))
    appointment(s, s.alice_ep, s.local(WEEK + dt.timedelta(days=1), 10), room=s.office)
    # when
    data = selectors.program_week(s.ps.program, Week(WEEK, s.zone))
    # then
    assert g.starts_at.date() == WEEK + dt.timedelta(days=1)  # Tuesday in UTC
    # the office where the individual session is held is no group room
    assert [lane.label for lane in data.lanes] == ["Maple Room", "Office sessions"]
    monday, tuesday = data.days[0], data.days[1]
    assert (monday.count, tuesday.count) == (1, 1)
    room_lane = f"room-{s.group_room.pk}"
    cells = _cells(monday.rows, data.lanes)
    assert cells[(18, room_lane)] == [(s.cohort.name, False)]
    assert cells[(20, room_lane)] == [(s.cohort.name, True)]
    assert max(hour for hour, _ in cells) == 20  # the grid ends with the group
    assert _cells(tuesday.rows, data.lanes)[(10, "office")] == [("Individual therapy", False)]
    entry = monday.rows[18 - monday.rows[0].hour].cells[0][0].placed.item
    assert entry.people == s.facilitator.display_name
    assert entry.patients == ()


def test_a_cohorts_usual_room_is_a_lane_even_in_an_empty_week(s):
    birch = program_services.room_create(site=s.ps.program.site, name="Birch Room", capacity=10)
    program_services.cohort_create(
        track=s.ps.track, name="Birch Group", started_on=WEEK, min_size=0, room=birch
    )
    data = selectors.program_week(s.ps.program, Week(WEEK, s.zone))
    assert [lane.label for lane in data.lanes] == ["Birch Room", "Office sessions"]
    assert all(cell == () for day in data.days for row in day.rows for cell in row.cells)


def test_the_program_week_shows_no_patient_anywhere(s):
    group(s, s.local(WEEK, 18))
    appointment(s, s.bob_ep, s.local(WEEK, 10))
    data = selectors.program_week(s.ps.program, Week(WEEK, s.zone))
    texts = [
        f"{slot.placed.item.title} {slot.placed.item.people} {slot.placed.item.where}"
        for day in data.days
        for row in day.rows
        for cell in row.cells
        for slot in cell
    ]
    assert texts
    for name in (*ALICE, *BOB):
        assert not any(name in text for text in texts)


def test_a_dst_week_keeps_the_evening_group_at_18_every_day(s):
    # given the group at 18:00 local on Monday (CST) and on Sunday after the clocks moved (CDT)
    monday = group(s, s.local(DST_WEEK, 18))
    sunday = group(s, s.local(DST_WEEK + dt.timedelta(days=6), 18))
    assert (monday.starts_at.hour, sunday.starts_at.hour) == (0, 23)
    # when
    data = selectors.program_week(s.ps.program, Week(DST_WEEK, s.zone))
    # then
    room_lane = f"room-{s.group_room.pk}"
    for day in (data.days[0], data.days[6]):
        assert _cells(day.rows, data.lanes)[(18, room_lane)] == [(s.cohort.name, False)]
    assert [d.count for d in data.days] == [1, 0, 0, 0, 0, 0, 1]


def test_other_weeks_and_other_programs_stay_out(s):
    other = make_scenario("Other IOP")
    group(s, s.local(WEEK - dt.timedelta(days=1), 18))  # the Sunday before
    group(s, s.local(WEEK + dt.timedelta(days=7), 18))  # the Monday after
    group(other, other.local(WEEK, 18))
    data = selectors.program_week(s.ps.program, Week(WEEK, s.zone))
    assert sum(d.count for d in data.days) == 0


def _scope(s, clinician, program_ids=None):
    ids = frozenset(program_ids or {s.ps.program.pk})
    return ClinicianScope(clinician=clinician, program_ids=ids, zone=s.zone, is_self=True)


def test_a_clinicians_week_names_office_patients_but_only_counts_a_group(s):
    g = group(s, s.local(WEEK, 18))
    appointment(s, s.alice_ep, s.local(WEEK, 10), clinician=s.facilitator)
    appointment(s, s.bob_ep, s.local(WEEK, 11))  # the therapist's, not the facilitator's
    data = selectors.clinician_week(
        _scope(s, s.facilitator), Week(WEEK, s.zone), viewer=s.facilitator
    )
    assert [(p.item.session.kind, p.item.people) for p in data.agenda] == [
        (SessionKind.INDIVIDUAL, "Alicia Zephyrine"),
        (SessionKind.GROUP, "2 expected"),
    ]
    assert data.agenda[1].item.session == g
    assert data.agenda[1].item.title == f"Group therapy: {s.cohort.name}"
    assert data.listed == [s.alice]
    assert data.part2_ids == set()


def test_a_clinicians_week_names_no_patient_to_a_viewer_outside_the_program(s):
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    outsider = make_scenario("Other IOP").director
    data = selectors.clinician_week(_scope(s, s.therapist), Week(WEEK, s.zone), viewer=outsider)
    assert [p.item.people for p in data.agenda] == [""]
    assert data.listed == []


def test_a_clinicians_week_keeps_to_the_scopes_programs(s):
    appointment(s, s.alice_ep, s.local(WEEK, 10))
    scope = _scope(s, s.therapist, program_ids={s.ps.program.pk + 10_000})
    data = selectors.clinician_week(scope, Week(WEEK, s.zone), viewer=s.therapist)
    assert data.agenda == []


def test_a_patients_week_holds_only_their_sessions_and_never_other_patients(s):
    group(s, s.local(WEEK, 18))
    mine = appointment(s, s.alice_ep, s.local(WEEK, 10))
    appointment(s, s.bob_ep, s.local(WEEK, 11))
    group(s, s.local(WEEK + dt.timedelta(days=1), 18), episodes=[s.bob_ep])
    data = selectors.patient_week([s.alice_ep], Week(WEEK, s.zone))
    assert [p.item.session.kind for p in data.agenda] == [SessionKind.INDIVIDUAL, SessionKind.GROUP]
    assert data.agenda[0].item.session == mine
    assert data.agenda[0].item.people == s.therapist.display_name
    assert all(p.item.patients == () for p in data.agenda)
    assert data.listed == []
    row = {r.hour: r for r in data.rows}
    assert [slot.placed.item.title for slot in row[18].cells[0]] == [
        f"Group therapy: {s.cohort.name}"
    ]


def test_a_cancelled_session_stays_on_the_week_marked(s):
    session = appointment(s, s.alice_ep, s.local(WEEK, 10))
    session_cancel(actor=SYSTEM, session=session)
    data = selectors.patient_week([s.alice_ep], Week(WEEK, s.zone))
    assert [p.item.cancelled for p in data.agenda] == [True]


def test_feed_sessions_of_a_patient_and_of_a_clinician(s):
    now = s.local(WEEK, 8)
    g = group(s, s.local(WEEK, 18))
    alices = appointment(s, s.alice_ep, s.local(WEEK, 10))
    bobs = appointment(s, s.bob_ep, s.local(WEEK, 11), clinician=s.director)
    far = appointment(s, s.alice_ep, now + selectors.FEED_AHEAD + dt.timedelta(hours=1))
    from openiop.calendars.services import feed_create

    alice_feed, _ = feed_create(actor=SYSTEM, created_by=s.therapist, episode=s.alice_ep)
    therapist_feed, _ = feed_create(actor=SYSTEM, created_by=s.therapist, clinician=s.therapist)
    assert selectors.feed_sessions(alice_feed, now=now) == [alices, g]
    assert selectors.feed_sessions(therapist_feed, now=now) == [alices]
    assert far not in selectors.feed_sessions(alice_feed, now=now)
    assert bobs not in selectors.feed_sessions(alice_feed, now=now)
