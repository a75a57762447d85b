"""The greedy baseline of IOPBench (scheduling.md §3.5): the floor every solver must beat.

Earliest-fit with no look-ahead, exactly as §3.5 describes. Its meetings are placed first and
take the facilitators' time, so it is expected to leave patients without an individual
session (hard violations the validator reports); it never names an id the instance lacks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from types import MappingProxyType

from engines.scheduling.codec import instance_digest
from engines.scheduling.disruption import first_assignments
from engines.scheduling.model import (
    Assignment,
    Cohort,
    Instance,
    Meeting,
    Needs,
    Patient,
    Session,
    SessionKind,
    Skill,
    Solution,
    Staff,
)


def greedy(instance: Instance) -> Solution:
    """A week for ``instance`` by the §3.5 greedy (``stats``: ``{"solver": "greedy"}``).

    Stage 1 keeps continuing patients in last week's cohort while it has room, puts the rest
    (in phase order) into the least-full open cohort of an allowed track, then repairs
    undersized cohorts from the largest one of their track, dissolving those it cannot fill.
    Stage 2 places meetings member-day by member-day (first free facilitator, smallest free
    room that fits), then individual sessions with the previous primary if eligible and under
    cap (else the next eligible one) in the first slots both are free, then psychiatry and
    family visits in the first free slot. The result may break hard rules; a patient who can
    join no cohort of their site gets no assignment. ``instance`` must be one the codec
    accepts; raises nothing else.
    """
    members = _stage_one(instance)
    cohort_of = {patient: cohort for cohort, ids in members.items() for patient in ids}
    week = _Week(instance, cohort_of)
    week.place_meetings(members)
    primaries = week.place_individual()
    week.place_visits(SessionKind.PSYCHIATRY, Skill.PRESCRIBER, lambda n: n.psychiatry)
    week.place_visits(SessionKind.FAMILY, Skill.FAMILY, lambda n: n.family)
    assignments = tuple(
        Assignment(patient=p.id, cohort=cohort_of[p.id], primary=primaries[p.id])
        for p in instance.patients
        if p.id in cohort_of and p.id in primaries
    )
    return Solution(
        instance_id=instance.id,
        instance_digest=instance_digest(instance),
        assignments=assignments,
        meetings=tuple(week.meetings),
        sessions=tuple(week.sessions),
        stats=MappingProxyType({"solver": "greedy"}),
    )


# --- stage 1: cohorts -----------------------------------------------------------------------


def _allowed(instance: Instance, patient: Patient) -> set[str]:
    site_of = {t.id: t.site for t in instance.tracks}
    return {t for t in patient.track_options if site_of.get(t) == patient.site}


def _stage_one(instance: Instance) -> dict[str, list[str]]:
    cohorts = {c.id: c for c in instance.cohorts}
    members: dict[str, list[str]] = {c.id: [] for c in sorted(instance.cohorts, key=_id)}
    # The validator's reading of last week: a patient listed twice counts with the first entry.
    last = (
        {p: a.cohort for p, a in first_assignments(instance.previous.assignments).items()}
        if instance.previous
        else {}
    )
    rest: list[Patient] = []
    for p in instance.patients:
        cohort = cohorts.get(last.get(p.id, ""))
        if (
            cohort is not None
            and cohort.track in _allowed(instance, p)
            and len(members[cohort.id]) < cohort.max_size
        ):
            members[cohort.id].append(p.id)
        else:
            rest.append(p)
    for p in sorted(rest, key=lambda p: (p.phase, p.id)):
        target = _least_full(instance, members, p, exclude="")
        if target is not None:
            members[target.id].append(p.id)
    _repair(instance, members)
    return members


def _id(item: Cohort | Staff) -> str:
    return item.id


def _least_full(
    instance: Instance, members: dict[str, list[str]], p: Patient, exclude: str
) -> Cohort | None:
    """The least-full open cohort of the patient's allowed tracks, one with room first."""
    allowed = _allowed(instance, p)
    options = [
        c for c in instance.cohorts if c.track in allowed and not c.closed and c.id != exclude
    ]
    return min(
        options,
        key=lambda c: (len(members[c.id]) >= c.max_size, len(members[c.id]), c.id),
        default=None,
    )


def _repair(instance: Instance, members: dict[str, list[str]]) -> None:
    patients = {p.id: p for p in instance.patients}
    for cohort in sorted(instance.cohorts, key=_id):
        ids = members[cohort.id]
        while 0 < len(ids) < cohort.min_size and not cohort.closed:
            donors = [
                c
                for c in instance.cohorts
                if c.track == cohort.track and c.id != cohort.id and len(members[c.id]) > c.min_size
            ]
            if not donors:
                break
            donor = max(donors, key=lambda c: (len(members[c.id]), c.id))
            ids.append(members[donor.id].pop())
        if 0 < len(ids) < cohort.min_size:
            _dissolve(instance, members, cohort, patients)


def _dissolve(
    instance: Instance, members: dict[str, list[str]], cohort: Cohort, patients: dict[str, Patient]
) -> None:
    for patient_id in list(members[cohort.id]):
        target = _least_full(instance, members, patients[patient_id], exclude=cohort.id)
        if target is not None and 0 < len(members[target.id]) < target.max_size:
            members[cohort.id].remove(patient_id)
            members[target.id].append(patient_id)


# --- stage 2: the timetable -----------------------------------------------------------------


class _Week:
    """Who is booked when; every check that keeps the greedy from double-booking."""

    def __init__(self, instance: Instance, cohort_of: dict[str, str]) -> None:
        self.instance = instance
        self.cohort_of = cohort_of
        self.order = {slot.id: n for n, slot in enumerate(instance.week.slots)}
        self.day = {slot.id: slot.day for slot in instance.week.slots}
        self.busy: dict[str, set[str]] = defaultdict(set)
        self.day_site: dict[tuple[str, int], str] = {}
        self.room_busy: dict[str, set[str]] = defaultdict(set)
        self.patient_busy: dict[str, set[str]] = defaultdict(set)
        self.group_slots: dict[str, set[str]] = defaultdict(set)
        self.meetings: list[Meeting] = []
        self.sessions: list[Session] = []

    def free(self, staff: Staff, site: str, slot: str) -> bool:
        return (
            slot in staff.available
            and site in staff.sites
            and slot not in self.busy[staff.id]
            and self.day_site.get((staff.id, self.day[slot]), site) == site
        )

    def book(self, staff: Staff, site: str, slot: str) -> None:
        self.busy[staff.id].add(slot)
        self.day_site[(staff.id, self.day[slot])] = site

    def first_free(self, skill: Skill, site: str, slot: str) -> Staff | None:
        return next(
            (s for s in self.instance.staff if skill in s.skills and self.free(s, site, slot)),
            None,
        )

    def in_grid_order(self, slots: Iterable[str]) -> list[str]:
        return sorted((s for s in slots if s in self.order), key=self.order.__getitem__)

    def place_meetings(self, members: dict[str, list[str]]) -> None:
        tracks = {t.id: t for t in self.instance.tracks}
        patients = {p.id: p for p in self.instance.patients}
        for cohort in sorted(self.instance.cohorts, key=_id):
            ids = members[cohort.id]
            attended = set().union(*(patients[i].available for i in ids)) if ids else set()
            track = tracks[cohort.track]
            for slot in self.in_grid_order(s for s in track.slots if s in attended):
                facilitator = self.first_free(Skill.GROUP, track.site, slot)
                room = min(
                    (
                        r
                        for r in self.instance.rooms
                        if r.site == track.site
                        and r.capacity >= len(ids)
                        and slot not in self.room_busy[r.id]
                    ),
                    key=lambda r: (r.capacity, r.id),
                    default=None,
                )
                if facilitator is not None and room is not None:
                    self.meetings.append(Meeting(cohort.id, slot, facilitator.id, room.id))
                    self.book(facilitator, track.site, slot)
                    self.room_busy[room.id].add(slot)
                    self.group_slots[cohort.id].add(slot)

    def open_slots(self, patient: Patient, staff: Staff) -> list[str]:
        """The patient's free slots where ``staff`` is free too, out-of-group hours first."""
        group = self.group_slots[self.cohort_of.get(patient.id, "")]
        return sorted(
            (
                s
                for s in self.in_grid_order(patient.available)
                if s not in self.patient_busy[patient.id] and self.free(staff, patient.site, s)
            ),
            key=lambda s: (s in group, self.order[s]),
        )

    def add_session(self, session: Session, staff: Staff, site: str) -> None:
        self.sessions.append(session)
        self.book(staff, site, session.slot)
        self.patient_busy[session.patient].add(session.slot)

    def place_individual(self) -> dict[str, str]:
        primaries: dict[str, str] = {}
        load: dict[str, int] = defaultdict(int)
        previous = self.instance.previous
        last = (
            {p: a.primary for p, a in first_assignments(previous.assignments).items()}
            if previous
            else {}
        )
        for p in self.instance.patients:
            staff = self._primary(p, last.get(p.id), load)
            if staff is None:
                continue
            primaries[p.id] = staff.id
            load[staff.id] += 1
            for slot in self.open_slots(p, staff)[: p.needs.individual]:
                self.add_session(
                    Session(p.id, SessionKind.INDIVIDUAL, slot, staff.id), staff, p.site
                )
        return primaries

    def _primary(self, p: Patient, last: str | None, load: dict[str, int]) -> Staff | None:
        """Last week's primary if eligible and under cap, else the first eligible one under
        cap; failing that, the first eligible one, or anyone at the site (a hard violation
        the validator reports, rather than a patient silently left out)."""
        wanted = {Skill.INDIVIDUAL} | ({Skill.EMDR} if p.needs.emdr else set())
        eligible = [s for s in self.instance.staff if wanted <= s.skills and p.site in s.sites]
        under_cap = [s for s in eligible if load[s.id] < s.caseload_cap]
        previous = [s for s in under_cap if s.id == last]
        fallback = [s for s in self.instance.staff if p.site in s.sites] or list(
            self.instance.staff
        )
        return next(iter(previous + under_cap + eligible + fallback), None)

    def place_visits(self, kind: SessionKind, skill: Skill, wants: Callable[[Needs], bool]) -> None:
        for p in self.instance.patients:
            if not wants(p.needs):
                continue
            group = self.group_slots[self.cohort_of.get(p.id, "")]
            slots = sorted(
                (s for s in self.in_grid_order(p.available) if s not in self.patient_busy[p.id]),
                key=lambda s: (s in group, self.order[s]),
            )
            for slot in slots:
                staff = self.first_free(skill, p.site, slot)
                if staff is not None:
                    self.add_session(Session(p.id, kind, slot, staff.id), staff, p.site)
                    break
