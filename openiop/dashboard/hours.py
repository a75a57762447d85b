"""The weekly hours page: for each admitted patient of the user's programs, the hours attended
this week (Monday–Sunday, program-local), the hours scheduled (their non-cancelled
sessions), the minimum that applies to them (the program's or their payer's:
``openiop.billing.hours``) and the authorization covering them (units approved, used and
remaining, and its derived state: ``openiop.billing.authorizations.derive``).

Flags, each row's reason to act:

- *below minimum*: in a past week, fewer hours attended than the minimum; in the current
  week, fewer than the minimum even if every session not yet recorded is attended (the
  minimum can no longer be met);
- *scheduled below minimum*: the week's schedule itself falls short of the minimum;
- *authorization needs attention*: the authorization ends, runs out of units or falls due
  for review within 7 days, or its units are used up.

Reads only (the page audits the names). Fixed queries: episodes, weekly hours (two per
distinct week), minimums (two), authorizations (two), sessions still open (one).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q

from openiop.attendance.hours import WeekHours, week_of, weekly_hours
from openiop.attendance.models import Attendance
from openiop.billing.hours import (
    CoveringAuthorization,
    HoursMinimum,
    covering_authorizations,
    minimums_for,
)
from openiop.core import clock
from openiop.dashboard.selectors import ProgramDay, local_day_bounds
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.scheduling.models import SessionParticipant


class WeekState(StrEnum):
    PAST = "past"
    CURRENT = "current"
    FUTURE = "future"


@dataclass(frozen=True, slots=True)
class HoursRow:
    """One patient's week. ``open_minutes`` are of sessions this week without an attendance
    record that can still be recorded (from the program's today on)."""

    episode: EpisodeOfCare
    hours: WeekHours
    open_minutes: int
    minimum: HoursMinimum
    authorization: CoveringAuthorization | None
    week: WeekState

    @property
    def below_minimum(self) -> bool:
        if self.week is WeekState.FUTURE:
            return False
        reachable = self.hours.attended_minutes
        if self.week is WeekState.CURRENT:
            reachable += self.open_minutes
        return reachable < self.minimum.minutes

    @property
    def scheduled_below_minimum(self) -> bool:
        return self.hours.scheduled_minutes < self.minimum.minutes

    @property
    def authorization_attention(self) -> bool:
        return self.authorization is not None and self.authorization.status.needs_attention

    @property
    def minutes_to_go(self) -> int:
        return max(0, self.minimum.minutes - self.hours.attended_minutes)

    @property
    def flagged(self) -> bool:
        return self.below_minimum or self.scheduled_below_minimum or self.authorization_attention


@dataclass(frozen=True, slots=True)
class ProgramWeek:
    day: ProgramDay
    monday: dt.date
    rows: list[HoursRow]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def state(self) -> WeekState:
        return _state(self.monday, self.day.today)


def _state(monday: dt.date, today: dt.date) -> WeekState:
    if today < monday:
        return WeekState.FUTURE
    return WeekState.PAST if today > monday + dt.timedelta(days=6) else WeekState.CURRENT


def _episodes(days: Sequence[ProgramDay], mondays: dict[int, dt.date]) -> list[EpisodeOfCare]:
    """Episodes admitted during the program's week: admitted by its Sunday, and still
    admitted or discharged no earlier than its Monday."""
    during = Q(pk__in=[])
    for day in days:
        monday = mondays[day.pk]
        during |= Q(program_id=day.pk, admitted_on__lte=monday + dt.timedelta(days=6)) & (
            Q(state=EpisodeState.ADMITTED)
            | Q(state=EpisodeState.DISCHARGED, discharged_on__gte=monday)
        )
    return list(
        EpisodeOfCare.objects.filter(during)
        .select_related("patient", "program", "track")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )


def open_minutes(
    episodes: Sequence[EpisodeOfCare], days: Sequence[ProgramDay], mondays: dict[int, dt.date]
) -> dict[int, int]:
    """episode id → minutes of its non-cancelled sessions in its program's week, from the
    program's today on, that have no attendance record yet. One query."""
    window = Q(pk__in=[])
    for day in days:
        first = max(mondays[day.pk], day.today)
        last = mondays[day.pk] + dt.timedelta(days=6)
        if first <= last:
            start, _ = local_day_bounds(day.program, first)
            _, end = local_day_bounds(day.program, last)
            window |= Q(session__program_id=day.pk, session__starts_at__gte=start) & Q(
                session__starts_at__lt=end
            )
    recorded = Attendance.objects.filter(
        session_id=OuterRef("session_id"), episode_id=OuterRef("episode_id")
    )
    rows = (
        SessionParticipant.objects.filter(
            window, episode_id__in=[e.pk for e in episodes], session__cancelled_at__isnull=True
        )
        .exclude(Exists(recorded))
        .values_list("episode_id", "session__starts_at", "session__ends_at")
    )
    found: dict[int, int] = defaultdict(int)
    for episode_id, starts_at, ends_at in rows:
        found[episode_id] += int((ends_at - starts_at).total_seconds() // 60)
    return found


def weekly_hours_page(days: Sequence[ProgramDay], week: dt.date | None) -> list[ProgramWeek]:
    """Each program of ``days`` with its week (the one holding ``week``, else the program's
    current week) and a row per patient admitted during it, by family name."""
    if not days:
        return []
    mondays = {d.pk: week_of(week or d.today) for d in days}
    episodes = _episodes(days, mondays)
    hours: dict[int, WeekHours] = {}
    for monday in set(mondays.values()):
        members = [e for e in episodes if mondays[e.program_id] == monday]
        hours.update(weekly_hours(members, monday))
    minimums = minimums_for(episodes)
    todays = {d.pk: d.today for d in days}
    authorizations = covering_authorizations(episodes, todays) if episodes else {}
    pending = open_minutes(episodes, days, mondays) if episodes else {}
    by_program: dict[int, list[HoursRow]] = defaultdict(list)
    for e in episodes:
        state = _state(mondays[e.program_id], todays[e.program_id])
        row = HoursRow(
            e, hours[e.pk], pending.get(e.pk, 0), minimums[e.pk], authorizations.get(e.pk), state
        )
        by_program[e.program_id].append(row)
    return [ProgramWeek(d, mondays[d.pk], by_program.get(d.pk, [])) for d in days]


def requested_week(value: str) -> dt.date | None:
    """``?week=yyyy-mm-dd`` as a date (any day of the week), or None when absent or not a
    date within a sane range."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def this_week(days: Sequence[ProgramDay]) -> dt.date:
    """The Monday of the first program's today (the UTC date without programs)."""
    return week_of(days[0].today if days else clock.now().date())
