"""Adapter between the database and ``engines.occasions``: the schedule and dates of one
episode in, its occasions out. Reads only; no audit (callers audit what they show)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from engines.occasions import EpisodeDates, Occasion, occasions
from openiop.core import clock
from openiop.measures.models import ScheduleEntry
from openiop.patients.models import EpisodeOfCare

# Upcoming occasions this far ahead are shown, so staff and patients can plan for them.
HORIZON = dt.timedelta(days=7)


def schedule_pairs(program_id: int) -> list[tuple[str, str]]:
    return list(
        ScheduleEntry.objects.filter(program_id=program_id)
        .order_by("instrument", "timepoint")
        .values_list("instrument", "timepoint")
    )


def episode_dates(episode: EpisodeOfCare) -> EpisodeDates:
    return EpisodeDates(
        referred_on=episode.referred_on,
        admitted_on=episode.admitted_on,
        discharged_on=episode.discharged_on,
    )


def episode_today(episode: EpisodeOfCare) -> dt.date:
    return clock.localdate(episode.program.zone)


def episode_occasions(
    episode: EpisodeOfCare, schedule: Iterable[tuple[str, str]], *, today: dt.date
) -> list[Occasion]:
    """The episode's occasions up to ``today`` plus the horizon."""
    return occasions(schedule, episode_dates(episode), until=today + HORIZON)
