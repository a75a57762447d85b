"""Writes of the calendar context: creating, revoking and fetching feeds. Each validates,
writes and audits in one transaction; a refusal writes nothing (a refused fetch of a revoked
feed writes only its audit row)."""

from __future__ import annotations

import dataclasses

from django.db import transaction

from openiop.accounts.models import User
from openiop.accounts.roles import Principal
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.calendars.errors import FeedNotFound, FeedRefused
from openiop.calendars.models import CalendarFeed
from openiop.core import clock
from openiop.core.actor import Actor, ActorKind
from openiop.core.errors import InvalidTransition
from openiop.core.tokens import new_token, token_hash
from openiop.patients.models import EpisodeOfCare, EpisodeState


def _entry(action: str, feed: CalendarFeed, **detail: object) -> Entry:
    """Patient feeds are audited against the patient (and Part 2 when the program is);
    clinician feeds carry no patient data."""
    if feed.episode is not None:
        return Entry(
            action=action,
            category=DataCategory.EPISODE,
            patient_id=feed.episode.patient_id,
            part2=feed.episode.program.is_part2,
            object_type="calendar_feed",
            object_id=str(feed.pk),
            detail={"episode_id": str(feed.episode_id), **detail},
        )
    return Entry(
        action=action,
        category=DataCategory.NONE,
        object_type="calendar_feed",
        object_id=str(feed.pk),
        detail={"clinician_id": str(feed.clinician_id), **detail},
    )


def _check_owner(clinician: User | None, episode: EpisodeOfCare | None) -> None:
    if (clinician is None) == (episode is None):
        raise FeedRefused("A calendar feed belongs to one clinician or one episode of care.")
    if episode is not None and episode.state == EpisodeState.DISCHARGED:
        raise FeedRefused("This episode has ended: there are no sessions to subscribe to.")
    if clinician is not None and not (
        clinician.is_active and clinician.principal == Principal.STAFF
    ):
        raise FeedRefused("Only an active staff account can have a work calendar feed.")


@transaction.atomic
def feed_create(
    *,
    actor: Actor,
    created_by: User,
    clinician: User | None = None,
    episode: EpisodeOfCare | None = None,
) -> tuple[CalendarFeed, str]:
    """A new feed of ``clinician``'s sessions or of ``episode``'s (exactly one). The owner's
    live feed, if any, is revoked first: one working URL per owner. Returns the feed and its
    token, which is shown once and never stored. Audits CALENDAR_FEED_REVOKED for a replaced
    feed and CALENDAR_FEED_CREATED. Raises FeedRefused for a missing or double owner, an
    ended episode, or an inactive or non-staff clinician."""
    _check_owner(clinician, episode)
    # Lock the owner first: two requests creating a first feed at once would otherwise both
    # find no live feed and collide on the one-live-feed constraint.
    if clinician is not None:
        User.objects.select_for_update().filter(pk=clinician.pk).first()
    elif episode is not None:
        EpisodeOfCare.objects.select_for_update().filter(pk=episode.pk).first()
    live = CalendarFeed.objects.select_for_update().filter(revoked_at__isnull=True)
    live = live.filter(clinician=clinician) if clinician else live.filter(episode=episode)
    for old in live:
        _revoke(actor, old, reason="replaced")
    token = new_token()
    feed = CalendarFeed(
        token_hash=token_hash(token),
        clinician=clinician,
        episode=episode,
        created_by=created_by,
        created_at=clock.now(),
    )
    feed.full_clean()
    feed.save()
    audit_record(actor=actor, entry=_entry("CALENDAR_FEED_CREATED", feed))
    return feed, token


@transaction.atomic
def feed_revoke(*, actor: Actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed: its URL answers 404 from now on, like an unknown one. Audits
    CALENDAR_FEED_REVOKED. Raises InvalidTransition when it was already revoked."""
    locked = (
        CalendarFeed.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=feed.pk)
    )
    if locked.revoked_at is not None:
        raise InvalidTransition("This calendar feed was already turned off.")
    return _revoke(actor, locked, reason="revoked")


def _revoke(actor: Actor, feed: CalendarFeed, *, reason: str) -> CalendarFeed:
    feed.revoked_at = clock.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(actor=actor, entry=_entry("CALENDAR_FEED_REVOKED", feed, reason=reason))
    return feed


def feed_fetch(*, actor: Actor, token: str) -> CalendarFeed:
    """The live feed for ``token``, marked as used and audited as CALENDAR_FEED_FETCHED by
    the device holding it (a calendar app refreshing). Raises FeedNotFound for an unknown
    token, a revoked feed and a clinician whose account was deactivated alike; a refused
    fetch of a known feed is audited as denied, without naming the patient. Not one
    transaction on purpose: the denial's audit row must survive the FeedNotFound."""
    feed = (
        CalendarFeed.objects.select_related("clinician", "episode__program")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if feed is None:
        raise FeedNotFound("No such calendar feed.")
    owner_gone = feed.clinician is not None and not feed.clinician.is_active
    if feed.revoked_at is not None or owner_gone:
        audit_record(
            actor=actor,
            entry=Entry(
                action="CALENDAR_FEED_FETCHED",
                category=DataCategory.NONE,
                outcome=Outcome.DENIED,
                object_type="calendar_feed",
                object_id=str(feed.pk),
            ),
        )
        raise FeedNotFound("No such calendar feed.")
    return _record_fetch(actor, feed)


@transaction.atomic
def _record_fetch(actor: Actor, feed: CalendarFeed) -> CalendarFeed:
    feed.last_used_at = clock.now()
    feed.save(update_fields=["last_used_at"])
    device = dataclasses.replace(
        actor,
        kind=ActorKind.DEVICE,
        user_id=feed.clinician_id,
        label=f"calendar feed {feed.pk}",
    )
    audit_record(actor=device, entry=_entry("CALENDAR_FEED_FETCHED", feed))
    return feed
