"""Property tests of the functional-relapse signal: whatever the inputs, worsening one of
them never lowers the score, the score is the weights of the fired components, and the
signal fires exactly at ``fire_at``."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from engines.relapse import (
    AttendanceHistory,
    RelapseInputs,
    Series,
    functional_relapse,
    plateaus,
    weight,
)

no_deadline = settings(deadline=None)

_RANGES = {"phq9": 27, "gad7": 21, "pcl5": 80, "auditc": 12}
_counts = st.integers(0, 6)


@st.composite
def series(draw):
    instrument = draw(st.sampled_from(sorted(_RANGES)))
    scores = draw(st.lists(st.integers(0, _RANGES[instrument]), min_size=0, max_size=8))
    gaps = draw(st.lists(st.integers(1, 14), min_size=len(scores), max_size=len(scores)))
    days, day = [], 0
    for gap in gaps:
        days.append(day)
        day += gap
    return Series(instrument, instrument.upper(), tuple(zip(days, map(float, scores), strict=True)))


@st.composite
def histories(draw):
    return AttendanceHistory(
        recent_minutes=draw(st.integers(0, 2000)),
        baseline_minutes=draw(st.integers(0, 4000)),
        baseline_days=draw(st.integers(0, 28)),
    )


@st.composite
def inputs(draw):
    chosen = draw(st.lists(series(), max_size=3, unique_by=lambda s: s.instrument))
    return RelapseInputs(
        series=tuple(chosen),
        attendance=draw(histories()),
        missed_questionnaires=draw(_counts),
        missed_individual_sessions=draw(_counts),
        positive_screens=draw(_counts),
        open_safety_alerts=draw(_counts),
    )


def _worse_latest(s: Series, by: int) -> Series:
    if not s.points:
        return s
    *head, (day, total) = s.points
    ceiling = _RANGES[s.instrument]
    return replace(s, points=(*head, (day, float(min(ceiling, total + by)))))


@st.composite
def worsened(draw):
    """An input and the same input with one thing made worse."""
    base = draw(inputs())
    kind = draw(st.sampled_from(["count", "attendance", "score"]))
    if kind == "count":
        field = draw(
            st.sampled_from(
                [
                    "missed_questionnaires",
                    "missed_individual_sessions",
                    "positive_screens",
                    "open_safety_alerts",
                ]
            )
        )
        worse = replace(base, **{field: getattr(base, field) + draw(st.integers(1, 3))})
    elif kind == "attendance":
        history = base.attendance
        less = draw(st.integers(0, history.recent_minutes))
        worse = replace(
            base, attendance=replace(history, recent_minutes=history.recent_minutes - less)
        )
    else:
        by = draw(st.integers(1, 10))
        worse = replace(base, series=tuple(_worse_latest(s, by) for s in base.series))
    return base, worse


@no_deadline
@given(worsened())
def test_worsening_one_input_never_lowers_the_signal(pair):
    base, worse = pair

    before, after = functional_relapse(base), functional_relapse(worse)

    assert after.score >= before.score
    assert after.fired or not before.fired
    fired_before = {c.code for c in before.fired_components}
    assert fired_before <= {c.code for c in after.fired_components}


@no_deadline
@given(inputs())
def test_the_score_is_the_weight_of_the_fired_components(given_inputs):
    signal = functional_relapse(given_inputs)

    assert signal.score == sum(weight(c.code) for c in signal.fired_components)
    assert signal.fired == (signal.score >= signal.fire_at)
    assert all(c.value is not None for c in signal.fired_components)


@no_deadline
@given(inputs())
def test_a_safety_alert_always_fires_the_signal(given_inputs):
    with_alert = replace(given_inputs, open_safety_alerts=max(1, given_inputs.open_safety_alerts))

    assert functional_relapse(with_alert).fired


@no_deadline
@given(st.lists(series(), max_size=3, unique_by=lambda s: s.instrument), st.integers(0, 120))
def test_plateaus_are_never_found_before_week_seven(chosen, days):
    found = plateaus(tuple(chosen), days_in_treatment=days)

    assert days >= 42 or found == ()
    assert {p.instrument for p in found} <= {"phq9", "gad7", "pcl5"}
