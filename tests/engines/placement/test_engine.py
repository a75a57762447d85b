"""What a decision says besides its level: deciding rules, exclusions, barriers, notes and
what would change it."""

from __future__ import annotations

import pytest

from engines.placement import (
    LEVELS,
    RULES,
    HourBand,
    Population,
    SafetyScreen,
    UnknownLevelError,
    level_by_code,
    place,
)
from tests.engines.placement.cases import assessment


def test_levels_are_ordered_by_intensity_with_stable_codes():
    assert [(level.rank, level.code) for level in LEVELS] == [
        (0, "op"),
        (1, "iop"),
        (2, "php"),
        (3, "withdrawal_management"),
        (4, "residential"),
        (5, "inpatient"),
    ]
    assert {level.edition for level in LEVELS} == {"asam3"}


@pytest.mark.parametrize(
    ("code", "population", "band"),
    [
        ("op", Population.ADULT, HourBand(None, 9)),
        ("op", Population.ADOLESCENT, HourBand(None, 6)),
        ("iop", Population.ADULT, HourBand(9, 20)),
        ("iop", Population.ADOLESCENT, HourBand(6, 20)),
        ("php", Population.ADULT, HourBand(20, None)),
        ("php", Population.ADOLESCENT, HourBand(20, None)),
        ("withdrawal_management", Population.ADULT, None),
        ("residential", Population.ADOLESCENT, None),
        ("inpatient", Population.ADULT, None),
    ],
)
def test_hour_bands_per_population(code, population, band):
    assert level_by_code(code).hours(population) == band


def test_an_unknown_level_code_is_refused_with_a_code():
    with pytest.raises(UnknownLevelError) as error:
        level_by_code("hospital")

    assert error.value.code == "unknown_level"


def test_deciding_lists_the_fired_rules_whose_floor_is_the_level():
    decision = place(assessment({3: 3, 5: 3, 6: 2}))

    assert decision.level.code == "php"
    assert decision.deciding == ("V2", "V4")
    assert [rule.id for rule in decision.fired] == ["V1", "V2", "V3", "V4", "E4"]


def test_exclusions_name_each_lower_level_with_the_rules_above_it():
    decision = place(assessment({3: 3, 5: 2}))

    assert [(e.level, e.rules) for e in decision.exclusions] == [
        ("op", ("V1", "V2", "V3")),
        ("iop", ("V2",)),
    ]


def test_levels_above_the_recommendation_are_not_excluded():
    decision = place(assessment({3: 2}))

    assert [e.level for e in decision.exclusions] == ["op"]


def test_a_24_hour_level_excludes_withdrawal_management_by_the_rules_above_it():
    decision = place(assessment({1: 3, 6: 3}, home_environment_enables_use=True))

    assert decision.level.code == "residential"
    assert dict((e.level, e.rules) for e in decision.exclusions)["withdrawal_management"] == ("E1",)


@pytest.mark.parametrize(
    ("population", "ratings", "hours", "short", "words"),
    [
        (Population.ADULT, {3: 2}, 8, 1, "8 are available, so 1 more hour a week"),
        (Population.ADULT, {3: 2}, 1, 8, "1 is available, so 8 more hours a week"),
        (Population.ADULT, {3: 2}, 6.3, 2.7, "6.3 are available, so 2.7 more hours"),
        (Population.ADULT, {3: 2}, 8.999, 0.01, "so 0.01 more hours"),
        (Population.ADOLESCENT, {3: 2}, 5, 1, "at least 6 hours a week for adolescents"),
        (Population.ADULT, {3: 3}, 15, 5, "Partial hospitalization needs at least 20 hours"),
        (Population.ADOLESCENT, {3: 3}, 19.5, 0.5, "so 0.5 more hours"),
    ],
)
def test_too_few_hours_is_a_barrier_not_a_lower_level(population, ratings, hours, short, words):
    decision = place(assessment(ratings, population=population, hours_available_per_week=hours))

    assert decision.level.code == ("iop" if ratings == {3: 2} else "php")
    [barrier] = decision.barriers
    assert (barrier.rule, barrier.level, barrier.hours_short) == ("F1", decision.level.code, short)
    assert barrier.hours_available == hours
    assert words in barrier.text
    assert "not lowered" in barrier.text


@pytest.mark.parametrize(
    ("population", "hours"), [(Population.ADULT, 9), (Population.ADOLESCENT, 6)]
)
def test_the_iop_minimum_is_met_at_9_adult_or_6_adolescent_hours(population, hours):
    decision = place(assessment({3: 2}, population=population, hours_available_per_week=hours))

    assert decision.barriers == ()


def test_an_adult_with_6_hours_is_short_of_iop_where_an_adolescent_is_not():
    adult = place(assessment({3: 2}, hours_available_per_week=6))
    adolescent = place(
        assessment({3: 2}, population=Population.ADOLESCENT, hours_available_per_week=6)
    )

    assert [b.hours_short for b in adult.barriers] == [3]
    assert adolescent.barriers == ()


def test_rule_notes_come_in_rule_order():
    decision = place(
        assessment(
            {4: 3},
            safety_screen=SafetyScreen.NON_ACUTE_POSITIVE,
            instruments=(("phq9", 12, ("suicidal_ideation", "positive_screen")),),
            stable_housing_and_support=False,
        )
    )

    assert [note.rules for note in decision.notes] == [("S2",), ("S3",), ("E5",), ("M1",)]


def test_a_24_hour_level_provides_withdrawal_management_itself():
    residential = place(assessment({1: 3, 2: 3}, needs_medical_withdrawal_management=True))
    inpatient = place(assessment({1: 3, 3: 4}))

    assert residential.level.code == "residential"
    assert residential.notes[-1].rules == ("S6", "S7")
    assert "3.7-WM" in residential.notes[-1].text
    assert inpatient.level.code == "inpatient"
    assert inpatient.notes[-1].rules == ("S6",)
    assert "4-WM" in inpatient.notes[-1].text


def test_withdrawal_management_names_the_continuing_care_the_other_findings_need():
    decision = place(assessment({1: 3, 3: 3, 5: 2}))

    assert decision.level.code == "withdrawal_management"
    assert decision.notes[-1].text == (
        "After withdrawal management, reassess: the other findings point to at least "
        "Partial hospitalization (V2) for continuing treatment."
    )


def test_withdrawal_management_alone_asks_for_a_reassessment_afterwards():
    decision = place(assessment(needs_medical_withdrawal_management=True))

    assert decision.notes[-1].text == (
        "After withdrawal management, reassess the level of care for continuing treatment."
    )


def test_nothing_lowers_outpatient():
    assert place(assessment({4: 3})).would_change.lower_if is None


def test_lower_names_the_level_without_the_deciding_rules():
    lower = place(assessment({3: 3, 5: 2})).would_change.lower_if

    assert lower is not None
    assert (lower.without, lower.level, lower.safety) == (("V2",), "iop", False)
    assert lower.text == (
        "If this no longer held (V2: dimension 3 (emotional, behavioral or cognitive conditions "
        "and complications) is rated 3 or more), the level would be Intensive outpatient."
    )


def test_a_safety_decision_is_lowered_only_by_a_new_safety_screen():
    lower = place(assessment({3: 3}, safety_screen=SafetyScreen.ACUTE_POSITIVE)).would_change
    assert lower.lower_if is not None
    assert (lower.lower_if.without, lower.lower_if.level, lower.lower_if.safety) == (
        ("S1",),
        "php",
        True,
    )
    assert lower.lower_if.text.startswith(
        "Safety rule S1 decides the level, so only a new safety screen or reassessment can "
        "lower it. If this no longer held (S1: the suicide-risk screen (ASQ) is acute positive)"
    )


def test_a_mixed_decision_says_the_safety_rules_are_among_the_deciding_ones():
    given = assessment(
        {3: 2},
        safety_screen=SafetyScreen.NON_ACUTE_POSITIVE,
        instruments=(("phq9", 9, ("suicidal_ideation",)),),
    )
    lower = place(given).would_change.lower_if

    assert lower is not None
    assert lower.without == ("S2", "S3", "V1")
    assert lower.text.startswith("Safety rules S2, S3 are among the rules deciding the level")


def test_raise_lists_the_rules_that_did_not_fire_and_would_set_a_higher_floor():
    decision = place(assessment({3: 2, 5: 2}))
    raised = {r.rule: r.level for r in decision.would_change.raise_if}

    higher = {r.id for r in RULES if r.floor not in (None, "op", "iop")}
    assert set(raised) == higher
    assert raised["V2"] == "php"
    assert "V1" not in raised
    [v2] = [r for r in decision.would_change.raise_if if r.rule == "V2"]
    assert v2.text == (
        "If dimension 3 (emotional, behavioral or cognitive conditions and complications) is "
        "rated 3 or more, the level would be at least Partial hospitalization (V2)."
    )


def test_nothing_raises_inpatient():
    decision = place(assessment(safety_screen=SafetyScreen.ACUTE_POSITIVE))

    assert decision.would_change.raise_if == ()
