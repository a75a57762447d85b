"""An engine solution as calendar rows: one session per meeting or appointment, with the
patients expected at it (a group's members available in that slot, except those pulled out
for an appointment at the same time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engines.scheduling import codec
from engines.scheduling.model import Instance, Solution
from openiop.scheduling.grid import SLOT_MINUTES, Ref
from openiop.scheduling.models import SessionKind


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """A session to create; ids are database ids."""

    kind: SessionKind
    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician_id: int
    episode_ids: tuple[int, ...]
    cohort_id: int | None = None
    room_id: int | None = None


def planned_sessions(instance: Instance, solution: Solution) -> list[PlannedSession]:
    """Every meeting and session of ``solution`` with its UTC times, in time order.
    Raises KeyError for a slot the instance does not have (a solution of another instance;
    the plan stores both, so this means a corrupted plan)."""
    slots = {s.id: s for s in instance.week.slots}
    available = {p.id: p.available for p in instance.patients}
    members: dict[str, list[str]] = {}
    for a in solution.assignments:
        members.setdefault(a.cohort, []).append(a.patient)
    # A patient pulled out of their group for an appointment is expected at the appointment.
    pulled = {(s.patient, s.slot) for s in solution.sessions}
    found = []
    for m in solution.meetings:
        start = codec.slot_start_utc(instance.week, slots[m.slot])
        attending = tuple(
            Ref.pk(p)
            for p in members.get(m.cohort, [])
            if m.slot in available[p] and (p, m.slot) not in pulled
        )
        found.append(
            PlannedSession(
                kind=SessionKind.GROUP,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=SLOT_MINUTES),
                clinician_id=Ref.pk(m.facilitator),
                episode_ids=attending,
                cohort_id=Ref.pk(m.cohort),
                room_id=Ref.pk(m.room),
            )
        )
    for s in solution.sessions:
        start = codec.slot_start_utc(instance.week, slots[s.slot])
        found.append(
            PlannedSession(
                kind=SessionKind(s.kind.value),
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=SLOT_MINUTES),
                clinician_id=Ref.pk(s.clinician),
                episode_ids=(Ref.pk(s.patient),),
            )
        )
    return sorted(found, key=lambda p: (p.starts_at, p.kind, p.clinician_id))
