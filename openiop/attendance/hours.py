"""Hours attended per week and today's attendance rate, for pages of other contexts (the
dashboard's hours page and today views, the care-team meeting's agenda).

Weeks run Monday to Sunday in *local* dates of each episode's program zone; minutes come from
the attendance records (``minutes`` of attended statuses), scheduled minutes from the
episode's non-cancelled sessions. Both functions run a fixed number of queries for any
number of episodes or programs.

The weekly minimums they are compared with are program settings (``Program.min_weekly_hours``,
IOP 9 h and PHP 20 h by default: ASAM Criteria 3rd ed., levels 2.1 and 2.5); that comparison
lives in the pages that show it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from openiop.attendance.models import ATTENDED, Attendance, AttendanceStatus
from openiop.core import clock
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.scheduling.models import SessionParticipant

# UTC offsets reach ±14 h, so a local date always lies within a day of the UTC date.
_MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WeekHours:
    """One episode's week. ``absent_sessions`` counts both absence statuses."""

    attended_minutes: int = 0
    scheduled_minutes: int = 0
    absent_sessions: int = 0
    unexcused_absences: int = 0

    @property
    def attended_hours(self) -> float:
        return round(self.attended_minutes / 60, 2)

    @property
    def scheduled_hours(self) -> float:
        return round(self.scheduled_minutes / 60, 2)


@dataclass(frozen=True, slots=True)
class Rate:
    """Today's attendance: of ``expected`` participants, ``recorded`` have a record and
    ``attended`` an attended one (present, late, left early, telehealth)."""

    recorded: int = 0
    attended: int = 0
    expected: int = 0

    @property
    def percent(self) -> int | None:
        """Attended as a whole percentage of expected; None when nobody was expected."""
        return round(100 * self.attended / self.expected) if self.expected else None


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def _utc_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lower = dt.datetime.combine(first - _MARGIN, dt.time(), tzinfo=dt.UTC)
    upper = dt.datetime.combine(last + 2 * _MARGIN, dt.time(), tzinfo=dt.UTC)
    return lower, upper


def _minutes(starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    return int((ends_at - starts_at).total_seconds() // 60)


def weekly_hours(episodes: Sequence[EpisodeOfCare], week_start: dt.date) -> dict[int, WeekHours]:
    """episode id → its WeekHours for the week containing ``week_start`` (normally a Monday;
    another day means the Monday before it). Two queries for any number of episodes; the
    episodes' programs need not be loaded. Every episode passed gets an entry."""
    return {pk: weeks[0] for pk, weeks in weekly_hours_span(episodes, week_start, 1).items()}


def weekly_hours_span(
    episodes: Sequence[EpisodeOfCare], first_week: dt.date, weeks: int
) -> dict[int, list[WeekHours]]:
    """episode id → WeekHours of ``weeks`` consecutive weeks from the week containing
    ``first_week``, oldest first (a baseline, a trend). Two queries for any number of
    episodes and weeks."""
    first = week_of(first_week)
    last = first + dt.timedelta(weeks=weeks, days=-1)
    ids = [e.pk for e in episodes]
    if not ids or weeks < 1:
        return {pk: [] for pk in ids}
    lower, upper = _utc_bounds(first, last)
    scheduled: dict[tuple[int, int], int] = defaultdict(int)
    sessions = SessionParticipant.objects.filter(
        episode_id__in=ids,
        session__cancelled_at__isnull=True,
        session__starts_at__gte=lower,
        session__starts_at__lt=upper,
    ).values_list(
        "episode_id", "session__starts_at", "session__ends_at", "session__program__time_zone"
    )
    for episode_id, starts_at, ends_at, zone in sessions:
        day = starts_at.astimezone(ZoneInfo(zone)).date()
        if first <= day <= last:
            scheduled[episode_id, (day - first).days // 7] += _minutes(starts_at, ends_at)
    attended: dict[tuple[int, int], int] = defaultdict(int)
    absent: dict[tuple[int, int], int] = defaultdict(int)
    unexcused: dict[tuple[int, int], int] = defaultdict(int)
    records = Attendance.objects.filter(
        episode_id__in=ids, service_date__gte=first, service_date__lte=last
    ).values_list("episode_id", "service_date", "status", "minutes")
    for episode_id, service_date, status, minutes in records:
        slot = (episode_id, (service_date - first).days // 7)
        if status in ATTENDED:
            attended[slot] += minutes
        else:
            absent[slot] += 1
            unexcused[slot] += status == AttendanceStatus.ABSENT_UNEXCUSED
    return {
        pk: [
            WeekHours(attended[pk, w], scheduled[pk, w], absent[pk, w], unexcused[pk, w])
            for w in range(weeks)
        ]
        for pk in ids
    }


def attendance_rate(program_ids: Iterable[int], day: dt.date) -> Rate:
    """The attendance rate of ``day`` (a local date in each program's zone) over the
    non-cancelled sessions of ``program_ids`` that have started by now. Expected are the
    sessions' participants who are admitted, or who have a record anyway. Two queries."""
    program_ids = list(program_ids)
    if not program_ids:
        return Rate()
    now = clock.now()
    lower, upper = _utc_bounds(day, day)
    participants = SessionParticipant.objects.filter(
        session__program_id__in=program_ids,
        session__cancelled_at__isnull=True,
        session__starts_at__gte=lower,
        session__starts_at__lt=upper,
        session__starts_at__lte=now,
    ).values_list(
        "session_id",
        "episode_id",
        "episode__state",
        "session__starts_at",
        "session__program__time_zone",
    )
    pairs = {
        (session_id, episode_id): state
        for session_id, episode_id, state, starts_at, zone in participants
        if starts_at.astimezone(ZoneInfo(zone)).date() == day
    }
    return rate_of(pairs, statuses_of({s for s, _ in pairs}))


Pair = tuple[int, int]  # (session id, episode id)


def statuses_of(session_ids: Iterable[int]) -> dict[Pair, str]:
    """(session id, episode id) → recorded attendance status, for those sessions. One query."""
    return {
        (s, e): status
        for s, e, status in Attendance.objects.filter(session_id__in=set(session_ids)).values_list(
            "session_id", "episode_id", "status"
        )
    }


def rate_of(states: Mapping[Pair, str], statuses: Mapping[Pair, str]) -> Rate:
    """The attendance-rate rule, in one place: of the expected participants (``states``: each
    participant's episode state), those admitted or with a record anyway are expected; how
    many have a record and how many attended (present, late, left early, telehealth)."""
    expected = [p for p, state in states.items() if state == EpisodeState.ADMITTED or p in statuses]
    recorded = [p for p in expected if p in statuses]
    attended = [p for p in recorded if statuses[p] in ATTENDED]
    return Rate(recorded=len(recorded), attended=len(attended), expected=len(expected))
