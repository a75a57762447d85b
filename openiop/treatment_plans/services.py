"""Writes of treatment plans. Each service validates, writes and audits in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.models import EpisodeOfCare
from openiop.treatment_plans.models import PlanProblem, PlanStatus, TreatmentPlan
from openiop.treatment_plans.seeding import ProblemSeed


def _created(plan: TreatmentPlan, episode: EpisodeOfCare, rows: list[PlanProblem]) -> Entry:
    return Entry(
        action="TREATMENT_PLAN_CREATED",
        category=DataCategory.TREATMENT_PLAN,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type="treatment_plan",
        object_id=str(plan.pk),
        detail={"problems": len(rows), "sources": [row.source for row in rows]},
    )


@transaction.atomic
def plan_seed_from_intake(
    *, actor: Actor, user: User | None, episode: EpisodeOfCare, problems: Sequence[ProblemSeed]
) -> TreatmentPlan:
    """Create the episode's draft treatment plan holding ``problems`` in order (see
    ``seeding.problems_from_intake``). Raises InvalidTransition when the episode already has
    a draft plan. Audits TREATMENT_PLAN_CREATED with the number and sources of the problems."""
    if TreatmentPlan.objects.filter(episode=episode, status=PlanStatus.DRAFT).exists():
        raise InvalidTransition("This episode already has a draft treatment plan.")
    plan = TreatmentPlan(
        episode=episode, status=PlanStatus.DRAFT, created_at=clock.now(), created_by=user
    )
    plan.full_clean()
    plan.save()
    rows = [
        PlanProblem(
            plan=plan,
            position=position,
            statement=seed.statement,
            source=seed.source,
            evidence=seed.evidence,
        )
        for position, seed in enumerate(problems, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["plan"])
    PlanProblem.objects.bulk_create(rows)
    audit_record(actor=actor, entry=_created(plan, episode, rows))
    return plan
