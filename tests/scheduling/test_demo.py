"""The demo's weeks are made by the solver, and a re-plan after a demo discharge keeps
everyone else's week (issue 5, "Done when")."""

import pytest
import time_machine

from engines.scheduling import codec
from engines.scheduling.disruption import disruption
from openiop.accounts.models import User
from openiop.core.actor import Actor
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason, EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling import selectors, services
from openiop.scheduling.models import PlanKind, PlanState, ScheduledSession, SchedulePlan
from openiop.scheduling.weeks import current_week
from tests.devtools.seeding import WEDNESDAY, seed

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _future(episode: EpisodeOfCare) -> set[tuple[str, object, int]]:
    return set(
        ScheduledSession.objects.filter(
            participants__episode=episode, cancelled_at__isnull=True, starts_at__gte=WEDNESDAY
        ).values_list("kind", "starts_at", "clinician_id")
    )


@time_machine.travel(WEDNESDAY, tick=False)
def test_after_a_demo_discharge_the_replan_keeps_everyone_elses_week(
    django_capture_on_commit_callbacks,
):
    # given: the seeded demo, its weeks planned by the solver and approved
    seed("--seed", "7")
    program = Program.objects.get(name="Adult IOP")
    director = User.objects.get(username="director")
    approved = SchedulePlan.objects.filter(program=program, state=PlanState.APPROVED)
    assert approved.count() == 2  # this week and next
    assert all(p.solution and p.solution["stats"]["solver"] == "cp-sat" for p in approved)
    admitted = list(
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED).order_by("pk")
    )
    leaving, staying = admitted[0], admitted[1:]
    before = {e.pk: _future(e) for e in staying}
    assert any(before.values())
    # when: one patient is discharged and the rest of the week re-planned
    patient_services.episode_discharge(
        actor=ACTOR, episode=leaving, reason=DischargeReason.PATIENT_CHOICE
    )
    with django_capture_on_commit_callbacks(execute=True):
        replan = services.plan_request(
            actor=ACTOR, program=program, by=director, kind=PlanKind.REPLAN, time_limit=10
        )
    replan.refresh_from_db()
    assert replan.state == PlanState.PROPOSED, replan.failure
    instance = codec.instance_from_json(replan.instance)
    solution = codec.solution_from_json(replan.solution)
    # then: the diff and the disruption metrics say everyone else keeps their week ...
    moves = disruption(instance, solution)
    assert (moves.cohort_moves, moves.therapist_changes) == (0, 0)
    diff = selectors.plan_page(replan).diff
    assert diff is not None
    assert diff.moved == diff.added == ()
    # only the leaving patient's appointments, and the meetings of their group if it emptied
    assert {line.what.split(" · ")[1] for line in diff.removed} <= {
        leaving.patient.display_name,
        str(leaving.cohort),
    }
    # ... and so does the calendar once approved, and once next week is planned again
    services.plan_approve(actor=ACTOR, plan=replan, by=director)
    overview = selectors.program_overview(program)
    assert overview.replan is None
    assert overview.replan_next_week is not None
    with django_capture_on_commit_callbacks(execute=True):
        again = services.plan_request(
            actor=ACTOR, program=program, by=director, kind=PlanKind.NEXT_WEEK, time_limit=10
        )
    again.refresh_from_db()
    assert again.replaces is not None
    services.plan_approve(actor=ACTOR, plan=again, by=director)
    assert {e.pk: _future(e) for e in staying} == before
    assert not _future(leaving)
    assert current_week(program) == replan.week_start
