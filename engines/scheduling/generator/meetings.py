"""Planting group meetings: last week's first, then the most valuable (cohort, slot) pairs.

A meeting's value is what it does to the objective (weights of §3.3): each member available
in the slot who does not yet have that hour gains HOUR_SHORTFALL while under their band and
costs HOUR_EXCESS once at its top; the meeting itself costs MEETING. Values only fall as
hours are given and resources only run out, so a lazy max-heap picks the same pair each time
as re-scoring every pair would, at a fraction of the cost.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from engines.scheduling.generator.board import Board
from engines.scheduling.generator.staffing import Clinician
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    Cohort,
    Meeting,
    Room,
    Skill,
    Solution,
    Track,
    Weight,
)


def plant_meetings(
    board: Board, tracks: Sequence[Track], cohorts: Sequence[Cohort], previous: Solution | None
) -> None:
    for track in tracks:
        used = [c for c in cohorts if c.track == track.id and board.cohort_members[c.id]]
        if not used:
            continue
        if previous is not None:
            _keep_previous(board, track, used, previous)
        _greedy(board, track, used)


def _keep_previous(board: Board, track: Track, used: Sequence[Cohort], previous: Solution) -> None:
    by_id = {c.id: c for c in used}
    for meeting in previous.meetings:
        facilitator = board.clinicians.get(meeting.facilitator)
        room = board.rooms.get(meeting.room)
        if (
            meeting.cohort in by_id
            and meeting.slot in track.slots
            and meeting.slot not in board.cohort_slots[meeting.cohort]
            and _gain(board, meeting.cohort, meeting.slot) is not None
            and facilitator is not None
            and Skill.GROUP in facilitator.skills
            and board.free(facilitator, track.site, meeting.slot)
            and room is not None
            and _room_fits(board, room, track.site, meeting.cohort, meeting.slot)
        ):
            board.add_meeting(meeting)


def _greedy(board: Board, track: Track, used: Sequence[Cohort]) -> None:
    heap: list[tuple[int, str, str]] = []
    for cohort in used:
        for slot in track.slots:
            gain = _gain(board, cohort.id, slot)
            if gain is not None and slot not in board.cohort_slots[cohort.id]:
                heap.append((-gain, cohort.id, slot))
    heapq.heapify(heap)
    while heap:
        stale, cohort_id, slot = heapq.heappop(heap)
        gain = _gain(board, cohort_id, slot)
        if gain is None:
            continue
        if -stale != gain:
            heapq.heappush(heap, (-gain, cohort_id, slot))
            continue
        if gain <= 0:
            return
        room = _smallest_room(board, track.site, cohort_id, slot)
        facilitator = _facilitator(board, track.site, cohort_id, slot)
        if room is not None and facilitator is not None:
            board.add_meeting(Meeting(cohort_id, slot, facilitator.id, room.id))


def _gain(board: Board, cohort_id: str, slot: str) -> int | None:
    """The objective change of a meeting, or None when no member is available then."""
    if slot in board.cohort_slots[cohort_id]:
        return None
    gain = -DEFAULT_WEIGHTS[Weight.MEETING]
    anyone = False
    for patient_id in board.cohort_members[cohort_id]:
        patient = board.patients[patient_id]
        if slot not in patient.available:
            continue
        anyone = True
        hours = board.hours[patient_id]
        if slot in hours:
            continue
        if len(hours) < patient.hours_min:
            gain += DEFAULT_WEIGHTS[Weight.HOUR_SHORTFALL]
        elif len(hours) >= patient.hours_max:
            gain -= DEFAULT_WEIGHTS[Weight.HOUR_EXCESS]
    return gain if anyone else None


def _room_fits(board: Board, room: Room, site: str, cohort_id: str, slot: str) -> bool:
    return (
        room.site == site
        and room.capacity >= len(board.cohort_members[cohort_id])
        and slot not in board.room_busy[room.id]
    )


def _smallest_room(board: Board, site: str, cohort_id: str, slot: str) -> Room | None:
    fitting = [r for r in board.rooms.values() if _room_fits(board, r, site, cohort_id, slot)]
    return min(fitting, key=lambda r: (r.capacity, r.id), default=None)


def _facilitator(board: Board, site: str, cohort_id: str, slot: str) -> Clinician | None:
    """A free group facilitator: one who already leads this cohort first (continuity), then
    one without family training (kept for family sessions), then the least busy."""
    leaders = board.leaders[cohort_id]
    free = [c for c in board.staff_with(Skill.GROUP, site) if board.free(c, site, slot)]
    return min(
        free,
        key=lambda c: (
            c.id not in leaders,
            Skill.FAMILY in c.skills,
            len(board.staff_busy[c.id]),
            c.id,
        ),
        default=None,
    )
