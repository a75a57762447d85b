"""The waitlist as pages show it: each track's seats and its entries in order, each with the
sentence that explains its place (``admissions.waitlist_order``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from openiop.accounts.access import program_ids_with
from openiop.admissions.models import Referral, WaitlistEntry
from openiop.admissions.waitlist_order import Place, Waiting, order_waitlist
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.programs.models import Track

_MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class WaitlistRow:
    """One open entry at its place in its track's order."""

    place: Place
    entry: WaitlistEntry

    @property
    def holds_offer(self) -> bool:
        """Offered a seat and has not declined it: the seat is held for them."""
        return self.entry.offered_at is not None and self.entry.offer_declined_at is None


def as_waiting(entry: WaitlistEntry) -> Waiting:
    """What the order needs from an entry (its referral must be loaded)."""
    referral = entry.referral
    return Waiting(
        entry_id=entry.pk,
        referral_id=referral.pk,
        urgency=referral.urgency,
        step_down=referral.is_step_down,
        added_at=entry.added_at,
        declined=entry.offer_declined_at is not None,
    )


def open_entries(track_ids: Iterable[int]) -> QuerySet[WaitlistEntry]:
    """Open entries of these tracks, with what the board shows of each person."""
    return WaitlistEntry.objects.filter(
        track_id__in=list(track_ids), closed_at__isnull=True
    ).select_related("referral__episode__patient", "referral__episode__program", "track")


def ordered_rows(entries: Sequence[WaitlistEntry], *, now: dt.datetime) -> list[WaitlistRow]:
    """One track's open entries in order, each explained."""
    by_id = {e.pk: e for e in entries}
    places = order_waitlist((as_waiting(e) for e in entries), now=now)
    return [WaitlistRow(place=p, entry=by_id[p.waiting.entry_id]) for p in places]


def track_waitlist(track: Track, *, now: dt.datetime) -> list[WaitlistRow]:
    """The ordered waitlist of one track (one query)."""
    return ordered_rows(list(open_entries([track.pk])), now=now)


def referral_waitlist_row(referral: Referral, *, now: dt.datetime) -> WaitlistRow | None:
    """The referral's place on the waitlist it is on, or None when it is not waiting."""
    entry = WaitlistEntry.objects.filter(referral=referral, closed_at__isnull=True).first()
    if entry is None:
        return None
    rows = ordered_rows(list(open_entries([entry.track_id])), now=now)
    return next((r for r in rows if r.entry.pk == entry.pk), None)


def track_access(
    user: Any, track_id: int, *, actor: Actor, capability: Capability, action: str
) -> Track:
    """The track if ``user`` holds ``capability`` in its program; NotFound (after auditing a
    denied ``action``) for a missing track or one of another program. A track is not patient
    data, so success is not audited here: the write service that follows records it."""
    track = None
    if 0 < track_id <= _MAX_ID:
        track = (
            Track.objects.select_related("program")
            .filter(pk=track_id, program_id__in=program_ids_with(user, capability))
            .first()
        )
    if track is None:
        audit_record(
            actor=actor,
            entry=Entry(
                action=action,
                category=DataCategory.REFERRAL,
                outcome=Outcome.DENIED,
                detail={"requested_track_id": str(track_id)},
            ),
        )
        raise NotFound("No such track.")
    return track
