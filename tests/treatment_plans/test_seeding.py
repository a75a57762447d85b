"""Which problems a draft plan starts with (table-driven), and the plan seeding service."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.audit.models import AuditEvent
from openiop.core.errors import InvalidTransition
from openiop.treatment_plans.models import PlanProblem, ProblemSource
from openiop.treatment_plans.seeding import (
    STATEMENT_MAX,
    InstrumentFinding,
    IntakeFindings,
    ProblemSeed,
    at_least_moderate,
    problems_from_intake,
)
from openiop.treatment_plans.services import plan_seed_from_intake
from tests import factories
from tests.factories import SYSTEM

QUIET = IntakeFindings(
    presenting_problem="",
    ratings=(0, 1, 1, 1, 0, 1),
    safety_screen="negative",
    housing="stable",
    substance_use="",
)


def _with(**changes: object) -> IntakeFindings:
    return dataclasses.replace(QUIET, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("finding", "label"),
    [
        (InstrumentFinding("phq9", 9, "mild"), None),
        (InstrumentFinding("phq9", 12, "moderate", ("positive_screen",)), "Moderate depression"),
        (InstrumentFinding("phq9", 22, "severe"), "Severe depression"),
        (InstrumentFinding("gad7", 16, "severe"), "Severe anxiety"),
        (InstrumentFinding("dast10", 2, "low"), None),
        (
            InstrumentFinding("dast10", 4, "moderate"),
            "Moderate level of problems related to drug use",
        ),
        (InstrumentFinding("pcl5", 20, ""), None),
        (InstrumentFinding("pcl5", 40, "", ("probable_ptsd",)), "probable PTSD"),
        (
            InstrumentFinding("auditc", 5, "", ("positive_screen",)),
            "positive screen (≥ 4; women ≥ 3)",
        ),
        # The ASQ's flags are safety flags: they seed the safety problem, not this one.
        (InstrumentFinding("asq", 1, "", ("asq_positive",), ("asq_positive",)), None),
    ],
)
def test_moderate_or_worse(finding, label):
    assert at_least_moderate(finding) == label


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        (QUIET, []),
        (
            _with(presenting_problem="  Panic attacks\nat work "),
            [("Panic attacks at work", ProblemSource.PRESENTING)],
        ),
        (
            _with(instruments=(InstrumentFinding("phq9", 16, "moderately_severe"),)),
            [("Moderately severe depression (PHQ-9)", ProblemSource.INSTRUMENT)],
        ),
        (
            _with(ratings=(0, 1, 3, 1, 2, 1)),
            [
                (
                    "ASAM dimension 3, emotional, behavioral or cognitive conditions and "
                    "complications: serious (3 of 4)",
                    ProblemSource.DIMENSION,
                ),
                (
                    "ASAM dimension 5, relapse, continued use or continued problem potential: "
                    "moderate (2 of 4)",
                    ProblemSource.DIMENSION,
                ),
            ],
        ),
        (
            _with(safety_screen="non_acute_positive"),
            [("Suicide risk: complete a risk assessment and a safety plan", ProblemSource.SAFETY)],
        ),
        (
            _with(
                instruments=(
                    InstrumentFinding(
                        "phq9", 9, "mild", ("suicidal_ideation",), ("suicidal_ideation",)
                    ),
                )
            ),
            [("Suicide risk: complete a risk assessment and a safety plan", ProblemSource.SAFETY)],
        ),
        (_with(housing="unhoused"), [("Unhoused", ProblemSource.HOUSING)]),
        (_with(housing="at_risk"), [("At risk of losing housing", ProblemSource.HOUSING)]),
        (_with(housing=""), []),
        (
            _with(substance_use="Alcohol most nights"),
            [("Substance use: Alcohol most nights", ProblemSource.SUBSTANCE_USE)],
        ),
    ],
)
def test_problems_from_intake(findings, expected):
    assert [(p.statement, p.source) for p in problems_from_intake(findings)] == expected


def test_the_problems_come_in_rule_order():
    findings = _with(
        presenting_problem="Low mood",
        ratings=(2, 1, 1, 1, 1, 1),
        safety_screen="acute_positive",
        housing="unstable",
        substance_use="Cannabis",
        instruments=(InstrumentFinding("gad7", 12, "moderate"),),
    )
    assert [p.source for p in problems_from_intake(findings)] == [
        "presenting",
        "instrument",
        "dimension",
        "safety",
        "housing",
        "substance_use",
    ]


@given(
    ratings=st.tuples(*[st.one_of(st.none(), st.integers(0, 4))] * 6),
    text=st.text(max_size=600),
    screen=st.sampled_from(["negative", "non_acute_positive", "acute_positive", ""]),
)
def test_every_statement_fits_and_each_moderate_dimension_is_one_problem(ratings, text, screen):
    seeds = problems_from_intake(
        _with(ratings=ratings, presenting_problem=text, substance_use=text, safety_screen=screen)
    )
    assert all(0 < len(s.statement) <= STATEMENT_MAX for s in seeds)
    dimensions = [s for s in seeds if s.source == ProblemSource.DIMENSION]
    assert len(dimensions) == sum(1 for r in ratings if r is not None and r >= 2)
    assert any(s.source == ProblemSource.SAFETY for s in seeds) == (screen.endswith("positive"))


@pytest.mark.django_db
def test_seeding_creates_one_draft_plan_with_its_problems_in_order():
    ps = factories.program_setup(part2=True)
    episode = factories.patient(ps.program).episodes.get()
    seeds = [
        ProblemSeed("Low mood", ProblemSource.PRESENTING, "intake"),
        ProblemSeed("Unhoused", ProblemSource.HOUSING),
    ]
    plan = plan_seed_from_intake(actor=SYSTEM, user=None, episode=episode, problems=seeds)
    rows = list(PlanProblem.objects.filter(plan=plan).values_list("position", "statement"))
    assert (plan.status, rows) == ("draft", [(1, "Low mood"), (2, "Unhoused")])
    event = AuditEvent.objects.get(action="TREATMENT_PLAN_CREATED")
    assert (event.category, event.part2, event.detail["problems"]) == ("treatment_plan", True, 2)
    with pytest.raises(InvalidTransition):
        plan_seed_from_intake(actor=SYSTEM, user=None, episode=episode, problems=seeds)
