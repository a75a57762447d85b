"""Placing sessions on a local-time week grid: weeks, days and hours across UTC midnight and
daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.calendars.grid import Week, hour_rows, place, place_all, rows

CHICAGO = ZoneInfo("America/Chicago")
UTC = dt.UTC


@dataclass(frozen=True)
class Item:
    starts_at: dt.datetime
    ends_at: dt.datetime


def local(y: int, m: int, d: int, h: int, minute: int = 0, zone: ZoneInfo = CHICAGO) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=zone).astimezone(UTC)


def item(start: dt.datetime, hours: float = 1) -> Item:
    return Item(start, start + dt.timedelta(hours=hours))


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 8), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 4), dt.date(2026, 3, 2)),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 29)),
    ],
)
def test_any_day_belongs_to_the_week_of_its_monday(day, monday):
    assert Week.containing(day, CHICAGO).monday == monday


@pytest.mark.parametrize(
    ("monday", "hours"),
    [
        (dt.date(2026, 2, 23), 168),  # an ordinary week
        (dt.date(2026, 3, 2), 167),  # clocks spring forward on Sunday 8 March
        (dt.date(2026, 10, 26), 169),  # clocks fall back on Sunday 1 November
    ],
)
def test_a_week_runs_from_local_midnight_to_local_midnight(monday, hours):
    week = Week(monday, CHICAGO)
    assert week.starts_at == local(monday.year, monday.month, monday.day, 0)
    assert week.ends_at - week.starts_at == dt.timedelta(hours=hours)
    assert week.starts_at.tzinfo == UTC
    assert (week.previous, week.following) == (
        monday - dt.timedelta(days=7),
        monday + dt.timedelta(days=7),
    )


def test_an_evening_group_after_utc_midnight_stays_on_its_local_day():
    # given Monday 18:00–21:00 in Chicago, which is Tuesday 00:00–03:00 UTC
    group = item(local(2026, 2, 23, 18), hours=3)
    assert group.starts_at.date() == dt.date(2026, 2, 24)
    # when
    placed = place(group, CHICAGO)
    # then
    assert placed.day == dt.date(2026, 2, 23)
    assert (placed.starts, placed.ends) == (dt.time(18), dt.time(21))
    assert (placed.first_hour, placed.last_hour) == (18, 20)


def test_the_same_local_hour_lands_in_the_same_row_on_both_sides_of_a_dst_change():
    week = Week(dt.date(2026, 3, 2), CHICAGO)
    before = item(local(2026, 3, 2, 18))  # 00:00 UTC on Tuesday (CST, UTC-6)
    after = item(local(2026, 3, 8, 18))  # 23:00 UTC on Sunday (CDT, UTC-5)
    assert (before.starts_at.hour, after.starts_at.hour) == (0, 23)
    placed = place_all([after, before], week)
    assert [(p.day, p.first_hour) for p in placed] == [
        (dt.date(2026, 3, 2), 18),
        (dt.date(2026, 3, 8), 18),
    ]


@pytest.mark.parametrize(
    ("start", "end", "rows_"),
    [
        ((9, 0), (10, 0), (9, 9)),
        ((9, 30), (10, 30), (9, 10)),
        ((9, 0), (9, 45), (9, 9)),
        ((14, 0), (17, 0), (14, 16)),
    ],
)
def test_an_item_occupies_the_hours_it_touches(start, end, rows_):
    begin = local(2026, 2, 24, *start)
    finish = local(2026, 2, 24, *end)
    placed = place(Item(begin, finish), CHICAGO)
    assert (placed.first_hour, placed.last_hour) == rows_


def test_an_item_past_local_midnight_is_cut_at_the_end_of_its_day():
    placed = place(item(local(2026, 2, 24, 23), hours=2), CHICAGO)
    assert (placed.day, placed.first_hour, placed.last_hour) == (dt.date(2026, 2, 24), 23, 23)


def test_only_items_starting_in_the_week_are_placed_in_start_order():
    week = Week(dt.date(2026, 2, 23), CHICAGO)
    sunday_night = item(local(2026, 3, 1, 20))
    next_monday = item(local(2026, 3, 2, 0))
    last_sunday = item(local(2026, 2, 22, 23))
    monday = item(local(2026, 2, 23, 9))
    placed = place_all([sunday_night, next_monday, last_sunday, monday], week)
    assert [p.item for p in placed] == [monday, sunday_night]


def test_hour_rows_cover_a_working_day_and_widen_to_fit():
    assert hour_rows([]) == range(8, 18)
    early = place(item(local(2026, 2, 24, 6, 30)), CHICAGO)
    late = place(item(local(2026, 2, 24, 19), hours=2), CHICAGO)
    assert hour_rows([early, late]) == range(6, 21)


def test_rows_list_each_item_in_its_column_and_mark_continuations():
    week = Week(dt.date(2026, 2, 23), CHICAGO)
    group = item(local(2026, 2, 23, 18), hours=3)
    office = item(local(2026, 2, 24, 19))
    placed = place_all([group, office], week)
    grid = rows(placed, hours=range(17, 21), columns=week.days, column_of=lambda p: p.day)
    cells = {(row.hour, c): row.cells[c] for row in grid for c in range(7)}
    assert [row.label for row in grid] == ["17:00", "18:00", "19:00", "20:00"]
    assert cells[(17, 0)] == ()
    assert [(s.placed.item, s.continues) for s in cells[(18, 0)]] == [(group, False)]
    assert [(s.placed.item, s.continues) for s in cells[(20, 0)]] == [(group, True)]
    assert [s.placed.item for s in cells[(19, 1)]] == [office]
    assert sum(len(cell) for cell in cells.values()) == 4


def test_rows_leave_out_items_of_unknown_columns():
    placed = [place(item(local(2026, 2, 23, 9)), CHICAGO)]
    grid = rows(placed, hours=range(8, 10), columns=["room-1"], column_of=lambda p: "office")
    assert all(cell == () for row in grid for cell in row.cells)


ZONES = st.sampled_from(
    [ZoneInfo(z) for z in ("America/Chicago", "America/Los_Angeles", "Europe/Berlin", "UTC")]
)
# Hypothesis takes naive bounds and attaches the zone itself.
INSTANTS = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(start=INSTANTS, minutes=st.integers(min_value=15, max_value=240), zone=ZONES)
def test_placement_matches_the_local_wall_clock(start, minutes, zone):
    thing = Item(start, start + dt.timedelta(minutes=minutes))
    placed = place(thing, zone)
    wall = start.astimezone(zone)
    assert placed.day == wall.date()
    assert placed.starts == wall.time().replace(tzinfo=None)
    assert placed.first_hour == wall.hour <= placed.last_hour <= 23
    week = Week.containing(placed.day, zone)
    assert week.starts_at <= start < week.ends_at
    grid = rows([placed], hours=range(24), columns=[placed.day], column_of=lambda p: p.day)
    slots = [slot for row in grid for slot in row.cells[0]]
    assert len(slots) == placed.last_hour - placed.first_hour + 1
    assert [s.continues for s in slots].count(False) == 1
