"""Tiny hand-built scheduling instances and solutions for tests.

``tiny_instance()`` is a two-site week of six slots (Monday and Tuesday, 09:00–12:00) with
five patients, five clinicians and four cohorts (one closed and empty); ``tiny_solution()`` is a feasible plan for it whose soft components were worked
out by hand (``TINY_COMPONENTS``). Every builder takes keyword overrides so that a test can
break exactly one thing::

    instance = tiny_instance(rooms=(...))
    solution = tiny_solution(sessions=without(TINY_SESSIONS, TINY_SESSIONS[0]))
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from hypothesis import strategies as st

from engines.scheduling.codec import instance_digest
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    Assignment,
    Cohort,
    Instance,
    Meeting,
    Needs,
    Patient,
    Room,
    Session,
    SessionKind,
    Site,
    Skill,
    Slot,
    Solution,
    Staff,
    Track,
    Week,
    Weight,
)

IND, PSY, FAM = SessionKind.INDIVIDUAL, SessionKind.PSYCHIATRY, SessionKind.FAMILY

SLOTS = (
    Slot("mon-09", 0, dt.time(9)),
    Slot("mon-10", 0, dt.time(10)),
    Slot("mon-11", 0, dt.time(11)),
    Slot("tue-09", 1, dt.time(9)),
    Slot("tue-10", 1, dt.time(10)),
    Slot("tue-11", 1, dt.time(11)),
)
ALL = frozenset(slot.id for slot in SLOTS)
MONDAY = frozenset({"mon-09", "mon-10", "mon-11"})

TINY_WEEK = Week(dt.date(2026, 11, 23), "America/Chicago", 60, SLOTS)
TINY_SITES = (Site("north", "North clinic"), Site("south", "South clinic"))
TINY_ROOMS = (
    Room("room-a", "north", 6),
    Room("room-b", "north", 6),
    Room("room-small", "north", 2),
    Room("room-c", "south", 6),
)
TINY_TRACKS = (
    Track("am", "north", "North mornings", ("mon-09", "mon-10", "tue-09", "tue-10")),
    Track("south-am", "south", "South mornings", ("mon-09", "tue-09")),
)
TINY_COHORTS = (
    Cohort("alpha", "am", 2, 4),
    Cohort("beta", "am", 2, 4, closed=True),
    Cohort("gamma", "south-am", 1, 4),
    Cohort("delta", "am", 1, 4),
)
TINY_STAFF = (
    Staff("ana", "Ana Group", frozenset({Skill.GROUP, Skill.INDIVIDUAL}), ("north",), ALL, 2),
    Staff(
        "ben",
        "Ben Floater",
        frozenset({Skill.GROUP, Skill.INDIVIDUAL, Skill.EMDR, Skill.FAMILY}),
        ("north", "south"),
        ALL,
        3,
    ),
    Staff("cy", "Cy Prescriber", frozenset({Skill.PRESCRIBER}), ("north", "south"), ALL, 1),
    Staff("dee", "Dee South", frozenset({Skill.GROUP}), ("south",), ALL, 1),
    Staff("eve", "Eve Group", frozenset({Skill.GROUP, Skill.INDIVIDUAL}), ("north",), ALL, 2),
)
TINY_PATIENTS = (
    Patient("p1", "north", ("am",), ALL, 1, 3, 4, Needs(individual=1, psychiatry=True)),
    Patient("p2", "north", ("am",), ALL, 2, 2, 4, Needs(individual=1, emdr=True)),
    Patient("p3", "north", ("am",), MONDAY, 1, 2, 3, Needs(individual=1, family=True)),
    Patient("p4", "south", ("south-am",), ALL, 3, 1, 2, Needs(individual=1)),
    Patient("p5", "north", ("am",), ALL, 2, 1, 3, Needs(individual=1)),
)
SESSION_MINUTES = MappingProxyType({"group": 60, "individual": 60, "psychiatry": 60, "family": 60})

TINY_ASSIGNMENTS = (
    Assignment("p1", "alpha", "ana"),
    Assignment("p2", "alpha", "ben"),
    Assignment("p3", "alpha", "ana"),
    Assignment("p4", "gamma", "ben"),
    Assignment("p5", "delta", "eve"),
)
TINY_MEETINGS = (
    Meeting("alpha", "mon-09", "ana", "room-a"),
    Meeting("alpha", "tue-09", "ana", "room-a"),
    Meeting("gamma", "tue-09", "dee", "room-c"),
    Meeting("delta", "mon-09", "eve", "room-b"),
)
# ben works at north on Monday and at south on Tuesday (one site per day).
TINY_SESSIONS = (
    Session("p1", IND, "mon-11", "ana"),
    Session("p1", PSY, "mon-10", "cy"),
    Session("p2", IND, "mon-10", "ben"),
    Session("p3", IND, "mon-10", "ana"),
    Session("p3", FAM, "mon-11", "ben"),
    Session("p4", IND, "tue-10", "ben"),
    Session("p5", IND, "tue-10", "eve"),
)

# Hours: p1 4 (band 3–4), p2 3 (2–4), p3 3 (2–3; Tuesday's meeting is outside p3's
# availability), p4 2 (1–2), p5 2 (1–3). Alpha holds phases 1, 2, 1 → one off-phase member;
# four meetings.
TINY_COMPONENTS: dict[Weight, int] = {weight: 0 for weight in Weight} | {
    Weight.PHASE_MIX: 1,
    Weight.MEETING: 4,
}
TINY_OBJECTIVE = 1 * DEFAULT_WEIGHTS[Weight.PHASE_MIX] + 4 * DEFAULT_WEIGHTS[Weight.MEETING]


def tiny_instance(**overrides: Any) -> Instance:
    """The tiny instance; keyword arguments replace any Instance field."""
    instance = Instance(
        id="tiny",
        week=TINY_WEEK,
        sites=TINY_SITES,
        rooms=TINY_ROOMS,
        tracks=TINY_TRACKS,
        cohorts=TINY_COHORTS,
        staff=TINY_STAFF,
        patients=TINY_PATIENTS,
        weights=MappingProxyType(dict(DEFAULT_WEIGHTS)),
        session_minutes=SESSION_MINUTES,
    )
    return dataclasses.replace(instance, **overrides)


def tiny_solution(instance: Instance | None = None, **overrides: Any) -> Solution:
    """The feasible tiny plan, tied to ``instance`` (default: ``tiny_instance()``);
    keyword arguments replace any Solution field."""
    instance = instance if instance is not None else tiny_instance()
    solution = Solution(
        instance_id=instance.id,
        instance_digest=instance_digest(instance),
        assignments=TINY_ASSIGNMENTS,
        meetings=TINY_MEETINGS,
        sessions=TINY_SESSIONS,
    )
    return dataclasses.replace(solution, **overrides)


def replaced[T](items: Iterable[T], old: T, new: T) -> tuple[T, ...]:
    """``items`` with ``old`` replaced by ``new`` (``old`` must be present)."""
    found = tuple(items)
    assert old in found, f"{old} is not in {found}"
    return tuple(new if item == old else item for item in found)


def without[T](items: Iterable[T], *dropped: T) -> tuple[T, ...]:
    found = tuple(items)
    assert all(item in found for item in dropped)
    return tuple(item for item in found if item not in dropped)


def with_staff(staff_id: str, **changes: Any) -> tuple[Staff, ...]:
    """TINY_STAFF with one member changed."""
    return tuple(dataclasses.replace(s, **changes) if s.id == staff_id else s for s in TINY_STAFF)


def with_patient(patient_id: str, **changes: Any) -> tuple[Patient, ...]:
    """TINY_PATIENTS with one patient changed."""
    return tuple(
        dataclasses.replace(p, **changes) if p.id == patient_id else p for p in TINY_PATIENTS
    )


def with_cohort(cohort_id: str, **changes: Any) -> tuple[Cohort, ...]:
    return tuple(
        dataclasses.replace(c, **changes) if c.id == cohort_id else c for c in TINY_COHORTS
    )


def tiny_previous() -> Solution:
    """A previous week for ``tiny_instance``: p2 had eve, p4 was in delta, p9 has been
    discharged. Against ``tiny_solution()``: therapist changes 1, cohort moves 1; meetings
    2 counted, 1 kept; sessions 3 counted, 1 kept (not_kept 3); assignments 3 counted, 2
    kept."""
    return Solution(
        instance_id="last-week",
        instance_digest="sha256:last",
        assignments=(
            Assignment("p1", "alpha", "ana"),
            Assignment("p2", "alpha", "eve"),  # therapist change
            Assignment("p4", "delta", "ben"),  # cohort change
            Assignment("p9", "alpha", "ana"),  # discharged: ignored
        ),
        meetings=(
            Meeting("alpha", "mon-09", "ana", "room-a"),  # kept
            Meeting("alpha", "mon-10", "ana", "room-a"),  # not kept
            Meeting("zeta", "mon-09", "ana", "room-a"),  # cohort gone: ignored
        ),
        sessions=(
            Session("p1", IND, "mon-11", "ana"),  # kept
            Session("p1", PSY, "mon-11", "cy"),  # still due, not kept
            Session("p2", FAM, "tue-11", "ben"),  # p2 needs no family session: ignored
            Session("p9", IND, "mon-10", "ana"),  # discharged: ignored
            Session("p3", IND, "mon-10", "gone"),  # clinician left: cannot be kept
        ),
    )


@st.composite
def mutated_plans(draw: st.DrawFn, instance: Instance) -> Solution:
    """The tiny feasible plan (for ``instance``, a variant of the tiny instance) after one to four random edits of the kinds a solver or a
    person might get wrong: move or reassign a session, move or re-staff a meeting, drop a
    meeting or session, reassign or drop a patient's assignment, add a session (with
    ``assign``, a patient may also end up assigned twice)."""
    slot_ids = sorted(slot.id for slot in instance.week.slots)
    staff_ids = [s.id for s in instance.staff]
    room_ids = [r.id for r in instance.rooms]
    cohort_ids = [c.id for c in instance.cohorts]
    patient_ids = [p.id for p in instance.patients]
    meetings, sessions = list(TINY_MEETINGS), list(TINY_SESSIONS)
    assignments = list(TINY_ASSIGNMENTS)
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["session", "meeting", "drop", "assign", "add", "unassign"]))
        if edit == "session" and sessions:
            n = draw(st.integers(0, len(sessions) - 1))
            sessions[n] = dataclasses.replace(
                sessions[n],
                slot=draw(st.sampled_from([sessions[n].slot, *slot_ids])),
                clinician=draw(st.sampled_from([sessions[n].clinician, *staff_ids])),
            )
        elif edit == "meeting" and meetings:
            n = draw(st.integers(0, len(meetings) - 1))
            meetings[n] = dataclasses.replace(
                meetings[n],
                slot=draw(st.sampled_from([meetings[n].slot, *slot_ids])),
                facilitator=draw(st.sampled_from([meetings[n].facilitator, *staff_ids])),
                room=draw(st.sampled_from([meetings[n].room, *room_ids])),
            )
        elif edit == "drop":
            if draw(st.booleans()) and meetings:
                meetings.pop(draw(st.integers(0, len(meetings) - 1)))
            elif sessions:
                sessions.pop(draw(st.integers(0, len(sessions) - 1)))
        elif edit == "assign" and assignments:
            n = draw(st.integers(0, len(assignments) - 1))
            changed = dataclasses.replace(
                assignments[n],
                cohort=draw(st.sampled_from(cohort_ids)),
                primary=draw(st.sampled_from([assignments[n].primary, *staff_ids])),
            )
            if draw(st.booleans()):
                assignments[n] = changed
            else:
                assignments.append(changed)
        elif edit == "unassign" and assignments:
            assignments.pop(draw(st.integers(0, len(assignments) - 1)))
        elif edit == "add":
            sessions.append(
                Session(
                    draw(st.sampled_from(patient_ids)),
                    draw(st.sampled_from(list(SessionKind))),
                    draw(st.sampled_from(slot_ids)),
                    draw(st.sampled_from(staff_ids)),
                )
            )
    return tiny_solution(
        instance, meetings=tuple(meetings), sessions=tuple(sessions), assignments=tuple(assignments)
    )
