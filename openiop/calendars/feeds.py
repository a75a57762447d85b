"""iCal documents of calendar feeds (RFC 5545, built with the ``icalendar`` library).

Minimum necessary (45 CFR 164.502(b)). A subscribed calendar leaves OpenIOP for good: it is
synced to phones, shown on lock screens and in notifications, shared with family calendars
and backed up by third parties, and nothing can be audited there. So a feed carries only
what its holder needs to turn up at the right time and place:

- A patient's feed says what kind of session it is ("Group therapy — <program>",
  "Individual session"), when, and at which site. It never names the other patients of a
  group, the cohort, the room or the clinician. In a 42 CFR Part 2 program even the program's
  name would disclose substance-use treatment, so a group there is just "Group therapy".
- A clinician's feed may name the cohort of a group (the clinician runs it) and the room,
  but never a patient: an individual session is "Individual session" and nothing more.

Events are CLASS:PRIVATE so a shared calendar shows them as busy only. UIDs come from the
session ids, so a moved or cancelled session updates the event the phone already has;
times are UTC; a cancelled session stays in the feed as STATUS:CANCELLED so it disappears
from the phone instead of silently lingering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event
from icalendar.enums import CLASS, STATUS

from openiop.calendars.models import CalendarFeed
from openiop.scheduling.models import ScheduledSession, SessionKind

PRODID = "-//OpenIOP//Calendar feed//EN"
REFRESH = dt.timedelta(hours=1)
# Neutral wording for what is not a group: it is all a phone needs to show.
_OFFICE_TITLES = {
    SessionKind.INDIVIDUAL: "Individual session",
    SessionKind.PSYCHIATRY: "Psychiatry appointment",
    SessionKind.FAMILY: "Family session",
}


def feed_document(
    feed: CalendarFeed, sessions: Sequence[ScheduledSession], *, now: dt.datetime
) -> bytes:
    """The iCal text of ``feed`` with ``sessions`` (from ``selectors.feed_sessions``).
    ``now`` stamps the events (DTSTAMP)."""
    if feed.episode_id is not None:
        calendar = _calendar(feed, "Appointments")
        events = [_patient_event(s, now) for s in sessions]
    else:
        calendar = _calendar(feed, "Work sessions")
        events = [_clinician_event(s, now) for s in sessions]
    for event in events:
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document


def _calendar(feed: CalendarFeed, name: str) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, name=name, uid=f"feed-{feed.pk}@openiop")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _patient_event(session: ScheduledSession, now: dt.datetime) -> Event:
    program = session.program
    if session.kind == SessionKind.GROUP:
        summary = "Group therapy" if program.is_part2 else f"Group therapy — {program.name}"
    else:
        summary = _OFFICE_TITLES.get(SessionKind(session.kind), "Appointment")
    site = program.site
    location = f"{site.name}, {site.address}" if site.address else site.name
    return _event(session, summary=summary, location=location, now=now)


def _clinician_event(session: ScheduledSession, now: dt.datetime) -> Event:
    if session.kind == SessionKind.GROUP and session.cohort is not None:
        summary = f"Group: {session.cohort.name}"
    else:
        summary = _OFFICE_TITLES.get(SessionKind(session.kind), "Appointment")
    site_name = session.program.site.name
    location = f"{session.room.name}, {site_name}" if session.room else site_name
    return _event(session, summary=summary, location=location, now=now)


def _event(session: ScheduledSession, *, summary: str, location: str, now: dt.datetime) -> Event:
    cancelled = session.cancelled_at is not None
    return Event.new(
        uid=f"session-{session.pk}@openiop",
        start=session.starts_at.astimezone(dt.UTC),
        end=session.ends_at.astimezone(dt.UTC),
        stamp=now.astimezone(dt.UTC),
        summary=summary,
        location=location,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        classification=CLASS.PRIVATE,
    )
