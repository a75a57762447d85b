"""Attendance policies: "reaching ``threshold`` records in ``statuses`` within the last
``window_days`` local days raises a review item for the episode".

Sources: the thresholds are the program's own policy (configured per program on the policy
page, CONFIGURE_PROGRAM). The defaults follow common IOP practice: programs write an attendance
agreement in which a pattern of missed sessions triggers a treatment-team review rather than
automatic discharge (SAMHSA TIP 47, *Substance Abuse: Clinical Issues in Intensive Outpatient
Treatment*, ch. 4 "Program rules" and ch. 5 on retention; ASAM Criteria 3rd ed., level 2.1
continued-stay review when a patient is not engaging). "3 unexcused absences in 30 days" is
the example of issue 6.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openiop.attendance.models import AttendanceStatus

#: Longest window a program may configure; a longer look-back is no longer "a pattern now".
MAX_WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class PolicyRule:
    name: str
    statuses: tuple[AttendanceStatus, ...]
    threshold: int
    window_days: int


#: The policies a new program starts with (seeded by the demo; a director may change them).
DEFAULT_POLICIES = (
    PolicyRule(
        name="3 unexcused absences in 30 days",
        statuses=(AttendanceStatus.ABSENT_UNEXCUSED,),
        threshold=3,
        window_days=30,
    ),
    PolicyRule(
        name="5 absences of any kind in 30 days",
        statuses=(AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED),
        threshold=5,
        window_days=30,
    ),
)


def policy_window(window_days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The inclusive local-date window of ``window_days`` days ending on ``today``."""
    return today - dt.timedelta(days=window_days - 1), today


def policy_problems(*, name: str, statuses: list[str], threshold: int, window_days: int) -> str:
    """The first thing wrong with a policy's fields, in plain words ("" when acceptable)."""
    known = set(AttendanceStatus.values)
    if not name.strip():
        return "Give the policy a name."
    if not statuses:
        return "Choose at least one attendance status that counts."
    if any(s not in known for s in statuses):
        return "Choose statuses from the list."
    if threshold < 1:
        return "The threshold must be at least 1."
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        return f"The window must be between 1 and {MAX_WINDOW_DAYS} days."
    return ""
