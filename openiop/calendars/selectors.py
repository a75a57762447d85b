"""Reads for calendars: the program, clinician and patient weeks, the sessions a feed
publishes, and the live feeds. Each week is a fixed number of queries however many sessions
it holds (related rows are joined or prefetched)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.calendars.access import ClinicianScope
from openiop.calendars.grid import Placed, Row, Week, hour_rows, place_all, rows
from openiop.calendars.models import CalendarFeed
from openiop.core.capabilities import Capability
from openiop.patients.models import EpisodeOfCare, Patient
from openiop.programs.models import Program, Room
from openiop.scheduling.models import ScheduledSession, SessionKind, SessionParticipant

# How much of the calendar a feed carries: recent history and the planned months ahead.
FEED_PAST = dt.timedelta(days=28)
FEED_AHEAD = dt.timedelta(days=183)
OFFICE_LANE = "office"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """A session as one calendar shows it: what it is, where, and with whom. ``patients``
    holds the named participants, only on a clinician's own office sessions."""

    session: ScheduledSession
    title: str
    where: str
    people: str
    patients: tuple[Patient, ...] = ()

    @property
    def starts_at(self) -> dt.datetime:
        return self.session.starts_at

    @property
    def ends_at(self) -> dt.datetime:
        return self.session.ends_at

    @property
    def cancelled(self) -> bool:
        return self.session.cancelled_at is not None

    @property
    def is_group(self) -> bool:
        return self.session.kind == SessionKind.GROUP


def _in_week(sessions: QuerySet[ScheduledSession], week: Week) -> QuerySet[ScheduledSession]:
    return sessions.filter(starts_at__lt=week.ends_at, ends_at__gt=week.starts_at).order_by(
        "starts_at", "pk"
    )


def _kind_title(session: ScheduledSession) -> str:
    if session.kind == SessionKind.GROUP and session.cohort is not None:
        return f"Group therapy: {session.cohort.name}"
    return session.get_kind_display()


# --- Program week ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lane:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ProgramDay:
    day: dt.date
    rows: list[Row[CalendarEntry]]
    count: int


@dataclass(frozen=True, slots=True)
class ProgramWeek:
    program: Program
    week: Week
    lanes: list[Lane]
    days: list[ProgramDay]


def _lane_of(placed: Placed[CalendarEntry]) -> str:
    session = placed.item.session
    if session.kind == SessionKind.GROUP and session.room_id is not None:
        return f"room-{session.room_id}"
    return OFFICE_LANE


def program_week(program: Program, week: Week) -> ProgramWeek:
    """Rooms × time for one program week: a lane per group room (see ``_lanes``) with its
    group sessions (cohort, facilitator), and one lane for office sessions (individual,
    psychiatry, family, and groups without a room). Shows no patient. Two queries."""
    sessions = _in_week(
        ScheduledSession.objects.filter(program=program).select_related(
            "cohort", "clinician", "room"
        ),
        week,
    )
    placed = place_all([_program_entry(s) for s in sessions], week)
    lanes = _lanes(program, placed)
    hours = hour_rows(placed)
    keys = [lane.key for lane in lanes]
    days = []
    for day in week.days:
        on_day = [p for p in placed if p.day == day]
        grid = rows(on_day, hours=hours, columns=keys, column_of=_lane_of)
        days.append(ProgramDay(day=day, rows=grid, count=len(on_day)))
    return ProgramWeek(program=program, week=week, lanes=lanes, days=days)


def _program_entry(session: ScheduledSession) -> CalendarEntry:
    group = session.kind == SessionKind.GROUP and session.cohort is not None
    return CalendarEntry(
        session=session,
        title=session.cohort.name if group and session.cohort else session.get_kind_display(),
        where=session.room.name if session.room else "",
        people=session.clinician.display_name,
    )


def _lanes(program: Program, placed: Sequence[Placed[CalendarEntry]]) -> list[Lane]:
    """The group rooms: the usual rooms of the program's cohorts and any room a group of the
    week uses, by name; then the office lane."""
    rooms = {
        room.pk: room for room in Room.objects.filter(cohorts__track__program=program).distinct()
    }
    for p in placed:
        room = p.item.session.room
        if room is not None and p.item.is_group:
            rooms.setdefault(room.pk, room)
    ordered = sorted(rooms.values(), key=lambda room: (room.name, room.pk))
    return [
        *(Lane(f"room-{room.pk}", room.name) for room in ordered),
        Lane(OFFICE_LANE, "Office sessions"),
    ]


# --- A person's week ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonWeek:
    """Days × hours for one person, and the same sessions as an agenda for the table."""

    week: Week
    rows: list[Row[CalendarEntry]]
    agenda: list[Placed[CalendarEntry]]
    listed: list[Patient] = field(default_factory=list)
    part2_ids: set[int] = field(default_factory=set)


def _person_week(entries: Sequence[CalendarEntry], week: Week) -> PersonWeek:
    placed = place_all(entries, week)
    grid = rows(placed, hours=hour_rows(placed), columns=week.days, column_of=lambda p: p.day)
    listed: dict[int, Patient] = {}
    part2: set[int] = set()
    for entry in entries:
        for patient in entry.patients:
            listed[patient.pk] = patient
            if entry.session.program.is_part2:
                part2.add(patient.pk)
    return PersonWeek(
        week=week, rows=grid, agenda=placed, listed=list(listed.values()), part2_ids=part2
    )


def clinician_week(scope: ClinicianScope, week: Week, *, viewer: Any) -> PersonWeek:
    """A clinician's sessions in the scope's programs. Office sessions name their patients
    where ``viewer`` may see patients of that program (the caller audits ``listed``); a group
    shows its cohort and how many are expected, never who. Two queries."""
    participants = SessionParticipant.objects.select_related("episode__patient")
    sessions = _in_week(
        ScheduledSession.objects.filter(clinician=scope.clinician, program_id__in=scope.program_ids)
        .select_related("program", "cohort", "room")
        .prefetch_related(Prefetch("participants", queryset=participants)),
        week,
    )
    named = program_ids_with(viewer, Capability.VIEW_PATIENTS)
    return _person_week([_clinician_entry(s, named) for s in sessions], week)


def _clinician_entry(session: ScheduledSession, named: Collection[int]) -> CalendarEntry:
    members = [p.episode.patient for p in session.participants.all()]
    if session.kind == SessionKind.GROUP:
        people = f"{len(members)} expected"
        patients: tuple[Patient, ...] = ()
    elif session.program_id in named:
        patients = tuple(members)
        people = ", ".join(p.display_name for p in patients)
    else:
        patients, people = (), ""
    return CalendarEntry(
        session=session,
        title=_kind_title(session),
        where=session.room.name if session.room else "",
        people=people,
        patients=patients,
    )


def patient_week(episodes: Iterable[EpisodeOfCare], week: Week) -> PersonWeek:
    """The sessions where any of ``episodes`` is a participant: what, where and with which
    clinician, never the other participants. One query."""
    sessions = _in_week(
        ScheduledSession.objects.filter(
            participants__episode__in=[e.pk for e in episodes]
        ).select_related("program__site", "cohort", "clinician", "room"),
        week,
    ).distinct()
    entries = [
        CalendarEntry(
            session=s,
            title=_kind_title(s),
            where=s.room.name if s.room else s.program.site.name,
            people=s.clinician.display_name,
        )
        for s in sessions
    ]
    return _person_week(entries, week)


# --- Choices on the pages ----------------------------------------------------------------


def programs_with(user: Any, capability: Capability) -> list[Program]:
    """The programs where ``user`` holds ``capability``, by name."""
    return list(Program.objects.filter(pk__in=program_ids_with(user, capability)).order_by("name"))


def clinicians_planned_by(user: Any) -> list[User]:
    """Active members of the programs ``user`` plans (PLAN_SCHEDULE), by name; empty for
    anyone who plans none."""
    planned = program_ids_with(user, Capability.PLAN_SCHEDULE)
    if not planned:
        return []
    members = Membership.objects.filter(program_id__in=planned, is_active=True)
    return list(
        User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


def patient_episodes(user: Any, patient: Patient) -> list[EpisodeOfCare]:
    """The patient's episodes in programs where ``user`` may see patients, newest first."""
    return list(
        EpisodeOfCare.objects.filter(
            patient=patient, program_id__in=program_ids_with(user, Capability.VIEW_PATIENTS)
        )
        .select_related("program")
        .order_by("-referred_on", "-pk")
    )


# --- Feeds -------------------------------------------------------------------------------


def live_feed_of_clinician(clinician: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(clinician=clinician, revoked_at__isnull=True).first()


def live_feeds_of_episodes(episodes: Iterable[EpisodeOfCare]) -> dict[int, CalendarFeed]:
    """episode id → its live feed, for the episodes that have one."""
    feeds = CalendarFeed.objects.filter(
        episode_id__in=[e.pk for e in episodes], revoked_at__isnull=True
    )
    return {feed.episode_id: feed for feed in feeds if feed.episode_id is not None}


def feed_sessions(feed: CalendarFeed, *, now: dt.datetime) -> list[ScheduledSession]:
    """The sessions a feed publishes around ``now``: a patient feed, its episode's; a
    clinician feed, the clinician's own in the programs where they are still an active
    member (a revoked membership drops that program from the feed at the next refresh)."""
    sessions = ScheduledSession.objects.filter(
        starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD
    ).select_related("program__site", "cohort", "room")
    if feed.episode_id is not None:
        sessions = sessions.filter(participants__episode_id=feed.episode_id)
    elif feed.clinician is not None:
        programs = program_ids_with(feed.clinician, Capability.VIEW_SCHEDULE)
        sessions = sessions.filter(clinician_id=feed.clinician_id, program_id__in=programs)
    else:  # the one-owner constraint rules this out; publish nothing rather than guess
        return []
    return list(sessions.order_by("starts_at", "pk"))
