"""The week's time grid and the names the engine knows things by.

A program week starts on a Monday in the program's time zone. Its grid is the one-hour slots
inside each track's hours on the track's weekdays (format version 1 plans in whole slots).
Slot ids name the local day and time ("tue-1800"), so the same hour of two weeks has the same
id and a plan can be compared with, and kept from, the week before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from engines.scheduling.model import Slot
from openiop.programs.models import Track

SLOT_MINUTES = 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def slot_id(day: int, start: dt.time) -> str:
    return f"{DAY_NAMES[day]}-{start:%H%M}"


def track_slots(track: Track) -> list[Slot]:
    """The one-hour slots inside ``track``'s hours on each of its weekdays; a trailing part
    hour (14:00–14:30 of a track ending 14:30) is no slot."""
    slots = []
    begin = track.starts_at.hour * 60 + track.starts_at.minute
    end = track.ends_at.hour * 60 + track.ends_at.minute
    for day in sorted(track.weekdays):
        for minute in range(begin, end - SLOT_MINUTES + 1, SLOT_MINUTES):
            start = dt.time(minute // 60, minute % 60)
            slots.append(Slot(id=slot_id(day, start), day=day, start=start))
    return slots


def week_grid(tracks: Iterable[Track]) -> list[Slot]:
    """The union of the tracks' slots, in day and time order."""
    by_id = {slot.id: slot for track in tracks for slot in track_slots(track)}
    return sorted(by_id.values(), key=lambda s: (s.day, s.start))


def slot_bounds(week_start: dt.date, slot: Slot, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The aware UTC start and end of ``slot`` in the week of ``week_start``."""
    local = dt.datetime.combine(week_start + dt.timedelta(days=slot.day), slot.start, zone)
    start = local.astimezone(dt.UTC)
    return start, start + dt.timedelta(minutes=SLOT_MINUTES)


def slot_of(moment: dt.datetime, week_start: dt.date, zone: ZoneInfo) -> str | None:
    """The slot id of a session starting at ``moment`` if it falls in the week, else None."""
    local = moment.astimezone(zone)
    day = (local.date() - week_start).days
    if not 0 <= day <= 6:
        return None
    return slot_id(day, local.time().replace(second=0, microsecond=0))


def week_bounds(week_start: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The aware UTC instants of Monday 00:00 and the next Monday 00:00, local time."""
    start = dt.datetime.combine(week_start, dt.time(0), zone)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


class Ref:
    """Engine ids of database rows ("patient-12" is episode 12). Prefixed so a conflict
    message can be turned back into names."""

    PATIENT = "patient"
    STAFF = "staff"
    COHORT = "cohort"
    ROOM = "room"
    TRACK = "track"
    SITE = "site"

    @staticmethod
    def of(kind: str, pk: int) -> str:
        return f"{kind}-{pk}"

    @staticmethod
    def pk(ref: str) -> int:
        """The row id of an engine id. Raises ValueError for an id this adapter did not make."""
        _, _, number = ref.rpartition("-")
        return int(number)
