"""How much of last week's plan a new plan keeps (scheduling.md §3.4, "re-solve disruption").

``continuity`` is the single account of kept and lost items: the validator's soft components
``not_kept``, ``cohort_change`` and ``therapist_change`` are read from it, and ``disruption``
reports it as re-plan metrics, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engines.scheduling.model import Assignment, Instance, Needs, SessionKind, Solution


@dataclass(frozen=True, slots=True)
class Continuity:
    """A plan against ``instance.previous`` (all zero when there is none).

    Previous meetings count when their cohort still exists; previous sessions when their
    patient is still in the instance and still needs that kind (individual always,
    psychiatry and family only while flagged); previous assignments when their patient is
    still in the instance. An item is kept when the new plan has it identically. Items whose
    staff, room or slot are gone still count: they cannot be kept.
    """

    previous_meetings: int = 0
    kept_meetings: int = 0
    previous_sessions: int = 0
    kept_sessions: int = 0
    previous_assignments: int = 0
    kept_cohorts: int = 0
    therapist_changes: int = 0

    @property
    def meetings_not_kept(self) -> int:
        return self.previous_meetings - self.kept_meetings

    @property
    def sessions_not_kept(self) -> int:
        return self.previous_sessions - self.kept_sessions

    @property
    def not_kept(self) -> int:
        """The ``not_kept`` soft component: previous meetings and sessions not kept."""
        return self.meetings_not_kept + self.sessions_not_kept

    @property
    def cohort_moves(self) -> int:
        """Continuing patients whose cohort changed (or who have no cohort now)."""
        return self.previous_assignments - self.kept_cohorts


@dataclass(frozen=True, slots=True)
class Disruption:
    """Re-plan metrics. ``previous_items`` counts previous meetings, sessions and cohort
    assignments that could be kept; ``kept_share`` is ``kept / previous_items`` (1.0 when
    there was nothing to keep)."""

    previous_items: int
    kept: int
    kept_share: float
    cohort_moves: int
    therapist_changes: int
    meetings_not_kept: int
    sessions_not_kept: int


def first_assignments(assignments: Iterable[Assignment]) -> dict[str, Assignment]:
    """Each patient's assignment; the first wins when a (broken) plan lists several, so
    that every reader of a plan agrees on which one counts."""
    found: dict[str, Assignment] = {}
    for assignment in assignments:
        found.setdefault(assignment.patient, assignment)
    return found


def continuity(instance: Instance, solution: Solution) -> Continuity:
    """Compare ``solution`` with ``instance.previous`` (see Continuity). Never raises for
    unknown ids: an item that names something the instance lacks is simply not kept."""
    previous = instance.previous
    if previous is None:
        return Continuity()
    patients = {patient.id: patient for patient in instance.patients}
    cohorts = {cohort.id for cohort in instance.cohorts}
    meetings = set(solution.meetings)
    sessions = set(solution.sessions)
    old_meetings = [m for m in previous.meetings if m.cohort in cohorts]
    old_sessions = [
        s
        for s in previous.sessions
        if s.patient in patients and _still_needed(s.kind, patients[s.patient].needs)
    ]
    old = {p: a for p, a in first_assignments(previous.assignments).items() if p in patients}
    new = first_assignments(solution.assignments)
    return Continuity(
        previous_meetings=len(old_meetings),
        kept_meetings=sum(m in meetings for m in old_meetings),
        previous_sessions=len(old_sessions),
        kept_sessions=sum(s in sessions for s in old_sessions),
        previous_assignments=len(old),
        kept_cohorts=sum(p in new and new[p].cohort == a.cohort for p, a in old.items()),
        therapist_changes=sum(p not in new or new[p].primary != a.primary for p, a in old.items()),
    )


def _still_needed(kind: SessionKind, needs: Needs) -> bool:
    if kind is SessionKind.PSYCHIATRY:
        return needs.psychiatry
    if kind is SessionKind.FAMILY:
        return needs.family
    return True


def disruption(instance: Instance, solution: Solution) -> Disruption:
    """Re-plan metrics of ``solution`` against ``instance.previous``.

    Raises ValueError when the instance has no previous plan.
    """
    if instance.previous is None:
        raise ValueError(f"instance '{instance.id}' has no previous plan to compare with")
    found = continuity(instance, solution)
    previous_items = found.previous_meetings + found.previous_sessions + found.previous_assignments
    kept = found.kept_meetings + found.kept_sessions + found.kept_cohorts
    return Disruption(
        previous_items=previous_items,
        kept=kept,
        kept_share=kept / previous_items if previous_items else 1.0,
        cohort_moves=found.cohort_moves,
        therapist_changes=found.therapist_changes,
        meetings_not_kept=found.meetings_not_kept,
        sessions_not_kept=found.sessions_not_kept,
    )
