"""Running one plan's solve in a background worker, with live progress on the plan row.

CP-SAT reports improving solutions from its own threads. Those threads never touch the
database: ``on_progress`` only stores the latest report in memory. The worker's thread,
which owns the database connection, waits for the solve in one-second steps and writes the
latest report to the row after each step, so the plan page can show progress about once a
second without any connection shared across threads (and in tests, where the task runs
inside the test's transaction, on that same connection).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from engines.scheduling import codec
from engines.scheduling.model import Instance
from engines.scheduling.solver import Progress, SolveOptions, SolveResult, solve
from engines.scheduling.validator import validate
from openiop.core.actor import Actor
from openiop.scheduling.services import plans

PROGRESS_INTERVAL = 1.0
WORKERS = 8  # CP-SAT's portfolio proves bounds only from 8 workers, even on 2 cores


class _Latest:
    """The newest progress report, handed from the solver's threads to the worker's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: Progress | None = None

    def put(self, progress: Progress) -> None:
        with self._lock:
            self._value = progress

    def take(self) -> Progress | None:
        with self._lock:
            value, self._value = self._value, None
            return value


def run_plan(plan_id: int, *, workers: int | None = None, actor: Actor = plans.PLANNER) -> None:
    """Solve plan ``plan_id`` if it is still queued: running → proposed or failed.

    Side effects: progress updates and the final transition on the plan row (audited by the
    plan services as ``actor``: the planner, or the demo seed's system actor). An unexpected
    error marks the plan failed and is re-raised, so the task backend records it too.
    """
    plan = plans.plan_start(plan_id=plan_id)
    if plan is None:
        return
    try:
        instance = codec.instance_from_json(plan.instance)
        result = _solve(
            plan_id, instance, SolveOptions(time_limit=plan.time_limit, workers=workers or WORKERS)
        )
        report = validate(instance, result.solution) if result.solution is not None else None
        plans.plan_finish(plan_id=plan_id, result=result, report=report, actor=actor)
    except Exception as error:
        reason = f"The planner stopped on an error: {error}"
        plans.plan_fail(plan_id=plan_id, reason=reason, actor=actor)
        raise


def _solve(plan_id: int, instance: Instance, options: SolveOptions) -> SolveResult:
    latest = _Latest()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="schedule-solve") as pool:
        future = pool.submit(solve, instance, options, latest.put)
        while True:
            try:
                result = future.result(timeout=PROGRESS_INTERVAL)
            except FutureTimeout:
                _write(plan_id, latest.take())
                continue
            _write(plan_id, latest.take())
            return result


def _write(plan_id: int, progress: Progress | None) -> None:
    if progress is not None:
        plans.plan_record_progress(plan_id=plan_id, progress=progress)
