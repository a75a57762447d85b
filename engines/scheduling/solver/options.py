"""What a caller passes to the solver and what it gets back."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engines.scheduling.model import Solution


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """``time_limit`` is the whole solve's budget in seconds; ``workers`` is CP-SAT's
    ``num_workers`` (8 even on 2 cores: only from 8 workers does the portfolio include the
    bound-proving subsolvers, scheduling.md §2.3); ``seed`` is CP-SAT's ``random_seed``."""

    time_limit: float
    workers: int = 8
    seed: int = 0

    def __post_init__(self) -> None:
        # NaN fails the comparison; infinity would let a large week run for hours.
        if not (self.time_limit > 0 and math.isfinite(self.time_limit)):
            raise ValueError("time limit must be positive and finite")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")


@dataclass(frozen=True, slots=True)
class Progress:
    """One report to ``on_progress``: a stage change or an improved incumbent."""

    stage: str
    elapsed: float
    objective: int | None
    bound: float | None
    message: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why an instance cannot be solved (or, with a feasible status, a structural warning such
    as ``no_facilitator``). ``code`` is stable for programs; ``message`` names the ids."""

    code: str
    message: str
    patients: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    cohorts: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """A plain dict for JSON (the CLI's output, a stored plan)."""
        return {
            "code": self.code,
            "message": self.message,
            "patients": list(self.patients),
            "staff": list(self.staff),
            "cohorts": list(self.cohorts),
        }


@dataclass(frozen=True, slots=True)
class SolveResult:
    """``status`` is ``optimal``, ``feasible``, ``infeasible`` or ``unknown`` (the time ran out
    before any hard-feasible week was found). ``optimal`` means every timetable part was
    proved optimal for the cohorts of stage 1 and the candidate primaries it was given, not
    that no better week exists. ``solution`` is set only when it is hard-feasible.
    ``objective`` is the full weighted objective of ``solution``; ``bound`` is the sum of
    CP-SAT's bounds on the timetable parts plus the fixed stage-1 terms (None until every
    part has been searched). ``conflicts`` explain an ``infeasible`` or ``unknown`` status;
    next to a week they are advisory (e.g. ``no_facilitator``). ``trace`` holds (elapsed
    seconds, objective) for each improving complete week; ``variables`` and ``constraints``
    add up every model built."""

    status: str
    solution: Solution | None
    objective: int | None
    bound: float | None
    conflicts: tuple[Conflict, ...]
    first_feasible_seconds: float | None
    wall_seconds: float
    build_seconds: float
    variables: int
    constraints: int
    trace: tuple[tuple[float, int], ...]
