"""Every rule, table-driven: the change from a baseline that fires it, the rules that fire,
and the level; the boundary just below each threshold; and the rule table's own integrity."""

from __future__ import annotations

import hashlib

import pytest

from engines.placement import RULES, RULES_VERSION, Kind, SafetyScreen, level_by_code, place
from engines.placement.conditions import (
    AllOf,
    AnyOf,
    DimensionAtLeast,
    Fact,
    FlagPresent,
    InstrumentAtLeast,
    ScreenIs,
    describe,
)
from engines.placement.rules import Rule, _check, rule_by_id
from tests.engines.placement.cases import assessment

ACUTE, NON_ACUTE = SafetyScreen.ACUTE_POSITIVE, SafetyScreen.NON_ACUTE_POSITIVE

# rule id, the assessment that fires it, the rules that fire, the level.
FIRING = [
    ("S1", assessment(safety_screen=ACUTE), {"S1"}, "inpatient"),
    ("S2", assessment(safety_screen=NON_ACUTE), {"S2"}, "iop"),
    ("S3", assessment(instruments=(("phq9", 1, ("suicidal_ideation",)),)), {"S3"}, "iop"),
    ("S4", assessment({3: 4}), {"S4", "V1", "V2"}, "inpatient"),
    ("S5", assessment({2: 4}), {"S5", "V5"}, "inpatient"),
    ("S6", assessment({1: 3}), {"S6"}, "withdrawal_management"),
    ("S7", assessment(needs_medical_withdrawal_management=True), {"S7"}, "withdrawal_management"),
    ("V1", assessment({3: 2}), {"V1"}, "iop"),
    ("V2", assessment({3: 3}), {"V1", "V2"}, "php"),
    ("V3", assessment({5: 2}), {"V3"}, "iop"),
    ("V4", assessment({5: 3}), {"V3", "V4"}, "php"),
    ("V5", assessment({2: 3}), {"V5"}, "residential"),
    ("V6", assessment(instruments=(("phq9", 20, ("positive_screen",)),)), {"V6"}, "iop"),
    ("V7", assessment(instruments=(("gad7", 15, ("positive_screen",)),)), {"V7"}, "iop"),
    ("V8", assessment(instruments=(("pcl5", 33, ("probable_ptsd",)),)), {"V8"}, "iop"),
    ("V9", assessment(instruments=(("dast10", 6, ()),)), {"V9"}, "iop"),
    ("E1", assessment({6: 3}, home_environment_enables_use=True), {"E1", "E3", "E4"}, "residential"),
    ("E2", assessment({6: 3}, stable_housing_and_support=False), {"E2", "E4", "E5"}, "residential"),
    ("E3", assessment(home_environment_enables_use=True), {"E3"}, "iop"),
    ("E4", assessment({6: 2}), {"E4"}, "iop"),
    ("E5", assessment(stable_housing_and_support=False), {"E5"}, "op"),
    ("F1", assessment({3: 2}, hours_available_per_week=8), {"V1", "F1"}, "iop"),
    ("M1", assessment({4: 3}), {"M1"}, "op"),
]  # fmt: skip

# Just below each threshold nothing fires (or only what is listed).
NOT_FIRING = [
    ("dimension 1 rated 2", assessment({1: 2}), set(), "op"),
    ("dimension 2 rated 2", assessment({2: 2}), set(), "op"),
    ("dimension 3 rated 1", assessment({3: 1}), set(), "op"),
    ("dimension 4 rated 2", assessment({4: 2}), set(), "op"),
    ("dimension 5 rated 1", assessment({5: 1}), set(), "op"),
    ("dimension 6 rated 1", assessment({6: 1}), set(), "op"),
    ("dimension 6 rated 3, home safe, housed", assessment({6: 3}), {"E4"}, "iop"),
    ("PHQ-9 19", assessment(instruments=(("phq9", 19, ("positive_screen",)),)), set(), "op"),
    ("GAD-7 14", assessment(instruments=(("gad7", 14, ("positive_screen",)),)), set(), "op"),
    ("PCL-5 32", assessment(instruments=(("pcl5", 32, ()),)), set(), "op"),
    ("DAST-10 5", assessment(instruments=(("dast10", 5, ()),)), set(), "op"),
    ("AUDIT-C 12 sets no floor", assessment(instruments=(("auditc", 12, ("positive_screen",)),)), set(), "op"),
    ("PC-PTSD-5 5 sets no floor", assessment(instruments=(("pcptsd5", 5, ("positive_screen",)),)), set(), "op"),
    ("PHQ-9 27 without item 9", assessment(instruments=(("phq9", 27, ("positive_screen",)),)), {"V6"}, "iop"),
    ("IOP with exactly 9 hours", assessment({3: 2}, hours_available_per_week=9), {"V1"}, "iop"),
    ("OP with no hours", assessment(hours_available_per_week=0), set(), "op"),
    ("24-hour level with no hours", assessment({3: 4}, hours_available_per_week=0), {"S4", "V1", "V2"}, "inpatient"),
]  # fmt: skip


def _fired_and_level(decision_input):
    decision = place(decision_input)
    return {rule.id for rule in decision.fired}, decision.level.code


@pytest.mark.parametrize(("rule_id", "given", "fired", "level"), FIRING)
def test_each_rule_fires_on_its_condition(rule_id, given, fired, level):
    assert _fired_and_level(given) == (fired, level)
    assert rule_id in fired


def test_the_firing_table_covers_every_rule():
    assert {row[0] for row in FIRING} == {rule.id for rule in RULES}


@pytest.mark.parametrize(("label", "given", "fired", "level"), NOT_FIRING)
def test_below_each_threshold_the_rule_does_not_fire(label, given, fired, level):
    assert _fired_and_level(given) == (fired, level), label


def test_the_baseline_fires_nothing_and_is_op():
    decision = place(assessment())

    assert decision.fired == ()
    assert decision.level.code == "op"


# Every safety escalation against a background that alone would be OP or IOP: the safety
# floor wins, and the 40 hours available or a shortfall never pull it down.
SAFETY_ESCALATIONS = [
    ("S1", {"safety_screen": ACUTE}, {}, "inpatient"),
    ("S2", {"safety_screen": NON_ACUTE}, {}, "iop"),
    ("S3", {"instruments": (("phq9", 3, ("suicidal_ideation",)),)}, {}, "iop"),
    ("S4", {}, {3: 4}, "inpatient"),
    ("S5", {}, {2: 4}, "inpatient"),
    ("S6", {}, {1: 3}, "withdrawal_management"),
    ("S6", {}, {1: 4}, "withdrawal_management"),
    ("S7", {"needs_medical_withdrawal_management": True}, {}, "withdrawal_management"),
]


@pytest.mark.parametrize(("rule_id", "fields", "ratings", "level"), SAFETY_ESCALATIONS)
@pytest.mark.parametrize("hours", [0, 2, 40, 168])
@pytest.mark.parametrize("background", [{}, {4: 3, 6: 2}])
def test_every_safety_escalation_sets_its_floor_whatever_else_holds(
    rule_id, fields, ratings, level, hours, background
):
    decision = place(assessment(background | ratings, hours_available_per_week=hours, **fields))

    assert decision.level.code == level
    assert rule_id in decision.deciding
    assert rule_by_id(rule_id).kind is Kind.SAFETY


def test_safety_rules_cover_the_brief():
    floors = {rule.id: (rule.when, rule.floor) for rule in RULES if rule.kind is Kind.SAFETY}
    assert floors == {
        "S1": (ScreenIs(ACUTE), "inpatient"),
        "S2": (ScreenIs(NON_ACUTE), "iop"),
        "S3": (FlagPresent("phq9", "suicidal_ideation"), "iop"),
        "S4": (DimensionAtLeast(3, 4), "inpatient"),
        "S5": (DimensionAtLeast(2, 4), "inpatient"),
        "S6": (DimensionAtLeast(1, 3), "withdrawal_management"),
        "S7": (Fact("needs_medical_withdrawal_management"), "withdrawal_management"),
    }


@pytest.mark.parametrize("rule_id", ["S1", "S2", "S3"])
def test_suicide_risk_rules_carry_a_same_day_or_stat_action(rule_id):
    note = rule_by_id(rule_id).note

    assert note is not None
    assert "STAT" in note or "Same-day" in note


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_cites_a_source_and_gives_a_reason(rule):
    assert rule.reason.strip()
    assert "clinical.md" in rule.source or "https://" in rule.source
    assert rule.floor is None or level_by_code(rule.floor)


def test_engagement_and_feasibility_rules_never_set_a_floor():
    assert [r.id for r in RULES if r.kind in {Kind.ENGAGEMENT, Kind.FEASIBILITY} and r.floor] == []


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        (
            DimensionAtLeast(3, 3),
            "dimension 3 (emotional, behavioral or cognitive conditions and complications) "
            "is rated 3 or more",
        ),
        (DimensionAtLeast(2, 4), "dimension 2 (biomedical conditions and complications) is rated 4"),
        (ScreenIs(ACUTE), "the suicide-risk screen (ASQ) is acute positive"),
        (InstrumentAtLeast("phq9", 20), "the PHQ-9 total is 20 or more"),
        (Fact("home_environment_enables_use"), "the home environment enables use"),
        (
            Fact("stable_housing_and_support", value=False),
            "the patient lacks stable housing and support",
        ),
        (
            AllOf((DimensionAtLeast(6, 3), AnyOf((Fact("home_environment_enables_use"), ScreenIs(NON_ACUTE))))),
            "dimension 6 (recovery/living environment) is rated 3 or more and (the home "
            "environment enables use or the suicide-risk screen (ASQ) is non-acute positive)",
        ),
    ],
)  # fmt: skip
def test_conditions_read_as_plain_english(condition, words):
    assert describe(condition) == words


@pytest.mark.parametrize(
    "make",
    [
        lambda: DimensionAtLeast(7, 2),
        lambda: DimensionAtLeast(3, 0),
        lambda: DimensionAtLeast(3, 5),
        lambda: InstrumentAtLeast("bdi", 10),
        lambda: InstrumentAtLeast("phq9", 28),
        lambda: FlagPresent("phq9", "item9_positive"),
        lambda: Fact("owns_a_car"),
    ],
)
def test_a_condition_naming_something_unknown_fails_at_construction(make):
    with pytest.raises(ValueError, match="no such"):
        make()


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ((*RULES, RULES[0]), "repeated rule ids"),
        ((Rule("X1", Kind.SEVERITY, DimensionAtLeast(3, 2), "hospital", "r", "s"),), "unknown floor"),
        ((Rule("X1", Kind.SEVERITY, DimensionAtLeast(3, 2), None, "r", "s"),), "no floor, note"),
        ((Rule("X1", Kind.ENGAGEMENT, DimensionAtLeast(4, 3), "iop", "r", "s"),), "set no floor"),
        ((Rule("X1", Kind.SEVERITY, DimensionAtLeast(3, 2), None, "r", "s", barrier=True),), "only feasibility"),
    ],
)  # fmt: skip
def test_the_rule_table_check_refuses_a_table_the_engine_would_misread(bad, fragment):
    with pytest.raises(ValueError, match=fragment):
        _check(bad)


# If this fails you changed the rules: every decision records RULES_VERSION, so bump it
# (and say what changed in docs/placement.md), then pin the new digest here.
PINNED = ("1", "2d5465b60e4a74a50facbed4724388b781761d35cf3fce8f637cf5d76a9e4ae2")


def test_the_rules_version_changes_with_the_rules():
    digest = hashlib.sha256(repr(RULES).encode("utf-8")).hexdigest()

    assert (RULES_VERSION, digest) == PINNED
