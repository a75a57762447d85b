"""Seats in a track: how many people its open cohorts can hold, how many are taken, and
how many are held for someone who was offered a seat.

A track's capacity is the sum of the largest sizes of its rolling (open-admission) cohorts;
a closed cohort keeps the members it started with and takes no newcomers (scheduling.md
§3.2). A track without rolling cohorts has no managed capacity: it is never "full", and the
board says so rather than inventing a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

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


def track_seats(track: Track) -> TrackSeats:
    """Seats of one track (three queries). Occupied: admitted episodes in a rolling cohort of
    the track or not yet placed in any cohort. Held: open waitlist entries with an offer the
    person has not declined."""
    rolling = Cohort.objects.filter(track=track, enrollment=Enrollment.ROLLING)
    capacity = rolling.aggregate(total=Sum("max_size"))["total"]
    occupied = EpisodeOfCare.objects.filter(
        Q(cohort__in=rolling) | Q(cohort__isnull=True),
        track=track,
        state=EpisodeState.ADMITTED,
    ).count()
    held = WaitlistEntry.objects.filter(
        track=track,
        closed_at__isnull=True,
        offered_at__isnull=False,
        offer_declined_at__isnull=True,
    ).count()
    return TrackSeats(track_id=track.pk, capacity=capacity, occupied=occupied, held=held)
