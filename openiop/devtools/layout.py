"""The fixed shape of the synthetic demo organization: sites, rooms, programs and tracks.

Pure data, no side effects. Structure is configuration and does not vary with the seed;
only people, dates and assignments do (see ``openiop.devtools.plan``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openiop.programs.models import LevelOfCare

ORGANIZATION = "Riverbend Behavioral Health (synthetic)"
# Display names use an en dash, written as an escape so no look-alike character hides in code.
DASH = "\N{EN DASH}"
DOWNTOWN = f"Riverbend {DASH} Downtown"
EASTSIDE = f"Riverbend {DASH} Eastside"

ADULT_IOP = "adult_iop"
ADULT_PHP = "adult_php"
SUD_IOP = "sud_iop"

MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class SiteSpec:
    name: str
    address: str
    rooms: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class TrackSpec:
    name: str
    weekdays: tuple[int, ...]
    starts_at: dt.time
    ends_at: dt.time


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    key: str
    site: str
    name: str
    level: LevelOfCare
    time_zone: str
    is_part2: bool
    tracks: tuple[TrackSpec, ...]


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        name=DOWNTOWN,
        address="1200 River Walk Ave, Suite 300 (fictional address)",
        rooms=(
            ("Group Room A", 12),
            ("Group Room B", 14),
            ("Group Room C", 10),
            ("Office 301", 2),
            ("Office 302", 3),
            ("Office 303", 2),
        ),
    ),
    SiteSpec(
        name=EASTSIDE,
        address="48 Orchard Lane (fictional address)",
        rooms=(
            ("Group Room 1", 12),
            ("Group Room 2", 10),
            ("Office E1", 3),
            ("Office E2", 2),
        ),
    ),
)


def _track(
    name: str, days: tuple[int, ...], start: int, end: int, end_minute: int = 0
) -> TrackSpec:
    return TrackSpec(name, days, dt.time(start), dt.time(end, end_minute))


# IOP: 3 h x 3-4 days (9-12 h/week); PHP: 5.5 h x 5 days (27.5 h/week). Both inside the
# default ASAM hour bands of openiop.programs.services.DEFAULT_HOUR_BANDS.
PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        key=ADULT_IOP,
        site=DOWNTOWN,
        name="Adult IOP",
        level=LevelOfCare.IOP,
        time_zone="America/Chicago",
        is_part2=False,
        tracks=(
            _track(f"Adult IOP {DASH} Morning", (MON, TUE, THU), 9, 12),
            _track(f"Adult IOP {DASH} Afternoon", (MON, WED, THU), 13, 16),
            _track(f"Adult IOP {DASH} Evening", (MON, TUE, WED, THU), 18, 21),
        ),
    ),
    ProgramSpec(
        key=ADULT_PHP,
        site=DOWNTOWN,
        name="Adult PHP",
        level=LevelOfCare.PHP,
        time_zone="America/Chicago",
        is_part2=False,
        tracks=(_track(f"Adult PHP {DASH} Day", (MON, TUE, WED, THU, FRI), 9, 14, 30),),
    ),
    ProgramSpec(
        key=SUD_IOP,
        site=EASTSIDE,
        name="Substance Use IOP",
        level=LevelOfCare.IOP,
        time_zone="America/Chicago",
        is_part2=True,
        tracks=(
            _track(f"Substance Use IOP {DASH} Morning", (TUE, WED, FRI), 9, 12),
            _track(f"Substance Use IOP {DASH} Evening", (MON, TUE, WED, THU), 18, 21),
        ),
    ),
)

PROGRAM_NAMES: dict[str, str] = {p.key: p.name for p in PROGRAMS}

# Each track runs three cohorts, started this many days before the seeding day; a patient joins
# the latest cohort that had started by their admission (the earliest demo admission is about
# 460 days back).
COHORT_STARTS: tuple[int, ...] = (470, 250, 90)


def cohort_name(track: str, number: int) -> str:
    """E.g. "Adult IOP – Morning – Cohort B" for ``number`` 1: unique across tracks, so the
    outcomes report grouped by cohort is readable."""
    return f"{track} {DASH} Cohort {chr(ord('A') + number)}"
