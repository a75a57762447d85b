"""The plan's life: seeded (or started empty) as a draft, activated once complete, reviewed
every ``plan_review_days``, acknowledged by the patient per revision.

One draft and one active plan per episode at most (database constraints); a new draft is
never started while either exists, because changes are made to the active plan itself and
counted in its ``revision``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.treatment_plans.errors import (
    InvalidPlanInput,
    PlanAlreadyActive,
    PlanExists,
    PlanIncomplete,
    PlanNotActive,
    PlanNotEditable,
    RevisionChanged,
)
from openiop.treatment_plans.models import (
    PlanAcknowledgement,
    PlanProblem,
    PlanReview,
    PlanStatus,
    TreatmentPlan,
)
from openiop.treatment_plans.reviews import activated_on
from openiop.treatment_plans.seeding import ProblemSeed
from openiop.treatment_plans.services.audit import (
    locked_plan,
    plan_entry,
    require_editable,
    text,
)

SUMMARY_MAX = 4000
COMMENT_MAX = 2000


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


def _refuse_second_plan(episode: EpisodeOfCare) -> None:
    current = TreatmentPlan.objects.filter(episode=episode).values_list("status", flat=True).first()
    if current == PlanStatus.DRAFT:
        raise PlanExists("This episode already has a draft treatment plan.")
    if current == PlanStatus.ACTIVE:
        raise PlanExists(
            "This episode already has an active treatment plan; change that plan instead."
        )


@transaction.atomic
def plan_seed_from_intake(
    *, actor: Actor, user: User | None, episode: EpisodeOfCare, problems: Sequence[ProblemSeed]
) -> TreatmentPlan:
    """Create the episode's draft treatment plan holding ``problems`` in order (see
    ``seeding.problems_from_intake``). Raises InvalidTransition (PlanExists) when the episode
    already has a draft or an active plan. Audits TREATMENT_PLAN_CREATED with the number and
    sources of the problems."""
    _refuse_second_plan(episode)
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


@transaction.atomic
def plan_create(*, actor: Actor, episode: EpisodeOfCare, by: User) -> TreatmentPlan:
    """Start an empty draft plan for an admitted episode that has none (one admitted
    without the intake workflow, which seeds the draft). Raises PlanNotEditable when the
    episode is not admitted, PlanExists when it has a plan. Audits TREATMENT_PLAN_CREATED."""
    if episode.state != EpisodeState.ADMITTED:
        raise PlanNotEditable("A treatment plan is started once the patient is admitted.")
    return plan_seed_from_intake(actor=actor, user=by, episode=episode, problems=())


def _missing_parts(plan: TreatmentPlan) -> list[str]:
    """What keeps the draft from being a plan: no complete problem → goal → objective →
    intervention chain, a goal without an objective, an objective without an intervention."""
    problems = list(
        plan.problems.prefetch_related("goals__objectives__interventions").order_by("position")
    )
    goals = [g for p in problems for g in p.goals.all()]
    objectives = [o for g in goals for o in g.objectives.all()]
    missing = [f'Goal "{g.statement}" has no objective.' for g in goals if not g.objectives.all()]
    missing += [
        f'Objective "{o.statement}" has no intervention.'
        for o in objectives
        if not o.interventions.all()
    ]
    if not any(o.interventions.all() for o in objectives):
        missing.insert(
            0, "Add at least one problem with a goal, a measurable objective and an intervention."
        )
    return missing


def _activation_instant(plan: TreatmentPlan, on: dt.date | None) -> dt.datetime:
    zone = plan.episode.program.zone
    today = clock.localdate(zone)
    day = on or today
    if day > today:
        raise InvalidPlanInput(
            "The activation date cannot be in the future.", code="date_in_future", field="on"
        )
    admitted = plan.episode.admitted_on
    if admitted is not None and day < admitted:
        raise InvalidPlanInput(
            f"The activation date cannot be before admission ({admitted:%Y-%m-%d}).",
            code="before_admission",
            field="on",
        )
    # A plan activated on an earlier day (entered late) counts from noon of that day.
    return clock.now() if day == today else dt.datetime.combine(day, dt.time(12), tzinfo=zone)


@transaction.atomic
def plan_activate(
    *, actor: Actor, plan: TreatmentPlan, by: User, on: dt.date | None = None
) -> TreatmentPlan:
    """Make a complete draft the episode's active plan, as of ``on`` (a program-local date,
    default today; not before admission, not in the future). Revision 1 is what the patient
    acknowledges first. Raises PlanAlreadyActive (already active, or the episode has an
    active plan), PlanNotEditable, PlanIncomplete (``missing`` lists the gaps) or
    InvalidPlanInput. Audits TREATMENT_PLAN_ACTIVATED."""
    plan = locked_plan(plan.pk)
    if plan.status == PlanStatus.ACTIVE:
        raise PlanAlreadyActive("This treatment plan is already active.")
    require_editable(plan)
    if TreatmentPlan.objects.filter(episode=plan.episode, status=PlanStatus.ACTIVE).exists():
        raise PlanAlreadyActive(
            "This episode already has an active treatment plan; change that plan instead."
        )
    missing = _missing_parts(plan)
    if missing:
        raise PlanIncomplete(
            "The plan cannot be activated yet. " + " ".join(missing[:3]), missing=missing
        )
    plan.activated_at = _activation_instant(plan, on)
    plan.activated_by = by
    plan.status = PlanStatus.ACTIVE
    plan.full_clean()
    plan.save(update_fields=["status", "activated_at", "activated_by"])
    audit_record(
        actor=actor,
        entry=plan_entry(
            "TREATMENT_PLAN_ACTIVATED", plan, plan, activated_on=str(activated_on(plan))
        ),
    )
    return plan


@transaction.atomic
def plan_review_record(
    *, actor: Actor, plan: TreatmentPlan, by: User, reviewed_on: dt.date, summary: str
) -> PlanReview:
    """Record a periodic review of the active plan held on ``reviewed_on`` (program-local,
    between activation and today). The next review falls due ``plan_review_days`` later
    (``reviews.review_due_on``). Does not change the plan, so no new acknowledgement is
    needed. Raises PlanNotActive, PlanNotEditable or InvalidPlanInput. Audits
    TREATMENT_PLAN_REVIEWED."""
    plan = locked_plan(plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise PlanNotActive("Only an active treatment plan is reviewed.")
    require_editable(plan)
    summary = text(summary, field="summary", label="review summary", max_length=SUMMARY_MAX)
    today = clock.localdate(plan.episode.program.zone)
    started = activated_on(plan)
    if reviewed_on > today:
        raise InvalidPlanInput(
            "The review date cannot be in the future.", code="date_in_future", field="reviewed_on"
        )
    if started is not None and reviewed_on < started:
        raise InvalidPlanInput(
            f"The review date cannot be before the plan was activated ({started:%Y-%m-%d}).",
            code="before_activation",
            field="reviewed_on",
        )
    review = PlanReview(
        plan=plan, reviewed_on=reviewed_on, reviewed_by=by, summary=summary, recorded_at=clock.now()
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        entry=plan_entry(
            "TREATMENT_PLAN_REVIEWED", plan, review, reviewed_on=reviewed_on.isoformat()
        ),
    )
    return review


@transaction.atomic
def plan_acknowledge(
    *, actor: Actor, plan: TreatmentPlan, revision: int, comment: str = ""
) -> PlanAcknowledgement:
    """Record the patient's acknowledgement of ``revision`` of the active plan (the revision
    they were shown). Idempotent: a second acknowledgement of the same revision returns the
    first and writes nothing. Raises PlanNotActive, RevisionChanged (the plan changed while
    the patient read it) or InvalidPlanInput (comment too long). Audits
    TREATMENT_PLAN_ACKNOWLEDGED; ``actor`` is the patient (portal)."""
    plan = locked_plan(plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise PlanNotActive("There is no active treatment plan to acknowledge.")
    if revision != plan.revision:
        raise RevisionChanged(
            "Your plan was updated while you were reading it. Please read the new version."
        )
    existing = PlanAcknowledgement.objects.filter(plan=plan, revision=revision).first()
    if existing is not None:
        return existing
    comment = text(
        comment, field="comment", label="comment", max_length=COMMENT_MAX, required=False
    )
    ack = PlanAcknowledgement(
        plan=plan, revision=revision, acknowledged_at=clock.now(), comment=comment
    )
    ack.full_clean()
    ack.save()
    audit_record(
        actor=actor,
        entry=plan_entry("TREATMENT_PLAN_ACKNOWLEDGED", plan, ack, with_comment=bool(comment)),
    )
    return ack
