"""The background task with the real solver on a tiny program, and approval of its week."""

import pytest

from engines.scheduling import codec
from engines.scheduling.disruption import disruption
from engines.scheduling.model import Weight
from engines.scheduling.solver import Progress
from engines.scheduling.validator import validate
from openiop.audit.models import AuditEvent
from openiop.patients.models import CohortMembership
from openiop.programs.models import Enrollment
from openiop.programs.services import cohort_configure
from openiop.scheduling import runner, selectors, services
from openiop.scheduling.errors import PlanSuperseded
from openiop.scheduling.models import (
    PlanKind,
    PlanState,
    ScheduledSession,
    SchedulePlan,
    SessionKind,
)
from tests.factories import SYSTEM
from tests.scheduling.builders import NEXT_MONDAY, THIS_MONDAY, tiny_program

pytestmark = pytest.mark.django_db


def plan_week(tiny, capture, *, week=NEXT_MONDAY, kind=PlanKind.NEXT_WEEK) -> SchedulePlan:
    """Request a plan and let the (immediate) task solve it after commit."""
    with capture(execute=True):
        plan = services.plan_request(
            actor=SYSTEM,
            program=tiny.program,
            by=tiny.director,
            kind=kind,
            time_limit=10,
            week_start=week if kind == PlanKind.NEXT_WEEK else None,
        )
    plan.refresh_from_db()
    return plan


def test_the_task_solves_the_week_and_proposes_it(wednesday, django_capture_on_commit_callbacks):
    tiny = tiny_program()
    plan = plan_week(tiny, django_capture_on_commit_callbacks)
    assert plan.state == PlanState.PROPOSED
    assert plan.solver_status in {"optimal", "feasible"}
    assert plan.progress_elapsed is not None
    instance = codec.instance_from_json(plan.instance)
    solution = codec.solution_from_json(plan.solution)
    report = validate(instance, solution)
    assert report.feasible
    assert plan.objective == report.objective
    assert plan.components == {w.value: report.components[w] for w in Weight}
    assert plan.objective == sum(instance.weights[w] * plan.components[w.value] for w in Weight)
    event = AuditEvent.objects.get(action="SCHEDULE_PLAN_PROPOSED")
    assert event.actor_label == "system:schedule-planner"


def test_approval_puts_the_week_on_the_calendar_and_follows_the_plan(
    wednesday, django_capture_on_commit_callbacks
):
    # given
    tiny = tiny_program()
    plan = plan_week(tiny, django_capture_on_commit_callbacks)
    solution = codec.solution_from_json(plan.solution)
    # when
    services.plan_approve(actor=SYSTEM, plan=plan, by=tiny.director)
    # then: one row per meeting and appointment, everyone's cohort and primary follow the plan
    sessions = ScheduledSession.objects.filter(plan=plan)
    assert sessions.count() == len(solution.meetings) + len(solution.sessions)
    assert sessions.filter(kind=SessionKind.GROUP).count() == len(solution.meetings)
    for episode in tiny.episodes:
        episode.refresh_from_db()
        assert episode.cohort_id == tiny.cohort.pk
        assert (
            CohortMembership.objects.get(episode=episode, left_on__isnull=True).cohort
            == tiny.cohort
        )
        assert episode.care_team.primary_therapist_id == tiny.therapist.pk
        assert episode.session_participations.filter(session__kind=SessionKind.INDIVIDUAL).exists()
    plan.refresh_from_db()
    assert (plan.state, plan.approved_by) == (PlanState.APPROVED, tiny.director)
    assert AuditEvent.objects.filter(action="SCHEDULE_PLAN_APPROVED").count() == 1
    assert set(
        AuditEvent.objects.filter(action="SESSIONS_SCHEDULED").values_list("patient_id", flat=True)
    ) == {e.patient_id for e in tiny.episodes}


def test_next_week_keeps_this_weeks_approved_plan(wednesday, django_capture_on_commit_callbacks):
    """Golden stability: with nothing changed, next week is this week again, item for item."""
    tiny = tiny_program()
    this_week = plan_week(tiny, django_capture_on_commit_callbacks, week=THIS_MONDAY)
    services.plan_approve(actor=SYSTEM, plan=this_week, by=tiny.director)
    next_week = plan_week(tiny, django_capture_on_commit_callbacks)
    instance = codec.instance_from_json(next_week.instance)
    solution = codec.solution_from_json(next_week.solution)
    assert disruption(instance, solution).kept_share == 1.0
    page = selectors.plan_page(next_week)
    assert page.diff is not None
    assert (page.diff.moved, page.diff.added, page.diff.removed) == ((), (), ())
    assert len(page.diff.kept) == len(solution.meetings) + len(solution.sessions)
    assert page.diff.cohort_moves == page.diff.therapist_changes == ()


def test_replacing_an_approved_week_cancels_its_sessions_and_a_stale_plan_is_refused(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    first = plan_week(tiny, django_capture_on_commit_callbacks)
    stale = plan_week(tiny, django_capture_on_commit_callbacks)
    services.plan_approve(actor=SYSTEM, plan=first, by=tiny.director)
    with pytest.raises(PlanSuperseded):
        services.plan_approve(actor=SYSTEM, plan=stale, by=tiny.director)
    second = plan_week(tiny, django_capture_on_commit_callbacks)
    services.plan_approve(actor=SYSTEM, plan=second, by=tiny.director)
    first_rows = ScheduledSession.objects.filter(plan=first)
    assert first_rows.exists()
    assert not first_rows.filter(cancelled_at__isnull=True).exists()  # cancelled, not deleted
    assert ScheduledSession.objects.filter(plan=second, cancelled_at__isnull=True).exists()


def test_an_impossible_week_fails_with_the_reasons_in_words(
    wednesday, django_capture_on_commit_callbacks
):
    # given: three patients, and the only cohort needs at least six
    tiny = tiny_program()
    cohort_configure(
        cohort=tiny.cohort,
        min_size=6,
        max_size=12,
        enrollment=Enrollment.ROLLING,
        facilitator_id=None,
        room=None,
    )
    # when
    plan = plan_week(tiny, django_capture_on_commit_callbacks)
    # then
    assert plan.state == PlanState.FAILED
    assert plan.solution is None
    assert plan.conflicts
    page = selectors.plan_page(plan)
    assert any(tiny.cohort.name in line for line in page.conflicts), page.conflicts
    assert not any("cohort-" in line for line in page.conflicts)
    assert AuditEvent.objects.filter(action="SCHEDULE_PLAN_FAILED").count() == 1


def test_progress_is_written_only_while_the_plan_runs(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program(patients=1)
    with django_capture_on_commit_callbacks(execute=False):
        plan = services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
    progress = Progress("timetable", 1.5, 120, 80.0, "Found a week of cost 120.")
    services.plan_record_progress(plan_id=plan.pk, progress=progress)  # still queued: ignored
    plan.refresh_from_db()
    assert plan.progress_objective is None
    services.plan_start(plan_id=plan.pk)
    latest = runner._Latest()
    latest.put(Progress("timetable", 0.5, 300, None, "first"))
    latest.put(progress)  # only the newest reaches the row
    runner._write(plan.pk, latest.take())
    assert latest.take() is None
    plan.refresh_from_db()
    assert plan.progress_elapsed == 1.5
    assert plan.progress_objective == 120
    assert plan.progress_bound == 80.0
    assert plan.progress_message == "Found a week of cost 120."


def test_a_planner_error_fails_the_plan_instead_of_leaving_it_running(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program(patients=1)
    with django_capture_on_commit_callbacks(execute=False):
        plan = services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
    SchedulePlan.objects.filter(pk=plan.pk).update(instance={"format": "something else"})
    with pytest.raises(ValueError, match="format"):
        runner.run_plan(plan.pk)
    plan.refresh_from_db()
    assert plan.state == PlanState.FAILED
    assert "error" in plan.failure
    runner.run_plan(plan.pk)  # no longer queued: nothing happens
