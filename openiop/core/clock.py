"""The one way OpenIOP reads the clock.

Everything that needs "now" or "today" calls these functions, so tests can move time with
time-machine and so nobody builds a naive datetime. "Today" always belongs to a place: a
program's service date is its local date, not the UTC date (an evening group in Los Angeles
runs after midnight UTC; security.md R22).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return timezone.now()


def localdate(tz: ZoneInfo, at: dt.datetime | None = None) -> dt.date:
    """The calendar date in ``tz`` at ``at`` (default: now)."""
    return (at or now()).astimezone(tz).date()


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on`` (a birthday on 29 Feb counts from 1 Mar in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
