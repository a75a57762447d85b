"""Placing timed items on a week grid in local time.

Sessions are stored in UTC; a calendar shows them in a program's time zone. An evening group
at 18:00 in Chicago starts at 00:00 UTC the next day, and a week that contains a
daylight-saving change is 167 or 169 hours long, so every day and hour here is computed
from the local wall-clock time, never by adding hours to a UTC instant. No database access:
the selectors hand in what they loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

# Hours every grid shows even when the week is empty, so weeks are comparable at a glance.
DEFAULT_FIRST_HOUR = 8
DEFAULT_END_HOUR = 18


class Timed(Protocol):
    @property
    def starts_at(self) -> dt.datetime: ...

    @property
    def ends_at(self) -> dt.datetime: ...


@dataclass(frozen=True, slots=True)
class Week:
    """Monday 00:00 to the next Monday 00:00, local time in ``zone``."""

    monday: dt.date
    zone: ZoneInfo

    @classmethod
    def containing(cls, day: dt.date, zone: ZoneInfo) -> Week:
        return cls(monday=day - dt.timedelta(days=day.weekday()), zone=zone)

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.monday + dt.timedelta(days=n) for n in range(7))

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def starts_at(self) -> dt.datetime:
        """The first instant of the week, in UTC."""
        return _local_midnight(self.monday, self.zone)

    @property
    def ends_at(self) -> dt.datetime:
        """The first instant after the week, in UTC."""
        return _local_midnight(self.monday + dt.timedelta(days=7), self.zone)

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def following(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Placed[T: Timed]:
    """An item with its local day and times. ``first_hour`` and ``last_hour`` are the rows
    it occupies (18:00–21:00 occupies 18, 19 and 20). An item that runs past local midnight
    is cut at the end of its first day."""

    item: T
    day: dt.date
    starts: dt.time
    ends: dt.time
    first_hour: int
    last_hour: int


def place[T: Timed](item: T, zone: ZoneInfo) -> Placed[T]:
    """Where ``item`` falls in local time in ``zone``."""
    start = item.starts_at.astimezone(zone)
    end = item.ends_at.astimezone(zone)
    if end.date() > start.date():
        last = 23
    else:
        last = end.hour - 1 if (end.minute, end.second, end.microsecond) == (0, 0, 0) else end.hour
    return Placed(
        item=item,
        day=start.date(),
        starts=start.time().replace(tzinfo=None),
        ends=end.time().replace(tzinfo=None),
        first_hour=start.hour,
        last_hour=max(start.hour, last),
    )


def place_all[T: Timed](items: Sequence[T], week: Week) -> list[Placed[T]]:
    """The items that start in ``week``, placed and ordered by start."""
    placed = [place(item, week.zone) for item in items]
    inside = [p for p in placed if week.monday <= p.day <= week.sunday]
    return sorted(inside, key=lambda p: (p.day, p.starts, p.ends))


def hour_rows(placed: Sequence[Placed[Timed]]) -> range:
    """The hour rows a grid needs: the default working day, widened to fit every item."""
    first = min([DEFAULT_FIRST_HOUR, *(p.first_hour for p in placed)])
    end = max([DEFAULT_END_HOUR, *(p.last_hour + 1 for p in placed)])
    return range(first, end)


@dataclass(frozen=True, slots=True)
class Slot[T: Timed]:
    """An item in one cell. ``continues`` marks the rows after its first."""

    placed: Placed[T]
    continues: bool


@dataclass(frozen=True, slots=True)
class Row[T: Timed]:
    hour: int
    cells: tuple[tuple[Slot[T], ...], ...]

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


def rows[T: Timed, K: Hashable](
    placed: Sequence[Placed[T]],
    *,
    hours: range,
    columns: Sequence[K],
    column_of: Callable[[Placed[T]], K],
) -> list[Row[T]]:
    """A rows × columns grid: each cell lists the items of that column occupying that hour,
    in start order. Items of a column not in ``columns`` are left out."""
    index = {key: n for n, key in enumerate(columns)}
    cells: dict[tuple[int, int], list[Slot[T]]] = {}
    for p in placed:
        column = index.get(column_of(p))
        if column is None:
            continue
        for hour in range(p.first_hour, p.last_hour + 1):
            cells.setdefault((hour, column), []).append(Slot(p, continues=hour > p.first_hour))
    return [
        Row(hour, tuple(tuple(cells.get((hour, c), ())) for c in range(len(columns))))
        for hour in hours
    ]
