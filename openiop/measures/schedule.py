"""Adapter between the database and ``engines.occasions``: the schedule and dates of one
episode in, its occasions out. Reads only; no audit (callers audit what they show)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from engines.occasions import EpisodeDates, Occasion, Status, occasions
from openiop.core import clock
from openiop.measures.models import ScheduleEntry
from openiop.patients.models import EpisodeOfCare

# Upcoming occasions this far ahead are shown, so staff and patients can plan for them.
HORIZON = dt.timedelta(days=7)


Schedule = list[tuple[str, str]]  # (instrument id, timepoint) pairs


def schedules_by_program(program_ids: Iterable[int]) -> dict[int, Schedule]:
    """Each program's schedule, in one query; a program without entries maps to []."""
    by_program: dict[int, Schedule] = defaultdict(list)
    rows = ScheduleEntry.objects.filter(program_id__in=set(program_ids)).order_by(
        "instrument", "timepoint"
    )
    for program_id, instrument, timepoint in rows.values_list(
        "program_id", "instrument", "timepoint"
    ):
        by_program[program_id].append((instrument, timepoint))
    return by_program


def schedule_pairs(program_id: int) -> Schedule:
    return schedules_by_program([program_id])[program_id]


def episode_dates(episode: EpisodeOfCare) -> EpisodeDates:
    return EpisodeDates(
        referred_on=episode.referred_on,
        admitted_on=episode.admitted_on,
        discharged_on=episode.discharged_on,
    )


def episode_today(episode: EpisodeOfCare) -> dt.date:
    return clock.localdate(episode.program.zone)


def occasion_statuses(
    episode: EpisodeOfCare,
    schedule: Iterable[tuple[str, str]],
    answered: Collection[tuple[str, str, dt.date]],
    *,
    today: dt.date,
) -> list[tuple[Occasion, Status]]:
    """The episode's occasions (to today plus the horizon) with their status, given the
    (instrument, timepoint, due date) keys already answered."""
    return [
        (o, o.status(today, answered)) for o in episode_occasions(episode, schedule, today=today)
    ]


def episode_occasions(
    episode: EpisodeOfCare, schedule: Iterable[tuple[str, str]], *, today: dt.date
) -> list[Occasion]:
    """The episode's occasions up to ``today`` plus the horizon."""
    return occasions(schedule, episode_dates(episode), until=today + HORIZON)
