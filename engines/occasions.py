"""When each scheduled questionnaire is due for one episode of care.

A program's schedule says which instrument is given at which timepoint (intake, weekly,
discharge, and 30/90/180 days after discharge). This engine turns it, with the episode's
dates, into *occasions*: each has a due date and a window in which an answer counts for it.
The windows are OpenIOP's program conventions, not published rules: weekly measures are
taken within 3 days of the due day (so one per week, matching PHQ-9/GAD-7's 2-week recall
without overlap of due days); discharge measures from a week before discharge to two weeks
after; follow-ups within 14 days either side, as outcome programs usually allow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

DAY = dt.timedelta(days=1)
WEEKLY_WINDOW = 3
FOLLOW_UP_DAYS = {"follow_up_30": 30, "follow_up_90": 90, "follow_up_180": 180}
FOLLOW_UP_WINDOW = 14


class Status(StrEnum):
    ANSWERED = "answered"
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class EpisodeDates:
    referred_on: dt.date
    admitted_on: dt.date | None
    discharged_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Occasion:
    instrument: str
    timepoint: str
    due_on: dt.date
    opens_on: dt.date
    closes_on: dt.date

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.instrument, self.timepoint, self.due_on)

    def status(self, today: dt.date, answered: Collection[tuple[str, str, dt.date]]) -> Status:
        if self.key in answered:
            return Status.ANSWERED
        if today < self.opens_on:
            return Status.UPCOMING
        if today <= self.due_on:
            return Status.DUE
        if today <= self.closes_on:
            return Status.OVERDUE
        return Status.MISSED


def _intake(instrument: str, dates: EpisodeDates) -> Occasion:
    due = dates.admitted_on or dates.referred_on + 7 * DAY
    return Occasion(instrument, "intake", due, min(dates.referred_on, due), due + 7 * DAY)


def _weekly(instrument: str, dates: EpisodeDates, until: dt.date) -> Iterable[Occasion]:
    if dates.admitted_on is None:
        return
    week = 1
    while True:
        due = dates.admitted_on + 7 * week * DAY
        if due > until or (dates.discharged_on is not None and due >= dates.discharged_on):
            return
        window = WEEKLY_WINDOW * DAY
        yield Occasion(instrument, "weekly", due, due - window, due + window)
        week += 1


def _after_discharge(instrument: str, timepoint: str, dates: EpisodeDates) -> Occasion | None:
    if dates.discharged_on is None or dates.admitted_on is None:
        return None  # closed before admission: there is no treatment to measure the end of
    end = dates.discharged_on
    if timepoint == "discharge":
        return Occasion(instrument, timepoint, end, end - 7 * DAY, end + 14 * DAY)
    due = end + FOLLOW_UP_DAYS[timepoint] * DAY
    window = FOLLOW_UP_WINDOW * DAY
    return Occasion(instrument, timepoint, due, due - window, due + window)


def occasions(
    schedule: Iterable[tuple[str, str]], dates: EpisodeDates, *, until: dt.date
) -> list[Occasion]:
    """Every occasion of the episode that opens on or before ``until`` (pass today plus a
    horizon to include upcoming ones), sorted by due date. ``schedule`` holds
    (instrument id, timepoint) pairs; unknown timepoints raise ValueError."""
    found: list[Occasion] = []
    for instrument, timepoint in schedule:
        if timepoint == "intake":
            found.append(_intake(instrument, dates))
        elif timepoint == "weekly":
            found.extend(_weekly(instrument, dates, until + WEEKLY_WINDOW * DAY))
        elif timepoint == "discharge" or timepoint in FOLLOW_UP_DAYS:
            occasion = _after_discharge(instrument, timepoint, dates)
            if occasion is not None:
                found.append(occasion)
        else:
            raise ValueError(f"unknown timepoint {timepoint!r}")
    return sorted((o for o in found if o.opens_on <= until), key=lambda o: (o.due_on, o.instrument))
