"""Shared reads of the dashboard: the programs a user sees, each with its local date, and
the UTC window of a program's local day.

"Today" belongs to a program: a user in Chicago and Los Angeles programs has two todays, and
an evening group in Los Angeles that starts after midnight UTC still belongs to the local day
it started on (CONVENTIONS §3, security.md R22). Every today-section is built from these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from openiop.accounts.access import program_ids_with
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.programs.models import Program


@dataclass(frozen=True, slots=True)
class ProgramDay:
    """A program and its local date at the moment the page is built."""

    program: Program
    today: dt.date

    @property
    def pk(self) -> int:
        return self.program.pk


def program_days(user: Any, capability: Capability = Capability.VIEW_DASHBOARD) -> list[ProgramDay]:
    """The programs where ``user`` holds ``capability``, by name, each with its local today.
    One query (plus the memberships, cached for the request)."""
    ids = program_ids_with(user, capability)
    if not ids:
        return []
    now = clock.now()
    programs = Program.objects.filter(pk__in=ids).order_by("name", "pk")
    return [ProgramDay(p, clock.localdate(p.zone, now)) for p in programs]


def local_day_bounds(program: Program, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where ``day`` starts and ends in the program's zone (a day is 23 or
    25 hours long when daylight saving changes)."""
    zone = program.zone
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def starts_on_local_day(days: Iterable[ProgramDay], prefix: str = "") -> Q:
    """A filter for sessions (or rows reached through ``prefix``, e.g. ``"session__"``) that
    start on their program's local today; matches nothing when ``days`` is empty."""
    condition = Q(pk__in=[])
    for day in days:
        start, end = local_day_bounds(day.program, day.today)
        condition |= Q(
            **{
                f"{prefix}program_id": day.pk,
                f"{prefix}starts_at__gte": start,
                f"{prefix}starts_at__lt": end,
            }
        )
    return condition


def todays_by_program(days: Iterable[ProgramDay]) -> Mapping[int, dt.date]:
    return {d.pk: d.today for d in days}


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (weeks run Monday to Sunday, program-local)."""
    return day - dt.timedelta(days=day.weekday())
