"""The plan tab's tree with the action forms of each item, pre-filled from it.

Forms are built only for a user who may change the plan now (``can_manage_plan``); the write
endpoints check again. Each form has a prefix naming its item (``goal-12``,
``objective-add-12``), which its endpoint uses too, so a bound form that failed replaces the
fresh one under its prefix and its errors show in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms

from openiop.accounts.models import User
from openiop.treatment_plans.forms import (
    ActivateForm,
    GoalForm,
    InterventionForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    ProblemForm,
    ReviewForm,
)
from openiop.treatment_plans.models import (
    ObjectiveStatus,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanStatus,
)
from openiop.treatment_plans.selectors import PlanOverview

Bound = Mapping[str, forms.Form]


@dataclass
class InterventionNode:
    item: PlanIntervention
    edit: forms.Form | None = None


@dataclass
class ObjectiveNode:
    item: PlanObjective
    interventions: list[InterventionNode]
    edit: forms.Form | None = None
    status: forms.Form | None = None
    add_intervention: forms.Form | None = None


@dataclass
class GoalNode:
    item: PlanGoal
    objectives: list[ObjectiveNode]
    edit: forms.Form | None = None
    add_objective: forms.Form | None = None


@dataclass
class ProblemNode:
    item: PlanProblem
    goals: list[GoalNode]
    edit: forms.Form | None = None
    add_goal: forms.Form | None = None


@dataclass
class PlanForms:
    """What the template walks: the tree, and the plan-level forms (None when not
    allowed or not applicable)."""

    problems: list[ProblemNode] = field(default_factory=list)
    add_problem: forms.Form | None = None
    activate: forms.Form | None = None
    review: forms.Form | None = None


@dataclass(frozen=True)
class _Maker:
    """Builds a form under ``prefix``, or returns the bound one that failed there."""

    bound: Bound
    enabled: bool
    candidates: Sequence[User]

    def __call__(self, key: str, make: type[forms.Form], **kwargs: Any) -> forms.Form | None:
        if not self.enabled:
            return None
        found = self.bound.get(key)
        if isinstance(found, make):
            return found
        if make is InterventionForm:
            kwargs["candidates"] = self.candidates
        return make(prefix=key, **kwargs)


def _intervention(item: PlanIntervention, form: _Maker) -> InterventionNode:
    initial = {
        "modality": item.modality,
        "frequency": item.frequency,
        "responsible": item.responsible_id,
        "description": item.description,
    }
    return InterventionNode(
        item, form(f"intervention-{item.pk}", InterventionForm, initial=initial)
    )


def _objective(item: PlanObjective, form: _Maker, *, active: bool) -> ObjectiveNode:
    initial = {
        "statement": item.statement,
        "measure": item.measure,
        "target_date": item.target_date,
        "phase": item.phase,
    }
    next_status = ObjectiveStatus.MET if item.status == ObjectiveStatus.OPEN else item.status
    return ObjectiveNode(
        item,
        [_intervention(i, form) for i in item.interventions.all()],
        edit=form(f"objective-{item.pk}", ObjectiveForm, initial=initial),
        status=form(f"status-{item.pk}", ObjectiveStatusForm, initial={"status": next_status})
        if active
        else None,
        add_intervention=form(f"intervention-add-{item.pk}", InterventionForm),
    )


def _goal(item: PlanGoal, form: _Maker, *, active: bool) -> GoalNode:
    return GoalNode(
        item,
        [_objective(o, form, active=active) for o in item.objectives.all()],
        edit=form(f"goal-{item.pk}", GoalForm, initial={"statement": item.statement}),
        add_objective=form(f"objective-add-{item.pk}", ObjectiveForm),
    )


def _problem(item: PlanProblem, form: _Maker, *, active: bool) -> ProblemNode:
    initial = {"statement": item.statement, "evidence": item.evidence}
    return ProblemNode(
        item,
        [_goal(g, form, active=active) for g in item.goals.all()],
        edit=form(f"problem-{item.pk}", ProblemForm, initial=initial),
        add_goal=form(f"goal-add-{item.pk}", GoalForm),
    )


def plan_forms(
    overview: PlanOverview | None,
    *,
    editable: bool,
    candidates: Sequence[User],
    bound: Bound,
    today: Any,
) -> PlanForms:
    """The tree of ``overview``'s plan with forms when ``editable`` (nothing else queried:
    the tree is prefetched, ``candidates`` already loaded)."""
    if overview is None:
        return PlanForms()
    form = _Maker(bound, editable, candidates)
    plan = overview.plan
    active = plan.status == PlanStatus.ACTIVE
    return PlanForms(
        problems=[_problem(p, form, active=active) for p in plan.problems.all()],
        add_problem=form("problem-add", ProblemForm),
        activate=form("activate", ActivateForm) if not active else None,
        review=form("review", ReviewForm, initial={"reviewed_on": today}) if active else None,
    )
