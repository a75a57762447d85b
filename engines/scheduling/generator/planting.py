"""The planted week: a hard-feasible plan built before the availability that will contain it.

Order matters for feasibility and for quality. Individual sessions are hard, so every
patient gets a primary therapist and their sessions first (a therapist's pattern is extended
when nobody has a free common slot, which keeps the week feasible by construction). Group
meetings then take the facilitators' remaining time, since one meeting gives hours to a whole
cohort; psychiatry and family visits follow, and sessions that pull a patient out of their
group move to a free hour where one exists.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engines.scheduling.generator.board import SLOT_PLACE, Board
from engines.scheduling.generator.meetings import plant_meetings
from engines.scheduling.generator.staffing import CASELOAD_CAP, Clinician
from engines.scheduling.generator.visits import improve_pull_outs, plant_visits
from engines.scheduling.model import (
    Assignment,
    Cohort,
    Meeting,
    Patient,
    Room,
    Session,
    SessionKind,
    Skill,
    Solution,
    Track,
)

# Above this share of a site's patients per therapist the cap is raised, not the census cut.
CASELOAD_HEADROOM = 1.1


@dataclass(frozen=True, slots=True)
class WeekPlan:
    assignments: tuple[Assignment, ...]
    meetings: tuple[Meeting, ...]
    sessions: tuple[Session, ...]

    def caseloads(self) -> dict[str, int]:
        loads: dict[str, int] = {}
        for assignment in self.assignments:
            loads[assignment.primary] = loads.get(assignment.primary, 0) + 1
        return loads


def plant_week(
    rng: random.Random,
    *,
    tracks: Sequence[Track],
    cohorts: Sequence[Cohort],
    rooms: Sequence[Room],
    patients: Sequence[Patient],
    clinicians: Sequence[Clinician],
    members: Mapping[str, str],
    previous: Solution | None,
) -> WeekPlan:
    """Plant one week. ``members`` maps every patient to a cohort already sized within bounds;
    ``clinicians`` may gain working days or tracks. Raises RuntimeError if a patient can get
    no individual session at all (a generator bug: patterns can always be extended)."""
    board = Board(patients, clinicians, rooms, members)
    _plant_individual(rng, board, patients, previous)
    plant_meetings(board, tracks, cohorts, previous)
    plant_visits(board, SessionKind.PSYCHIATRY, Skill.PRESCRIBER, previous)
    plant_visits(board, SessionKind.FAMILY, Skill.FAMILY, previous)
    improve_pull_outs(board)
    return WeekPlan(
        assignments=tuple(
            Assignment(patient=p.id, cohort=members[p.id], primary=board.primary[p.id])
            for p in patients
        ),
        meetings=tuple(board.meetings),
        sessions=tuple(board.sessions),
    )


def _plant_individual(
    rng: random.Random, board: Board, patients: Sequence[Patient], previous: Solution | None
) -> None:
    last_primary = {a.patient: a.primary for a in previous.assignments} if previous else {}
    last_slots: dict[str, list[str]] = {}
    for session in previous.sessions if previous else ():
        if session.kind is SessionKind.INDIVIDUAL:
            last_slots.setdefault(session.patient, []).append(session.slot)
    soft_cap = _soft_caps(board, patients)
    # Continuing patients first, so newcomers do not take their therapist's last free slots.
    order = sorted(
        patients,
        key=lambda p: (p.id not in last_primary, not p.needs.emdr, len(p.available), p.id),
    )
    for p in order:
        clinician = _choose_primary(rng, board, p, last_primary.get(p.id), soft_cap[p.site])
        board.set_primary(p.id, clinician.id)
        same = last_primary.get(p.id) == clinician.id
        _book_individual(rng, board, p, clinician, last_slots.get(p.id, []) if same else [])


def _book_individual(
    rng: random.Random, board: Board, p: Patient, clinician: Clinician, last_slots: list[str]
) -> None:
    """Book the patient's individual sessions: last week's slots with this therapist where
    still free (kept), then random free common slots."""
    free = board.common_free(p, clinician)
    kept = [slot for slot in last_slots if slot in free]
    rest = [slot for slot in free if slot not in kept]
    for slot in (kept + rng.sample(rest, len(rest)))[: p.needs.individual]:
        session = Session(p.id, SessionKind.INDIVIDUAL, slot, clinician.id)
        board.add_session(session, kept=slot in kept)


def _soft_caps(board: Board, patients: Sequence[Patient]) -> dict[str, int]:
    caps: dict[str, int] = {}
    for site in sorted({p.site for p in patients}):
        census = sum(p.site == site for p in patients)
        therapists = len(board.staff_with(Skill.INDIVIDUAL, site)) or 1
        caps[site] = max(CASELOAD_CAP, math.ceil(CASELOAD_HEADROOM * census / therapists))
    return caps


def _eligible(board: Board, p: Patient) -> list[Clinician]:
    return [
        c
        for c in board.staff_with(Skill.INDIVIDUAL, p.site)
        if Skill.EMDR in c.skills or not p.needs.emdr
    ]


def _choose_primary(
    rng: random.Random, board: Board, p: Patient, last: str | None, soft_cap: int
) -> Clinician:
    eligible = _eligible(board, p)
    need = p.needs.individual
    load = board.load
    for c in eligible:
        # No cap check: continuing patients go first, so last week's caseload bounds this one.
        if c.id == last and len(board.common_free(p, c)) >= need:
            return c
    shuffled = rng.sample(eligible, len(eligible))
    ranked = sorted(shuffled, key=lambda c: (load.get(c.id, 0) >= soft_cap, load.get(c.id, 0)))
    for c in ranked:
        if len(board.common_free(p, c)) >= need:
            return c
    for c in ranked:
        if _extend_for(board, c, p):
            return c
    raise RuntimeError(f"planting: no eligible therapist can see patient {p.id}")


def _extend_for(board: Board, clinician: Clinician, p: Patient) -> bool:
    """Add the patient's track to the therapist's pattern on the patient's days until they
    share enough free slots; False if the therapist is at other sites on all those days."""
    for slot in sorted(p.available):
        if len(board.common_free(p, clinician)) >= p.needs.individual:
            return True
        day, track_name = SLOT_PLACE[slot]
        clinician.extend(p.site, day, track_name)
    return len(board.common_free(p, clinician)) >= p.needs.individual
