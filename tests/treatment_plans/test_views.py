"""The chart's Plan tab, its write endpoints and the review due list: who sees and may do
what, bad input answered in place, other programs kept out, fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.treatment_plans import services
from openiop.treatment_plans.models import PlanGoal, PlanObjective, PlanProblem, TreatmentPlan
from tests import factories
from tests.daily import NOON, TODAY, ordinary_day
from tests.factories import SYSTEM
from tests.treatment_plans.builders import ADMITTED, active, chain, draft

pytestmark = pytest.mark.django_db
LOCK = int(connection.vendor == "postgresql")


def tab(client: Client, episode) -> str:
    return reverse("treatment_plans:chart", kwargs={"patient_id": episode.patient_id})


def url(name: str, episode, **kwargs: int) -> str:
    return reverse(
        f"treatment_plans:{name}",
        kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk, **kwargs},
    )


def test_the_tab_shows_the_plan_with_forms_and_is_audited(client, day):
    # given an active plan reviewed once
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist, on=dt.date(2026, 2, 12))
    factories.login(client, day.tiny.therapist)
    # when
    page = client.get(tab(client, episode))
    # then
    body = page.content.decode()
    assert page.status_code == 200
    assert built.objective.statement in body
    assert "Active since 2026-02-12" in body
    assert "Next review</dt><dd>2026-03-14" in body
    assert "Not yet acknowledged" in body
    assert "Add a measurable objective…" in body
    assert "Record a plan review…" in body
    assert "Create a portal link for the patient" in body
    assert "Activate this plan…" not in body
    event = AuditEvent.objects.get(action="PATIENT_TREATMENT_PLAN_VIEWED")
    assert (event.patient_id, event.category) == (episode.patient_id, "treatment_plan")


def test_the_tab_shows_the_acknowledgement_per_revision(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    services.plan_acknowledge(actor=SYSTEM, plan=built.plan, revision=1)
    factories.login(client, day.tiny.therapist)
    body = client.get(tab(client, episode)).content.decode()
    assert "Acknowledged by the patient on 2026-03-04 (revision 1)" in body
    services.goal_edit(actor=SYSTEM, goal=built.goal, statement="Changed")
    body = client.get(tab(client, episode)).content.decode()
    assert "Not yet acknowledged: the patient acknowledged revision 1" in body


def test_a_facilitator_reads_the_tab_without_forms_and_cannot_write(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    factories.login(client, day.tiny.facilitator)
    page = client.get(tab(client, episode))
    body = page.content.decode()
    assert page.status_code == 200
    assert built.goal.statement in body
    assert "Add a goal…" not in body
    assert "Create a portal link" not in body
    posted = client.post(
        url("goal_add", episode, problem_id=built.problem.pk), {"goal-add-1-statement": "x"}
    )
    assert posted.status_code == 403
    assert PlanGoal.objects.count() == 1


def test_another_programs_therapist_gets_404_and_changes_nothing(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    other = ordinary_day("Other IOP", patients=1)
    factories.login(client, other.tiny.therapist)
    assert client.get(tab(client, episode)).status_code == 404
    prefix = f"goal-{built.goal.pk}"
    posted = client.post(
        url("goal_edit", episode, goal_id=built.goal.pk), {f"{prefix}-statement": "Mine now"}
    )
    assert posted.status_code == 404
    assert client.post(url("review_add", episode)).status_code == 404
    built.goal.refresh_from_db()
    assert built.goal.statement != "Mine now"
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() == 3
    assert not denied.exclude(patient_id=None).exists()


def test_an_item_of_another_episode_is_a_404(client, day):
    mine = active(day.episodes[0], day.tiny.therapist)
    theirs = active(day.episodes[1], day.tiny.therapist)
    factories.login(client, day.tiny.therapist)
    prefix = f"goal-{theirs.goal.pk}"
    response = client.post(
        url("goal_edit", day.episodes[0], goal_id=theirs.goal.pk),
        {f"{prefix}-statement": "Crossed"},
    )
    assert response.status_code == 404
    assert mine.goal.statement != "Crossed"
    theirs.goal.refresh_from_db()
    assert theirs.goal.statement != "Crossed"


def test_starting_and_completing_a_plan_through_the_forms(client, day):
    # given an admitted episode without a plan
    episode = day.episodes[0]
    factories.login(client, day.tiny.therapist)
    # when the therapist starts a draft and adds a problem, a goal, an objective and an
    # intervention, then activates it
    assert client.post(url("create", episode)).status_code == 302
    client.post(url("problem_add", episode), {"problem-add-statement": "Panic attacks"})
    problem = PlanProblem.objects.get()
    client.post(
        url("goal_add", episode, problem_id=problem.pk),
        {f"goal-add-{problem.pk}-statement": "Ride the bus again"},
    )
    goal = PlanGoal.objects.get()
    p = f"objective-add-{goal.pk}"
    client.post(
        url("objective_add", episode, goal_id=goal.pk),
        {
            f"{p}-statement": "Ride two stops",
            f"{p}-measure": "Exposure log",
            f"{p}-target_date": "2026-04-15",
            f"{p}-phase": "core",
        },
    )
    objective = PlanObjective.objects.get()
    p = f"intervention-add-{objective.pk}"
    client.post(
        url("intervention_add", episode, objective_id=objective.pk),
        {
            f"{p}-modality": "pe",
            f"{p}-frequency": "weekly",
            f"{p}-responsible": day.tiny.therapist.pk,
        },
    )
    response = client.post(url("activate", episode), {"activate-on": ""})
    # then
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert (plan.status, plan.revision) == ("active", 1)
    assert objective.interventions.get().responsible == day.tiny.therapist


def test_bad_input_is_shown_next_to_its_field_and_writes_nothing(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    factories.login(client, day.tiny.therapist)
    p = f"objective-add-{built.goal.pk}"
    response = client.post(
        url("objective_add", episode, goal_id=built.goal.pk),
        {
            f"{p}-statement": "Sleep",
            f"{p}-measure": "Diary",
            f"{p}-target_date": (ADMITTED - dt.timedelta(days=3)).isoformat(),
            f"{p}-phase": "core",
        },
    )
    assert response.status_code == 400
    assert "The target date cannot be before admission (2026-02-09)." in response.content.decode()
    assert built.goal.objectives.count() == 1
    built.plan.refresh_from_db()
    assert built.plan.revision == 1


def test_a_responsible_person_outside_the_program_cannot_be_chosen(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    outsider = ordinary_day("Other IOP", patients=1).tiny.therapist
    factories.login(client, day.tiny.therapist)
    p = f"intervention-add-{built.objective.pk}"
    response = client.post(
        url("intervention_add", episode, objective_id=built.objective.pk),
        {f"{p}-modality": "cbt", f"{p}-frequency": "weekly", f"{p}-responsible": outsider.pk},
    )
    assert response.status_code == 400
    assert built.objective.interventions.count() == 1


def test_an_incomplete_plan_is_not_activated_and_says_why(client, day):
    episode = day.episodes[0]
    draft(episode, day.tiny.therapist)
    factories.login(client, day.tiny.therapist)
    response = client.post(url("activate", episode), follow=True)
    assert "The plan cannot be activated yet." in response.content.decode()
    assert TreatmentPlan.objects.get().status == "draft"


def test_a_review_is_recorded_from_the_tab(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist, on=dt.date(2026, 2, 12))
    factories.login(client, day.tiny.therapist)
    response = client.post(
        url("review_add", episode),
        {"review-reviewed_on": TODAY.isoformat(), "review-summary": "Sleeping better."},
    )
    assert response.status_code == 302
    assert built.plan.reviews.get().summary == "Sleeping better."
    bad = client.post(
        url("review_add", episode), {"review-reviewed_on": "2026-03-09", "review-summary": "x"}
    )
    assert bad.status_code == 400
    assert "cannot be in the future" in bad.content.decode()


def test_objective_outcome_from_the_tab(client, day):
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    factories.login(client, day.tiny.therapist)
    p = f"status-{built.objective.pk}"
    response = client.post(
        url("objective_status", episode, objective_id=built.objective.pk),
        {f"{p}-status": "met", f"{p}-on": "2026-03-02"},
    )
    assert response.status_code == 302
    built.objective.refresh_from_db()
    assert (built.objective.status, built.objective.status_on) == ("met", dt.date(2026, 3, 2))


def test_the_tab_has_a_fixed_number_of_queries(client, day, django_assert_num_queries):
    # given two plans of different sizes
    small, big = day.episodes[0], day.episodes[1]
    active(small, day.tiny.therapist)
    large = active(big, day.tiny.therapist, chains=3)
    chain(large.plan, day.tiny.facilitator, n=9)
    factories.login(client, day.tiny.therapist)
    client.get(tab(client, small))  # warm the session and content types
    # when / then the same number of queries for each
    with CaptureQueriesContext(connection) as captured:
        assert client.get(tab(client, small)).status_code == 200
    with django_assert_num_queries(len(captured)):
        assert client.get(tab(client, big)).status_code == 200


def test_the_due_list_has_a_fixed_number_of_queries(
    client, day, at_noon, django_assert_num_queries
):
    # given one overdue plan
    active(day.episodes[0], day.tiny.therapist, on=ADMITTED)
    at_noon.move_to(NOON + dt.timedelta(days=14))
    factories.login(client, day.tiny.therapist)
    client.get(reverse("treatment_plans:due"))
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("treatment_plans:due"))
    assert "Overdue 7 days" in page.content.decode()
    # when three more are overdue
    at_noon.move_to(NOON)
    for episode in day.episodes[1:]:
        active(episode, day.tiny.therapist, on=ADMITTED)
    at_noon.move_to(NOON + dt.timedelta(days=14))
    # then the page takes as many queries
    with django_assert_num_queries(len(one)):
        page = client.get(reverse("treatment_plans:due"))
    assert page.content.decode().count("Overdue 7 days") == 4
    assert AuditEvent.objects.filter(action="PATIENT_LISTED").count() == 1 + 1 + 4  # per page


def test_the_due_list_needs_the_plan_capability(client, day):
    factories.login(client, day.tiny.facilitator)
    assert client.get(reverse("treatment_plans:due")).status_code == 403
    factories.login(client, factories.staff(ProgramRole.PRESCRIBER, day.program))
    assert client.get(reverse("treatment_plans:due")).status_code == 403


def test_every_write_is_a_404_for_another_programs_director(client, day):
    # given an active plan and a director of another program
    episode = day.episodes[0]
    built = active(episode, day.tiny.therapist)
    factories.login(client, ordinary_day("Other IOP", patients=1).tiny.director)
    before = AuditEvent.objects.filter(outcome="success").count()
    routes = {
        "create": {},
        "activate": {},
        "review_add": {},
        "problem_add": {},
        "problem_edit": {"problem_id": built.problem.pk},
        "goal_add": {"problem_id": built.problem.pk},
        "goal_edit": {"goal_id": built.goal.pk},
        "objective_add": {"goal_id": built.goal.pk},
        "objective_edit": {"objective_id": built.objective.pk},
        "objective_status": {"objective_id": built.objective.pk},
        "intervention_add": {"objective_id": built.objective.pk},
        "intervention_edit": {"intervention_id": built.intervention.pk},
    }
    # when / then
    for name, kwargs in routes.items():
        assert client.post(url(name, episode, **kwargs), {}).status_code == 404, name
    assert AuditEvent.objects.filter(outcome="denied").count() == len(routes)
    assert AuditEvent.objects.filter(outcome="success").count() == before
