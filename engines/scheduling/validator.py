"""An independent checker and scorer of a weekly plan (scheduling.md §3.4).

It is written from the rules in docs/scheduling-format.md and shares no code with the
solver, so that a solver bug cannot hide behind the same bug in its checker. A plan with any
hard violation is infeasible whatever its score. Soft components are raw counts; the objective
is their sum weighted by the instance's weights.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from engines.scheduling.disruption import continuity
from engines.scheduling.model import DEFAULT_WEIGHTS, Instance, SessionKind, Solution, Weight
from engines.scheduling.validator_index import PlanIndex, Violation
from engines.scheduling.validator_rules import HARD_RULES

__all__ = ["VIOLATION_CODES", "Report", "Violation", "validate"]

VIOLATION_CODES: tuple[str, ...] = (
    "unknown_reference",
    *("unassigned_patient", "duplicate_assignment", "wrong_track"),  # H1
    *("cohort_size", "closed_cohort"),  # H2
    *("meeting_slot", "meeting_without_members", "duplicate_meeting"),  # H3
    *("facilitator_unqualified", "facilitator_unavailable", "room_wrong_site", "room_too_small"),
    *("staff_double_booked", "room_double_booked", "patient_double_booked"),  # H4
    *("individual_missing", "individual_not_primary", "primary_ineligible"),  # H5
    "caseload_exceeded",  # H6
    *("session_unqualified", "session_not_needed"),  # H7
    *("session_outside_availability", "staff_wrong_site"),  # H8 (and H3's facilitator site)
    "staff_sites_per_day",  # H9
)
"""Every code a Violation can carry. They are stable: programs and reports key on them."""


@dataclass(frozen=True, slots=True)
class Report:
    """What the validator found: hard violations in rule order, every soft component as a
    raw count, and the weighted objective (lower is better)."""

    violations: tuple[Violation, ...]
    components: Mapping[Weight, int]
    objective: int

    @property
    def feasible(self) -> bool:
        return not self.violations

    def components_json(self) -> dict[str, int]:
        """Every soft component by its weight's name, for JSON."""
        return {weight.value: self.components.get(weight, 0) for weight in Weight}

    def violation_counts(self) -> dict[str, int]:
        """Number of violations per code, codes in the order they were first found."""
        return dict(Counter(violation.code for violation in self.violations))


def validate(instance: Instance, solution: Solution) -> Report:
    """Check ``solution`` against every hard rule (H1–H9) and count every soft component.

    ``instance`` must be one the codec accepts (its own references resolve). ``solution``
    may name anything: ids the instance lacks are unknown_reference violations, and the item
    that names them is left out of the other checks. Does not compare digests (see
    codec.check_solution_matches). Raises nothing for any solution.
    """
    index = PlanIndex(instance, solution)
    violations = tuple(violation for rule in HARD_RULES for violation in rule(index))
    components = MappingProxyType(_components(index))
    objective = sum(
        instance.weights.get(weight, DEFAULT_WEIGHTS[weight]) * count
        for weight, count in components.items()
    )
    return Report(violations=violations, components=components, objective=objective)


def _components(index: PlanIndex) -> dict[Weight, int]:
    hours = {patient.id: _hours(index, patient.id) for patient in index.instance.patients}
    patients = index.instance.patients
    kept = continuity(index.instance, index.solution)
    return {
        Weight.HOUR_SHORTFALL: sum(max(0, p.hours_min - hours[p.id]) for p in patients),
        Weight.PSYCHIATRY_MISSING: sum(
            p.needs.psychiatry and not _has_session(index, p.id, SessionKind.PSYCHIATRY)
            for p in patients
        ),
        Weight.FAMILY_MISSING: sum(
            p.needs.family and not _has_session(index, p.id, SessionKind.FAMILY) for p in patients
        ),
        Weight.THERAPIST_CHANGE: kept.therapist_changes,
        Weight.COHORT_CHANGE: kept.cohort_moves,
        Weight.PHASE_MIX: _phase_mix(index),
        Weight.HOUR_EXCESS: sum(max(0, hours[p.id] - p.hours_max) for p in patients),
        Weight.MEETING: len(index.solution.meetings),
        Weight.PULL_OUT: sum(1 for _ in _pull_outs(index)),
        Weight.NOT_KEPT: kept.not_kept,
    }


def _group_slots(index: PlanIndex, patient_id: str) -> set[str]:
    """Slots in which the patient's cohort meets and the patient can attend."""
    assignment = index.assignment.get(patient_id)
    if assignment is None:
        return set()
    available = index.patients[patient_id].available
    return {m.slot for m in index.meetings_of.get(assignment.cohort, ()) if m.slot in available}


def _hours(index: PlanIndex, patient_id: str) -> int:
    sessions = {s.slot for s in index.sessions_of(patient_id)}
    return len(sessions | _group_slots(index, patient_id))


def _has_session(index: PlanIndex, patient_id: str, kind: SessionKind) -> bool:
    return any(s.kind is kind for s in index.sessions_of(patient_id))


def _pull_outs(index: PlanIndex) -> Iterator[str]:
    group_slots = {p.id: _group_slots(index, p.id) for p in index.instance.patients}
    for session in index.sessions:
        if session.slot in group_slots[session.patient]:
            yield session.patient


def _phase_mix(index: PlanIndex) -> int:
    total = 0
    for members in index.members.values():
        if members:
            phases = Counter(patient.phase for patient in members)
            total += len(members) - max(phases.values())
    return total
