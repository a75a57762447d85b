"""What is already taken in a program week before the planner runs: bookings it must work
around (other programs' sessions and sessions made by hand here) and, for a mid-week re-plan,
what each patient already had before the cutoff."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q

from openiop.programs.models import Program
from openiop.scheduling import grid
from openiop.scheduling.models import ScheduledSession, SessionParticipant


@dataclass(frozen=True, slots=True)
class Busy:
    """Times taken by sessions this plan does not replace."""

    staff: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = field(default_factory=dict)
    rooms: set[int] = field(default_factory=set)
    episodes: dict[int, list[tuple[dt.datetime, dt.datetime]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Held:
    """What a patient already had this week before a re-plan's cutoff."""

    hours: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


def busy_around(program: Program, week_start: dt.date, zone: ZoneInfo) -> Busy:
    """Sessions of the week that stay whatever this plan does: other programs' sessions and
    sessions made by hand in this one."""
    begin, end = grid.week_bounds(week_start, zone)
    rows = (
        ScheduledSession.objects.filter(
            cancelled_at__isnull=True, starts_at__lt=end, ends_at__gt=begin
        )
        .filter(~Q(program=program) | Q(plan__isnull=True))
        .values_list(
            "pk",
            "program_id",
            "program__site_id",
            "clinician_id",
            "room_id",
            "starts_at",
            "ends_at",
        )
    )
    busy = Busy()
    own: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for pk, program_id, site_id, clinician_id, room_id, starts_at, ends_at in rows:
        busy.staff.setdefault(clinician_id, []).append((starts_at, ends_at, site_id))
        if room_id is not None:
            busy.rooms.add(room_id)
        if program_id == program.pk:
            own[pk] = (starts_at, ends_at)
    for session_id, episode_id in _participants(own):
        busy.episodes.setdefault(episode_id, []).append(own[session_id])
    return busy


def held_before(
    program: Program, week_start: dt.date, zone: ZoneInfo, cutoff: dt.datetime
) -> dict[int, Held]:
    """Per episode, the hours and the kinds of session it had this week before ``cutoff``:
    a re-plan asks only for the rest of the week's hours and for sessions still owed."""
    begin, _ = grid.week_bounds(week_start, zone)
    rows = SessionParticipant.objects.filter(
        session__program=program,
        session__cancelled_at__isnull=True,
        session__starts_at__gte=begin,
        session__starts_at__lt=cutoff,
    ).values_list("episode_id", "session__kind", "session__starts_at")
    hours: dict[int, set[dt.datetime]] = defaultdict(set)
    held: dict[int, Held] = {}
    for episode_id, kind, starts_at in rows:
        hours[episode_id].add(starts_at)
        held.setdefault(episode_id, Held()).kinds[kind] += 1
    return {pk: Held(len(hours[pk]), h.kinds) for pk, h in held.items()}


def _participants(
    sessions: dict[int, tuple[dt.datetime, dt.datetime]],
) -> Iterable[tuple[int, int]]:
    if not sessions:
        return []
    return SessionParticipant.objects.filter(session_id__in=list(sessions)).values_list(
        "session_id", "episode_id"
    )
