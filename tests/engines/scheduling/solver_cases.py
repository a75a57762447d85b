"""Instances for the solver's tests: a one-site builder for crafted infeasible weeks, and a
hypothesis strategy for small random weeks with a planted feasible plan.

The planted strategy draws the plan first (cohorts, primaries, individual sessions without
double booking) and then availability and caps that contain it, so every drawn instance is
hard-feasible by construction: the solver must never call one infeasible.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from hypothesis import strategies as st

from engines.scheduling.codec import instance_digest
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    Assignment,
    Cohort,
    Instance,
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
)

MINUTES = MappingProxyType({"group": 60, "individual": 60, "psychiatry": 60, "family": 60})
THERAPIST = frozenset({Skill.GROUP, Skill.INDIVIDUAL})


def week(days: int = 2, per_day: int = 3) -> Week:
    slots = tuple(
        Slot(f"d{day}-{hour}", day, dt.time(9 + hour))
        for day in range(days)
        for hour in range(per_day)
    )
    return Week(dt.date(2026, 11, 23), "America/Chicago", 60, slots)


def one_site(
    *,
    staff: tuple[Staff, ...],
    patients: tuple[Patient, ...],
    cohorts: tuple[Cohort, ...] = (Cohort("c1", "t1", 1, 6),),
    rooms: tuple[Room, ...] = (Room("r1", "s1", 8),),
    tracks: tuple[Track, ...] | None = None,
    days: int = 2,
) -> Instance:
    """A one-site week (site ``s1``; by default one track ``t1`` over every slot)."""
    grid = week(days)
    all_slots = tuple(slot.id for slot in grid.slots)
    return Instance(
        id="crafted",
        week=grid,
        sites=(Site("s1", "Site one"),),
        rooms=rooms,
        tracks=tracks if tracks is not None else (Track("t1", "s1", "All day", all_slots),),
        cohorts=cohorts,
        staff=staff,
        patients=patients,
        weights=DEFAULT_WEIGHTS,
        session_minutes=MINUTES,
    )


def therapist(
    staff_id: str, available: frozenset[str], cap: int = 6, skills: frozenset[Skill] = THERAPIST
) -> Staff:
    return Staff(staff_id, staff_id.title(), skills, ("s1",), available, cap)


def patient(
    patient_id: str,
    available: frozenset[str],
    *,
    tracks: tuple[str, ...] = ("t1",),
    needs: Needs | None = None,
) -> Patient:
    return Patient(patient_id, "s1", tracks, available, 1, 1, 6, needs or Needs())


@st.composite
def planted_weeks(draw: st.DrawFn) -> tuple[Instance, Solution]:
    """A random one-site week and a hard-feasible plan of it (no meetings)."""
    grid = week(draw(st.integers(1, 2)))
    slot_ids = [s.id for s in grid.slots]
    n_staff = draw(st.integers(1, 3))
    n_patients = draw(st.integers(1, 7))
    busy: set[tuple[str, str]] = set()
    loads = dict.fromkeys(range(n_staff), 0)
    sessions: list[Session] = []
    plan: list[tuple[int, list[str]]] = []
    for index in range(n_patients):
        primary = draw(st.integers(0, n_staff - 1))
        free = [s for s in slot_ids if (f"m{primary}", s) not in busy]
        wanted = draw(st.integers(0 if not free else 1, min(2, len(free))))
        slots = draw(st.permutations(free))[:wanted]
        busy |= {(f"m{primary}", s) for s in slots}
        sessions += [Session(f"p{index}", SessionKind.INDIVIDUAL, s, f"m{primary}") for s in slots]
        loads[primary] += 1
        plan.append((primary, list(slots)))
    staff = tuple(
        Staff(
            f"m{i}",
            f"M{i}",
            frozenset({Skill.INDIVIDUAL})
            | draw(
                st.frozensets(
                    st.sampled_from([Skill.GROUP, Skill.PRESCRIBER, Skill.FAMILY, Skill.EMDR])
                )
            ),
            ("s1",),
            frozenset({s for (m, s) in busy if m == f"m{i}"})
            | draw(st.frozensets(st.sampled_from(slot_ids))),
            loads[i] + draw(st.integers(0, 2)),
        )
        for i in range(n_staff)
    )
    patients = tuple(
        Patient(
            f"p{i}",
            "s1",
            ("t1",),
            frozenset(slots) | draw(st.frozensets(st.sampled_from(slot_ids))),
            draw(st.integers(1, 3)),
            low := draw(st.integers(0, 4)),
            low + draw(st.integers(0, 3)),
            Needs(
                individual=len(slots),
                emdr=Skill.EMDR in staff[primary].skills and draw(st.booleans()),
                psychiatry=draw(st.booleans()),
                family=draw(st.booleans()),
            ),
        )
        for i, (primary, slots) in enumerate(plan)
    )
    max_size = draw(st.integers(n_patients, n_patients + 2))
    cohorts = (Cohort("c1", "t1", 1, max_size), Cohort("c2", "t1", draw(st.integers(1, 3)), 4))
    rooms = (Room("r1", "s1", draw(st.integers(2, 9))),)
    instance = one_site(
        staff=staff, patients=patients, cohorts=cohorts, rooms=rooms, days=len(grid.slots) // 3
    )
    planted = Solution(
        instance_id=instance.id,
        instance_digest=instance_digest(instance),
        assignments=tuple(Assignment(p.id, "c1", f"m{plan[i][0]}") for i, p in enumerate(patients)),
        meetings=(),
        sessions=tuple(sessions),
    )
    return instance, planted
