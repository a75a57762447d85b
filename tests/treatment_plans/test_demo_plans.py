"""The demo's treatment plans and safety plans (openiop/devtools/demo_plans.py), on one
seeded demo database: seed 7 at a Wednesday noon in Chicago, once for the module, rolled
back at the end (as tests/devtools/test_seeded_demo.py does)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from pytest_django import DjangoDbBlocker

from openiop.accounts.models import User
from openiop.core.actor import Actor
from openiop.devtools.demo_plans import PlansSummary, build_plans
from openiop.measures.models import SafetyAlert
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.safety_plans.models import SafetyPlan
from openiop.treatment_plans.models import PlanAcknowledgement, PlanStatus, TreatmentPlan
from openiop.treatment_plans.selectors import discharge_readiness, plans_due_for_review
from tests.devtools.seeding import WEDNESDAY, seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[PlansSummary | None]:
    with (
        django_db_blocker.unblock(),
        time_machine.travel(WEDNESDAY, tick=False),
        transaction.atomic(),
    ):
        seed("--seed", "7")
        summary = None
        if not TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE).exists():
            staff = {u.username: u for u in User.objects.all()}
            summary = build_plans(Actor.system("seed-demo"), staff)
        yield summary
        transaction.set_rollback(True)


def _admitted() -> list[EpisodeOfCare]:
    return list(EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED))


def test_every_admitted_episode_has_a_complete_active_plan(seeded) -> None:
    episodes = _admitted()
    active = TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE, episode__in=episodes)
    assert active.count() == len(episodes) > 10
    assert not TreatmentPlan.objects.filter(status=PlanStatus.DRAFT, episode__in=episodes).exists()
    for plan in active.select_related("episode"):
        assert plan.activated_at is not None
        assert plan.episode.admitted_on is not None
        assert plan.activated_at.date() >= plan.episode.admitted_on
        objectives = [
            o for p in plan.problems.all() for g in p.goals.all() for o in g.objectives.all()
        ]
        assert objectives
        assert all(o.interventions.exists() for o in objectives)
        assert {o.phase for o in objectives} >= {"stabilization", "core"}


def test_the_due_list_shows_a_few_overdue_reviews(seeded) -> None:
    director = User.objects.get(username="director")
    rows = plans_due_for_review(director)
    overdue = [r for r in rows if r.days_overdue]
    assert 2 <= len(overdue) <= 3
    if seeded is not None:
        assert seeded.overdue == len(overdue)
        assert seeded.reviews > 0


def test_one_patient_is_discharge_ready_and_most_acknowledged(seeded) -> None:
    episodes = _admitted()
    ready = [pk for pk, ok in discharge_readiness(episodes).items() if ok]
    assert len(ready) == 1
    acknowledged = PlanAcknowledgement.objects.values_list("plan__episode_id", flat=True)
    assert len(set(acknowledged)) >= len(episodes) * 2 // 3
    current = [
        p
        for p in TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE)
        if p.acknowledgements.filter(revision=p.revision).exists()
    ]
    assert len(current) < len(set(acknowledged))  # someone's plan changed since


def test_safety_plans_follow_the_handled_alerts(seeded) -> None:
    admitted = {e.patient_id for e in _admitted()}
    handled = set(
        SafetyAlert.objects.filter(
            acknowledged_at__isnull=False, patient_id__in=admitted
        ).values_list("patient_id", flat=True)
    )
    still_open = set(
        SafetyAlert.objects.filter(acknowledged_at__isnull=True).values_list(
            "patient_id", flat=True
        )
    )
    with_plan = set(SafetyPlan.objects.values_list("patient_id", flat=True))
    assert handled - still_open <= with_plan
    assert not (still_open & with_plan)  # the open alert's chart prompts for a plan
    assert len(with_plan) > len(handled - still_open) or not handled
    assert SafetyPlan.objects.filter(version__gte=2).exists()
