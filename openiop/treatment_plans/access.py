"""Fetch-and-authorize for treatment-plan writes (Zulip's access_stream_by_id pattern).

A write first authorizes the episode (MANAGE_TREATMENT_PLAN in its program, through
``openiop.patients.access.episode_access``); the functions here then fetch the episode's
current plan, or an item of it, so an id under the wrong episode is the same NotFound as a
missing one. Every refusal is audited as a denied attempt that names no patient
(security.md R11, R17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.access import episode_access
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.treatment_plans.models import (
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanStatus,
    TreatmentPlan,
)

_MAX_ID = 2**63 - 1
_CURRENT = (PlanStatus.ACTIVE, PlanStatus.DRAFT)


def _denied(actor: Actor, action: str, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=DataCategory.TREATMENT_PLAN,
            outcome=Outcome.DENIED,
            detail=detail,
        ),
    )
    return NotFound("No such record.")


def plan_episode_access(
    user: Any, patient_id: int, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """The episode if ``user`` manages treatment plans in its program and it is that
    patient's; NotFound (audited as a denied ``action``) otherwise."""
    return episode_access(
        user,
        patient_id,
        episode_id,
        actor=actor,
        capability=Capability.MANAGE_TREATMENT_PLAN,
        action=action,
    )


def _child[M: Model](queryset: QuerySet[M], pk: int, *, actor: Actor, action: str) -> M:
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        raise _denied(actor, action, **{f"requested_{name}_id": str(pk)})
    return found


def current_plan_of(episode: EpisodeOfCare, *, actor: Actor, action: str) -> TreatmentPlan:
    """The episode's active plan, else its draft; NotFound when it has neither."""
    plans = list(
        TreatmentPlan.objects.filter(episode=episode, status__in=_CURRENT).select_related(
            "episode__program"
        )
    )
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None) or next(
        iter(plans), None
    )
    if plan is None:
        raise _denied(actor, action, requested_episode_id=str(episode.pk))
    return plan


def problem_of(
    episode: EpisodeOfCare, problem_id: int, *, actor: Actor, action: str
) -> PlanProblem:
    """A problem of the episode's active or draft plan; NotFound otherwise."""
    problems = PlanProblem.objects.filter(
        plan__episode=episode, plan__status__in=_CURRENT
    ).select_related("plan")
    return _child(problems, problem_id, actor=actor, action=action)


def goal_of(episode: EpisodeOfCare, goal_id: int, *, actor: Actor, action: str) -> PlanGoal:
    """A goal of the episode's active or draft plan; NotFound otherwise."""
    goals = PlanGoal.objects.filter(
        problem__plan__episode=episode, problem__plan__status__in=_CURRENT
    ).select_related("problem__plan")
    return _child(goals, goal_id, actor=actor, action=action)


def objective_of(
    episode: EpisodeOfCare, objective_id: int, *, actor: Actor, action: str
) -> PlanObjective:
    """An objective of the episode's active or draft plan; NotFound otherwise."""
    objectives = PlanObjective.objects.filter(
        goal__problem__plan__episode=episode, goal__problem__plan__status__in=_CURRENT
    ).select_related("goal__problem__plan")
    return _child(objectives, objective_id, actor=actor, action=action)


def intervention_of(
    episode: EpisodeOfCare, intervention_id: int, *, actor: Actor, action: str
) -> PlanIntervention:
    """An intervention of the episode's active or draft plan; NotFound otherwise."""
    interventions = PlanIntervention.objects.filter(
        objective__goal__problem__plan__episode=episode,
        objective__goal__problem__plan__status__in=_CURRENT,
    ).select_related("objective__goal__problem__plan")
    return _child(interventions, intervention_id, actor=actor, action=action)


def can_manage_plan(user: Any, episode: EpisodeOfCare) -> bool:
    """Whether ``user`` may change ``episode``'s plan now (for showing forms; the write
    endpoints check again): MANAGE_TREATMENT_PLAN in its program, episode admitted."""
    return episode.state == EpisodeState.ADMITTED and episode.program_id in program_ids_with(
        user, Capability.MANAGE_TREATMENT_PLAN
    )


def can_share_portal(user: Any, episode: EpisodeOfCare) -> bool:
    """Whether ``user`` may give the patient a portal link for ``episode`` (the portal shows
    the treatment plan and the safety plan): either plan's capability in its program."""
    return episode.program_id in (
        program_ids_with(user, Capability.MANAGE_TREATMENT_PLAN)
        | program_ids_with(user, Capability.MANAGE_SAFETY_PLAN)
    )
