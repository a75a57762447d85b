"""Seats in a track: how many people its open cohorts can hold, how many are taken, and
how many are held for someone who was offered a seat.

A track's capacity is the sum of the largest sizes of its rolling (open-admission) cohorts;
a closed cohort keeps the members it started with and takes no newcomers (scheduling.md
§3.2). A track without rolling cohorts has no managed capacity: it is never "full", and the
board says so rather than inventing a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum

from openiop.admissions.models import WaitlistEntry
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Cohort, Enrollment, Track


@dataclass(frozen=True)
class TrackSeats:
    track_id: int
    capacity: int | None
    occupied: int
    held: int

    @property
    def open_seats(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.occupied - self.held, 0)

    @property
    def is_full(self) -> bool:
        return self.open_seats == 0


def seats_by_track(
    tracks: Sequence[Track], entries: Sequence[WaitlistEntry] | None = None
) -> dict[int, TrackSeats]:
    """Seats of each track, by track id, in two queries (three without ``entries``).
    Occupied: admitted episodes in a rolling cohort of the track or not yet placed in any
    cohort. Held: open waitlist entries with an offer the person has not declined, counted
    from ``entries`` (the tracks' open entries, when the caller has them already)."""
    ids = [t.pk for t in tracks]
    capacity = dict(
        Cohort.objects.filter(track_id__in=ids, enrollment=Enrollment.ROLLING)
        .values("track_id")
        .annotate(total=Sum("max_size"))
        .values_list("track_id", "total")
    )
    occupied = dict(
        EpisodeOfCare.objects.filter(track_id__in=ids, state=EpisodeState.ADMITTED)
        .filter(
            Q(cohort__isnull=True)
            | Q(cohort__enrollment=Enrollment.ROLLING, cohort__track_id=F("track_id"))
        )
        .values("track_id")
        .annotate(n=Count("pk"))
        .values_list("track_id", "n")
    )
    if entries is None:
        entries = list(WaitlistEntry.objects.filter(track_id__in=ids, closed_at__isnull=True))
    held: dict[int, int] = {}
    for e in entries:
        if e.offered_at is not None and e.offer_declined_at is None:
            held[e.track_id] = held.get(e.track_id, 0) + 1
    return {
        i: TrackSeats(
            track_id=i, capacity=capacity.get(i), occupied=occupied.get(i, 0), held=held.get(i, 0)
        )
        for i in ids
    }


def track_seats(track: Track) -> TrackSeats:
    """Seats of one track (three queries); see ``seats_by_track``."""
    return seats_by_track([track])[track.pk]
