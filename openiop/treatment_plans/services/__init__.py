"""Writes of treatment plans, by concept: the plan's life (seed or start a draft, activate,
review, acknowledge) and the items in it (problems, goals, objectives, interventions). Each
service validates, writes and audits in one transaction. Import from here."""

from openiop.treatment_plans.services.items import (
    goal_add,
    goal_edit,
    intervention_add,
    intervention_edit,
    objective_add,
    objective_edit,
    objective_status_change,
    problem_add,
    problem_edit,
)
from openiop.treatment_plans.services.plans import (
    plan_acknowledge,
    plan_activate,
    plan_create,
    plan_review_record,
    plan_seed_from_intake,
)

__all__ = [
    "goal_add",
    "goal_edit",
    "intervention_add",
    "intervention_edit",
    "objective_add",
    "objective_edit",
    "objective_status_change",
    "plan_acknowledge",
    "plan_activate",
    "plan_create",
    "plan_review_record",
    "plan_seed_from_intake",
    "problem_add",
    "problem_edit",
]
