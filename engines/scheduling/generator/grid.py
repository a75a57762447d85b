"""The fixed parts of a generated instance: sizes, the week's grid, sites, tracks and rooms.

Sizes and the grid follow IOPBench (docs: ../shared/reference/scheduling.md §3.1): Monday to
Friday, three tracks of three one-hour slots (morning 09–12, afternoon 13–16, evening 17–20).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from engines.scheduling.model import Room, Site, Slot, Track, Week

# A Monday with no daylight-saving change in its week in America/Chicago (DST ends 2026-11-01).
WEEK_START = dt.date(2026, 11, 23)
TIME_ZONE = "America/Chicago"
SLOT_MINUTES = 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri")
TRACK_HOURS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Morning", (9, 10, 11)),
    ("Afternoon", (13, 14, 15)),
    ("Evening", (17, 18, 19)),
)
TRACK_NAMES = tuple(name for name, _ in TRACK_HOURS)
ROOM_CAPACITIES = (8, 10, 12, 12, 14)
# Every site gets one room that fits the largest cohort, so no cohort is roomless by chance.
LARGEST_COHORT = 12


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """How big an instance is (§3.1): exact counts of sites, patients, clinicians and rooms."""

    sites: int
    patients: int
    prescribers: int
    therapists: int
    rooms_per_site: int
    multi_site_share: float  # share of clinicians who cover two or three sites


SIZE_SPECS: dict[str, SizeSpec] = {
    "small": SizeSpec(1, 60, 1, 7, 4, 0.0),
    "medium": SizeSpec(1, 300, 3, 27, 12, 0.0),
    "large": SizeSpec(10, 2000, 15, 135, 8, 0.1),
}


def slot_id(day: int, hour: int) -> str:
    return f"{DAY_NAMES[day]}-{hour:02d}"


def track_slot_ids(track_name: str, days: range | tuple[int, ...] = range(5)) -> tuple[str, ...]:
    """The slot ids of one track on the given days, in grid order."""
    hours = dict(TRACK_HOURS)[track_name]
    return tuple(slot_id(day, hour) for day in days for hour in hours)


def build_week() -> Week:
    slots = tuple(
        Slot(id=slot_id(day, hour), day=day, start=dt.time(hour))
        for day in range(len(DAY_NAMES))
        for _, hours in TRACK_HOURS
        for hour in hours
    )
    return Week(start=WEEK_START, time_zone=TIME_ZONE, slot_minutes=SLOT_MINUTES, slots=slots)


def build_sites(count: int) -> tuple[Site, ...]:
    return tuple(Site(id=f"site-{n:02d}", name=f"Site {n}") for n in range(1, count + 1))


def build_tracks(sites: tuple[Site, ...]) -> tuple[Track, ...]:
    return tuple(
        Track(
            id=f"{site.id}-{name.lower()}",
            site=site.id,
            name=name,
            slots=track_slot_ids(name),
        )
        for site in sites
        for name in TRACK_NAMES
    )


def build_rooms(rng: random.Random, sites: tuple[Site, ...], per_site: int) -> tuple[Room, ...]:
    rooms: list[Room] = []
    for site in sites:
        for n in range(1, per_site + 1):
            capacity = rng.choice(ROOM_CAPACITIES)
            if n == 1:
                capacity = max(capacity, LARGEST_COHORT)
            rooms.append(Room(id=f"{site.id}-room-{n}", site=site.id, capacity=capacity))
    return tuple(rooms)
