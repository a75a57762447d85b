"""Treatment-plan services: validation, activation rules, revisions, reviews and the patient's
acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.treatment_plans import services
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
    ObjectiveStatus,
    PlanAcknowledgement,
    PlanObjective,
    PlanStatus,
    ProblemSource,
)
from openiop.treatment_plans.reviews import next_review_due, review_due_on
from tests import factories
from tests.daily import TODAY
from tests.factories import SYSTEM
from tests.treatment_plans.builders import ADMITTED, TARGET, active, chain, draft

pytestmark = pytest.mark.django_db


def _objective(goal, **changes):
    values: dict[str, Any] = {
        "statement": "Sleep 7 hours",
        "measure": "Sleep diary",
        "target_date": TARGET,
        "phase": "core",
    } | changes
    return services.objective_add(actor=SYSTEM, goal=goal, **values)


def test_a_draft_is_built_through_the_services_and_audited(day):
    # given
    therapist = day.tiny.therapist
    plan = draft(day.episodes[0], therapist)
    # when
    built = chain(plan, therapist)
    # then
    assert built.problem.source == ProblemSource.STAFF
    assert (built.problem.position, built.goal.position, built.objective.position) == (1, 1, 1)
    assert built.objective.status == ObjectiveStatus.OPEN
    plan.refresh_from_db()
    assert plan.revision == 1  # a draft's changes are not counted
    actions = list(
        AuditEvent.objects.filter(object_type__startswith="plan").values_list("action", flat=True)
    )
    assert actions == [
        "TREATMENT_PLAN_PROBLEM_ADDED",
        "TREATMENT_PLAN_GOAL_ADDED",
        "TREATMENT_PLAN_OBJECTIVE_ADDED",
        "TREATMENT_PLAN_INTERVENTION_ADDED",
    ]
    event = AuditEvent.objects.get(action="TREATMENT_PLAN_GOAL_ADDED")
    assert (event.patient_id, event.category) == (day.episodes[0].patient_id, "treatment_plan")
    assert "Feel like" not in str(event.detail)  # the audit names fields, not clinical text


def test_a_second_plan_is_refused_while_one_exists(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    with pytest.raises(PlanExists):
        draft(day.episodes[0], day.tiny.therapist)
    chain(plan, day.tiny.therapist)
    services.plan_activate(actor=SYSTEM, plan=plan, by=day.tiny.therapist)
    with pytest.raises(PlanExists, match="active"):
        draft(day.episodes[0], day.tiny.therapist)


def test_a_plan_is_started_only_for_an_admitted_episode(day):
    ps = factories.program_setup()
    referred = factories.patient(ps.program).episodes.get()
    with pytest.raises(PlanNotEditable):
        services.plan_create(actor=SYSTEM, episode=referred, by=day.tiny.therapist)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        (
            {"target_date": ADMITTED - dt.timedelta(days=1)},
            "target_before_admission",
            "target_date",
        ),
        ({"target_date": TODAY + dt.timedelta(days=366)}, "target_too_far", "target_date"),
        ({"measure": "   "}, "required", "measure"),
        ({"statement": "x" * 301}, "too_long", "statement"),
        ({"phase": "forever"}, "phase", "phase"),
    ],
)
def test_objective_rules(day, changes, code, field):
    plan = draft(day.episodes[0], day.tiny.therapist)
    goal = chain(plan, day.tiny.therapist).goal
    with pytest.raises(InvalidPlanInput) as refused:
        _objective(goal, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert goal.objectives.count() == 1  # nothing written


def test_the_edges_of_the_target_date_are_allowed(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    goal = chain(plan, day.tiny.therapist).goal
    _objective(goal, target_date=ADMITTED)
    _objective(goal, target_date=TODAY + dt.timedelta(days=365))
    assert goal.objectives.count() == 3


def test_the_responsible_person_must_be_active_staff_of_the_program(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    objective = chain(plan, day.tiny.therapist).objective
    elsewhere = factories.staff(ProgramRole.THERAPIST, factories.program_setup("Other").program)
    for responsible in (elsewhere, factories.staff()):
        with pytest.raises(InvalidPlanInput) as refused:
            services.intervention_add(
                actor=SYSTEM,
                objective=objective,
                modality="dbt",
                frequency="3 groups a week",
                responsible=responsible,
            )
        assert refused.value.code == "responsible_not_staff"
    assert objective.interventions.count() == 1


def test_activation_needs_a_complete_chain(day):
    # given a draft whose only goal has an objective without an intervention
    therapist = day.tiny.therapist
    plan = draft(day.episodes[0], therapist)
    problem = services.problem_add(actor=SYSTEM, plan=plan, statement="Anxiety")
    goal = services.goal_add(actor=SYSTEM, problem=problem, statement="Go to work")
    _objective(goal)
    # when / then
    with pytest.raises(PlanIncomplete) as refused:
        services.plan_activate(actor=SYSTEM, plan=plan, by=therapist)
    assert refused.value.missing[0].startswith("Add at least one problem")
    assert 'Objective "Sleep 7 hours" has no intervention.' in refused.value.missing
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_an_empty_draft_cannot_be_activated(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    with pytest.raises(PlanIncomplete):
        services.plan_activate(actor=SYSTEM, plan=plan, by=day.tiny.therapist)


def test_activation_makes_revision_one_and_is_audited(day):
    built = active(day.episodes[0], day.tiny.therapist)
    plan = built.plan
    assert (plan.status, plan.revision, plan.activated_by) == ("active", 1, day.tiny.therapist)
    assert AuditEvent.objects.filter(action="TREATMENT_PLAN_ACTIVATED").count() == 1
    with pytest.raises(PlanAlreadyActive):
        services.plan_activate(actor=SYSTEM, plan=plan, by=day.tiny.therapist)


def test_activation_can_be_dated_back_but_not_before_admission_or_ahead(day):
    therapist = day.tiny.therapist
    plan = draft(day.episodes[0], therapist)
    chain(plan, therapist)
    for on in (ADMITTED - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
        with pytest.raises(InvalidPlanInput):
            services.plan_activate(actor=SYSTEM, plan=plan, by=therapist, on=on)
    services.plan_activate(actor=SYSTEM, plan=plan, by=therapist, on=dt.date(2026, 2, 12))
    plan.refresh_from_db()
    assert plan.activated_at is not None
    assert plan.activated_at.astimezone(day.program.zone).date() == dt.date(2026, 2, 12)


def test_every_change_to_an_active_plan_bumps_the_revision(day):
    # given an active plan at revision 1
    therapist = day.tiny.therapist
    built = active(day.episodes[0], therapist)
    plan = built.plan
    # when each kind of item changes once
    services.problem_edit(
        actor=SYSTEM, problem=built.problem, statement="Low mood", evidence="PHQ-9 18"
    )
    services.goal_edit(actor=SYSTEM, goal=built.goal, statement="Enjoy things again")
    services.objective_edit(
        actor=SYSTEM,
        objective=built.objective,
        statement="PHQ-9 below 10",
        measure="PHQ-9 total",
        target_date=TARGET,
        phase="core",
    )
    services.intervention_edit(
        actor=SYSTEM,
        intervention=built.intervention,
        modality="dbt",
        frequency="weekly",
        responsible=day.tiny.facilitator,
    )
    services.objective_status_change(
        actor=SYSTEM, objective=built.objective, status=ObjectiveStatus.MET
    )
    # then
    plan.refresh_from_db()
    assert plan.revision == 6
    built.intervention.refresh_from_db()
    assert built.intervention.responsible == day.tiny.facilitator


def test_an_edit_that_changes_nothing_writes_nothing(day):
    built = active(day.episodes[0], day.tiny.therapist)
    before = AuditEvent.objects.count()
    services.goal_edit(actor=SYSTEM, goal=built.goal, statement=f"  {built.goal.statement} ")
    built.plan.refresh_from_db()
    assert built.plan.revision == 1
    assert AuditEvent.objects.count() == before


def test_objective_outcomes_need_an_active_plan_and_a_date_in_the_stay(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    objective = chain(plan, day.tiny.therapist).objective
    with pytest.raises(PlanNotActive):
        services.objective_status_change(
            actor=SYSTEM, objective=objective, status=ObjectiveStatus.MET
        )
    services.plan_activate(actor=SYSTEM, plan=plan, by=day.tiny.therapist)
    with pytest.raises(InvalidPlanInput):
        services.objective_status_change(
            actor=SYSTEM,
            objective=objective,
            status=ObjectiveStatus.MET,
            on=TODAY + dt.timedelta(days=1),
        )
    services.objective_status_change(
        actor=SYSTEM, objective=objective, status=ObjectiveStatus.NOT_MET, on=dt.date(2026, 3, 1)
    )
    objective.refresh_from_db()
    assert (objective.status, objective.status_on) == ("not_met", dt.date(2026, 3, 1))
    services.objective_status_change(actor=SYSTEM, objective=objective, status=ObjectiveStatus.OPEN)
    objective.refresh_from_db()
    assert (objective.status, objective.status_on) == ("open", None)


def test_a_discharged_episodes_plan_is_closed_to_changes(day):
    built = active(day.episodes[0], day.tiny.therapist)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[0], reason=DischargeReason.GOALS_MET
    )
    with pytest.raises(PlanNotEditable):
        services.goal_add(actor=SYSTEM, problem=built.problem, statement="More")
    with pytest.raises(PlanNotEditable):
        services.plan_review_record(
            actor=SYSTEM, plan=built.plan, by=day.tiny.therapist, reviewed_on=TODAY, summary="x"
        )


def test_reviews_set_the_next_due_date(day):
    # given a plan activated on Feb 12, reviewed every 30 days
    therapist = day.tiny.therapist
    built = active(day.episodes[0], therapist, on=dt.date(2026, 2, 12))
    plan = built.plan
    assert next_review_due(plan) == dt.date(2026, 3, 14)
    # when it is reviewed on Mar 2
    review = services.plan_review_record(
        actor=SYSTEM, plan=plan, by=therapist, reviewed_on=dt.date(2026, 3, 2), summary="On track."
    )
    # then
    assert next_review_due(plan) == dt.date(2026, 4, 1)
    assert review.reviewed_by == therapist
    plan.refresh_from_db()
    assert plan.revision == 1  # a review is not a change to the plan


@pytest.mark.parametrize(
    ("reviewed_on", "summary", "code"),
    [
        (TODAY + dt.timedelta(days=1), "Fine.", "date_in_future"),
        (dt.date(2026, 2, 11), "Fine.", "before_activation"),
        (TODAY, "  ", "required"),
    ],
)
def test_review_rules(day, reviewed_on, summary, code):
    built = active(day.episodes[0], day.tiny.therapist, on=dt.date(2026, 2, 12))
    with pytest.raises(InvalidPlanInput) as refused:
        services.plan_review_record(
            actor=SYSTEM,
            plan=built.plan,
            by=day.tiny.therapist,
            reviewed_on=reviewed_on,
            summary=summary,
        )
    assert refused.value.code == code
    assert not built.plan.reviews.exists()


def test_a_draft_is_not_reviewed(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    with pytest.raises(PlanNotActive):
        services.plan_review_record(
            actor=SYSTEM, plan=plan, by=day.tiny.therapist, reviewed_on=TODAY, summary="x"
        )


@pytest.mark.parametrize(
    ("activated", "last", "days", "due"),
    [
        (dt.date(2026, 1, 1), None, 30, dt.date(2026, 1, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 20), 30, dt.date(2026, 2, 19)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 20), 60, dt.date(2026, 3, 21)),
        # A review dated before activation (data entered oddly) never moves the date back.
        (dt.date(2026, 1, 10), dt.date(2026, 1, 5), 30, dt.date(2026, 2, 9)),
    ],
)
def test_review_due_on(activated, last, days, due):
    assert review_due_on(activated_on=activated, last_reviewed_on=last, interval_days=days) == due


def test_acknowledgement_is_once_per_revision(day):
    # given an active plan
    built = active(day.episodes[0], day.tiny.therapist)
    plan = built.plan
    # when the patient acknowledges revision 1 twice
    first = services.plan_acknowledge(actor=SYSTEM, plan=plan, revision=1, comment="Thanks")
    again = services.plan_acknowledge(actor=SYSTEM, plan=plan, revision=1)
    # then one acknowledgement, audited once
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(action="TREATMENT_PLAN_ACKNOWLEDGED").count() == 1
    # and after a change, revision 2 needs its own
    services.goal_edit(actor=SYSTEM, goal=built.goal, statement="A new goal wording")
    with pytest.raises(RevisionChanged):
        services.plan_acknowledge(actor=SYSTEM, plan=plan, revision=1)
    services.plan_acknowledge(actor=SYSTEM, plan=plan, revision=2)
    assert list(
        PlanAcknowledgement.objects.values_list("revision", flat=True).order_by("revision")
    ) == [1, 2]


def test_a_draft_cannot_be_acknowledged(day):
    plan = draft(day.episodes[0], day.tiny.therapist)
    with pytest.raises(PlanNotActive):
        services.plan_acknowledge(actor=SYSTEM, plan=plan, revision=1)


def test_the_objectives_of_a_plan_are_never_deleted_by_status(day):
    built = active(day.episodes[0], day.tiny.therapist)
    services.objective_status_change(
        actor=SYSTEM, objective=built.objective, status=ObjectiveStatus.NOT_MET
    )
    assert PlanObjective.objects.filter(pk=built.objective.pk).exists()
