"""Running seed-demo from the tests and reading what it printed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from openiop.patients.models import Phase

# A Wednesday, noon in Chicago: weekly due days fall on weekdays, so one can be today.
WEDNESDAY = dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC)
WEDNESDAY_DATE = dt.date(2026, 3, 4)
PATIENTS = 61  # 25 + 16 + 20 in plan.CASELOAD


def seed(*args: str) -> str:
    """Run ``seed_demo`` with ``args``; returns what it printed."""
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> list[list[str]]:
    """Rows of the login table (username, password, role …) as printed."""
    lines = output.split("USERNAME", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return [line.split(maxsplit=2) for line in lines]


def phase_for(admitted_on: dt.date, today: dt.date) -> Phase:
    week = (today - admitted_on).days // 7 + 1
    return Phase.STABILIZATION if week <= 4 else Phase.CORE if week <= 12 else Phase.TAPER
