"""The bookkeeping of a week being planted: who is busy when, and who has which hours.

Every placement goes through ``Board`` so that no clinician, room or patient is double-booked
and every item lies inside the availability the instance will publish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from engines.scheduling.generator.grid import TRACK_HOURS, slot_id
from engines.scheduling.generator.staffing import Clinician
from engines.scheduling.model import Meeting, Patient, Room, Session, Skill

SLOT_PLACE: Mapping[str, tuple[int, str]] = {
    slot_id(day, hour): (day, name)
    for day in range(5)
    for name, hours in TRACK_HOURS
    for hour in hours
}


class Board:
    def __init__(
        self,
        patients: Sequence[Patient],
        clinicians: Sequence[Clinician],
        rooms: Sequence[Room],
        members: Mapping[str, str],
    ) -> None:
        self.patients = {p.id: p for p in patients}
        self.clinicians = {c.id: c for c in clinicians}
        self.rooms = {r.id: r for r in rooms}
        self.member_of = dict(members)
        self.cohort_members: dict[str, list[str]] = defaultdict(list)
        for p in patients:
            self.cohort_members[members[p.id]].append(p.id)
        self.staff_busy: dict[str, set[str]] = defaultdict(set)
        self.room_busy: dict[str, set[str]] = defaultdict(set)
        self.patient_busy: dict[str, set[str]] = defaultdict(set)
        self.hours: dict[str, set[str]] = defaultdict(set)
        self.cohort_slots: dict[str, set[str]] = defaultdict(set)
        self.leaders: dict[str, set[str]] = defaultdict(set)
        self.primary: dict[str, str] = {}
        self.load: dict[str, int] = defaultdict(int)
        self.meetings: list[Meeting] = []
        self.sessions: list[Session] = []
        self.kept: set[Session] = set()

    def staff_with(self, skill: Skill, site: str) -> list[Clinician]:
        return [c for c in self.clinicians.values() if skill in c.skills and site in c.sites]

    def free(self, clinician: Clinician, site: str, slot: str) -> bool:
        day, track_name = SLOT_PLACE[slot]
        return (
            clinician.present(site, day, track_name) and slot not in self.staff_busy[clinician.id]
        )

    def patient_free(self, patient: Patient, slot: str) -> bool:
        return slot in patient.available and slot not in self.patient_busy[patient.id]

    def common_free(self, patient: Patient, clinician: Clinician) -> list[str]:
        return [
            slot
            for slot in sorted(patient.available)
            if slot not in self.patient_busy[patient.id]
            and self.free(clinician, patient.site, slot)
        ]

    def pulled_out(self, patient_id: str, slot: str) -> bool:
        return slot in self.cohort_slots[self.member_of[patient_id]]

    def set_primary(self, patient_id: str, clinician_id: str) -> None:
        self.primary[patient_id] = clinician_id
        self.load[clinician_id] += 1

    def add_session(self, session: Session, *, kept: bool = False) -> None:
        self.sessions.append(session)
        self.staff_busy[session.clinician].add(session.slot)
        self.patient_busy[session.patient].add(session.slot)
        self.hours[session.patient].add(session.slot)
        if kept:
            self.kept.add(session)

    def move_session(self, index: int, slot: str) -> None:
        old = self.sessions[index]
        new = Session(patient=old.patient, kind=old.kind, slot=slot, clinician=old.clinician)
        self.staff_busy[old.clinician].discard(old.slot)
        self.patient_busy[old.patient].discard(old.slot)
        if not self.pulled_out(old.patient, old.slot):
            self.hours[old.patient].discard(old.slot)
        self.sessions[index] = new
        self.staff_busy[new.clinician].add(slot)
        self.patient_busy[new.patient].add(slot)
        self.hours[new.patient].add(slot)

    def add_meeting(self, meeting: Meeting) -> None:
        self.meetings.append(meeting)
        self.staff_busy[meeting.facilitator].add(meeting.slot)
        self.room_busy[meeting.room].add(meeting.slot)
        self.cohort_slots[meeting.cohort].add(meeting.slot)
        self.leaders[meeting.cohort].add(meeting.facilitator)
        for patient_id in self.cohort_members[meeting.cohort]:
            if meeting.slot in self.patients[patient_id].available:
                self.hours[patient_id].add(meeting.slot)
