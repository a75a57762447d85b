"""Lookups derived once from an instance, shared by every stage of the solver.

The eligibility rules here are the hard rules of the format (H1, H5, H7, H8 in
docs/scheduling-format.md) stated once, so the pre-checks, the models and the explanations
cannot disagree about who may do what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from engines.scheduling.disruption import first_assignments
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    SKILL_FOR_KIND,
    Assignment,
    Cohort,
    Instance,
    Patient,
    Room,
    SessionKind,
    Skill,
    Staff,
    Track,
    Weight,
)


@dataclass(frozen=True)
class Facts:
    """The instance plus indexes by id. Slot ids unknown to the week are ignored everywhere,
    so a stray id in an availability set can never produce a session in a slot that does not
    exist."""

    instance: Instance

    @cached_property
    def slot_day(self) -> Mapping[str, int]:
        return {slot.id: slot.day for slot in self.instance.week.slots}

    @cached_property
    def slot_rank(self) -> Mapping[str, int]:
        ordered = sorted(self.instance.week.slots, key=lambda s: (s.day, s.start, s.id))
        return {slot.id: rank for rank, slot in enumerate(ordered)}

    @cached_property
    def tracks(self) -> Mapping[str, Track]:
        return {track.id: track for track in self.instance.tracks}

    @cached_property
    def cohorts(self) -> Mapping[str, Cohort]:
        return {cohort.id: cohort for cohort in self.instance.cohorts}

    @cached_property
    def staff(self) -> Mapping[str, Staff]:
        return {member.id: member for member in self.instance.staff}

    @cached_property
    def patients(self) -> Mapping[str, Patient]:
        return {patient.id: patient for patient in self.instance.patients}

    @cached_property
    def cohorts_of_track(self) -> Mapping[str, tuple[Cohort, ...]]:
        grouped: dict[str, list[Cohort]] = defaultdict(list)
        for cohort in self.instance.cohorts:
            grouped[cohort.track].append(cohort)
        return {track: tuple(cohorts) for track, cohorts in grouped.items()}

    @cached_property
    def rooms_of_site(self) -> Mapping[str, tuple[Room, ...]]:
        grouped: dict[str, list[Room]] = defaultdict(list)
        for room in self.instance.rooms:
            grouped[room.site].append(room)
        return {site: tuple(rooms) for site, rooms in grouped.items()}

    @cached_property
    def previous(self) -> Mapping[str, Assignment]:
        """Last week's assignment by patient id (empty without a previous week)."""
        if self.instance.previous is None:
            return {}
        # the first of duplicated assignments counts, as everywhere else (disruption.py)
        return first_assignments(self.instance.previous.assignments)

    def weight(self, weight: Weight) -> int:
        return self.instance.weights.get(weight, DEFAULT_WEIGHTS[weight])

    def track_site(self, cohort_id: str) -> str:
        return self.tracks[self.cohorts[cohort_id].track].site

    def track_slots(self, cohort_id: str) -> tuple[str, ...]:
        """The cohort's meeting slots that exist in the week, in week order."""
        track = self.tracks[self.cohorts[cohort_id].track]
        return tuple(sorted((s for s in track.slots if s in self.slot_day), key=self.rank))

    def rank(self, slot_id: str) -> int:
        return self.slot_rank[slot_id]

    @cached_property
    def _patient_available(self) -> Mapping[str, frozenset[str]]:
        known = self.slot_day.keys()
        return {p.id: frozenset(p.available & known) for p in self.instance.patients}

    @cached_property
    def _staff_available(self) -> Mapping[str, frozenset[str]]:
        known = self.slot_day.keys()
        return {m.id: frozenset(m.available & known) for m in self.instance.staff}

    def available(self, patient: Patient) -> frozenset[str]:
        return self._patient_available[patient.id]

    def staff_available(self, member: Staff) -> frozenset[str]:
        return self._staff_available[member.id]

    def cohort_options(self, patient: Patient) -> tuple[str, ...]:
        """H1/H2: cohorts of the patient's track options at the patient's site; a closed
        cohort only for the patient it already held last week."""
        held = self.previous.get(patient.id)
        options: list[str] = []
        for track_id in patient.track_options:
            track = self.tracks.get(track_id)
            if track is None or track.site != patient.site:
                continue
            options.extend(
                cohort.id
                for cohort in self.cohorts_of_track.get(track_id, ())
                if not cohort.closed or (held is not None and held.cohort == cohort.id)
            )
        return tuple(options)

    def may_be_primary(self, patient: Patient, member: Staff) -> bool:
        """H5 without availability: individual skill, EMDR when needed, the patient's site."""
        if Skill.INDIVIDUAL not in member.skills or patient.site not in member.sites:
            return False
        return not patient.needs.emdr or Skill.EMDR in member.skills

    def may_see(self, patient: Patient, member: Staff, kind: SessionKind) -> bool:
        """H7/H8 for a session of ``kind`` (the primary rule of H5 is checked separately)."""
        return SKILL_FOR_KIND[kind] in member.skills and patient.site in member.sites

    def wanted_kinds(self, patient: Patient) -> tuple[SessionKind, ...]:
        """The optional session kinds the patient should get (soft, H7 allows one each)."""
        kinds = []
        if patient.needs.psychiatry:
            kinds.append(SessionKind.PSYCHIATRY)
        if patient.needs.family:
            kinds.append(SessionKind.FAMILY)
        return tuple(kinds)

    def common_slots(self, patient: Patient, member: Staff) -> frozenset[str]:
        return self.available(patient) & self.staff_available(member)

    def primary_candidates(self, patient: Patient) -> tuple[Staff, ...]:
        """Staff who may be the patient's primary and share enough slots for the required
        individual sessions (a necessary condition; other bookings may still take them)."""
        return self._primary_candidates[patient.id]

    @cached_property
    def _primary_candidates(self) -> Mapping[str, tuple[Staff, ...]]:
        return {
            patient.id: tuple(
                member
                for member in self.instance.staff
                if self.may_be_primary(patient, member)
                and len(self.common_slots(patient, member)) >= patient.needs.individual
            )
            for patient in self.instance.patients
        }

    @cached_property
    def group_staff(self) -> tuple[Staff, ...]:
        return tuple(m for m in self.instance.staff if Skill.GROUP in m.skills)
