"""Solution hints: last week's plan (minimal-disruption re-plans start from it) and, when a
part is solved again, its earlier plan (so the search resumes from that week)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engines.scheduling.solver.timetable import Plan, Timetable, Var


def apply_hints(tt: Timetable, plans: Iterable[Plan] = ()) -> None:
    """Hint last week's items, then overlay ``plans``: for the patients a plan covers (and
    their cohorts) every decision variable is hinted, 0 where the plan has nothing. Each
    variable is hinted once; call once per model."""
    hints: dict[int, tuple[Var, bool]] = {}
    previous = tt.facts.instance.previous
    if previous is not None:
        primaries = {a.patient: a.primary for a in previous.assignments}
        _overlay(tt, Plan(primaries, previous.meetings, previous.sessions), hints, frozenset())
    for plan in plans:
        cohorts = {tt.scope.cohort_of[p] for p in plan.primaries if p in tt.scope.cohort_of}
        _overlay(tt, plan, hints, frozenset(plan.primaries) | cohorts)
    for var, value in hints.values():
        tt.model.add_hint(var, value)


def _overlay(
    tt: Timetable, plan: Plan, hints: dict[int, tuple[Var, bool]], owners: frozenset[str]
) -> None:
    meetings = plan.meetings
    _mark(tt.primary, set(plan.primaries.items()), hints, owners)
    _mark(
        tt.session, {(s.patient, s.kind, s.slot, s.clinician) for s in plan.sessions}, hints, owners
    )
    _mark(tt.meet, {(m.cohort, m.slot) for m in meetings}, hints, owners)
    _mark(tt.lead, {(m.cohort, m.slot, m.facilitator) for m in meetings}, hints, owners)
    _mark(tt.room, {(m.cohort, m.slot, m.room) for m in meetings}, hints, owners)


def _mark[K: tuple[str, ...]](
    variables: Mapping[K, Var],
    chosen: set[K],
    hints: dict[int, tuple[Var, bool]],
    owners: frozenset[str],
) -> None:
    """Hint 1 for chosen keys; hint 0 for the other keys whose first element (the patient
    or cohort) is in ``owners``."""
    for key, var in variables.items():
        if key in chosen:
            hints[var.index] = (var, True)
        elif key[0] in owners:
            hints[var.index] = (var, False)
