"""Double-booking checks shared by hand-made sessions and plan approval (H4 of the engine,
checked here again against what is really on the calendar)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from openiop.scheduling.errors import DoubleBooked
from openiop.scheduling.models import ScheduledSession


@dataclass(frozen=True, slots=True)
class Booking:
    """Who and what one session occupies, and when."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician_id: int
    room_id: int | None
    episode_ids: tuple[int, ...]


def existing_bookings(
    begin: dt.datetime, end: dt.datetime, *, excluding: Iterable[int] = ()
) -> list[Booking]:
    """Bookings of every live (not cancelled) session overlapping [begin, end), in any
    program, except the sessions ``excluding`` (those about to be replaced). Two queries."""
    rows = list(
        ScheduledSession.objects.filter(
            cancelled_at__isnull=True, starts_at__lt=end, ends_at__gt=begin
        )
        .exclude(pk__in=list(excluding))
        .prefetch_related("participants")
    )
    return [
        Booking(
            r.starts_at,
            r.ends_at,
            r.clinician_id,
            r.room_id,
            tuple(p.episode_id for p in r.participants.all()),
        )
        for r in rows
    ]


def check_free(
    new: Sequence[Booking],
    existing: Sequence[Booking],
    describe: Callable[[str, int], str] = lambda kind, pk: f"That {kind}",
) -> None:
    """Refuse when two of ``new``, or one of ``new`` and one of ``existing``, share a
    clinician, a room or a patient at overlapping times. Raises DoubleBooked with
    ``field`` = "clinician", "room" or "patient" and a message from ``describe(kind, id)``."""
    taken: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for booking in existing:
        for key in _resources(booking):
            taken[key].append((booking.starts_at, booking.ends_at))
    for booking in new:
        for key in _resources(booking):
            if any(s < booking.ends_at and booking.starts_at < e for s, e in taken[key]):
                kind, pk = key
                at = booking.starts_at.isoformat(timespec="minutes")
                raise DoubleBooked(
                    f"{describe(kind, pk)} is already booked at {at} UTC.", field=kind
                )
            taken[key].append((booking.starts_at, booking.ends_at))


def _resources(booking: Booking) -> list[tuple[str, int]]:
    keys = [("clinician", booking.clinician_id)]
    if booking.room_id is not None:
        keys.append(("room", booking.room_id))
    keys.extend(("patient", e) for e in booking.episode_ids)
    return keys
