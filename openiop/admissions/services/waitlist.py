"""The capacity-aware waitlist: waiting for a seat in a full track, offering an open seat
to the next person in the stated order (``admissions.waitlist_order``), declining, leaving.

Only an authorized referral waits: the waitlist holds people ready to start, for whom only a
seat is missing. That keeps the pipeline's gates whole, because an offered seat lets the
admission service admit without the track having room (it still needs the referral to be
where admission may start).

A declined offer keeps the person on the list with their waiting time, but behind everyone
who has not declined: the next seat goes first to people who still want one, and the person
who declined is offered again when nobody else is waiting (docs/admissions.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from openiop.accounts.models import User
from openiop.admissions.access import referral_entry
from openiop.admissions.capacity import TrackSeats, track_seats
from openiop.admissions.models import OPEN_STAGES, Referral, Stage, WaitlistEntry
from openiop.admissions.selectors.waitlist import track_waitlist
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import DomainError, InvalidTransition
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeState
from openiop.programs.models import Track


class WaitlistRefused(DomainError):
    """A waitlist step that does not apply now. ``reason`` is stable: ``not_ready``,
    ``already_waiting``, ``no_managed_capacity``, ``seat_open``, ``no_seat_open``,
    ``nobody_waiting``, ``not_waiting``, ``no_offer``."""

    code = "waitlist_refused"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("episode__program", "episode__patient")
        .get(pk=referral.pk)
    )


def _open_entry(referral: Referral) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.select_for_update()
        .filter(referral=referral, closed_at__isnull=True)
        .first()
    )


def _require_full(track: Track, seats: TrackSeats) -> None:
    if seats.capacity is None:
        raise WaitlistRefused(
            f"{track.name} has no open (rolling) cohort, so there is no seat count to wait "
            "for: admit the person directly, or set up a rolling cohort first.",
            reason="no_managed_capacity",
        )
    if not seats.is_full:
        count = seats.open_seats
        raise WaitlistRefused(
            f"{track.name} has {count} open seat{'s' if count != 1 else ''}: admit the person "
            "instead of adding them to the waitlist.",
            reason="seat_open",
        )


@transaction.atomic
def waitlist_add(
    *, actor: Actor, user: User | None, referral: Referral, track: Track
) -> WaitlistEntry:
    """Put an authorized referral on ``track``'s waitlist because the track is full
    (track_seats). The episode becomes waitlisted (``episode_waitlist``) unless it already
    is. Raises InvalidTransition (closed or admitted referral), ValidationError (a track of
    another program) or WaitlistRefused (not authorized yet; already waiting; the track has
    a seat open or no managed capacity). Audits WAITLIST_ADDED (and EPISODE_WAITLISTED)."""
    referral = _locked(referral)
    if referral.stage not in OPEN_STAGES:
        raise InvalidTransition(
            f"A referral that is {referral.get_stage_display().lower()} cannot wait for a seat."
        )
    if referral.stage != Stage.AUTHORIZED:
        raise WaitlistRefused(
            "Only someone ready to start waits for a seat: take the referral through "
            "assessment, benefits and authorization first.",
            reason="not_ready",
        )
    episode = referral.episode
    if track.program_id != episode.program_id:
        raise ValidationError({"track": "That track belongs to another program."})
    if (current := _open_entry(referral)) is not None:
        raise WaitlistRefused(
            f"This person is already waiting for {current.track.name}.", reason="already_waiting"
        )
    _require_full(track, track_seats(track))
    if episode.state == EpisodeState.REFERRED:
        patient_services.episode_waitlist(actor=actor, episode=episode)
    entry = WaitlistEntry.objects.create(referral=referral, track=track, added_at=clock.now())
    audit_record(actor=actor, entry=_entry("WAITLIST_ADDED", referral, entry))
    return entry


def _no_seat_message(track: Track, seats: TrackSeats) -> str:
    if seats.capacity is not None and seats.capacity - seats.occupied > 0:
        return (
            f"Every open seat in {track.name} is already offered ({seats.held} offer"
            f"{'s' if seats.held != 1 else ''} outstanding): wait for an answer."
        )
    return f"No seat is open in {track.name}: all {seats.capacity} are taken."


@transaction.atomic
def waitlist_offer_next(*, actor: Actor, user: User | None, track: Track) -> WaitlistEntry:
    """Offer an open seat of ``track`` to the first person in order who does not already
    hold an offer. The offer holds the seat until it is declined or the person is admitted.
    Raises WaitlistRefused (no managed capacity, no seat open — including every open seat
    already offered — or nobody waiting). Audits WAITLIST_SEAT_OFFERED."""
    track = Track.objects.select_for_update().get(pk=track.pk)  # one offer at a time
    seats = track_seats(track)
    if seats.capacity is None:
        raise WaitlistRefused(
            f"{track.name} has no managed capacity.", reason="no_managed_capacity"
        )
    if not seats.open_seats:
        raise WaitlistRefused(_no_seat_message(track, seats), reason="no_seat_open")
    now = clock.now()
    waiting = [row for row in track_waitlist(track, now=now) if not row.holds_offer]
    if not waiting:
        raise WaitlistRefused(f"Nobody is waiting for {track.name}.", reason="nobody_waiting")
    row = waiting[0]
    entry = row.entry
    entry.offered_at = now
    entry.offer_declined_at = None
    entry.save(update_fields=["offered_at", "offer_declined_at"])
    audit_record(
        actor=actor,
        entry=_entry("WAITLIST_SEAT_OFFERED", entry.referral, entry, position=row.place.position),
    )
    return entry


@transaction.atomic
def waitlist_decline(*, actor: Actor, user: User | None, referral: Referral) -> WaitlistEntry:
    """The person declines the seat they were offered. They stay on the list, behind everyone
    who has not declined, and the seat is free to offer to the next person. Raises
    WaitlistRefused when there is no outstanding offer. Audits WAITLIST_OFFER_DECLINED."""
    referral = _locked(referral)
    entry = _open_entry(referral)
    if entry is None or entry.offered_at is None or entry.offer_declined_at is not None:
        raise WaitlistRefused("This person holds no seat offer to decline.", reason="no_offer")
    entry.offer_declined_at = clock.now()
    entry.save(update_fields=["offer_declined_at"])
    audit_record(actor=actor, entry=_entry("WAITLIST_OFFER_DECLINED", referral, entry))
    return entry


@transaction.atomic
def waitlist_remove(*, actor: Actor, user: User | None, referral: Referral) -> WaitlistEntry:
    """Take the person off the waitlist (a held seat is released). The referral stays open
    and the episode stays waitlisted: admit the person, or close the referral. Raises
    WaitlistRefused when they are not waiting. Audits WAITLIST_REMOVED."""
    referral = _locked(referral)
    entry = _open_entry(referral)
    if entry is None:
        raise WaitlistRefused("This person is not on a waitlist.", reason="not_waiting")
    entry.closed_at = clock.now()
    entry.save(update_fields=["closed_at"])
    audit_record(actor=actor, entry=_entry("WAITLIST_REMOVED", referral, entry))
    return entry


@transaction.atomic
def waitlist_close_on_admission(referral: Referral) -> WaitlistEntry | None:
    """Close the referral's open entry because the person is being admitted (their held seat
    becomes an occupied one). For the admission service only, inside its transaction; its
    ADMISSION_COMPLETED audit covers this step. Returns the closed entry, or None."""
    entry = _open_entry(referral)
    if entry is None:
        return None
    entry.closed_at = clock.now()
    entry.save(update_fields=["closed_at"])
    return entry


def _entry(
    action: str, referral: Referral, entry: WaitlistEntry, *, position: int | None = None
) -> Entry:
    base = referral_entry(
        action, referral, object_type="waitlist_entry", object_id=entry.pk, track_id=entry.track_id
    )
    if position is not None:
        base.detail["position"] = position
    return base
