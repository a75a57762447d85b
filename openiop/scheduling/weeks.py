"""Which week is which for a program: "this week" is the Monday-to-Sunday week of today in
the program's time zone, and a week's schedule is its latest approved plan."""

from __future__ import annotations

import datetime as dt

from openiop.core import clock
from openiop.programs.models import Program
from openiop.scheduling import grid
from openiop.scheduling.models import PlanState, SchedulePlan


def current_week(program: Program) -> dt.date:
    """The Monday of this week in the program's time zone."""
    return grid.monday_of(clock.localdate(program.zone))


def latest_approved(program: Program, week_start: dt.date) -> SchedulePlan | None:
    """The plan most recently approved for the week of ``week_start``, if any. One query."""
    return (
        SchedulePlan.objects.filter(
            program=program, week_start=week_start, state=PlanState.APPROVED
        )
        .order_by("-approved_at", "-pk")
        .first()
    )
