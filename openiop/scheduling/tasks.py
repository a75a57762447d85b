"""Background tasks of the scheduling context (django.tasks; the database backend's worker
runs them beside the web server). Enqueued with ``transaction.on_commit`` by the services."""

from __future__ import annotations

from django.tasks import task

from openiop.scheduling.runner import run_plan


@task()
def solve_schedule_plan(plan_id: int) -> None:
    """Solve a queued plan and record the outcome on it (``runner.run_plan``)."""
    run_plan(plan_id)
