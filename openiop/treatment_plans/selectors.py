"""Reads of treatment plans: the chart tab's plan tree, the review due list, and what other
contexts ask about plans (the open objectives a note can address, discharge readiness).

Each function runs a fixed number of queries, however many plans or items there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import Principal
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.treatment_plans.models import (
    ObjectiveStatus,
    PlanAcknowledgement,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanReview,
    PlanStatus,
    TreatmentPlan,
)
from openiop.treatment_plans.reviews import DUE_SOON_DAYS, activated_on, review_due_on

_CURRENT = (PlanStatus.ACTIVE, PlanStatus.DRAFT)


@dataclass(frozen=True, slots=True)
class PlanOverview:
    """An episode's current plan (active, else draft) with its whole tree prefetched
    (``problems`` → ``goals`` → ``objectives`` → ``interventions``), its review state and
    the patient's latest acknowledgement."""

    plan: TreatmentPlan
    activated_on: dt.date | None
    last_review: PlanReview | None
    next_review_due: dt.date | None
    acknowledgement: PlanAcknowledgement | None

    @property
    def acknowledged_current(self) -> bool:
        ack = self.acknowledgement
        return ack is not None and ack.revision == self.plan.revision


def _tree() -> list[Prefetch[Any]]:
    interventions = PlanIntervention.objects.select_related("responsible").order_by("pk")
    objectives = PlanObjective.objects.order_by("position").prefetch_related(
        Prefetch("interventions", queryset=interventions)
    )
    goals = PlanGoal.objects.order_by("position").prefetch_related(
        Prefetch("objectives", queryset=objectives)
    )
    problems = PlanProblem.objects.order_by("position").prefetch_related(
        Prefetch("goals", queryset=goals)
    )
    return [
        Prefetch("problems", queryset=problems),
        Prefetch(
            "reviews",
            queryset=PlanReview.objects.select_related("reviewed_by").order_by(
                "-reviewed_on", "-pk"
            ),
        ),
        Prefetch("acknowledgements", queryset=PlanAcknowledgement.objects.order_by("-revision")),
    ]


def plan_overview(episode: EpisodeOfCare) -> PlanOverview | None:
    """The episode's current plan (active, else draft) and its state, or None when it has
    none. Seven queries when there is a plan (the plan and six prefetches), one otherwise."""
    plans = list(
        TreatmentPlan.objects.filter(episode=episode, status__in=_CURRENT)
        .select_related("episode__program", "activated_by", "created_by")
        .prefetch_related(*_tree())
    )
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None) or next(
        iter(plans), None
    )
    if plan is None:
        return None
    reviews = list(plan.reviews.all())
    acks = list(plan.acknowledgements.all())
    started = activated_on(plan)
    due = None
    if plan.status == PlanStatus.ACTIVE and started is not None:
        due = review_due_on(
            activated_on=started,
            last_reviewed_on=reviews[0].reviewed_on if reviews else None,
            interval_days=plan.episode.program.plan_review_days,
        )
    return PlanOverview(
        plan=plan,
        activated_on=started,
        last_review=reviews[0] if reviews else None,
        next_review_due=due,
        acknowledgement=acks[0] if acks else None,
    )


def plan_staff(program: Program) -> list[User]:
    """Active staff with an active membership in ``program``: who may be responsible for
    an intervention. One query."""
    members = (
        Membership.objects.filter(
            program=program,
            is_active=True,
            user__is_active=True,
            user__principal=Principal.STAFF,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk")
    )
    return list({m.user_id: m.user for m in members}.values())


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """One active plan whose review is overdue or due within ``DUE_SOON_DAYS``."""

    plan: TreatmentPlan
    episode: EpisodeOfCare
    activated_on: dt.date
    last_reviewed_on: dt.date | None
    due_on: dt.date
    today: dt.date

    @property
    def days_overdue(self) -> int:
        return max((self.today - self.due_on).days, 0)

    @property
    def days_left(self) -> int:
        return max((self.due_on - self.today).days, 0)


def plans_due_for_review(user: Any, today: dt.date | None = None) -> list[ReviewDue]:
    """Active plans of admitted episodes in the programs where ``user`` manages treatment
    plans whose review is overdue or due within ``DUE_SOON_DAYS`` of ``today`` (default:
    each program's local today), most overdue first. Two queries (memberships, plans)."""
    program_ids = program_ids_with(user, Capability.MANAGE_TREATMENT_PLAN)
    plans = (
        TreatmentPlan.objects.filter(
            status=PlanStatus.ACTIVE,
            episode__state=EpisodeState.ADMITTED,
            episode__program_id__in=program_ids,
        )
        .select_related(
            "episode__patient", "episode__program", "episode__care_team__primary_therapist"
        )
        .annotate(last_reviewed_on=Max("reviews__reviewed_on"))
    )
    rows = []
    for plan in plans:
        program = plan.episode.program
        started = activated_on(plan)
        if started is None:  # pragma: no cover - the database refuses an active plan without
            continue
        day = today or clock.localdate(program.zone)
        last = plan.last_reviewed_on
        due = review_due_on(
            activated_on=started, last_reviewed_on=last, interval_days=program.plan_review_days
        )
        if due <= day + dt.timedelta(days=DUE_SOON_DAYS):
            rows.append(ReviewDue(plan, plan.episode, started, last, due, day))
    rows.sort(key=lambda r: (r.due_on, r.episode.patient.display_name, r.plan.pk))
    return rows


def objectives_for_episodes(episode_ids: Iterable[int]) -> dict[int, list[PlanObjective]]:
    """The open objectives of each episode's active plan, or of its draft when it has no
    active plan, in plan order (problem, goal, objective), with ``goal.problem.plan``
    loaded. Every id asked for is a key (an empty list when there is nothing open). One
    query. For the notes' "golden thread" and the team meeting."""
    ids = list(episode_ids)
    rows = (
        PlanObjective.objects.filter(
            goal__problem__plan__episode_id__in=ids,
            goal__problem__plan__status__in=_CURRENT,
            status=ObjectiveStatus.OPEN,
        )
        .select_related("goal__problem__plan")
        .order_by("goal__problem__position", "goal__position", "position", "pk")
    )
    by_plan: dict[tuple[int, str], list[PlanObjective]] = {}
    for objective in rows:
        plan = objective.goal.problem.plan
        by_plan.setdefault((plan.episode_id, plan.status), []).append(objective)
    return {
        episode_id: by_plan.get((episode_id, PlanStatus.ACTIVE))
        or by_plan.get((episode_id, PlanStatus.DRAFT))
        or []
        for episode_id in ids
    }


def discharge_readiness(episodes: Iterable[EpisodeOfCare]) -> dict[int, bool]:
    """episode id → whether its active plan's objectives are all reached: at least one is
    met and none is still open. An objective closed as "not met" (dropped, or replaced by a
    revised one) does not hold discharge back; an open one does. No active plan: False.
    One query. For the team meeting's "discharge readiness" item."""
    ids = [e.pk for e in episodes]
    counts = (
        PlanObjective.objects.filter(
            goal__problem__plan__episode_id__in=ids,
            goal__problem__plan__status=PlanStatus.ACTIVE,
        )
        .values("goal__problem__plan__episode_id")
        .annotate(
            open=Count("pk", filter=Q(status=ObjectiveStatus.OPEN)),
            met=Count("pk", filter=Q(status=ObjectiveStatus.MET)),
        )
    )
    ready = {
        row["goal__problem__plan__episode_id"]: row["open"] == 0 and row["met"] > 0
        for row in counts
    }
    return {episode_id: ready.get(episode_id, False) for episode_id in ids}
