"""Which decisions a scope offers: the candidate items the timetable model gets variables
for and the constructive week picks from, computed once so the two always agree.

An item exists only where every per-item hard rule already holds: a session where patient and
clinician are both available and the clinician is qualified (H5, H7, H8) and may work at the
patient's site that day (H9 with fixed days); a meeting in a track slot with a member
available, a group-skilled clinician who may work there and a room big enough (H3).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engines.scheduling.model import Patient, SessionKind
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.scope import Scope, usable

SessionOption = tuple[str, str]  # slot, clinician
MeetingOption = tuple[tuple[str, ...], tuple[str, ...]]  # facilitators, rooms (smallest first)


@dataclass(frozen=True)
class Domain:
    primaries: dict[str, tuple[str, ...]]
    sessions: dict[tuple[str, SessionKind], tuple[SessionOption, ...]]
    meetings: dict[tuple[str, str], MeetingOption]


def domain(facts: Facts, scope: Scope, *, meetings: bool = True, optional: bool = True) -> Domain:
    """The items of ``scope``; without ``meetings``/``optional`` only the required part
    (primaries and individual sessions), which is all hard feasibility depends on."""
    found = Domain({}, {}, {})
    for patient in scope.patients:
        _patient_items(facts, scope, patient, found, optional)
    if meetings:
        for cohort_id in scope.cohorts:
            _cohort_items(facts, scope, cohort_id, found)
    return found


def _patient_items(
    facts: Facts, scope: Scope, patient: Patient, found: Domain, optional: bool
) -> None:
    slots = sorted(facts.available(patient) & scope.slots, key=facts.rank)
    candidates = scope.candidates[patient.id]
    found.primaries[patient.id] = candidates
    found.sessions[patient.id, SessionKind.INDIVIDUAL] = tuple(
        (slot, member_id)
        for member_id in candidates
        for slot in slots
        if usable(facts, facts.staff[member_id], slot, patient.site, scope.day_site)
    )
    if not optional:
        return
    for kind in facts.wanted_kinds(patient):
        found.sessions[patient.id, kind] = tuple(
            (slot, member.id)
            for member in facts.instance.staff
            if facts.may_see(patient, member, kind)
            for slot in slots
            if usable(facts, member, slot, patient.site, scope.day_site)
        )


def _cohort_items(facts: Facts, scope: Scope, cohort_id: str, found: Domain) -> None:
    site = facts.track_site(cohort_id)
    members = [p for p in scope.patients if scope.cohort_of[p.id] == cohort_id]
    rooms = tuple(
        r.id
        for r in sorted(facts.rooms_of_site.get(site, ()), key=lambda r: (r.capacity, r.id))
        if r.capacity >= len(members)
    )
    present: dict[str, int] = defaultdict(int)
    for patient in members:
        for slot in facts.available(patient):
            present[slot] += 1
    for slot in facts.track_slots(cohort_id):
        if slot not in scope.slots or not present[slot] or not rooms:
            continue
        leads = tuple(
            m.id for m in facts.group_staff if usable(facts, m, slot, site, scope.day_site)
        )
        if leads:
            found.meetings[cohort_id, slot] = (leads, rooms)
