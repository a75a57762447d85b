"""Table tests of the functional-relapse signal: each component at, below and above its
threshold, and the combination rule (one weight-2 component or two weight-1 components)."""

import pytest

from engines.relapse import (
    AttendanceHistory,
    ComponentCode,
    RelapseInputs,
    Rules,
    Series,
    attendance_drop,
    functional_relapse,
)

C = ComponentCode
# PHQ-9's computed minimum reliable change is 5.06 points (clinical.md §2.3).
WORSE_PHQ9 = Series("phq9", "PHQ-9", ((0, 8), (7, 10), (14, 14)))
STEADY_PHQ9 = Series("phq9", "PHQ-9", ((0, 12), (7, 13), (14, 15)))
# Two weeks of baseline at 540 minutes a week, then 300 a week: a 44.4 % drop.
FALLING = AttendanceHistory(recent_minutes=600, baseline_minutes=1080, baseline_days=14)
STEADY = AttendanceHistory(recent_minutes=1080, baseline_minutes=1080, baseline_days=14)


def _fired(inputs: RelapseInputs) -> set[ComponentCode]:
    return {c.code for c in functional_relapse(inputs).fired_components}


def test_a_quiet_patient_fires_nothing():
    signal = functional_relapse(RelapseInputs(series=(STEADY_PHQ9,), attendance=STEADY))

    assert signal.score == 0
    assert not signal.fired
    assert [c.code for c in signal.components] == list(ComponentCode)
    assert all(not c.fired for c in signal.components)


@pytest.mark.parametrize(
    ("inputs", "component"),
    [
        (RelapseInputs(open_safety_alerts=1), C.OPEN_SAFETY_ALERT),
        (RelapseInputs(series=(WORSE_PHQ9,)), C.RELIABLE_DETERIORATION),
    ],
)
def test_a_safety_alert_or_reliable_deterioration_fires_the_signal_alone(inputs, component):
    signal = functional_relapse(inputs)

    assert _fired(inputs) == {component}
    assert signal.score == 2
    assert signal.fired


@pytest.mark.parametrize(
    "inputs",
    [
        RelapseInputs(attendance=FALLING),
        RelapseInputs(missed_individual_sessions=1),
        RelapseInputs(positive_screens=1),
        RelapseInputs(missed_questionnaires=2),
    ],
)
def test_one_weight_one_component_alone_does_not_fire(inputs):
    signal = functional_relapse(inputs)

    assert len(signal.fired_components) == 1
    assert signal.score == 1
    assert not signal.fired


def test_two_weight_one_components_together_fire():
    inputs = RelapseInputs(positive_screens=1, missed_individual_sessions=2)

    signal = functional_relapse(inputs)

    assert _fired(inputs) == {C.POSITIVE_SCREENS, C.MISSED_INDIVIDUAL_SESSIONS}
    assert signal.fired


@pytest.mark.parametrize(
    ("field", "below", "at"),
    [
        ("missed_individual_sessions", 0, 1),
        ("positive_screens", 0, 1),
        ("missed_questionnaires", 1, 2),
        ("open_safety_alerts", 0, 1),
    ],
)
def test_counted_components_fire_at_their_threshold(field, below, at):
    code = {
        "missed_individual_sessions": C.MISSED_INDIVIDUAL_SESSIONS,
        "positive_screens": C.POSITIVE_SCREENS,
        "missed_questionnaires": C.MISSED_QUESTIONNAIRES,
        "open_safety_alerts": C.OPEN_SAFETY_ALERT,
    }[field]

    quiet = functional_relapse(RelapseInputs(**{field: below})).component(code)
    loud = functional_relapse(RelapseInputs(**{field: at})).component(code)

    assert (quiet.fired, loud.fired) == (False, True)
    assert (quiet.value, loud.value, loud.threshold) == (below, at, at)
    assert f"fires at {at}" in loud.explanation


@pytest.mark.parametrize(
    ("history", "drop"),
    [
        (FALLING, 44.4),
        (STEADY, 0.0),
        # 540 a week over 21 days of baseline, 378 a week recently: exactly 30 %.
        (AttendanceHistory(756, 1620, 21), 30.0),
        (AttendanceHistory(1200, 1080, 14), -11.1),  # attendance rose
        (AttendanceHistory(0, 1080, 14), 100.0),
    ],
)
def test_attendance_drop_is_weekly_minutes_against_own_baseline(history, drop):
    assert attendance_drop(history) == drop


@pytest.mark.parametrize(
    ("history", "fired"),
    [
        (FALLING, True),
        (AttendanceHistory(756, 1620, 21), True),  # 30 % is the threshold: fires
        (AttendanceHistory(757, 1620, 21), False),  # 29.9 %
        (STEADY, False),
    ],
)
def test_attendance_component_fires_at_a_thirty_percent_drop(history, fired):
    component = functional_relapse(RelapseInputs(attendance=history)).component(C.ATTENDANCE_DROP)

    assert component.fired is fired
    assert component.threshold == 30
    assert component.unit == "%"


@pytest.mark.parametrize(
    "history",
    [
        AttendanceHistory(0, 900, 13),  # less than two weeks of baseline
        AttendanceHistory(0, 0, 28),  # a baseline without any attendance recorded
        AttendanceHistory(),  # admitted within the recent window
    ],
)
def test_attendance_without_a_two_week_baseline_is_not_judged(history):
    component = functional_relapse(RelapseInputs(attendance=history)).component(C.ATTENDANCE_DROP)

    assert component.value is None
    assert not component.fired
    assert component.explanation.startswith("Not judged")


def test_deterioration_names_the_instrument_and_the_scores():
    component = functional_relapse(RelapseInputs(series=(WORSE_PHQ9,))).component(
        C.RELIABLE_DETERIORATION
    )

    assert component.value == 1
    assert component.explanation.startswith("PHQ-9: Reliably worse than baseline (8 → 14")


def test_deterioration_uses_the_latest_score_against_the_first():
    recovered = Series("phq9", "PHQ-9", ((0, 8), (7, 16), (14, 10)))

    component = functional_relapse(RelapseInputs(series=(recovered,))).component(
        C.RELIABLE_DETERIORATION
    )

    assert not component.fired
    assert component.value == 0


def test_instruments_without_norms_or_with_one_score_are_not_judged():
    series = (
        Series("auditc", "AUDIT-C", ((0, 2), (7, 12))),
        Series("phq9", "PHQ-9", ((0, 5),)),
    )

    component = functional_relapse(RelapseInputs(series=series)).component(C.RELIABLE_DETERIORATION)

    assert component.value is None
    assert not component.fired


def test_a_program_can_use_its_own_reliable_change_threshold():
    rules = Rules(reliable_change=7)  # stricter than the computed 5.06 points

    signal = functional_relapse(RelapseInputs(series=(WORSE_PHQ9,)), rules)

    assert not signal.component(C.RELIABLE_DETERIORATION).fired


@pytest.mark.parametrize(
    "inputs",
    [
        RelapseInputs(positive_screens=-1),
        RelapseInputs(attendance=AttendanceHistory(recent_minutes=-5)),
    ],
)
def test_negative_counts_are_refused(inputs):
    with pytest.raises(ValueError, match="negative"):
        functional_relapse(inputs)


def test_unsorted_series_are_refused():
    series = Series("phq9", "PHQ-9", ((7, 10), (0, 12)))

    with pytest.raises(ValueError, match="sorted"):
        functional_relapse(RelapseInputs(series=(series,)))
