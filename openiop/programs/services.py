"""Creating the organization's structure. Configuration data, not patient data: no PHI audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from openiop.programs.models import (
    Cohort,
    Enrollment,
    LevelOfCare,
    Organization,
    Program,
    Room,
    Site,
    Track,
)

DEFAULT_HOUR_BANDS: dict[LevelOfCare, tuple[Decimal, Decimal]] = {
    # ASAM Criteria 3rd ed.: OP < 9 h/week, IOP (2.1) 9–19 h/week, PHP (2.5) >= 20 h/week for
    # adults (clinical.md §1.1). Payers and states restate these; programs may override.
    LevelOfCare.OP: (Decimal("1"), Decimal("8.5")),
    LevelOfCare.IOP: (Decimal("9"), Decimal("19")),
    LevelOfCare.PHP: (Decimal("20"), Decimal("35")),
}


@transaction.atomic
def organization_create(*, name: str) -> Organization:
    org = Organization(name=name)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def site_create(*, organization: Organization, name: str, address: str = "") -> Site:
    site = Site(organization=organization, name=name, address=address)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def program_create(
    *,
    site: Site,
    name: str,
    level_of_care: LevelOfCare,
    time_zone: str,
    hour_band: tuple[Decimal, Decimal] | None = None,
    is_part2: bool = False,
) -> Program:
    """Create a program. Raises ValidationError for a missing or unknown time zone."""
    low, high = hour_band or DEFAULT_HOUR_BANDS[level_of_care]
    program = Program(
        site=site,
        name=name,
        level_of_care=level_of_care,
        time_zone=time_zone,
        min_weekly_hours=low,
        max_weekly_hours=high,
        is_part2=is_part2,
    )
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def track_create(
    *, program: Program, name: str, weekdays: list[int], starts_at: dt.time, ends_at: dt.time
) -> Track:
    track = Track(
        program=program, name=name, weekdays=weekdays, starts_at=starts_at, ends_at=ends_at
    )
    track.full_clean()
    track.save()
    return track


@transaction.atomic
def room_create(*, site: Site, name: str, capacity: int) -> Room:
    room = Room(site=site, name=name, capacity=capacity)
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def cohort_create(
    *,
    track: Track,
    name: str,
    started_on: dt.date,
    min_size: int = 6,
    max_size: int = 12,
    enrollment: Enrollment = Enrollment.ROLLING,
    facilitator_id: int | None = None,
    room: Room | None = None,
) -> Cohort:
    """Create a cohort of ``track``. The facilitator is passed by id because programs sit
    below accounts. Raises ValidationError for unordered sizes or a room at another site."""
    cohort = Cohort(
        track=track,
        name=name,
        started_on=started_on,
        min_size=min_size,
        max_size=max_size,
        enrollment=enrollment,
        facilitator_id=facilitator_id,
        room=room,
    )
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def cohort_configure(
    *,
    cohort: Cohort,
    min_size: int,
    max_size: int,
    enrollment: Enrollment,
    facilitator_id: int | None,
    room: Room | None,
) -> Cohort:
    """Change a cohort's sizes, enrollment, usual facilitator (by id, as programs sit below
    accounts) and room. Configuration, not patient data: not audited. Raises ValidationError
    for unordered sizes or a room at another site."""
    cohort.min_size, cohort.max_size = min_size, max_size
    cohort.enrollment = enrollment
    cohort.facilitator_id = facilitator_id
    cohort.room = room
    cohort.full_clean()
    cohort.save(update_fields=["min_size", "max_size", "enrollment", "facilitator", "room"])
    return cohort
