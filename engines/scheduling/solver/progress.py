"""The solve's incumbent across stages and parts, reported as it improves.

Stage 2 is solved part by part, so a complete week exists only once every part has a
solution; from then on the full objective is the fixed stage-1 terms plus the best objective
of each part. CP-SAT calls ``improved`` from its own thread: it does a few additions and
hands one small record to the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from engines.scheduling.solver.options import Progress
from engines.scheduling.solver.search import Clock


class Incumbent:
    def __init__(self, clock: Clock, listener: Callable[[Progress], None] | None) -> None:
        self.clock = clock
        self.listener = listener
        self.fixed = 0
        self.parts: dict[str, int] = {}
        self.bounds: dict[str, float] = {}
        self.expected: set[str] = set()
        self.stage = "start"
        self.first_feasible: float | None = None
        self.trace: list[tuple[float, int]] = []
        self._lock = threading.Lock()

    def enter(self, stage: str, message: str) -> None:
        self.stage = stage
        self._emit(message)

    def expect(self, parts: set[str], fixed: int) -> None:
        """The parts a complete week needs and the objective's constant part."""
        self.expected = parts
        self.fixed = fixed
        self.parts = {k: v for k, v in self.parts.items() if k in parts}

    def total(self) -> int | None:
        if not self.expected or not self.expected <= self.parts.keys():
            return None
        return self.fixed + sum(self.parts.values())

    def bound(self) -> float | None:
        if not self.expected or not self.expected <= self.bounds.keys():
            return None
        return self.fixed + sum(self.bounds[p] for p in self.expected)

    def improved(self, part: str, objective: float, bound: float) -> None:
        """A new incumbent of ``part`` (from CP-SAT's callback): recorded if it is better."""
        with self._lock:
            value = round(objective)
            if part in self.parts and self.parts[part] <= value:
                return
            message = self._record(part, value)
        if message:
            self._emit(message)

    def settle(self, part: str, value: int) -> None:
        """The objective of the plan ``part`` keeps; authoritative, even if a callback saw
        less (it cannot: the plan kept is the best CP-SAT found)."""
        with self._lock:
            message = self._record(part, value)
        if message:
            self._emit(message)

    def _record(self, part: str, value: int) -> str:
        before = self.total()
        self.parts[part] = value
        after = self.total()
        if after is None or (before is not None and after >= before):
            return ""
        elapsed = self.clock.elapsed()
        if self.first_feasible is None:
            self.first_feasible = elapsed
        self.trace.append((elapsed, after))
        return f"{part}: objective {after}"

    def set_bound(self, part: str, bound: float) -> None:
        with self._lock:
            self.bounds[part] = bound

    def _emit(self, message: str) -> None:
        if self.listener is not None:
            self.listener(
                Progress(self.stage, self.clock.elapsed(), self.total(), self.bound(), message)
            )
