"""Mid-week re-plans: after a discharge or an admission, only future sessions change, and
everyone else's week stays as it was."""

import datetime as dt

import pytest

from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling import selectors, services
from openiop.scheduling.errors import PlanSuperseded
from openiop.scheduling.models import PlanKind, PlanState, ScheduledSession
from tests.factories import SYSTEM
from tests.scheduling.builders import THIS_MONDAY, admit, tiny_program
from tests.scheduling.test_task import plan_week

pytestmark = pytest.mark.django_db


def _future_week(episode, now):
    """(kind, start, clinician) of the episode's live sessions from ``now`` on."""
    return set(
        ScheduledSession.objects.filter(
            participants__episode=episode, cancelled_at__isnull=True, starts_at__gte=now
        ).values_list("kind", "starts_at", "clinician_id")
    )


def test_a_discharge_replan_keeps_everyone_elses_week_and_the_past(
    wednesday, django_capture_on_commit_callbacks
):
    # given: this week approved on Wednesday (Monday and Tuesday already happened)
    tiny = tiny_program(patients=4)
    week = plan_week(tiny, django_capture_on_commit_callbacks, week=THIS_MONDAY)
    services.plan_approve(actor=SYSTEM, plan=week, by=tiny.director)
    leaving, *staying = tiny.episodes
    past = set(
        ScheduledSession.objects.filter(starts_at__lt=wednesday).values_list("pk", flat=True)
    )
    before = {e.pk: _future_week(e, wednesday) for e in staying}
    assert selectors.replan_hint(tiny.program, week) is None
    # when: one patient is discharged and the week re-planned
    patient_services.episode_discharge(
        actor=SYSTEM, episode=leaving, reason=DischargeReason.PATIENT_CHOICE
    )
    hint = selectors.replan_hint(tiny.program, week)
    assert hint is not None
    assert hint.discharged == (leaving.patient.display_name,)
    replan = plan_week(tiny, django_capture_on_commit_callbacks, kind=PlanKind.REPLAN)
    assert (replan.state, replan.cutoff, replan.replaces) == (PlanState.PROPOSED, wednesday, week)
    services.plan_approve(actor=SYSTEM, plan=replan, by=tiny.director)
    # then
    assert all(_future_week(e, wednesday) == before[e.pk] for e in staying)
    assert not _future_week(leaving, wednesday)
    untouched = ScheduledSession.objects.filter(pk__in=past, cancelled_at__isnull=True)
    assert set(untouched.values_list("pk", flat=True)) == past  # the past is not rewritten
    assert not ScheduledSession.objects.filter(plan=replan, starts_at__lt=wednesday).exists()
    diff = selectors.plan_page(replan).diff
    assert diff is not None
    assert diff.cohort_moves == diff.therapist_changes == ()
    assert {line.what.split(" · ")[1] for line in diff.removed} <= {leaving.patient.display_name}


def test_an_admission_replan_adds_the_newcomer_and_moves_no_one(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program(patients=3)
    week = plan_week(tiny, django_capture_on_commit_callbacks, week=THIS_MONDAY)
    services.plan_approve(actor=SYSTEM, plan=week, by=tiny.director)
    newcomer = admit(tiny)
    hint = selectors.replan_hint(tiny.program, week)
    assert hint is not None
    assert hint.admitted == (newcomer.patient.display_name,)
    replan = plan_week(tiny, django_capture_on_commit_callbacks, kind=PlanKind.REPLAN)
    diff = selectors.plan_page(replan).diff
    assert diff is not None
    assert diff.new_patients == (newcomer.patient.display_name,)
    assert diff.cohort_moves == diff.therapist_changes == ()
    assert diff.removed == ()


def test_a_replan_whose_patients_changed_again_is_refused(
    wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program(patients=3)
    week = plan_week(tiny, django_capture_on_commit_callbacks, week=THIS_MONDAY)
    services.plan_approve(actor=SYSTEM, plan=week, by=tiny.director)
    replan = plan_week(tiny, django_capture_on_commit_callbacks, kind=PlanKind.REPLAN)
    patient_services.episode_discharge(
        actor=SYSTEM,
        episode=tiny.episodes[0],
        reason=DischargeReason.GOALS_MET,
        on=dt.date(2026, 3, 4),
    )
    with pytest.raises(PlanSuperseded):
        services.plan_approve(actor=SYSTEM, plan=replan, by=tiny.director)
    replan.refresh_from_db()
    assert replan.state == PlanState.PROPOSED
