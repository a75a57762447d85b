"""Stage 2 run part by part: a constructed first week, then the rest of the budget to improve
it with CP-SAT.

Pass 0 builds each part's week greedily (CP-SAT searches only for a part the construction
cannot staff), so a complete week exists within the first seconds. Then each part that is
not proved optimal is re-solved with its current plan as a complete hint and a share of the
remaining time proportional to its size, round after round while time remains. Before each
part, caseload quotas are re-split from the primaries actually chosen elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from engines.scheduling.model import Solution
from engines.scheduling.solver import staffing, timetable
from engines.scheduling.solver.assemble import build_solution, part_objective
from engines.scheduling.solver.constructive import construct
from engines.scheduling.solver.decompose import Component
from engines.scheduling.solver.domain import domain
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.hints import apply_hints
from engines.scheduling.solver.objective import add_objective, keep_at_least
from engines.scheduling.solver.options import SolveOptions
from engines.scheduling.solver.progress import Incumbent
from engines.scheduling.solver.scope import Scope, usable, whole_scope
from engines.scheduling.solver.search import Clock, Improvement, run
from engines.scheduling.solver.timetable import Plan, Timetable

EXTRA_CANDIDATES = 3  # primaries offered besides the current choice and last week's
MIN_SECONDS = 0.25  # below this an improvement is not worth a model build
FIRST_SHARE = 0.3  # at least this share of the time left for a part's first CP-SAT search
WHOLE = "whole"


class PartSolver:
    def __init__(
        self,
        facts: Facts,
        options: SolveOptions,
        clock: Clock,
        incumbent: Incumbent,
        cohort_of: Mapping[str, str],
    ) -> None:
        self.facts, self.options, self.clock = facts, options, clock
        self.incumbent = incumbent
        self.cohort_of = dict(cohort_of)
        self.plans: dict[str, Plan] = {}
        self.values: dict[str, int] = {}  # the objective of each plan in ``plans``
        self.optimal: set[str] = set()
        self.build_seconds = 0.0
        self.sizes: dict[str, tuple[int, int]] = {}  # part -> (variables, constraints)

    @property
    def variables(self) -> int:
        return sum(v for v, _ in self.sizes.values())

    @property
    def constraints(self) -> int:
        return sum(c for _, c in self.sizes.values())

    def solve_parts(self, parts: Sequence[Component], plan: staffing.Staffing) -> None:
        """A first plan for every part, then improvement rounds until the time is up or
        every part is proved optimal. Stops early if some part gets no first plan."""
        primary_of = dict(plan.primary_of)
        for index, part in enumerate(parts):
            # a part the construction cannot staff needs a real search: give it room
            share = max(len(part.patients) / _patients(parts[index:]), FIRST_SHARE)
            scope = self._scope(parts, part, plan, primary_of)
            got = self._first(part, scope, self.clock.remaining() * share, primary_of)
            if got is None:
                return
            primary_of.update(got.primaries)
        self.incumbent.enter("improve", "improving the parts with CP-SAT")
        while self._round(parts, plan, primary_of):
            pass

    def _round(
        self, parts: Sequence[Component], plan: staffing.Staffing, primary_of: dict[str, str]
    ) -> bool:
        """One improvement round over the parts not proved optimal, each with a share of
        the time left by size; whether another round is worth starting."""
        pending = [p for p in parts if p.name not in self.optimal]
        worked = False
        for index, part in enumerate(pending):
            budget = self.clock.remaining() * len(part.patients) / _patients(pending[index:])
            if budget < MIN_SECONDS:
                break
            scope = self._scope(parts, part, plan, primary_of)
            primary_of.update(self._improve(part, scope, budget).primaries)
            worked = True
        return worked and self.clock.remaining() >= MIN_SECONDS and len(self.optimal) < len(parts)

    def _scope(
        self,
        parts: Sequence[Component],
        part: Component,
        plan: staffing.Staffing,
        primary_of: Mapping[str, str],
    ) -> Scope:
        return Scope(
            name=part.name,
            slots=part.slots,
            patients=part.patients,
            cohorts=part.cohorts,
            cohort_of=self.cohort_of,
            candidates={p.id: self._candidates(p.id, plan, primary_of) for p in part.patients},
            quota=staffing.quotas(self.facts, parts, primary_of)[part.name],
            day_site=plan.day_site,
        )

    def _candidates(
        self, patient_id: str, plan: staffing.Staffing, primary_of: Mapping[str, str]
    ) -> tuple[str, ...]:
        """The current primary, last week's, then those sharing the most usable slots."""
        facts = self.facts
        patient = facts.patients[patient_id]
        held = facts.previous.get(patient_id)
        ranked: list[tuple[bool, bool, int, str]] = []
        for member in facts.primary_candidates(patient):
            room = sum(
                1
                for s in facts.common_slots(patient, member)
                if usable(facts, member, s, patient.site, plan.day_site)
            )
            if room < patient.needs.individual:
                continue
            current = member.id == primary_of.get(patient_id)
            last_week = held is not None and held.primary == member.id
            ranked.append((not current, not last_week, -room, member.id))
        ranked.sort()
        return tuple(m for *_, m in ranked[: EXTRA_CANDIDATES + 2])

    def _first(
        self, part: Component, scope: Scope, budget: float, preferred: Mapping[str, str]
    ) -> Plan | None:
        """The part's first plan: constructed, or CP-SAT's first solution if that fails."""
        got, complete = construct(self.facts, scope, domain(self.facts, scope), preferred)
        if complete:
            self._keep(part.name, got, part_objective(self.facts, scope, got))
            return got
        tt = self._build(part.name, scope, [got])
        outcome = run(
            tt.model,
            budget,
            self.options,
            self._reporter(part.name),
            first_only=True,
            objective=tt.objective,
        )
        if not outcome.solved:
            return None
        plan = timetable.read(tt, outcome.solver)
        self._keep(part.name, plan, outcome.value())
        return plan

    def _improve(self, part: Component, scope: Scope, budget: float) -> Plan:
        """Re-solve a part from its plan; the plan changes only for a strictly better one
        (with little time CP-SAT may stop at a worse first solution of its own)."""
        tt = self._build(part.name, scope, [self.plans[part.name]])
        keep_at_least(tt, self.plans[part.name])
        outcome = run(
            tt.model, budget, self.options, self._reporter(part.name), objective=tt.objective
        )
        if not outcome.solved:
            return self.plans[part.name]
        value = outcome.value()
        if outcome.status == "optimal":
            self.optimal.add(part.name)
        self.incumbent.set_bound(part.name, outcome.solver.best_objective_bound)
        if value < self.values[part.name]:
            self._keep(part.name, timetable.read(tt, outcome.solver), value)
        return self.plans[part.name]

    def _keep(self, name: str, plan: Plan, value: int) -> None:
        self.plans[name] = plan
        self.values[name] = value
        self.incumbent.settle(name, value)

    def _reporter(self, name: str) -> Improvement:
        return lambda objective, bound: self.incumbent.improved(name, objective, bound)

    def _build(self, name: str, scope: Scope, hints: Sequence[Plan]) -> Timetable:
        started = time.perf_counter()
        tt = timetable.build(self.facts, scope, domain(self.facts, scope))
        add_objective(tt)
        apply_hints(tt, hints)
        self.build_seconds += time.perf_counter() - started
        proto = tt.model.proto
        self.sizes[name] = (len(proto.variables), len(proto.constraints))
        return tt

    def complete(self, parts: Sequence[Component]) -> bool:
        return all(p.name in self.plans for p in parts)

    def status(self, parts: Sequence[Component]) -> str:
        return "optimal" if all(p.name in self.optimal for p in parts) else "feasible"

    def solution(self, names: Sequence[str]) -> tuple[Solution, int]:
        """The week of the named parts' plans and its objective (fixed terms + the parts)."""
        total = self.incumbent.fixed + sum(self.values[n] for n in names)
        return build_solution(self.facts, self.cohort_of, [self.plans[n] for n in names]), total

    def solve_whole(self) -> str:
        """Stage 2 as one exact model (all candidates, caps, free cross-site days); hinted
        with whatever parts were planned."""
        scope = whole_scope(self.facts, self.cohort_of, WHOLE)
        self.incumbent.expect({WHOLE}, self.incumbent.fixed)
        tt = self._build(WHOLE, scope, list(self.plans.values()))
        outcome = run(
            tt.model,
            self.clock.remaining(),
            self.options,
            self._reporter(WHOLE),
            objective=tt.objective,
        )
        if outcome.solved:
            self.incumbent.set_bound(WHOLE, outcome.solver.best_objective_bound)
            self._keep(WHOLE, timetable.read(tt, outcome.solver), outcome.value())
        return outcome.status


def _patients(parts: Sequence[Component]) -> int:
    return max(sum(len(p.patients) for p in parts), 1)
