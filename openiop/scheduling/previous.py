"""What a program's week looked like, as the engine's ``previous`` solution.

The planner keeps what it can of this: meetings and sessions in the same slot with the same
people, each patient's cohort and primary therapist. It is read from the sessions approved
plans put on the calendar (not from the plans' stored solutions), so a session cancelled or
a plan partly re-planned since is seen as it is now. Sessions made by hand are not planned
and are not in it; the adapter treats them as fixed bookings instead.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from engines.scheduling.model import Assignment, Meeting, Session, Solution, Week
from engines.scheduling.model import SessionKind as EngineKind
from openiop.patients.models import CareTeam, EpisodeOfCare
from openiop.programs.models import Program
from openiop.scheduling import grid
from openiop.scheduling.grid import Ref
from openiop.scheduling.models import ScheduledSession, SessionKind


def previous_solution(
    program: Program,
    week: Week,
    basis_week: dt.date | None,
    episodes: list[EpisodeOfCare],
    zone: ZoneInfo,
) -> Solution | None:
    """The planned sessions of ``basis_week`` that fall in a slot of ``week`` (same weekday
    and local time), and the current cohort and primary therapist of each episode. None when
    there is no basis week or nothing to carry over. Reads only."""
    if basis_week is None:
        return None
    slot_ids = {s.id for s in week.slots}
    meetings, sessions, primaries = _planned(program, basis_week, zone, slot_ids)
    assignments = tuple(_assignments(episodes, primaries))
    if not (assignments or meetings or sessions):
        return None
    return Solution(
        instance_id=f"program-{program.pk}-{basis_week.isoformat()}",
        instance_digest="",
        assignments=assignments,
        meetings=tuple(meetings),
        sessions=tuple(sessions),
    )


def _planned(
    program: Program, basis_week: dt.date, zone: ZoneInfo, slot_ids: set[str]
) -> tuple[list[Meeting], list[Session], dict[int, int]]:
    begin, end = grid.week_bounds(basis_week, zone)
    rows = (
        ScheduledSession.objects.filter(
            program=program,
            plan__isnull=False,
            cancelled_at__isnull=True,
            starts_at__gte=begin,
            starts_at__lt=end,
        )
        .prefetch_related("participants")
        .order_by("starts_at", "pk")
    )
    meetings: list[Meeting] = []
    sessions: list[Session] = []
    primaries: dict[int, int] = {}
    for row in rows:
        slot = grid.slot_of(row.starts_at, basis_week, zone)
        staff = Ref.of(Ref.STAFF, row.clinician_id)
        if row.kind == SessionKind.GROUP:
            if slot in slot_ids and row.cohort_id is not None and row.room_id is not None:
                meetings.append(
                    Meeting(
                        Ref.of(Ref.COHORT, row.cohort_id),
                        slot,
                        staff,
                        Ref.of(Ref.ROOM, row.room_id),
                    )
                )
            continue
        attendees = [p.episode_id for p in row.participants.all()]
        if len(attendees) != 1:
            continue
        if row.kind == SessionKind.INDIVIDUAL:
            primaries.setdefault(attendees[0], row.clinician_id)
        if slot in slot_ids:
            patient = Ref.of(Ref.PATIENT, attendees[0])
            sessions.append(Session(patient, EngineKind(row.kind), slot, staff))
    return meetings, sessions, primaries


def _assignments(episodes: list[EpisodeOfCare], primaries: dict[int, int]) -> list[Assignment]:
    """Each episode's current cohort with its primary therapist (the care team's, else the
    clinician of last week's individual session); episodes with neither are new to the plan."""
    found = []
    for episode in episodes:
        try:
            primary = episode.care_team.primary_therapist_id
        except CareTeam.DoesNotExist:
            primary = None
        primary = primary or primaries.get(episode.pk)
        if episode.cohort_id is None or primary is None:
            continue
        found.append(
            Assignment(
                Ref.of(Ref.PATIENT, episode.pk),
                Ref.of(Ref.COHORT, episode.cohort_id),
                Ref.of(Ref.STAFF, primary),
            )
        )
    return found
