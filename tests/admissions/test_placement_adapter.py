"""The adapter between the intake assessment and the placement engine: what it passes the
engine (instrument totals and flags, the facts, the population), and what it refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engines.placement as engine
from openiop.admissions.errors import AssessmentIncomplete
from openiop.admissions.models import DIMENSIONS, IntakeAssessment, PlacementLevel
from openiop.admissions.placement import (
    PlacementInputRejected,
    _field_of,
    engine_assessment,
    intake_responses,
    missing_fields,
    population_on,
    recommend,
)
from openiop.admissions.services import intake as intake_services
from tests.admissions.intake_scenarios import (
    ASQ_NEGATIVE,
    ASQ_NON_ACUTE,
    PHQ9_ITEM9,
    PHQ9_MODERATE,
    assessment_input,
    frozen,
    intake_setup,
    record_intake,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with frozen():
        yield


def _draft(intake, **overrides):
    return intake_services.assessment_save(
        actor=SYSTEM,
        user=intake.therapist,
        referral=intake.referral,
        data=assessment_input(**overrides),
    )


# (questionnaires recorded at intake, assessment overrides, a rule id the engine must fire)
REACHES_ENGINE = [
    pytest.param([("phq9", PHQ9_ITEM9)], {}, "S3", id="phq9-item9-suicidal-ideation"),
    pytest.param([("phq9", [3] * 7 + [0, 0])], {}, "V6", id="phq9-total-severe"),
    pytest.param([("gad7", [3] * 5 + [0, 0])], {}, "V7", id="gad7-total-severe"),
    pytest.param(
        [("asq", ASQ_NON_ACUTE)],
        {"safety_screen": "non_acute_positive"},
        "S2",
        id="asq-non-acute-positive",
    ),
    pytest.param([], {"needs_medical_withdrawal_management": True}, "S7", id="fact-withdrawal"),
    pytest.param([], {"home_environment_enables_use": True}, "E3", id="fact-home-enables-use"),
    pytest.param([], {"stable_housing_and_support": False}, "E5", id="fact-unstable-housing"),
    pytest.param([], {"hours_available_per_week": Decimal("4")}, "F1", id="hours-short"),
]


@pytest.mark.parametrize(("questionnaires", "overrides", "rule"), REACHES_ENGINE)
def test_what_intake_found_reaches_the_engine(questionnaires, overrides, rule):
    intake = intake_setup()
    for instrument, answers in questionnaires:
        record_intake(intake.referral, instrument, answers)
    decision = recommend(_draft(intake, **overrides))
    assert rule in {fired.id for fired in decision.fired}


def test_without_findings_those_rules_stay_silent():
    intake = intake_setup()
    record_intake(intake.referral, "phq9", PHQ9_MODERATE)
    record_intake(intake.referral, "asq", ASQ_NEGATIVE)
    decision = recommend(_draft(intake))
    assert {f.id for f in decision.fired} == {"V1"}
    assert decision.level.code == "iop"


def test_the_engine_gets_every_instrument_with_its_flag_codes():
    intake = intake_setup()
    record_intake(intake.referral, "phq9", PHQ9_ITEM9)
    record_intake(intake.referral, "gad7", [1] * 7)
    built = engine_assessment(_draft(intake), intake_responses(intake.referral.episode))
    assert {(i.instrument, i.total, i.flags) for i in built.instruments} == {
        ("phq9", 9, ("suicidal_ideation",)),
        ("gad7", 7, ()),
    }


def test_without_intake_questionnaires_the_engine_gets_none():
    intake = intake_setup(schedule=())
    built = engine_assessment(_draft(intake), intake_responses(intake.referral.episode))
    assert built.instruments == ()


@pytest.mark.parametrize("number", DIMENSIONS)
def test_a_missing_dimension_is_an_error_never_a_zero(number):
    intake = intake_setup()
    ratings: list[int | None] = [1, 1, 2, 1, 1, 1]
    ratings[number - 1] = None
    draft = _draft(intake, dimensions=assessment_input(ratings).dimensions)
    with pytest.raises(AssessmentIncomplete) as caught:
        recommend(draft)
    assert caught.value.missing == [f"dimension_{number}_rating"]
    assert caught.value.code == "assessment_incomplete"


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"safety_screen": ""}, ["safety_screen"]),
        ({"hours_available_per_week": None}, ["hours_available_per_week"]),
        (
            {"safety_screen": "", "hours_available_per_week": None},
            ["hours_available_per_week", "safety_screen"],
        ),
    ],
)
def test_a_missing_screen_or_hours_is_an_error(overrides, missing):
    intake = intake_setup()
    with pytest.raises(AssessmentIncomplete) as caught:
        recommend(_draft(intake, **overrides))
    assert caught.value.missing == missing


def test_a_positive_asq_contradicting_the_safety_screen_is_refused_on_that_field():
    intake = intake_setup()
    record_intake(intake.referral, "asq", ASQ_NON_ACUTE)
    with pytest.raises(PlacementInputRejected) as caught:
        recommend(_draft(intake, safety_screen="negative"))
    assert caught.value.engine_code == "safety_screen_mismatch"
    assert caught.value.field == "safety_screen"
    assert caught.value.path == "$.safety_screen"
    assert "ASQ" in caught.value.message


@pytest.mark.parametrize(
    ("born", "population"),
    [
        (dt.date(2008, 3, 2), "adult"),  # 18 today
        (dt.date(2008, 3, 3), "adolescent"),  # 18 tomorrow
        (dt.date(2012, 1, 1), "adolescent"),
        (dt.date(1950, 1, 1), "adult"),
    ],
)
def test_population_comes_from_the_birth_date_on_the_assessment_date(born, population):
    intake = intake_setup(date_of_birth=born)
    decision = recommend(_draft(intake))
    assert decision.population.value == population


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 3, 2)),
    on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
)
def test_population_is_adolescent_exactly_under_18(born, on):
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    expected = engine.Population.ADOLESCENT if age < 18 else engine.Population.ADULT
    assert population_on(born, on) is expected


@given(
    ratings=st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=6, max_size=6),
    screen=st.sampled_from(["", "negative", "acute_positive"]),
    hours=st.one_of(st.none(), st.decimals(0, 168, places=1)),
)
def test_missing_fields_names_exactly_what_is_empty(ratings, screen, hours):
    assessment = IntakeAssessment(safety_screen=screen, hours_available_per_week=hours)
    for n, rating in zip(DIMENSIONS, ratings, strict=True):
        setattr(assessment, f"dimension_{n}_rating", rating)
    missing = set(missing_fields(assessment))
    expected = {
        f"dimension_{n}_rating" for n, r in zip(DIMENSIONS, ratings, strict=True) if r is None
    }
    expected |= {"safety_screen"} if not screen else set()
    expected |= {"hours_available_per_week"} if hours is None else set()
    assert missing == expected


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("$.dimensions.3.rating", "dimension_3_rating"),
        ("$.dimensions.6", "dimension_6_rating"),
        ("$.safety_screen", "safety_screen"),
        ("$.hours_available_per_week", "hours_available_per_week"),
        ("$.instruments[0].flags", None),
        ("$", None),
    ],
)
def test_engine_paths_map_to_form_fields(path, field):
    assert _field_of(path) == field


def test_the_app_levels_are_the_engine_levels():
    assert [level.code for level in engine.LEVELS] == list(PlacementLevel.values)
