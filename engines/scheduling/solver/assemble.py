"""Turning the stages' decisions into a Solution, and the terms fixed before stage 2."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from engines.scheduling.codec import instance_digest
from engines.scheduling.model import Assignment, Instance, Solution, Weight
from engines.scheduling.solver.decompose import Component
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.scope import Scope
from engines.scheduling.solver.timetable import Plan
from engines.scheduling.validator import validate


def fixed_cost(facts: Facts, cohort_of: Mapping[str, str]) -> int:
    """The weighted stage-1 terms: cohort changes and phase mix (exact, as in the format)."""
    changes = sum(
        1 for p, held in facts.previous.items() if p in cohort_of and cohort_of[p] != held.cohort
    )
    phases: dict[str, Counter[int]] = defaultdict(Counter)
    for patient_id, cohort_id in cohort_of.items():
        phases[cohort_id][facts.patients[patient_id].phase] += 1
    mix = sum(sum(c.values()) - max(c.values()) for c in phases.values())
    return facts.weight(Weight.COHORT_CHANGE) * changes + facts.weight(Weight.PHASE_MIX) * mix


def orphan_meetings(facts: Facts, parts: Sequence[Component]) -> int:
    """Weighted not-kept count of last week's meetings of cohorts that still exist but have
    no member now (no part can hold them, so they are lost whatever stage 2 does)."""
    previous = facts.instance.previous
    if previous is None:
        return 0
    held = {c for part in parts for c in part.cohorts}
    lost = sum(1 for m in previous.meetings if m.cohort in facts.cohorts and m.cohort not in held)
    return facts.weight(Weight.NOT_KEPT) * lost


def build_solution(facts: Facts, cohort_of: Mapping[str, str], plans: Sequence[Plan]) -> Solution:
    """One Solution from the plans of all parts, in a stable order (by patient, slot rank)."""
    primaries = {p: m for plan in plans for p, m in plan.primaries.items()}
    rank = facts.rank
    meetings = sorted(
        (m for plan in plans for m in plan.meetings), key=lambda m: (m.cohort, rank(m.slot))
    )
    sessions = sorted(
        (s for plan in plans for s in plan.sessions),
        key=lambda s: (s.patient, rank(s.slot), s.kind.value, s.clinician),
    )
    assignments = tuple(
        Assignment(patient=p.id, cohort=cohort_of[p.id], primary=primaries[p.id])
        for p in facts.instance.patients
    )
    return Solution(
        instance_id=facts.instance.id,
        instance_digest=instance_digest(facts.instance),
        assignments=assignments,
        meetings=tuple(meetings),
        sessions=tuple(sessions),
    )


def part_objective(facts: Facts, scope: Scope, plan: Plan) -> int:
    """The objective terms a part's timetable model would give ``plan``, computed by the
    independent validator on the part alone: the instance cut down to the part's patients
    and to last week's items the part answers for, less the stage-1 terms."""
    patients = {p.id for p in scope.patients}
    cohorts = set(scope.cohorts)
    previous = facts.instance.previous
    if previous is not None:
        previous = replace(
            previous,
            assignments=tuple(a for a in previous.assignments if a.patient in patients),
            meetings=tuple(m for m in previous.meetings if m.cohort in cohorts),
            sessions=tuple(s for s in previous.sessions if s.patient in patients),
        )
    part = replace(facts.instance, patients=scope.patients, previous=previous)
    cohort_of = {p: scope.cohort_of[p] for p in patients}
    week = Solution(
        instance_id=part.id,
        instance_digest="",
        assignments=tuple(Assignment(p, cohort_of[p], plan.primaries[p]) for p in sorted(patients)),
        meetings=plan.meetings,
        sessions=plan.sessions,
    )
    return validate(part, week).objective - fixed_cost(facts, cohort_of)


def stamp(solution: Solution, stats: Mapping[str, object]) -> Solution:
    return replace(solution, stats=MappingProxyType(dict(stats)))


def check(instance: Instance, solution: Solution, objective: int) -> None:
    """Never hand out a week that breaks a hard rule, or report an objective other than the
    week's: the independent validator has the last word. A failure here is a solver defect,
    so it is loud."""
    report = validate(instance, solution)
    if not report.feasible:
        raise RuntimeError(
            f"solver defect: the planned week breaks hard rules: {report.violations[:5]}"
        )
    if report.objective != objective:
        raise RuntimeError(
            f"solver defect: objective {objective} reported, the validator finds {report.objective}"
        )
