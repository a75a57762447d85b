"""The validator's view of one plan: the instance's lookups, and the plan's items split into
those that resolve and those that name ids the instance lacks (unknown_reference)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from engines.scheduling.disruption import first_assignments
from engines.scheduling.model import (
    Assignment,
    Cohort,
    Instance,
    Meeting,
    Patient,
    Room,
    Session,
    Slot,
    Solution,
    Staff,
    Track,
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard rule. ``code`` is stable (see validator.validate); ``refs`` name what
    is involved as ``kind:id`` (``patient:p7``, ``staff:s2``, ``slot:mon-09``)."""

    code: str
    message: str
    refs: tuple[str, ...] = ()


class PlanIndex:
    """Lookups shared by every rule, built once per validation.

    ``assignment`` holds each patient's first assignment, and only when its cohort and
    primary exist; ``meetings`` and ``sessions`` hold only items whose every id resolves.
    ``unknown`` lists the unknown_reference violations of the items left out.
    """

    def __init__(self, instance: Instance, solution: Solution) -> None:
        self.instance = instance
        self.solution = solution
        self.patients: Mapping[str, Patient] = {p.id: p for p in instance.patients}
        self.staff: Mapping[str, Staff] = {s.id: s for s in instance.staff}
        self.cohorts: Mapping[str, Cohort] = {c.id: c for c in instance.cohorts}
        self.tracks: Mapping[str, Track] = {t.id: t for t in instance.tracks}
        self.rooms: Mapping[str, Room] = {r.id: r for r in instance.rooms}
        self.slots: Mapping[str, Slot] = {s.id: s for s in instance.week.slots}
        self.unknown: list[Violation] = []
        self.assignment_count = Counter(a.patient for a in solution.assignments)
        self.assignment = self._resolve_assignments()
        self.meetings = [m for n, m in enumerate(solution.meetings) if self._meeting_ok(n, m)]
        self.sessions = [s for n, s in enumerate(solution.sessions) if self._session_ok(n, s)]
        self.members: dict[str, list[Patient]] = {c.id: [] for c in instance.cohorts}
        for patient_id, assignment in self.assignment.items():
            self.members[assignment.cohort].append(self.patients[patient_id])
        self.meetings_of: dict[str, list[Meeting]] = {}
        for meeting in self.meetings:
            self.meetings_of.setdefault(meeting.cohort, []).append(meeting)
        self._sessions_of: dict[str, list[Session]] = {}
        for session in self.sessions:
            self._sessions_of.setdefault(session.patient, []).append(session)
        previous = instance.previous
        self.previous_assignment = first_assignments(previous.assignments if previous else ())

    def sessions_of(self, patient_id: str) -> list[Session]:
        return self._sessions_of.get(patient_id, [])

    def track_of(self, cohort_id: str) -> Track:
        return self.tracks[self.cohorts[cohort_id].track]

    def size(self, cohort_id: str) -> int:
        return len(self.members.get(cohort_id, ()))

    def _resolve_assignments(self) -> dict[str, Assignment]:
        first = first_assignments(self.solution.assignments)
        resolved: dict[str, Assignment] = {}
        for n, a in enumerate(self.solution.assignments):
            known = self._known(
                f"assignments[{n}]",
                ("patient", a.patient, self.patients),
                ("cohort", a.cohort, self.cohorts),
                ("staff", a.primary, self.staff),
            )
            if known and first[a.patient] is a:
                resolved[a.patient] = a
        return resolved

    def _meeting_ok(self, n: int, m: Meeting) -> bool:
        return self._known(
            f"meetings[{n}]",
            ("cohort", m.cohort, self.cohorts),
            ("slot", m.slot, self.slots),
            ("staff", m.facilitator, self.staff),
            ("room", m.room, self.rooms),
        )

    def _session_ok(self, n: int, s: Session) -> bool:
        return self._known(
            f"sessions[{n}]",
            ("patient", s.patient, self.patients),
            ("slot", s.slot, self.slots),
            ("staff", s.clinician, self.staff),
        )

    def _known(self, where: str, *refs: tuple[str, str, Mapping[str, object]]) -> bool:
        """Record an unknown_reference for each id missing from its lookup."""
        all_known = True
        for kind, ident, lookup in refs:
            if ident not in lookup:
                all_known = False
                self.unknown.append(
                    Violation(
                        "unknown_reference",
                        f"{where} names {kind} '{ident}', which the instance does not have",
                        (f"{kind}:{ident}",),
                    )
                )
        return all_known
