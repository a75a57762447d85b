"""A session's length and service date, shared by the services, selectors and hours."""

from __future__ import annotations

import datetime as dt

from openiop.core import clock
from openiop.scheduling.models import ScheduledSession


def session_minutes(session: ScheduledSession) -> int:
    """The session's length in whole minutes."""
    return int((session.ends_at - session.starts_at).total_seconds() // 60)


def service_date_of(session: ScheduledSession) -> dt.date:
    """The session's service date: the local date of its start in the program's zone (an
    evening group in Los Angeles that starts after 00:00 UTC keeps its local date).
    ``session.program`` must be loaded."""
    return clock.localdate(session.program.zone, session.starts_at)
