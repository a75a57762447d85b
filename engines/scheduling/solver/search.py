"""Running one CP-SAT model under the solve's clock and reporting improvements."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from engines.scheduling.solver.options import SolveOptions

Improvement = Callable[[float, float], None]  # (objective, bound) of a new incumbent
Objective = cp_model.LinearExpr | int | None

STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


@dataclass
class Clock:
    """The solve's budget: started when ``solve`` is called, shared by every stage."""

    limit: float
    started: float

    @classmethod
    def start(cls, limit: float) -> Clock:
        return cls(limit=limit, started=time.perf_counter())

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        return max(0.0, self.limit - self.elapsed())


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution; CP-SAT calls this from its own thread, so it only
    evaluates the objective and hands two numbers on."""

    def __init__(self, on_improve: Improvement, objective: Objective) -> None:
        super().__init__()
        self._on_improve = on_improve
        self._objective = objective

    def on_solution_callback(self) -> None:
        value = self.objective_value if self._objective is None else self.value(self._objective)
        self._on_improve(value, self.best_objective_bound)


@dataclass(frozen=True)
class Outcome:
    status: str
    solver: cp_model.CpSolver
    objective: Objective = None

    @property
    def solved(self) -> bool:
        return self.status in {"optimal", "feasible"}

    def value(self) -> int:
        """The objective of the returned solution, evaluated on it (see Timetable.objective)."""
        if self.objective is None:
            return round(self.solver.objective_value)
        return int(self.solver.value(self.objective))


def run(
    model: cp_model.CpModel,
    seconds: float,
    options: SolveOptions,
    on_improve: Improvement | None = None,
    *,
    workers: int | None = None,
    first_only: bool = False,
    objective: Objective = None,
) -> Outcome:
    """Solve ``model`` for at most ``seconds`` with the caller's workers and seed, stopping
    at the first solution with ``first_only``. ``objective``, when given, is evaluated on
    each solution instead of trusting CP-SAT's reported objective value."""
    solver = cp_model.CpSolver()
    solver.parameters.stop_after_first_solution = first_only
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = workers or options.workers
    solver.parameters.random_seed = options.seed
    watcher = _Watcher(on_improve, objective) if on_improve is not None else None
    status = solver.solve(model, watcher)
    return Outcome(STATUS_NAMES.get(status, "unknown"), solver, objective)
