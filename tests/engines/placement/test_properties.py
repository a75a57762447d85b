"""Properties over generated assessments: a fired safety rule's floor is never undercut,
more risk never lowers the level, hours never change it, and the explanation agrees with
the decision."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from engines.instruments import INSTRUMENTS
from engines.placement import (
    LEVELS,
    Assessment,
    Dimension,
    InstrumentResult,
    Kind,
    Population,
    SafetyScreen,
    assessment_from_json,
    assessment_to_json,
    decision_to_json,
    decision_to_text,
    level_by_code,
    place,
)
from engines.placement.instrument_flags import INSTRUMENT_FLAGS
from engines.placement.rules import rule_by_id
from tests.engines.placement.cases import with_rating

fixed = settings(derandomize=True, database=None, deadline=None, max_examples=200)

SCREENS = list(SafetyScreen)  # negative < non-acute < acute
_ASQ_FLAGS = {
    SafetyScreen.NEGATIVE: (0, ()),
    SafetyScreen.NON_ACUTE_POSITIVE: (1, ("asq_positive",)),
    SafetyScreen.ACUTE_POSITIVE: (2, ("asq_positive", "asq_acute")),
}
_SCORED = sorted(code for code in INSTRUMENTS if code != "asq")


@st.composite
def _result(draw: st.DrawFn, code: str) -> InstrumentResult:
    known = INSTRUMENTS[code]
    total = draw(st.integers(known.min_total, known.max_total))
    flags = draw(st.lists(st.sampled_from(sorted(INSTRUMENT_FLAGS[code]) or [""]), unique=True))
    return InstrumentResult(code, total, tuple(flag for flag in flags if flag))


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    screen = draw(st.sampled_from(SCREENS))
    codes = draw(st.lists(st.sampled_from(_SCORED), unique=True))
    instruments = [draw(_result(code)) for code in codes]
    if draw(st.booleans()):  # an ASQ that agrees with the screen
        total, flags = _ASQ_FLAGS[screen]
        instruments.append(InstrumentResult("asq", total, flags))
    return Assessment(
        population=draw(st.sampled_from(list(Population))),
        dimensions=tuple(
            Dimension(n, draw(st.integers(0, 4)), draw(st.text(max_size=5))) for n in range(1, 7)
        ),
        instruments=tuple(draw(st.permutations(instruments))),
        safety_screen=screen,
        needs_medical_withdrawal_management=draw(st.booleans()),
        home_environment_enables_use=draw(st.booleans()),
        stable_housing_and_support=draw(st.booleans()),
        hours_available_per_week=draw(
            st.one_of(st.integers(0, 168), st.floats(0, 168, allow_nan=False))
        ),
    )


def _rank(assessment: Assessment) -> int:
    return place(assessment).level.rank


@fixed
@given(assessments())
def test_never_below_a_fired_safety_rule_or_any_other_floor(assessment):
    decision = place(assessment)

    for fired in decision.fired:
        if fired.floor is not None:
            assert level_by_code(fired.floor).rank <= decision.level.rank
    safety = [f for f in decision.fired if f.kind == Kind.SAFETY]
    assert all(level_by_code(f.floor or "op").rank <= decision.level.rank for f in safety)


@fixed
@given(assessments())
def test_the_level_is_the_highest_fired_floor_and_deciding_names_it(assessment):
    decision = place(assessment)
    floors = [level_by_code(f.floor) for f in decision.fired if f.floor is not None]

    assert decision.level == max(floors, key=lambda level: level.rank, default=LEVELS[0])
    assert set(decision.deciding) == {
        f.id for f in decision.fired if f.floor == decision.level.code
    }
    assert bool(decision.deciding) == (decision.level.code != "op")


@fixed
@given(assessments(), st.integers(1, 6))
def test_raising_a_rating_never_lowers_the_level(assessment, number):
    rating = assessment.rating(number)
    for higher in range(rating + 1, 5):
        assert _rank(with_rating(assessment, number, higher)) >= _rank(assessment)


@fixed
@given(assessments())
def test_turning_a_risk_fact_on_never_lowers_the_level(assessment):
    riskier = [
        replace(assessment, needs_medical_withdrawal_management=True),
        replace(assessment, home_environment_enables_use=True),
        replace(assessment, stable_housing_and_support=False),
    ]
    assert all(_rank(more) >= _rank(assessment) for more in riskier)


@fixed
@given(assessments(), st.data())
def test_a_higher_total_or_an_extra_flag_never_lowers_the_level(assessment, data):
    scored = [r for r in assessment.instruments if r.instrument != "asq"]
    for index, result in enumerate(assessment.instruments):
        if result not in scored:
            continue
        top = INSTRUMENTS[result.instrument].max_total
        more = replace(result, total=data.draw(st.integers(result.total, top)))
        extra = sorted(set(INSTRUMENT_FLAGS[result.instrument]) - set(result.flags))
        flagged = replace(result, flags=(*result.flags, *extra))
        for changed in (more, flagged):
            instruments = list(assessment.instruments)
            instruments[index] = changed
            riskier = replace(assessment, instruments=tuple(instruments))
            assert _rank(riskier) >= _rank(assessment)


@fixed
@given(assessments())
def test_a_more_acute_safety_screen_never_lowers_the_level(assessment):
    without_asq = replace(
        assessment, instruments=tuple(r for r in assessment.instruments if r.instrument != "asq")
    )
    ranks = [_rank(replace(without_asq, safety_screen=screen)) for screen in SCREENS]

    assert ranks == sorted(ranks)
    assert ranks[-1] == level_by_code("inpatient").rank


@fixed
@given(assessments(), st.floats(0, 168, allow_nan=False))
def test_the_hours_available_never_change_the_level(assessment, hours):
    before, after = place(assessment), place(replace(assessment, hours_available_per_week=hours))

    assert after.level == before.level
    assert [f.id for f in after.fired if f.id != "F1"] == [
        f.id for f in before.fired if f.id != "F1"
    ]


@fixed
@given(assessments())
def test_a_barrier_appears_exactly_when_the_hours_fall_short(assessment):
    decision = place(assessment)
    band = decision.level.hours(assessment.population)
    minimum = band.at_least if band is not None else None
    short = minimum is not None and assessment.hours_available_per_week < minimum

    assert [b.rule for b in decision.barriers] == (["F1"] if short else [])
    assert all(b.hours_short > 0 for b in decision.barriers)


@fixed
@given(assessments())
def test_exclusions_cover_each_lower_level_with_rules_above_it(assessment):
    decision = place(assessment)

    assert [e.level for e in decision.exclusions] == [
        level.code for level in LEVELS if level.rank < decision.level.rank
    ]
    for exclusion in decision.exclusions:
        assert exclusion.rules
        for rule_id in exclusion.rules:
            floor = rule_by_id(rule_id).floor
            assert floor is not None
            assert level_by_code(floor).rank > level_by_code(exclusion.level).rank


@fixed
@given(assessments())
def test_would_change_agrees_with_the_decision(assessment):
    decision = place(assessment)
    lower, fired = decision.would_change.lower_if, {f.id for f in decision.fired}

    if decision.level.code == "op":
        assert lower is None
    else:
        assert lower is not None
        assert lower.without == decision.deciding
        assert level_by_code(lower.level).rank < decision.level.rank
        deciding_kinds = {rule_by_id(i).kind for i in decision.deciding}
        assert lower.safety == (Kind.SAFETY in deciding_kinds)
    for raised in decision.would_change.raise_if:
        assert raised.rule not in fired
        assert level_by_code(raised.level).rank > decision.level.rank


@fixed
@given(assessments())
def test_assessments_round_trip_and_decisions_print_as_their_json(assessment):
    assert assessment_from_json(json.dumps(assessment_to_json(assessment))) == assessment
    decision = place(assessment)
    assert json.loads(decision_to_text(decision)) == decision_to_json(decision)
    assert place(assessment) == decision
